import { describe, expect, it } from 'vitest';
import { LatheError, type ModelEntry } from '../../../src-main/contract';
import { createModelUploader, type ChunkRequest, type ChunkResponse, type UploadProgress } from '../../../src-renderer/src/transport/upload-loop';
import { modelEntry } from './model-fixtures';

/** What the fake server does with one PUT instead of storing it. */
type Scripted = 'network' | { status: number; body?: unknown } | ((request: ChunkRequest) => Promise<ChunkResponse>);

const reply = (status: number, body: unknown): ChunkResponse => ({ status, json: async () => body });

/**
 * A stand-in for `lathe serve`'s upload endpoint: it keeps the bytes it received and checks
 * offsets the way the server does; `script` replaces the answers to chosen requests.
 */
interface FakeServerOptions {
  alreadyReceived?: number;
  script?: Record<number, Scripted>;
  token?: string | null;
  /** Aborted as the uploader starts a retry wait: the person cancels while it waits. */
  abortDuringSleep?: AbortController;
}

function fakeServer(content: Uint8Array, options: FakeServerOptions = {}) {
  const stored: number[] = [...content.subarray(0, options.alreadyReceived ?? 0)];
  const requests: { url: string; offset: number; bytes: number; authorization: string | undefined }[] = [];
  const sleeps: number[] = [];
  const calls: string[] = [];
  const finished: ModelEntry = modelEntry('uploaded', { origin: 'upload', owned: true });
  let finishError: unknown = null;

  const uploader = createModelUploader({
    async beginUpload({ fileName, size }) {
      calls.push(`begin ${fileName} ${size}`);
      return { uploadId: 'u1', fileName, size, receivedBytes: stored.length };
    },
    async finishUpload({ uploadId }) {
      calls.push(`finish ${uploadId}`);
      if (finishError !== null) throw finishError;
      return finished;
    },
    async cancelUpload({ uploadId }) {
      calls.push(`cancel ${uploadId}`);
      return { cancelled: true };
    },
    async fetch(url, init) {
      const index = requests.length;
      const offset = Number(init.headers['Upload-Offset']);
      requests.push({ url, offset, bytes: init.body.size, authorization: init.headers.Authorization });
      const scripted = options.script?.[index];
      if (scripted === 'network') throw new TypeError('Failed to fetch');
      if (typeof scripted === 'function') return scripted(init);
      if (scripted !== undefined) return reply(scripted.status, scripted.body ?? null);
      if (offset !== stored.length) return reply(409, { receivedBytes: stored.length });
      stored.push(...new Uint8Array(await init.body.arrayBuffer()));
      return reply(200, { receivedBytes: stored.length });
    },
    token: options.token === undefined ? 'secret' : options.token,
    async sleep(ms, signal) {
      sleeps.push(ms);
      options.abortDuringSleep?.abort();
      if (signal?.aborted) throw new Error('aborted');
    },
  });
  return {
    uploader,
    stored,
    requests,
    sleeps,
    calls,
    finished,
    failFinishWith: (error: unknown) => (finishError = error),
  };
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256);
const fileOf = (content: Uint8Array, name = 'tiny.gguf') => new File([content], name);
const errorOf = async (promise: Promise<unknown>): Promise<LatheError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatheError) return error;
    throw error;
  }
  throw new Error('the upload did not fail');
};

describe('uploading a model file', () => {
  it('sends the file in chunks with the offset and token, reports progress, then finishes', async () => {
    const content = bytes(10);
    const server = fakeServer(content);
    const progress: UploadProgress[] = [];
    const entry = await server.uploader(fileOf(content), { chunkBytes: 4, onProgress: (p) => progress.push(p) });

    expect(entry).toBe(server.finished);
    expect(server.stored).toEqual([...content]);
    expect(server.requests.map((r) => [r.offset, r.bytes])).toEqual([
      [0, 4],
      [4, 4],
      [8, 2],
    ]);
    expect(server.requests.every((r) => r.url === '/upload/u1' && r.authorization === 'Bearer secret')).toBe(true);
    expect(progress.map((p) => `${p.phase} ${p.sentBytes}/${p.totalBytes}`)).toEqual(['sending 0/10', 'sending 4/10', 'sending 8/10', 'sending 10/10', 'finishing 10/10']);
    expect(server.calls).toEqual(['begin tiny.gguf 10', 'finish u1']);
  });

  it('continues where an earlier attempt stopped', async () => {
    const content = bytes(10);
    const server = fakeServer(content, { alreadyReceived: 6 });
    const progress: number[] = [];
    await server.uploader(fileOf(content), { chunkBytes: 4, onProgress: (p) => progress.push(p.sentBytes) });
    expect(server.requests.map((r) => r.offset)).toEqual([6]);
    expect(server.stored).toEqual([...content]);
    expect(progress).toEqual([6, 10, 10]);
  });

  it('only finishes a file the server already holds in full', async () => {
    const content = bytes(10);
    const server = fakeServer(content, { alreadyReceived: 10 });
    await server.uploader(fileOf(content), { chunkBytes: 4 });
    expect(server.requests).toEqual([]);
    expect(server.calls).toEqual(['begin tiny.gguf 10', 'finish u1']);
  });

  it('follows the server’s count after an offset mismatch (409)', async () => {
    const content = bytes(12);
    // The server already took the first 8 bytes (say, from another tab) and says so.
    const server = fakeServer(content, {
      script: {
        0: async () => {
          server.stored.push(...content.subarray(0, 8));
          return reply(409, { receivedBytes: 8 });
        },
      },
    });
    await server.uploader(fileOf(content), { chunkBytes: 4 });
    expect(server.requests.map((r) => r.offset)).toEqual([0, 8]);
    expect(server.stored).toEqual([...content]);
  });

  it('retries a chunk after network failures and 5xx answers, waiting longer each time', async () => {
    const content = bytes(8);
    const server = fakeServer(content, { script: { 1: 'network', 2: { status: 503 }, 3: 'network' } });
    await server.uploader(fileOf(content), { chunkBytes: 4, retryDelaysMs: [10, 20, 40, 80] });
    expect(server.requests.map((r) => r.offset)).toEqual([0, 4, 4, 4, 4]);
    expect(server.sleeps).toEqual([10, 20, 40]);
    expect(server.stored).toEqual([...content]);
  });

  it('starts the backoff over once a chunk gets through', async () => {
    const content = bytes(8);
    const server = fakeServer(content, { script: { 0: 'network', 2: 'network' } });
    await server.uploader(fileOf(content), { chunkBytes: 4, retryDelaysMs: [10, 20] });
    expect(server.sleeps).toEqual([10, 10]);
  });

  it('gives up after the last retry and keeps the session for a later resume', async () => {
    const content = bytes(8);
    const server = fakeServer(content, { script: { 1: 'network', 2: 'network', 3: 'network' } });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4, retryDelaysMs: [10, 20] }));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/Failed to fetch.*Add the same file again to continue/);
    expect(server.sleeps).toEqual([10, 20]);
    expect(server.calls).toEqual(['begin tiny.gguf 8']);
    expect(server.stored).toEqual([...content.subarray(0, 4)]);
  });

  it('stops at once when the token is refused (401), without retrying', async () => {
    const content = bytes(8);
    const server = fakeServer(content, { script: { 0: { status: 401 } } });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4 }));
    expect(error.kind).toBe('unauthorized');
    expect(server.requests).toHaveLength(1);
    expect(server.sleeps).toEqual([]);
  });

  it('does not begin at all without a token', async () => {
    const content = bytes(8);
    const server = fakeServer(content, { token: null });
    const error = await errorOf(server.uploader(fileOf(content)));
    expect(error.kind).toBe('unauthorized');
    expect(server.calls).toEqual([]);
  });

  it('stops when the server no longer knows the session (404)', async () => {
    const content = bytes(8);
    const server = fakeServer(content, { script: { 1: { status: 404 } } });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4 }));
    expect(error.kind).toBe('not_found');
    expect(error.message).toMatch(/^The upload of tiny.gguf stopped: .*Add the file again/);
  });

  it('passes on the server’s reason for a 404', async () => {
    const content = bytes(8);
    const server = fakeServer(content, { script: { 0: { status: 404, body: { error: { kind: 'not_found', message: 'This server takes no uploads.' } } } } });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4 }));
    expect(error.message).toBe('The upload of tiny.gguf stopped: This server takes no uploads.');
  });

  it('reports another refusal with the server’s kind and message', async () => {
    const content = bytes(8);
    const tooLarge = { status: 413, body: { error: { kind: 'invalid_input', message: 'the chunk passes the declared size' } } };
    const server = fakeServer(content, { script: { 0: tooLarge } });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4 }));
    expect(error.kind).toBe('invalid_input');
    expect(error.message).toBe('The upload of tiny.gguf was refused (HTTP 413): the chunk passes the declared size');
  });

  it('names the server’s reason when retries of a failing chunk run out', async () => {
    const content = bytes(8);
    const diskFull = { status: 500, body: { error: { kind: 'unwritable', message: 'no space left on the device' } } };
    const server = fakeServer(content, { script: { 0: diskFull, 1: diskFull } });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4, retryDelaysMs: [10] }));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('(no space left on the device)');
  });

  it('fails instead of looping when the server keeps asking for the same bytes', async () => {
    const content = bytes(8);
    const stuck = { status: 200, body: { receivedBytes: 0 } };
    const server = fakeServer(content, { script: { 0: stuck, 1: stuck, 2: stuck, 3: stuck } });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4 }));
    expect(error.kind).toBe('internal');
    expect(server.requests).toHaveLength(3);
  });

  it('passes on a file the server refuses to read (invalid_file)', async () => {
    const content = bytes(8);
    const server = fakeServer(content);
    server.failFinishWith(new LatheError('invalid_file', 'notes.gguf is not a valid GGUF file'));
    const error = await errorOf(server.uploader(fileOf(content, 'notes.gguf')));
    expect(error.kind).toBe('invalid_file');
    expect(error.message).toBe('notes.gguf is not a valid GGUF file');
  });

  it('aborts the request under way on cancel and drops the session on the server', async () => {
    const content = bytes(8);
    const controller = new AbortController();
    const hang = (init: ChunkRequest) =>
      new Promise<ChunkResponse>((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        controller.abort();
      });
    const server = fakeServer(content, { script: { 1: hang } });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4, signal: controller.signal }));
    expect(error.kind).toBe('cancelled');
    // An aborted request is not a network failure: no retry wait.
    expect(server.sleeps).toEqual([]);
    expect(server.calls).toEqual(['begin tiny.gguf 8', 'cancel u1']);
  });

  it('cancels during a retry wait', async () => {
    const content = bytes(8);
    const controller = new AbortController();
    const server = fakeServer(content, { script: { 0: 'network' }, abortDuringSleep: controller });
    const error = await errorOf(server.uploader(fileOf(content), { chunkBytes: 4, signal: controller.signal }));
    expect(error.kind).toBe('cancelled');
    expect(server.sleeps).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    expect(server.calls).toEqual(['begin tiny.gguf 8', 'cancel u1']);
  });

  it('does nothing for an upload cancelled before it began', async () => {
    const content = bytes(8);
    const server = fakeServer(content);
    const error = await errorOf(server.uploader(fileOf(content), { signal: AbortSignal.abort() }));
    expect(error.kind).toBe('cancelled');
    expect(server.calls).toEqual([]);
  });
});
