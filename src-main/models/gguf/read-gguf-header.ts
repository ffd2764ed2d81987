/**
 * Reads a GGUF file's header (metadata and tensor infos), never its tensor data, with every
 * length, count and offset checked against the file: a damaged or hostile file gives a
 * `LatheError` naming the byte where it went wrong, never a hang, a huge allocation or a
 * crash. Layout per the GGUF spec (ggml `docs/gguf.md`); why we read it ourselves rather
 * than through node-llama-cpp is in docs/gguf-reader.md.
 */
import { LatheError } from '../../contract/errors';
import { formatByteSize, unsupportedGguf } from './gguf-errors';
import { emptyReadStats, type GgufHeader, type GgufReadStats } from './gguf-types';
import { HeaderWindow } from './header-window';
import { fileSystemError, openGgufFile } from './open-gguf-file';
import { readMetadata, type MetadataSection } from './read-metadata';
import { checkTensorPlacement, readTensorInfos } from './read-tensor-infos';

export interface ReadGgufHeaderOptions {
  /** The header may not be larger than this (default 64 MiB; the largest vocabularies need under 10). */
  maxHeaderBytes?: number;
  /** String arrays longer than this come back as `GgufLazyStringArray` (default: all are decoded). */
  decodeStringArraysUpTo?: number;
  /** Bytes read per window (default 1 MiB); small values are for tests. */
  windowBytes?: number;
  /** Filled in with what the read cost, also when it fails. */
  stats?: GgufReadStats;
}

const DEFAULT_MAX_HEADER_BYTES = 64 * 1024 * 1024;
const DEFAULT_WINDOW_BYTES = 1024 * 1024;
/** The spec: "If the alignment is not specified, assume it is 32." */
const DEFAULT_ALIGNMENT = 32;
/** Magic, version, tensor count and metadata count. */
const PREAMBLE_BYTES = 24;
/** Fewest bytes a metadata entry (empty key, type, one uint8) and a tensor info (empty name, one dimension) take. */
const MIN_ENTRY_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

export async function readGgufHeader(path: string, options: ReadGgufHeaderOptions = {}): Promise<GgufHeader> {
  const { handle, size } = await openGgufFile(path);
  const stats = options.stats ?? emptyReadStats();
  const window = new HeaderWindow(
    (buffer, offset, length, position) => handle.read(buffer, offset, length, position).then((r) => r.bytesRead),
    size,
    path,
    {
      windowBytes: Math.max(64, options.windowBytes ?? DEFAULT_WINDOW_BYTES),
      maxHeaderBytes: options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
    },
    stats,
  );
  try {
    return await readHeader(window, options, stats);
  } catch (error) {
    throw asLatheError(error, path);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readHeader(w: HeaderWindow, options: ReadGgufHeaderOptions, stats: GgufReadStats): Promise<GgufHeader> {
  const { version, tensorCount, metadataCount } = await w.resumable(() => readPreamble(w));
  const section = await readMetadata(w, metadataCount, {
    decodeStringArraysUpTo: options.decodeStringArraysUpTo ?? Infinity,
    onAllocate: (bytes) => {
      stats.bytesAllocated += bytes;
    },
  });
  const alignment = alignmentOf(w, section);
  const tensors = await readTensorInfos(w, tensorCount);

  // ggml pads to the alignment only when there is tensor data to align.
  const dataOffset = tensorCount > 0 ? Math.ceil(w.pos / alignment) * alignment : w.pos;
  if (dataOffset > w.fileSize) {
    w.fail(`the tensor data would start at byte ${dataOffset}, past the end of the file (${formatByteSize(w.fileSize)})`);
  }
  checkTensorPlacement(w, tensors, dataOffset, alignment);
  return {
    version,
    tensorCount,
    metadata: section.metadata,
    metadataTypes: section.metadataTypes,
    tensors: tensors.map((t) => t.info),
    alignment,
    dataOffset,
    fileSize: w.fileSize,
  };
}

interface Preamble {
  version: 2 | 3;
  tensorCount: number;
  metadataCount: number;
}

function readPreamble(w: HeaderWindow): Preamble {
  const size = w.fileSize;
  if (size >= 4) {
    const at = w.take(4, 'the magic');
    const magic = w.buffer.subarray(at, at + 4);
    if (magic.toString('latin1') !== 'GGUF') w.fail(`it starts with ${describeBytes(magic)} instead of "GGUF"`);
  }
  if (size < PREAMBLE_BYTES) w.fail(`the file is ${formatByteSize(size)} long, shorter than a GGUF header (${PREAMBLE_BYTES} bytes)`);

  const version = w.u32('the version');
  if (version === 0) w.fail('the version at byte 4 is 0');
  // llama.cpp's test: a version with its low 16 bits zero is a byte-swapped small number.
  if ((version & 0xffff) === 0) {
    throw unsupportedGguf(
      `This GGUF file is big-endian (its version reads as 0x${version.toString(16).padStart(8, '0')}, ` +
        `which is ${swapBytes(version)} byte-swapped). Lathe and llama.cpp read little-endian GGUF files only.`,
      w.path,
    );
  }
  if (version === 1) {
    throw unsupportedGguf('This is a GGUF version 1 file, which llama.cpp and Lathe no longer read. Convert the model again with a current llama.cpp.', w.path);
  }
  if (version > 3) throw unsupportedGguf(`This file is GGUF version ${version}; Lathe reads versions 2 and 3.`, w.path);

  const left = size - PREAMBLE_BYTES;
  const tensorCount = w.u64('the tensor count');
  if (tensorCount * MIN_TENSOR_INFO_BYTES > left) {
    w.fail(`tensor count ${w.u64TextAt(8)} at byte 8 is more than the rest of the file could hold (${formatByteSize(left)})`);
  }
  const metadataCount = w.u64('the metadata count');
  if (metadataCount * MIN_ENTRY_BYTES > left) {
    w.fail(`metadata count ${w.u64TextAt(16)} at byte 16 is more than the rest of the file could hold (${formatByteSize(left)})`);
  }
  return { version: version as 2 | 3, tensorCount, metadataCount };
}

/** `general.alignment`: a uint32 power of two (llama.cpp reads it as uint32 and rejects others). */
function alignmentOf(w: HeaderWindow, { metadata, metadataTypes, valueOffsets }: MetadataSection): number {
  const key = 'general.alignment';
  if (!Object.hasOwn(metadata, key)) return DEFAULT_ALIGNMENT;
  const at = valueOffsets.get(key);
  if (metadataTypes[key] !== 'uint32') w.fail(`${key} at byte ${at} is a ${metadataTypes[key]}; the spec makes it a uint32`);
  const alignment = metadata[key] as number;
  if (alignment === 0 || !Number.isInteger(Math.log2(alignment))) {
    w.fail(`${key} at byte ${at} is ${alignment}; it must be a power of two`);
  }
  return alignment;
}

function describeBytes(bytes: Buffer): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const printable = [...bytes].every((b) => b >= 0x20 && b < 0x7f);
  return printable ? `"${bytes.toString('latin1')}" (${hex})` : `the bytes ${hex}`;
}

function swapBytes(value: number): number {
  return ((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24);
}

/** Anything else that escapes is a file-system error (EIO mid-read) or a bug; both become `LatheError`s. */
function asLatheError(error: unknown, path: string): LatheError {
  if (error instanceof LatheError) return error;
  if ((error as NodeJS.ErrnoException | null)?.code) return fileSystemError(error, path);
  const message = error instanceof Error ? error.message : String(error);
  return new LatheError('internal', `Unexpected error while reading the GGUF header of ${path}: ${message}`, path);
}
