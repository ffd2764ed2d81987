/**
 * Decoding Parquet pages off the main thread. hyparquet trusts the run lengths in a page: on
 * a damaged page it can spin for minutes in its run-length decoder (the reader fuzz test
 * finds such pages within a few hundred cases), and sizes taken from the file decide what it
 * allocates. In a worker thread with a watchdog and a heap limit, either becomes an
 * `invalid_file` error and the app carries on (DESIGN §6).
 *
 * The worker is plain JavaScript evaluated from a string, so it runs the same from the
 * TypeScript sources (tests) and from the bundled app without a build entry of its own; it
 * imports hyparquet by the file URLs the main side resolves. It reads one row group per
 * request, so it holds one group at a time. A healthy worker is kept a few seconds after a
 * file is done, so paging through a preview does not start one per page; a failed one is
 * never reused.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LatheError } from '../../contract/errors';
import { invalidParquet, parquetError, type ParquetRowGroup } from './parquet-file';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { open } = require('node:fs/promises');
const message = (error) => (error instanceof Error ? error.message : String(error));
const modules = Promise.all([import(workerData.hyparquet), import(workerData.compressors)]);
let current = null;
async function openFile({ path, size }) {
  const [{ parquetMetadataAsync }] = await modules;
  const handle = await open(path, 'r');
  const state = { handle, size, fetched: 0, file: null, metadata: null };
  state.file = {
    byteLength: size,
    async slice(start, end = size) {
      end = Math.min(end, size);
      if (!(start >= 0 && start <= end)) throw new Error('a read from byte ' + start + ' to ' + end + ' falls outside the file');
      const bytes = new Uint8Array(end - start);
      for (let filled = 0; filled < bytes.length; ) {
        const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, start + filled);
        if (bytesRead === 0) throw new Error('the file got shorter while it was read');
        filled += bytesRead;
      }
      state.fetched += bytes.length;
      return bytes.buffer;
    },
  };
  current = state;
  state.metadata = await parquetMetadataAsync(state.file);
  return { opened: true };
}
async function readRows({ rowStart, rowEnd }) {
  const [{ parquetReadObjects }, { compressors }] = await modules;
  const { file, metadata } = current;
  const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, compressors });
  return { rows, fetched: current.fetched };
}
async function closeFile() {
  if (current !== null) await current.handle.close().catch(() => undefined);
  current = null;
  return { closed: true };
}
parentPort.on('message', async (request) => {
  try {
    const run = request.open ? openFile(request.open) : request.read ? readRows(request.read) : closeFile();
    parentPort.postMessage(await run);
  } catch (error) {
    parentPort.postMessage({ error: message(error) });
  }
});
`;

type Request = { open: { path: string; size: number } } | { read: { rowStart: number; rowEnd: number } } | { close: true };
type Reply = { opened: true } | { rows: Record<string, unknown>[]; fetched: number } | { closed: true } | { error: string };

/** The heap a worker may use: room for the largest row group's rows several times over, within bounds. */
export function workerHeapMb(groups: readonly ParquetRowGroup[]): number {
  const largest = Math.max(0, ...groups.map((group) => group.uncompressed));
  return Math.min(8192, 256 + Math.ceil((6 * largest) / (1024 * 1024)));
}

/**
 * How long one row group may take before the worker is judged stuck. Generous (it only
 * catches hangs, and a slow machine must not have good files refused): the base, plus 1 s
 * per MB, i.e. decoding at 1 MB/s where hyparquet manages tens of MB/s. A damaged page makes
 * hyparquet spin without allocating, so this, not the heap limit, is what stops it.
 */
export const DEFAULT_DECODE_TIMEOUT_MS = 10_000;

function watchdogMs(group: ParquetRowGroup, baseMs: number): number {
  return baseMs + group.uncompressed / 1_000;
}

const IDLE_MS = 5_000;
const OPEN_TIMEOUT_MS = 30_000;
const modules = createRequire(import.meta.url);

/** One worker thread decoding one file at a time. */
class ParquetDecoder {
  private readonly worker: Worker;
  private pending: { resolve: (reply: Reply) => void; reject: (error: LatheError) => void } | null = null;
  /** Set when the worker hung, ran out of memory or died: it is then terminated and never used again. */
  failure: LatheError | null = null;
  private path = '';
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(readonly heapMb: number) {
    const workerData = {
      hyparquet: pathToFileURL(modules.resolve('hyparquet')).href,
      compressors: pathToFileURL(modules.resolve('hyparquet-compressors')).href,
    };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    // An error reply is the file's fault, not the worker's: the worker stays usable.
    this.worker.on('message', (reply: Reply) => ('error' in reply ? this.pending?.reject(parquetError(reply.error, this.path)) : this.pending?.resolve(reply)));
    this.worker.on('error', (error: Error & { code?: string }) =>
      this.fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? invalidParquet('decoding it needed far more memory than its size explains, so it looks damaged', this.path)
          : parquetError(error.message, this.path),
      ),
    );
    this.worker.on('exit', () => this.fail(invalidParquet('the Parquet decoder stopped unexpectedly', this.path)));
  }

  async open(path: string, size: number): Promise<void> {
    this.path = path;
    this.setIdle(false);
    await this.request({ open: { path, size } }, OPEN_TIMEOUT_MS, 'reading its footer');
  }

  async read(group: ParquetRowGroup, timeoutBaseMs: number): Promise<{ rows: Record<string, unknown>[]; fetched: number }> {
    const reply = await this.request({ read: { rowStart: group.start, rowEnd: group.end } }, watchdogMs(group, timeoutBaseMs), 'decoding one row group');
    if (!('rows' in reply)) throw invalidParquet('the Parquet decoder gave no rows', this.path);
    return reply;
  }

  /** Closes the file; true when the worker is healthy enough to keep for the next one. */
  async closeFile(): Promise<boolean> {
    if (this.failure === null && this.pending === null) {
      try {
        await this.request({ close: true }, 5_000, 'closing it');
      } catch {
        // failed: fall through to terminating it
      }
    }
    if (this.failure !== null || this.pending !== null) {
      await this.terminate();
      return false;
    }
    return true;
  }

  /** An idle worker does not keep the process alive, and ends itself after a while. */
  setIdle(idle: boolean, onExpire?: () => void): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (idle) {
      this.worker.unref();
      this.idleTimer = setTimeout(() => onExpire?.(), IDLE_MS).unref();
    } else {
      this.worker.ref();
    }
  }

  async terminate(): Promise<void> {
    this.failure ??= new LatheError('cancelled', 'Reading the dataset was cancelled.');
    this.pending?.reject(this.failure);
    await this.worker.terminate();
  }

  /** Sends one request; `doing` names the work for the message when it takes too long. */
  private request(message: Request, timeoutMs: number, doing: string): Promise<Reply> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(invalidParquet(`${doing} took over ${(timeoutMs / 1000).toFixed(1)} s, so it looks damaged`, this.path));
        void this.worker.terminate();
      }, timeoutMs);
      const done =
        <T>(settle: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          this.pending = null;
          settle(value);
        };
      this.pending = { resolve: done(resolve), reject: done(reject) };
      this.worker.postMessage(message);
    });
  }

  private fail(error: LatheError): void {
    this.failure ??= error;
    this.pending?.reject(this.failure);
  }
}

let idle: ParquetDecoder | null = null;

/** A decoder for one file: the idle one when its heap limit suits, else a new one. */
export async function openParquetDecoder(path: string, size: number, heapMb: number): Promise<ParquetFileDecoder> {
  let decoder: ParquetDecoder;
  if (idle !== null && idle.failure === null && idle.heapMb >= heapMb && idle.heapMb <= heapMb * 2) {
    decoder = idle;
  } else {
    if (idle !== null) void idle.terminate();
    decoder = new ParquetDecoder(heapMb);
  }
  idle = null;
  try {
    await decoder.open(path, size);
  } catch (error) {
    await decoder.terminate();
    throw error;
  }
  return {
    read: (group, timeoutBaseMs) => decoder.read(group, timeoutBaseMs),
    cancel: () => void decoder.terminate(),
    close: async () => {
      if (!(await decoder.closeFile())) return;
      if (idle !== null) void idle.terminate();
      idle = decoder;
      decoder.setIdle(true, () => {
        if (idle === decoder) idle = null;
        void decoder.terminate();
      });
    },
  };
}

export interface ParquetFileDecoder {
  /** The rows of one row group, and the bytes read from the file so far. */
  read(group: ParquetRowGroup, timeoutBaseMs: number): Promise<{ rows: Record<string, unknown>[]; fetched: number }>;
  /** Stops a read in progress at once (it rejects with `cancelled`); the worker is not reused. */
  cancel(): void;
  /** Done with the file (always call it, in `finally`). */
  close(): Promise<void>;
}
