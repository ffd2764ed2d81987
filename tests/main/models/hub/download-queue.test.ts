import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadEntry, DownloadEvent } from '../../../../src-main/contract';
import { HubClient } from '../../../../src-main/models/hub/hub-client';
import { DownloadQueue, type DownloadQueueDeps } from '../../../../src-main/models/hub/download-queue';
import { makeDemoModel } from '../../helpers/demo-model';
import { closeFixtures, libraryFixture, waitFor, type LibraryFixture } from '../library-fixture';
import { HTML_PAGE, sha256Of, startFakeHub, type FakeFile, type FakeHub } from './fake-hub';

const REPO = 'lathe-test/Tiny-Demo-GGUF';
const hubs: FakeHub[] = [];
const queues: DownloadQueue[] = [];

afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
  for (const hub of hubs.splice(0)) await hub.close();
  await closeFixtures();
});

interface Setup {
  hub: FakeHub;
  fixture: LibraryFixture;
  queue: DownloadQueue;
  bytes: Buffer;
  events: DownloadEvent[];
  newQueue(extra?: Partial<DownloadQueueDeps>): DownloadQueue;
}

async function setUp(file: Partial<FakeFile> = {}, extra: Partial<DownloadQueueDeps> = {}): Promise<Setup> {
  const bytes = readFileSync(await makeDemoModel({ dtype: 'f32' }));
  const hub = await startFakeHub();
  hubs.push(hub);
  hub.addRepo({ id: REPO, files: [{ path: 'tiny-demo-F32.gguf', bytes, ...file }] });
  const fixture = await libraryFixture();
  const events: DownloadEvent[] = [];
  const newQueue = (more: Partial<DownloadQueueDeps> = {}): DownloadQueue => {
    const queue = new DownloadQueue({
      dataDir: fixture.dataDir,
      source: new HubClient({ hubUrl: hub.url, token: () => null }),
      library: fixture.library,
      retryDelaysMs: [50, 50, 50],
      progressIntervalMs: 0,
      ...extra,
      ...more,
    });
    queue.subscribe((event) => events.push(event));
    queues.push(queue);
    return queue;
  };
  const queue = newQueue();
  await queue.start();
  return { hub, fixture, queue, bytes, events, newQueue };
}

function settled(queue: DownloadQueue, id: string): Promise<DownloadEntry> {
  return waitFor(`download ${id} to settle`, () => {
    const entry = queue.list().find((d) => d.id === id);
    return entry && ['done', 'failed'].includes(entry.state) ? entry : undefined;
  }, 20_000);
}

function downloadsDir(fixture: LibraryFixture): string[] {
  return readdirSync(join(fixture.dataDir, 'downloads'));
}

describe('Hub downloads', () => {
  it('downloads a file through the resolve redirect, checks it and lists it as a downloaded model', async () => {
    const { hub, fixture, queue, bytes, events } = await setUp();
    const started = await queue.add(REPO, 'tiny-demo-F32.gguf');
    expect(started).toMatchObject({ state: 'queued', sizeBytes: bytes.length, receivedBytes: 0 });
    const done = await settled(queue, started.id);
    expect(done).toMatchObject({ state: 'done', receivedBytes: bytes.length, problem: null });
    const model = fixture.library.get(done.modelId as string);
    expect(model).toMatchObject({ origin: 'download', owned: true, status: 'ready', sha256: sha256Of(bytes), path: join(fixture.dataDir, 'models', 'tiny-demo-F32.gguf') });
    expect(readFileSync(model.path).equals(bytes)).toBe(true);
    expect(downloadsDir(fixture)).toEqual([]);
    expect(hub.requests.map((r) => r.path)).toContain(`/cdn/${REPO}/tiny-demo-F32.gguf`);
    expect(events.map((e) => (e.type === 'changed' ? e.download.state : e.type))).toEqual(expect.arrayContaining(['queued', 'downloading', 'verifying', 'done']));
    await expect(queue.add(REPO, 'tiny-demo-F32.gguf')).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('already in your models') });
    // Deleting a downloaded model deletes its file.
    await expect(fixture.library.remove(model.id)).resolves.toEqual({ deletedFile: true });
    expect(existsSync(model.path)).toBe(false);
  });

  it('resumes with Range after the server drops the connection midway', async () => {
    const bytes = readFileSync(await makeDemoModel({ dtype: 'f32' }));
    const half = Math.floor(bytes.length / 2);
    const { hub, fixture, queue } = await setUp({ dropAfter: half });
    const done = await settled(queue, (await queue.add(REPO, 'tiny-demo-F32.gguf')).id);
    expect(done.state).toBe('done');
    const ranges = hub.requests.filter((r) => r.path.startsWith('/cdn/')).map((r) => Number(/bytes=(\d+)-/.exec(r.range ?? '')?.[1]));
    expect(ranges[0]).toBe(0);
    expect(ranges.length).toBeGreaterThanOrEqual(2);
    expect(ranges.at(-1)).toBeGreaterThan(0);
    expect(ranges.at(-1)).toBeLessThanOrEqual(half);
    expect(readFileSync(fixture.library.get(done.modelId as string).path).equals(bytes)).toBe(true);
  });

  it('keeps progress moving on a slow server, and cancel removes the partial file', async () => {
    const { fixture, queue, events } = await setUp({ bytesPerSecond: 64 * 1024 });
    const { id } = await queue.add(REPO, 'tiny-demo-F32.gguf');
    const progress = (): number[] => events.flatMap((e) => (e.type === 'changed' && e.download.id === id && e.download.state === 'downloading' ? [e.download.receivedBytes] : []));
    await waitFor('several progress reports', () => new Set(progress()).size >= 4);
    const seen = progress();
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await waitFor('a download rate', () => (queue.list()[0]?.bytesPerSecond ?? 0) > 0 && (queue.list()[0]?.etaSeconds ?? 0) > 0);
    expect(downloadsDir(fixture).sort()).toEqual([`${id}.json`, `${id}.part`]);
    await expect(queue.cancel(id)).resolves.toEqual({ cancelled: true });
    expect(downloadsDir(fixture)).toEqual([]);
    expect(queue.list()).toEqual([]);
    expect(fixture.library.list()).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'removed', id });
  });

  it('refuses a file whose SHA-256 does not match the published one: removed, nothing added', async () => {
    const { fixture, queue } = await setUp({ sha256: 'f'.repeat(64) });
    const failed = await settled(queue, (await queue.add(REPO, 'tiny-demo-F32.gguf')).id);
    expect(failed).toMatchObject({ state: 'failed', resumable: false, modelId: null });
    expect(failed.problem).toMatch(/SHA-256/);
    expect(fixture.library.list()).toEqual([]);
    expect(downloadsDir(fixture)).toEqual([]);
    expect(readdirSync(fixture.dataDir)).not.toContain('models');
  });

  it('answers not_found for a repository the Hub does not have', async () => {
    const { queue, fixture } = await setUp();
    await expect(queue.add('nobody/No-Such-Repo-GGUF', 'x-Q4_K_M.gguf')).rejects.toMatchObject({ kind: 'not_found' });
    await expect(queue.add(REPO, 'missing-Q8_0.gguf')).rejects.toMatchObject({ kind: 'not_found', message: expect.stringContaining('tiny-demo-F32.gguf') });
    expect(downloadsDir(fixture)).toEqual([]);
  });

  it('continues from the partial file after a restart', async () => {
    const { hub, fixture, queue, bytes, newQueue } = await setUp({ bytesPerSecond: 48 * 1024 });
    const { id } = await queue.add(REPO, 'tiny-demo-F32.gguf');
    await waitFor('some bytes', () => (queue.list()[0]?.receivedBytes ?? 0) > 64 * 1024);
    await queue.close();
    const kept = readFileSync(join(fixture.dataDir, 'downloads', `${id}.part`)).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(bytes.length);
    // The app starts again; the server is fast now.
    const file = hub.repos.get(REPO)?.files[0] as FakeFile;
    delete file.bytesPerSecond;
    const again = newQueue();
    await again.start();
    expect(again.list()[0]).toMatchObject({ id, receivedBytes: kept });
    const done = await settled(again, id);
    expect(done.state).toBe('done');
    expect(hub.requests.at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(readFileSync(fixture.library.get(done.modelId as string).path).equals(bytes)).toBe(true);
  });

  it('removes partial downloads abandoned for over a day at start, and stray parts', async () => {
    const { fixture, newQueue } = await setUp();
    const dir = join(fixture.dataDir, 'downloads');
    const record = { id: 'old-one', repo: REPO, file: 'tiny-demo-F32.gguf', sizeBytes: 10_000, sha256: 'a'.repeat(64), startedAt: 0 };
    writeFileSync(join(dir, 'old-one.json'), JSON.stringify(record));
    writeFileSync(join(dir, 'old-one.part'), Buffer.from('GGUF'));
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(join(dir, 'old-one.part'), twoDaysAgo, twoDaysAgo);
    writeFileSync(join(dir, 'stray.part'), Buffer.from('GGUF'));
    const queue = newQueue();
    await queue.start();
    expect(queue.list()).toEqual([]);
    expect(downloadsDir(fixture)).toEqual([]);
  });

  it('runs no more downloads at once than its limit', async () => {
    const bytes = readFileSync(await makeDemoModel({ dtype: 'f32' }));
    const { hub, queue } = await setUp();
    await queue.close();
    hub.addRepo({ id: REPO, files: ['a', 'b', 'c'].map((n) => ({ path: `${n}-Q8_0.gguf`, bytes, bytesPerSecond: 1024 * 1024 })) });
    const { newQueue } = { newQueue: (await setUpQueueOn(hub, 1)) };
    const ids = [];
    for (const name of ['a', 'b', 'c']) ids.push((await newQueue.add(REPO, `${name}-Q8_0.gguf`)).id);
    let most = 0;
    await waitFor('all three done', () => {
      const list = newQueue.list();
      most = Math.max(most, list.filter((d) => d.state === 'downloading' || d.state === 'verifying').length);
      return list.every((d) => d.state === 'done');
    }, 20_000);
    expect(most).toBe(1);
    expect(ids).toHaveLength(3);
  });
});

async function setUpQueueOn(hub: FakeHub, concurrency: number): Promise<DownloadQueue> {
  const fixture = await libraryFixture();
  const queue = new DownloadQueue({ dataDir: fixture.dataDir, source: new HubClient({ hubUrl: hub.url, token: () => null }), library: fixture.library, concurrency, progressIntervalMs: 0 });
  queues.push(queue);
  await queue.start();
  return queue;
}

describe('Hub downloads: bad input', () => {
  it('refuses a repository with no GGUF files', async () => {
    const { hub, queue } = await setUp();
    hub.addRepo({ id: 'lathe-test/safetensors-only', files: [{ path: 'model.safetensors', bytes: Buffer.from('x') }] });
    await expect(queue.add('lathe-test/safetensors-only', 'model.gguf')).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('no GGUF files') });
  });

  it('refuses a file larger than the free disk before downloading a byte', async () => {
    const { queue, hub, fixture } = await setUp({ listedSize: 2 ** 50 });
    await expect(queue.add(REPO, 'tiny-demo-F32.gguf')).rejects.toMatchObject({ kind: 'unwritable', message: expect.stringContaining('free') });
    expect(hub.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(false);
    expect(downloadsDir(fixture)).toEqual([]);
  });

  it('refuses a web page answered instead of bytes, by its content type', async () => {
    const { queue, fixture } = await setUp({ bytes: HTML_PAGE, contentType: 'text/html; charset=utf-8' });
    const failed = await settled(queue, (await queue.add(REPO, 'tiny-demo-F32.gguf')).id);
    expect(failed).toMatchObject({ state: 'failed', resumable: false });
    expect(failed.problem).toMatch(/web page/);
    expect(downloadsDir(fixture)).toEqual([]);
    expect(fixture.library.list()).toEqual([]);
  });

  it('refuses a web page sent as octet-stream, by the missing GGUF magic', async () => {
    const { queue, fixture } = await setUp({ bytes: HTML_PAGE });
    const failed = await settled(queue, (await queue.add(REPO, 'tiny-demo-F32.gguf')).id);
    expect(failed).toMatchObject({ state: 'failed', resumable: false });
    expect(failed.problem).toMatch(/web page/);
    expect(downloadsDir(fixture)).toEqual([]);
  });

  it('refuses a file the server has fewer bytes of than the Hub lists', async () => {
    const bytes = readFileSync(await makeDemoModel({ dtype: 'f32' }));
    const { queue, fixture } = await setUp({ listedSize: bytes.length + 4096 });
    const failed = await settled(queue, (await queue.add(REPO, 'tiny-demo-F32.gguf')).id);
    expect(failed).toMatchObject({ state: 'failed', resumable: false });
    expect(failed.problem).toMatch(/fewer bytes/);
    expect(downloadsDir(fixture)).toEqual([]);
    expect(fixture.library.list()).toEqual([]);
  });

  it('never lets a file name leave the data folder', async () => {
    const { queue, hub, fixture, bytes } = await setUp();
    for (const bad of ['../../evil.gguf', '/etc/evil.gguf', 'a\\..\\..\\evil.gguf', 'sub//x.gguf', 'C:evil.gguf']) {
      await expect(queue.add(REPO, bad)).rejects.toMatchObject({ kind: 'invalid_input' });
    }
    await expect(queue.add('../etc', 'x.gguf')).rejects.toMatchObject({ kind: 'invalid_input' });
    // A file in a folder of the repository lands in the models folder under its own name.
    hub.addRepo({ id: REPO, files: [{ path: 'Q8/..hidden name-Q8_0.gguf', bytes }] });
    const done = await settled(queue, (await queue.add(REPO, 'Q8/..hidden name-Q8_0.gguf')).id);
    expect(done.state).toBe('done');
    expect(fixture.library.get(done.modelId as string).path).toBe(join(fixture.dataDir, 'models', 'hidden name-Q8_0.gguf'));
  });
});
