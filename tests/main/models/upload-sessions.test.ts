import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadOffsetConflict, UploadTooLarge } from '../../../src-main/models/upload-errors';
import { numberedName, safeModelFileName } from '../../../src-main/models/upload-file-name';
import { MAX_UPLOAD_CHUNK_BYTES, UploadSessions } from '../../../src-main/models/upload-sessions';
import { makeDemoModel } from '../helpers/demo-model';
import { closeFixtures, libraryFixture } from './library-fixture';

afterEach(closeFixtures);

async function* chunks(...parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield part;
}

async function setUp() {
  const fixture = await libraryFixture();
  const uploads = new UploadSessions({ dataDir: fixture.dataDir, library: fixture.library });
  await uploads.start();
  return { ...fixture, uploads, bytes: readFileSync(await makeDemoModel()) };
}

describe('upload sessions', () => {
  it('takes a file in chunks and lists it as an owned model in the data folder', async () => {
    const { uploads, bytes, dataDir, library } = await setUp();
    const session = await uploads.begin({ fileName: 'my tiny model.gguf', size: bytes.length });
    expect(session).toMatchObject({ fileName: 'my tiny model.gguf', size: bytes.length, receivedBytes: 0 });
    const third = Math.floor(bytes.length / 3);
    await expect(uploads.append(session.uploadId, 0, chunks(bytes.subarray(0, third)))).resolves.toEqual({ receivedBytes: third });
    await uploads.append(session.uploadId, third, chunks(bytes.subarray(third, 2 * third)));
    await uploads.append(session.uploadId, 2 * third, chunks(bytes.subarray(2 * third)));
    const entry = await uploads.finish(session.uploadId);
    expect(entry).toMatchObject({ path: join(dataDir, 'models', 'my tiny model.gguf'), owned: true, origin: 'upload', status: 'ready' });
    expect(readFileSync(entry.path).equals(bytes)).toBe(true);
    expect(library.get(entry.id)).toEqual(entry);
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
    await expect(uploads.finish(session.uploadId)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('picks up an unfinished upload of the same file, also after a restart', async () => {
    const { uploads, bytes, dataDir, library } = await setUp();
    const first = await uploads.begin({ fileName: 'm.gguf', size: bytes.length });
    await uploads.append(first.uploadId, 0, chunks(bytes.subarray(0, 1000)));
    await expect(uploads.begin({ fileName: 'm.gguf', size: bytes.length })).resolves.toEqual({ ...first, receivedBytes: 1000 });
    expect((await uploads.begin({ fileName: 'm.gguf', size: bytes.length + 1 })).uploadId).not.toBe(first.uploadId);

    const afterRestart = new UploadSessions({ dataDir, library });
    await expect(afterRestart.begin({ fileName: 'm.gguf', size: bytes.length })).resolves.toEqual({ ...first, receivedBytes: 1000 });
    await afterRestart.append(first.uploadId, 1000, chunks(bytes.subarray(1000)));
    await expect(afterRestart.finish(first.uploadId)).resolves.toMatchObject({ owned: true });
  });

  it('refuses a chunk that does not start where the upload stands, saying where that is', async () => {
    const { uploads, bytes } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'm.gguf', size: bytes.length });
    await uploads.append(uploadId, 0, chunks(bytes.subarray(0, 100)));
    for (const offset of [0, 99, 101]) {
      const error = await uploads.append(uploadId, offset, chunks(bytes.subarray(offset, offset + 10))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadOffsetConflict);
      expect((error as UploadOffsetConflict).receivedBytes).toBe(100);
    }
    await expect(uploads.append(uploadId, 100, chunks(bytes.subarray(100, 110)))).resolves.toEqual({ receivedBytes: 110 });
  });

  it('refuses, whole, a chunk that would pass the declared size, and one over the chunk limit', async () => {
    const { uploads } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'm.gguf', size: 100 });
    await uploads.append(uploadId, 0, chunks(new Uint8Array(60)));
    await expect(uploads.append(uploadId, 60, chunks(new Uint8Array(30), new Uint8Array(30)))).rejects.toBeInstanceOf(UploadTooLarge);
    await expect(uploads.begin({ fileName: 'm.gguf', size: 100 })).resolves.toMatchObject({ receivedBytes: 60 });
    await expect(uploads.append(uploadId, 60, chunks(new Uint8Array(1)), 41)).rejects.toBeInstanceOf(UploadTooLarge);

    const big = await uploads.begin({ fileName: 'big.gguf', size: 4 * MAX_UPLOAD_CHUNK_BYTES });
    await expect(uploads.append(big.uploadId, 0, chunks(new Uint8Array(1)), MAX_UPLOAD_CHUNK_BYTES + 1)).rejects.toThrow(/at most/);
  });

  it('will not finish an incomplete upload', async () => {
    const { uploads } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'm.gguf', size: 100 });
    await uploads.append(uploadId, 0, chunks(new Uint8Array(40)));
    await expect(uploads.finish(uploadId)).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('40 of 100') });
  });

  it('throws away a finished upload that is not a GGUF, leaving no file behind', async () => {
    const { uploads, dataDir, library } = await setUp();
    const text = Buffer.from('definitely not a model\n'.repeat(50));
    const { uploadId } = await uploads.begin({ fileName: 'notes.gguf', size: text.length });
    await uploads.append(uploadId, 0, chunks(text));
    await expect(uploads.finish(uploadId)).rejects.toMatchObject({ kind: 'invalid_file', message: expect.stringContaining('notes.gguf') });
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
    expect(existsSync(join(dataDir, 'models'))).toBe(false);
    expect(library.list()).toEqual([]);
  });

  it('keeps a second upload of the same name beside the first', async () => {
    const { uploads, bytes, dataDir } = await setUp();
    const paths: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { uploadId } = await uploads.begin({ fileName: '../../escape.gguf', size: bytes.length });
      await uploads.append(uploadId, 0, chunks(bytes));
      paths.push((await uploads.finish(uploadId)).path);
    }
    expect(paths).toEqual([join(dataDir, 'models', 'escape.gguf'), join(dataDir, 'models', 'escape (2).gguf')]);
  });

  it('cancels an upload and removes its bytes', async () => {
    const { uploads, dataDir } = await setUp();
    const { uploadId } = await uploads.begin({ fileName: 'm.gguf', size: 100 });
    await uploads.append(uploadId, 0, chunks(new Uint8Array(10)));
    await expect(uploads.cancel(uploadId)).resolves.toEqual({ cancelled: true });
    await expect(uploads.cancel(uploadId)).resolves.toEqual({ cancelled: false });
    await expect(uploads.append(uploadId, 10, chunks(new Uint8Array(1)))).rejects.toMatchObject({ kind: 'not_found' });
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
  });

  it('removes at start the uploads nobody touched for a day, and stray part files', async () => {
    const { uploads, dataDir, library } = await setUp();
    const old = await uploads.begin({ fileName: 'old.gguf', size: 100 });
    const fresh = await uploads.begin({ fileName: 'fresh.gguf', size: 100 });
    const dir = join(dataDir, 'uploads');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(join(dir, `${old.uploadId}.part`), twoDaysAgo, twoDaysAgo);
    writeFileSync(join(dir, 'stray.part'), 'x');
    writeFileSync(join(dir, 'garbage.json'), '{"not": "a record"}');

    const restarted = new UploadSessions({ dataDir, library });
    await restarted.start();
    expect(readdirSync(dir).sort()).toEqual([`${fresh.uploadId}.json`, `${fresh.uploadId}.part`].sort());
    await expect(restarted.finish(old.uploadId)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('never lets an upload id name a path', async () => {
    const { uploads } = await setUp();
    for (const id of ['../catalog', 'a/b', '']) {
      await expect(uploads.append(id, 0, chunks())).rejects.toMatchObject({ kind: 'not_found' });
    }
  });
});

describe('upload file names', () => {
  it.each([
    ['model.gguf', 'model.gguf'],
    ['Model.GGUF', 'Model.GGUF'],
    ['../../etc/passwd', 'passwd.gguf'],
    ['C:\\Users\\x\\m.gguf', 'm.gguf'],
    ['..', 'model.gguf'],
    ['.hidden.gguf', 'hidden.gguf'],
    ['a<b>c:d"e|f?g*h.gguf', 'a_b_c_d_e_f_g_h.gguf'],
    ['line\nbreak.gguf', 'line_break.gguf'],
    ['CON', '_CON.gguf'],
    ['weights', 'weights.gguf'],
    [`${'x'.repeat(300)}.gguf`, `${'x'.repeat(180)}.gguf`],
  ])('%j → %j', (sent, safe) => {
    expect(safeModelFileName(sent)).toBe(safe);
  });

  it('numbers a taken name before its extension', () => {
    expect(numberedName('m.gguf', 1)).toBe('m.gguf');
    expect(numberedName('m.gguf', 3)).toBe('m (3).gguf');
  });
});
