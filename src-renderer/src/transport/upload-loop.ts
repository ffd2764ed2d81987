/**
 * Sending one file (a model or a dataset) to `lathe serve`, as plain logic over injected parts (the contract
 * calls, `fetch`, a sleep, the token) so a unit test can drive every answer the server gives.
 *
 * Protocol (the contract's `models.beginUpload` / `finishUpload` / `cancelUpload`, or the same
 * three `datasets.*` calls, plus HTTP):
 *   1. beginUpload({fileName, size}) → {uploadId, receivedBytes}: the server remembers
 *      sessions, so a file sent again continues where the last attempt stopped.
 *   2. PUT /upload/<uploadId> with `Upload-Offset`, one chunk at a time:
 *        200 {receivedBytes}  go on from there
 *        409 {receivedBytes}  our offset was not the server's: go on from the server's
 *        401                  the token was refused: stop
 *        404                  the session is gone (cancelled, expired): stop
 *        network failure, 5xx retry the same chunk with backoff, then stop; the session is
 *                             kept, so adding the file again resumes it
 *   3. finishUpload({uploadId}) → the new entry (a model upload rejects `invalid_file` for a bad GGUF).
 * Cancelling (the AbortSignal) aborts the request under way and tells the server to drop
 * the session and its partial file.
 */
import { isErrorKind, LatheError, type ErrorKind, type ModelEntry, type UploadSession } from '../../../src-main/contract';

/** 8 MiB: large enough that per-request overhead is small, small enough that progress moves and a retry repeats little. */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

/** Waits before retrying chunk n (1-based): 0.5 s, 1 s, 2 s, 4 s. */
export const UPLOAD_RETRY_DELAYS_MS: readonly number[] = [500, 1_000, 2_000, 4_000];

/** What the loop needs of a File: its name, size and slices (a DOM File or a test Blob). */
export interface UploadableFile {
  readonly name: string;
  readonly size: number;
  slice(start: number, end: number): Blob;
}

/** The part of an HTTP response the loop reads. */
export interface ChunkResponse {
  status: number;
  json(): Promise<unknown>;
}

export interface ChunkRequest {
  method: 'PUT';
  headers: Record<string, string>;
  body: Blob;
  signal?: AbortSignal;
}

/** `Entry`: what finishing the upload gives back (a ModelEntry, a DatasetEntry). */
export interface UploadDeps<Entry = ModelEntry> {
  beginUpload(input: { fileName: string; size: number }): Promise<UploadSession>;
  finishUpload(input: { uploadId: string }): Promise<Entry>;
  cancelUpload(input: { uploadId: string }): Promise<{ cancelled: boolean }>;
  /** `fetch` itself in the browser. */
  fetch(url: string, init: ChunkRequest): Promise<ChunkResponse>;
  /** The web transport's access token (null when the page has none). */
  token: string | null;
  /** Resolves after `ms`, or rejects at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type UploadPhase = 'sending' | 'finishing';

export interface UploadProgress {
  phase: UploadPhase;
  /** Bytes the server holds, including what an earlier attempt sent. */
  sentBytes: number;
  totalBytes: number;
}

export interface UploadOptions {
  onProgress?(progress: UploadProgress): void;
  signal?: AbortSignal;
  chunkBytes?: number;
  retryDelaysMs?: readonly number[];
}

export type UploadFile<Entry> = (file: UploadableFile, options?: UploadOptions) => Promise<Entry>;
export type UploadModelFile = UploadFile<ModelEntry>;

/** Answers in a row that do not move the offset before we give up, rather than loop forever. */
const MAX_STALLED_ANSWERS = 3;

export function createUploader<Entry>(deps: UploadDeps<Entry>): UploadFile<Entry> {
  return async function uploadFile(file, options = {}) {
    const { signal, onProgress } = options;
    const chunkBytes = options.chunkBytes ?? UPLOAD_CHUNK_BYTES;
    const retryDelays = options.retryDelaysMs ?? UPLOAD_RETRY_DELAYS_MS;
    const token = deps.token;

    throwIfCancelled(signal, file.name);
    if (token === null) throw refusedError();
    if (file.size <= 0) throw new LatheError('invalid_file', `${file.name} is empty.`);

    const session = await deps.beginUpload({ fileName: file.name, size: file.size });
    const cancelOnServer = () => deps.cancelUpload({ uploadId: session.uploadId }).catch(() => undefined);
    if (signal?.aborted) {
      await cancelOnServer();
      throw cancelledError(file.name);
    }

    let offset = clampOffset(session.receivedBytes, file.size);
    let failures = 0;
    let stalled = 0;
    const report = (phase: UploadPhase) => onProgress?.({ phase, sentBytes: offset, totalBytes: file.size });
    report('sending');

    while (offset < file.size) {
      const answer = await sendChunk(deps, session.uploadId, token, file, offset, chunkBytes, signal);
      if (answer.kind === 'aborted') {
        await cancelOnServer();
        throw cancelledError(file.name);
      }
      if (answer.kind === 'retry') {
        const delay = retryDelays[failures];
        failures += 1;
        if (delay === undefined) throw interruptedError(file.name, answer.why);
        try {
          await deps.sleep(delay, signal);
        } catch {
          // Only an abort interrupts the wait.
          await cancelOnServer();
          throw cancelledError(file.name);
        }
        continue;
      }
      failures = 0;
      const next = clampOffset(answer.receivedBytes, file.size);
      stalled = next === offset ? stalled + 1 : 0;
      if (stalled >= MAX_STALLED_ANSWERS) {
        throw new LatheError('internal', `The upload of ${file.name} stopped moving at byte ${offset}: the server keeps asking for the same part.`);
      }
      offset = next;
      report('sending');
    }

    report('finishing');
    return deps.finishUpload({ uploadId: session.uploadId });
  };
}

export function createModelUploader(deps: UploadDeps<ModelEntry>): UploadModelFile {
  return createUploader(deps);
}

type ChunkAnswer = { kind: 'moved'; receivedBytes: number } | { kind: 'retry'; why: string } | { kind: 'aborted' };

async function sendChunk(
  deps: Pick<UploadDeps<unknown>, 'fetch'>,
  uploadId: string,
  token: string,
  file: UploadableFile,
  offset: number,
  chunkBytes: number,
  signal: AbortSignal | undefined,
): Promise<ChunkAnswer> {
  const end = Math.min(file.size, offset + chunkBytes);
  let response: ChunkResponse;
  try {
    response = await deps.fetch(`/upload/${encodeURIComponent(uploadId)}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Upload-Offset': String(offset), 'Content-Type': 'application/octet-stream' },
      body: file.slice(offset, end),
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    if (signal?.aborted) return { kind: 'aborted' };
    return { kind: 'retry', why: error instanceof Error ? error.message : String(error) };
  }
  if (response.status === 200 || response.status === 409) {
    // 409: the server holds a different number of bytes than we thought; its count wins.
    const receivedBytes = await readReceivedBytes(response);
    if (receivedBytes === null) throw new LatheError('internal', `The server's answer to an upload chunk (HTTP ${response.status}) did not say how many bytes it holds.`);
    return { kind: 'moved', receivedBytes };
  }
  if (response.status === 401 || response.status === 403) throw refusedError();
  const problem = await readProblem(response);
  if (response.status === 404) {
    // The server says why (unknown session, or a server that takes no uploads); ours is the fallback.
    const why = problem?.message ?? 'Lathe no longer knows this upload (it was cancelled or has expired). Add the file again to start over.';
    throw new LatheError('not_found', `The upload of ${file.name} stopped: ${why}`);
  }
  if (response.status >= 500) return { kind: 'retry', why: problem?.message ?? `the server answered HTTP ${response.status}` };
  throw new LatheError(
    problem?.kind ?? 'internal',
    `The upload of ${file.name} was refused (HTTP ${response.status})${problem === null ? '.' : `: ${problem.message}`}`,
  );
}

async function readReceivedBytes(response: ChunkResponse): Promise<number | null> {
  const body = await response.json().catch(() => null);
  if (typeof body !== 'object' || body === null) return null;
  const { receivedBytes } = body as { receivedBytes?: unknown };
  return typeof receivedBytes === 'number' && Number.isFinite(receivedBytes) ? receivedBytes : null;
}

/** The server's `{ error: { kind, message } }` body (or a bare `{ message }`), when it sent one. */
async function readProblem(response: ChunkResponse): Promise<{ kind: ErrorKind | null; message: string } | null> {
  const body = await response.json().catch(() => null);
  if (typeof body !== 'object' || body === null) return null;
  const { error } = body as { error?: unknown };
  const payload = (typeof error === 'object' && error !== null ? error : body) as { kind?: unknown; message?: unknown };
  if (typeof payload.message !== 'string') return null;
  return { kind: isErrorKind(payload.kind) ? payload.kind : null, message: payload.message };
}

/** A server count outside 0…size would send us past the end or before the start. */
function clampOffset(receivedBytes: number, size: number): number {
  return Math.min(size, Math.max(0, Math.floor(receivedBytes)));
}

function throwIfCancelled(signal: AbortSignal | undefined, fileName: string): void {
  if (signal?.aborted) throw cancelledError(fileName);
}

function cancelledError(fileName: string): LatheError {
  return new LatheError('cancelled', `The upload of ${fileName} was cancelled.`);
}

function refusedError(): LatheError {
  return new LatheError('unauthorized', 'Lathe refused the upload: this browser has no valid access token. Open the address printed by `lathe serve`.');
}

function interruptedError(fileName: string, why: string): LatheError {
  return new LatheError('unavailable', `The upload of ${fileName} was interrupted (${why}). Add the same file again to continue where it stopped.`);
}
