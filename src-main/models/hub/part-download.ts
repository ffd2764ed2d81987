/**
 * One attempt at the bytes of a download: a GET of the file's URL with `Range: bytes=N-`
 * (following the Hub's redirects to its CDN), appended to the part file from byte N. The
 * library has no resumable download to disk, so this is Node's fetch. What comes back is
 * checked before it is kept: a web page (a captive portal, an error page answered 200) is
 * refused by its content type and, failing that, by the four-byte GGUF magic that every
 * file starts with. A connection that drops or stalls leaves the bytes that arrived, and the
 * next attempt continues after them.
 */
import { open } from 'node:fs/promises';
import { LatheError } from '../../contract';
import { formatBytes } from '../../training/memory-units';

const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');

export interface PartDownloadOptions {
  url: string;
  headers: Record<string, string>;
  partPath: string;
  /** Bytes already in the part file: the request asks for the rest. */
  offset: number;
  sizeBytes: number;
  signal: AbortSignal;
  /** Called after each write with the bytes now in the part file. */
  onBytes: (receivedBytes: number) => void;
  /** No byte for this long ends the attempt (the next one resumes). */
  stallTimeoutMs: number;
  fetch?: typeof fetch;
}

/** Downloads the rest of the file; resolves with the bytes in the part file (= sizeBytes). */
export async function downloadPart(options: PartDownloadOptions): Promise<number> {
  const { sizeBytes, signal } = options;
  if (options.offset >= sizeBytes) return options.offset;
  const stall = new AbortController();
  const both = AbortSignal.any([signal, stall.signal]);
  let timer: NodeJS.Timeout | undefined;
  const armStall = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), options.stallTimeoutMs);
  };
  let received = options.offset;
  armStall();
  try {
    const response = await (options.fetch ?? fetch)(options.url, {
      headers: { ...options.headers, Range: `bytes=${options.offset}-` },
      redirect: 'follow',
      signal: both,
    });
    await refuseBadResponse(response, options.url);
    // A server that ignores Range sends the whole file: start the part over.
    let position = response.status === 206 ? rangeStart(response) : 0;
    if (position !== options.offset && position !== 0) {
      await response.body?.cancel();
      throw new LatheError('unavailable', `The server sent bytes from ${position} when ${options.offset} were asked for; the download starts over.`);
    }
    const file = await open(options.partPath, 'r+');
    try {
      if (position === 0 && options.offset > 0) await file.truncate(0);
      received = position;
      let head = Buffer.alloc(0);
      for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
        armStall();
        if (received + chunk.length > sizeBytes) throw new LatheError('invalid_file', `The server sent more than the ${formatBytes(sizeBytes)} the Hub lists for this file; it was refused.`);
        if (position < GGUF_MAGIC.length) {
          head = Buffer.concat([head, chunk]);
          checkMagic(head);
        }
        await file.write(chunk, 0, chunk.length, position);
        position += chunk.length;
        received = position;
        options.onBytes(received);
      }
    } finally {
      await file.close();
    }
    if (received < sizeBytes) throw dropped(received, sizeBytes);
    return received;
  } catch (error) {
    if (signal.aborted) throw new LatheError('cancelled', 'The download was cancelled.');
    if (stall.signal.aborted) throw new LatheError('unavailable', `The server sent nothing for ${Math.round(options.stallTimeoutMs / 1000)} s after ${formatBytes(received)}; the download resumes from there.`);
    if (error instanceof LatheError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new LatheError('unwritable', `The disk is full after ${formatBytes(received)}; free some space and resume the download.`);
    if (received > 0) throw dropped(received, sizeBytes);
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new LatheError('unavailable', `The Hugging Face Hub cannot be reached (${cause}). The download continues when it can.`);
  } finally {
    clearTimeout(timer);
  }
}

function dropped(received: number, sizeBytes: number): LatheError {
  return new LatheError('unavailable', `The connection dropped after ${formatBytes(received)} of ${formatBytes(sizeBytes)}; the download resumes from there.`);
}

async function refuseBadResponse(response: Response, url: string): Promise<void> {
  if (response.status === 404) {
    await response.body?.cancel();
    throw new LatheError('not_found', 'The file is no longer on the Hub (404). Refresh the repository’s file list.', url);
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new LatheError('unauthorized', `The Hub refused the download (${response.status}): the repository is gated or private. Accept its terms on the Hub and set an access token.`, url);
  }
  if (response.status === 416) {
    await response.body?.cancel();
    throw new LatheError('invalid_file', 'The server has fewer bytes of this file than the Hub lists (416 Range Not Satisfiable); the partial file was removed. Try again later.', url);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new LatheError('unavailable', `The server answered ${response.status} ${response.statusText}; the download will be tried again.`, url);
  }
  const type = response.headers.get('content-type') ?? '';
  if (/text\/html|application\/xhtml/i.test(type)) {
    await response.body?.cancel();
    throw new LatheError('invalid_file', `The server answered with a web page (${type.split(';')[0]}) instead of the model file; nothing was kept. A proxy or sign-in page may be in the way.`, url);
  }
}

/** `Content-Range: bytes 1000-4999/5000` → 1000. */
function rangeStart(response: Response): number {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  if (!match) throw new LatheError('unavailable', 'The server answered a ranged request without saying which bytes it sent; the download will be tried again.');
  return Number(match[1]);
}

/** The first bytes must be GGUF's magic; checked as soon as four have arrived. */
function checkMagic(head: Buffer): void {
  const n = Math.min(head.length, GGUF_MAGIC.length);
  if (!head.subarray(0, n).equals(GGUF_MAGIC.subarray(0, n))) {
    const looksLikeText = /^\s*</.test(head.subarray(0, 64).toString('latin1'));
    throw new LatheError(
      'invalid_file',
      looksLikeText
        ? 'The server answered with a web page instead of the model file; nothing was kept.'
        : 'What the server sent does not start like a GGUF file; nothing was kept.',
    );
  }
}
