/**
 * The parts of a Parquet file read in the main process: the magic bytes, the footer
 * (hyparquet's metadata parser, whose work is bounded by the footer's length) and a check of
 * every row group against the file before any page is decoded. Page decoding happens in a
 * worker (parquet-worker.ts), because hyparquet can loop without bound on a damaged page.
 */
import { parquetMetadataAsync, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { LatheError } from '../../contract/errors';
import { datasetFileError, throwIfCancelled, type OpenedDatasetFile } from './dataset-file';
import { formatBytes } from './row-text';

const MAGIC = 'PAR1';
/** A column chunk decompressing to more than this is refused: its rows could not be held in memory anyway. */
const MAX_CHUNK_UNCOMPRESSED = 1024 * 1024 * 1024;

export interface ParquetRowGroup {
  /** 0-based first row, and one past the last. */
  start: number;
  end: number;
  /** The group's column chunks decompressed, in bytes: what decoding it will hold at least. */
  uncompressed: number;
}

export interface ParquetLayout {
  columns: string[];
  groups: ParquetRowGroup[];
}

/** Reads and checks the footer; a damaged one is an `invalid_file` naming what is wrong. */
export async function readParquetLayout(file: OpenedDatasetFile, path: string, signal: AbortSignal | undefined): Promise<ParquetLayout> {
  const buffer = footerBuffer(file, path, signal);
  const text = (bytes: ArrayBuffer) => Buffer.from(bytes).toString('latin1');
  if (file.size < 12) throw invalidParquet(`it is only ${file.size} bytes long`, path);
  if (text(await buffer.slice(0, 4)) !== MAGIC) throw invalidParquet('it does not start with `PAR1`', path);
  if (text(await buffer.slice(file.size - 4)) !== MAGIC) throw invalidParquet('it does not end with `PAR1` (is it cut short?)', path);
  const metadata = await parquetCall(path, () => parquetMetadataAsync(buffer));
  const columns = await parquetCall(path, async () => parquetSchema(metadata).children.map((child) => child.element.name));
  return { columns, groups: rowGroupsOf(metadata, file.size, path) };
}

function footerBuffer(file: OpenedDatasetFile, path: string, signal: AbortSignal | undefined): AsyncBuffer {
  return {
    byteLength: file.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      throwIfCancelled(signal);
      const to = Math.min(end ?? file.size, file.size);
      if (!(start >= 0 && start <= to)) throw invalidParquet(`a read from byte ${start} to ${to} falls outside the file`, path);
      const bytes = new Uint8Array(to - start);
      try {
        for (let filled = 0; filled < bytes.length; ) {
          const { bytesRead } = await file.handle.read(bytes, filled, bytes.length - filled, start + filled);
          if (bytesRead === 0) throw invalidParquet('the file got shorter while it was read', path);
          filled += bytesRead;
        }
      } catch (error) {
        throw error instanceof LatheError ? error : datasetFileError(error, path);
      }
      return bytes.buffer;
    },
  };
}

/** Row ranges per group, after checking every column chunk lies inside the file at a size that can be held. */
function rowGroupsOf(metadata: FileMetaData, fileSize: number, path: string): ParquetRowGroup[] {
  const groups: ParquetRowGroup[] = [];
  let start = 0;
  metadata.row_groups.forEach((group, g) => {
    const rows = Number(group.num_rows);
    if (!Number.isSafeInteger(rows) || rows < 0) throw invalidParquet(`row group ${g + 1} claims ${group.num_rows} rows`, path);
    let uncompressed = 0;
    for (const column of group.columns) {
      const meta = column.meta_data;
      if (meta === undefined) continue;
      const name = meta.path_in_schema.join('.');
      const offset = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const compressed = Number(meta.total_compressed_size);
      const size = Number(meta.total_uncompressed_size);
      if (!(offset >= 0 && compressed >= 0 && offset + compressed <= fileSize)) {
        throw invalidParquet(`column \`${name}\` of row group ${g + 1} points outside the file`, path);
      }
      if (!(size >= 0) || size > MAX_CHUNK_UNCOMPRESSED) {
        throw new LatheError(
          'unsupported',
          `Column \`${name}\` of row group ${g + 1} holds ${formatBytes(size)} uncompressed, more than Lathe reads at once ` +
            `(${formatBytes(MAX_CHUNK_UNCOMPRESSED)}); write the file with smaller row groups.`,
          path,
        );
      }
      uncompressed += size;
    }
    groups.push({ start, end: start + rows, uncompressed });
    start += rows;
  });
  return groups;
}

/** Runs a hyparquet call, turning its plain errors into `LatheError`s. */
export async function parquetCall<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LatheError) throw error;
    throw parquetError(error instanceof Error ? error.message : String(error), path);
  }
}

/** hyparquet's message as a `LatheError`: `unsupported` for what it says it does not support, else `invalid_file`. */
export function parquetError(message: string, path: string): LatheError {
  if (/unsupported|no compressor/i.test(message)) {
    return new LatheError('unsupported', `This Parquet file uses something Lathe cannot read yet: ${message}`, path);
  }
  return invalidParquet(message, path);
}

export function invalidParquet(problem: string, path: string): LatheError {
  return new LatheError('invalid_file', `Not a readable Parquet file: ${problem}.`, path);
}
