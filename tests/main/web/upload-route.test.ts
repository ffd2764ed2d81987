/**
 * PUT /upload/<uploadId> over real HTTP into real upload sessions and a real model library:
 * a GGUF sent in three chunks, a connection dropped mid-chunk and resumed from the offset the
 * server reports, and the requests it must refuse.
 */
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadSessions } from '../../../src-main/models/upload-sessions';
import { ContractServer, type Handlers } from '../../../src-main/transport/contract-server';
import { startWebServer, type RunningWebServer } from '../../../src-main/web/web-server';
import { makeDemoModel } from '../helpers/demo-model';
import { closeFixtures, libraryFixture, waitFor } from '../models/library-fixture';

const TOKEN = 'upload-token-for-tests';

let server: RunningWebServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
  await closeFixtures();
});

async function setUp() {
  const fixture = await libraryFixture();
  const uploads = new UploadSessions({ dataDir: fixture.dataDir, library: fixture.library });
  const staticDir = mkdtempSync(join(tmpdir(), 'lathe-web-ui-'));
  mkdirSync(staticDir, { recursive: true });
  server = await startWebServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticDir, contract: new ContractServer({} as Handlers), uploads });
  const bytes = readFileSync(await makeDemoModel());
  return { ...fixture, uploads, port: server.port, bytes };
}

function put(port: number, uploadId: string, offset: number | string, body: Uint8Array, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'upload-offset': String(offset) };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(`http://127.0.0.1:${port}/upload/${uploadId}`, { method: 'PUT', headers, body });
}

async function json(response: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('PUT /upload/<uploadId>', () => {
  it('takes a GGUF in three chunks; the finished upload is an owned model', async () => {
    const { uploads, port, bytes, library } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'sent.gguf', size: bytes.length });
    const cuts = [0, Math.floor(bytes.length / 3), Math.floor((2 * bytes.length) / 3), bytes.length];
    for (let i = 0; i < 3; i++) {
      const answer = await json(await put(port, uploadId, cuts[i]!, bytes.subarray(cuts[i], cuts[i + 1])));
      expect(answer).toEqual({ status: 200, body: { receivedBytes: cuts[i + 1] } });
    }
    const entry = await uploads.finish(uploadId);
    expect(readFileSync(entry.path).equals(bytes)).toBe(true);
    expect(library.get(entry.id)).toMatchObject({ owned: true, origin: 'upload' });
  });

  it('keeps what arrived before a dropped connection and resumes from the offset it reports', async () => {
    const { uploads, port, bytes, dataDir } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'dropped.gguf', size: bytes.length });
    const half = Math.floor(bytes.length / 2);

    // Promise the whole file, send half, then cut the connection.
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path: `/upload/${uploadId}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'upload-offset': '0', 'content-length': String(bytes.length) },
    });
    req.on('error', () => undefined);
    req.write(bytes.subarray(0, half));
    const part = join(dataDir, 'uploads', `${uploadId}.part`);
    await waitFor('the first half on disk', () => statSync(part).size === half);
    req.destroy();

    // Asking from 0 again is refused with where to carry on.
    const conflict = await waitFor('the server to notice the drop', async () => {
      const answer = await json(await put(port, uploadId, 0, bytes.subarray(0, 10)));
      return answer.body.receivedBytes === half ? answer : false;
    });
    expect(conflict).toMatchObject({ status: 409, body: { receivedBytes: half } });

    await expect(json(await put(port, uploadId, half, bytes.subarray(half)))).resolves.toEqual({ status: 200, body: { receivedBytes: bytes.length } });
    const entry = await uploads.finish(uploadId);
    expect(readFileSync(entry.path).equals(bytes)).toBe(true);
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'guess'],
    ['a prefix of the token', TOKEN.slice(0, -1)],
  ])('refuses an upload with %s (401) and writes nothing', async (_label, token) => {
    const { uploads, port } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'm.gguf', size: 100 });
    const answer = await json(await put(port, uploadId, 0, new Uint8Array(10), token));
    expect(answer).toMatchObject({ status: 401, body: { error: { kind: 'unauthorized' } } });
    await expect(uploads.begin({ fileName: 'm.gguf', size: 100 })).resolves.toMatchObject({ receivedBytes: 0 });
  });

  it('answers 409 with the current offset for a chunk that starts elsewhere', async () => {
    const { uploads, port } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'm.gguf', size: 100 });
    await put(port, uploadId, 0, new Uint8Array(30));
    for (const offset of [0, 10, 31]) {
      expect(await json(await put(port, uploadId, offset, new Uint8Array(5)))).toMatchObject({ status: 409, body: { receivedBytes: 30 } });
    }
  });

  it('answers 413 for a body that would pass the declared size, 404 for an unknown upload, 400 for a bad offset', async () => {
    const { uploads, port } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'm.gguf', size: 100 });
    expect(await json(await put(port, uploadId, 0, new Uint8Array(101)))).toMatchObject({ status: 413, body: { error: { kind: 'invalid_input' } } });
    // Without a Content-Length the overflow is found while reading, and the chunk is still refused whole.
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(60));
        controller.enqueue(new Uint8Array(60));
        controller.close();
      },
    });
    const chunked = await fetch(`http://127.0.0.1:${port}/upload/${uploadId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'upload-offset': '0' },
      body: streamed,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    for (const id of ['no-such-upload', '..%2Fcatalog.sqlite', 'a/b', '']) {
      expect(await json(await put(port, id, 0, new Uint8Array(1)))).toMatchObject({ status: 404, body: { error: { kind: 'not_found' } } });
    }
    expect((await put(port, uploadId, '-1', new Uint8Array(1))).status).toBe(400);
    expect((await put(port, uploadId, 'ten', new Uint8Array(1))).status).toBe(400);
    const get = await fetch(`http://127.0.0.1:${port}/upload/${uploadId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    await expect(uploads.begin({ fileName: 'm.gguf', size: 100 })).resolves.toMatchObject({ receivedBytes: 0 });
  });

  it('answers 404 when the server takes no uploads', async () => {
    const staticDir = mkdtempSync(join(tmpdir(), 'lathe-web-ui-'));
    server = await startWebServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticDir, contract: new ContractServer({} as Handlers) });
    expect((await put(server.port, 'abc', 0, new Uint8Array(1))).status).toBe(404);
  });
});
