import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../../src-main/contract';
import { byPath, closeFixtures, libraryFixture, placeGguf, waitFor } from './library-fixture';

afterEach(closeFixtures);

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

async function errorOf(work: () => unknown): Promise<LatheError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof LatheError) return error;
    throw error;
  }
  throw new Error('expected a LatheError');
}

describe('adding files', () => {
  it('lists a GGUF where it lies, with the facts from its header', async () => {
    const { root, library, events } = await libraryFixture();
    const path = await placeGguf(join(root, 'models', 'tiny.gguf'));
    const result = await library.addPaths([path]);
    expect(result.skipped).toEqual([]);
    expect(result.added).toHaveLength(1);
    const [entry] = result.added;
    expect(entry).toMatchObject({ path, owned: false, origin: 'file', status: 'ready', problem: null, sha256: null });
    expect(entry?.facts?.architecture).toBe('llama');
    expect(entry?.facts?.fileSizeBytes).toBe(readFileSync(path).length);
    expect(library.get(entry!.id)).toEqual(entry);
    expect(events).toContainEqual({ type: 'changed', model: entry });
  });

  it('judges a file by its content, not its name', async () => {
    const { root, library } = await libraryFixture();
    const renamed = await placeGguf(join(root, 'weights.bin'));
    const fake = join(root, 'fake.gguf');
    writeFileSync(fake, 'GGUF is only the first four bytes of this text, not a model at all.\n'.repeat(20));
    const result = await library.addPaths([renamed, fake]);
    expect(result.added.map((m) => m.path)).toEqual([renamed]);
    expect(result.skipped).toEqual([{ path: fake, reason: expect.stringMatching(/\S/) }]);
  });

  it('skips what it cannot use, says why, and leaves the catalog unchanged', async () => {
    const { root, library, events } = await libraryFixture();
    const text = join(root, 'notes.txt');
    writeFileSync(text, 'not a model\n');
    const empty = join(root, 'empty.gguf');
    writeFileSync(empty, '');
    const loop = join(root, 'loop.gguf');
    symlinkSync(loop, loop);
    const paths = [text, empty, join(root, 'nowhere.gguf'), join(text, 'inside-a-file.gguf'), loop];
    const result = await library.addPaths(paths);
    expect(result.added).toEqual([]);
    expect(result.skipped.map((s) => s.path)).toEqual(paths);
    for (const { reason } of result.skipped) expect(reason.length).toBeGreaterThan(10);
    expect(result.skipped[2]?.reason).toMatch(/nothing at this path/);
    expect(library.list()).toEqual([]);
    expect(events).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('skips a file it is not allowed to read', async () => {
    const { root, library } = await libraryFixture();
    const path = await placeGguf(join(root, 'locked.gguf'));
    const { chmodSync } = await import('node:fs');
    chmodSync(path, 0o000);
    const result = await library.addPaths([path]);
    expect(result.skipped).toEqual([{ path, reason: expect.stringMatching(/permission|not allowed|cannot/i) }]);
    expect(library.list()).toEqual([]);
  });

  it('scans a folder for GGUF files at any depth, skipping broken ones with reasons and ignoring other files', async () => {
    const { root, library } = await libraryFixture();
    const folder = join(root, 'collection');
    const a = await placeGguf(join(folder, 'a.gguf'));
    const b = await placeGguf(join(folder, 'publisher', 'repo', 'b.GGUF'), { arch: 'qwen2' });
    await placeGguf(join(folder, '.cache', 'partial.gguf'));
    writeFileSync(join(folder, 'README.md'), '# my models\n');
    writeFileSync(join(folder, 'config.json'), '{}');
    const broken = join(folder, 'publisher', 'broken.gguf');
    writeFileSync(broken, Buffer.alloc(64, 7));
    const result = await library.addPaths([folder]);
    expect(result.added.map((m) => [m.path, m.origin])).toEqual([
      [a, 'folder'],
      [b, 'folder'],
    ]);
    expect(result.skipped).toEqual([{ path: broken, reason: expect.stringMatching(/\S/) }]);
    expect(library.list().map((m) => m.path).sort()).toEqual([a, b]);
  });

  it('skips a file already listed, however its path is written', async () => {
    const { root, library } = await libraryFixture();
    const path = await placeGguf(join(root, 'm', 'tiny.gguf'));
    await library.addPaths([path]);
    const again = await library.addPaths([join(root, 'm', '.', '..', 'm', 'tiny.gguf'), path]);
    expect(again).toEqual({ added: [], skipped: [{ path, reason: 'already in the library' }] });
    expect(library.list()).toHaveLength(1);
  });

  it('answers not_found for an id it does not have', async () => {
    const { library } = await libraryFixture();
    expect((await errorOf(() => library.get('nope'))).kind).toBe('not_found');
    expect((await errorOf(() => library.remove('nope'))).kind).toBe('not_found');
  });
});

describe('searching', () => {
  it('matches display name, architecture, or path, ignoring case, with % and _ taken literally', async () => {
    const { root, library } = await libraryFixture();
    const llama = await placeGguf(join(root, 'Family', 'first_model.gguf'));
    const qwen = await placeGguf(join(root, 'other', 'second.gguf'), { arch: 'qwen2' });
    await library.addPaths([llama, qwen]);
    const paths = (query?: string): string[] => library.list(query).map((m) => m.path);
    expect(paths()).toHaveLength(2);
    expect(paths('QWEN2')).toEqual([qwen]);
    expect(paths('LLAMA')).toEqual([llama]);
    expect(paths('family')).toEqual([llama]);
    expect(paths('first_model')).toEqual([llama]);
    expect(paths('first%model')).toEqual([]);
    expect(paths('t_model')).toEqual([llama]);
    expect(paths('st_m')).toEqual([llama]);
    expect(paths('s_cond')).toEqual([]);
    const name = library.get(library.list()[0]!.id).facts!.displayName;
    expect(paths(name.toUpperCase()).length).toBeGreaterThan(0);
    expect(paths('   ')).toHaveLength(2);
  });
});

describe('removing', () => {
  it('keeps a file imported in place unless asked to delete it', async () => {
    const { root, library, events } = await libraryFixture();
    const kept = await placeGguf(join(root, 'kept.gguf'));
    const deleted = await placeGguf(join(root, 'deleted.gguf'));
    const { added } = await library.addPaths([kept, deleted]);
    const [keptEntry, deletedEntry] = added;
    await expect(library.remove(keptEntry!.id)).resolves.toEqual({ deletedFile: false });
    expect(existsSync(kept)).toBe(true);
    await expect(library.remove(deletedEntry!.id, true)).resolves.toEqual({ deletedFile: true });
    expect(existsSync(deleted)).toBe(false);
    expect(library.list()).toEqual([]);
    expect(events.filter((e) => e.type === 'removed')).toEqual([
      { type: 'removed', id: keptEntry!.id },
      { type: 'removed', id: deletedEntry!.id },
    ]);
  });

  it('deletes the file of an entry Lathe owns', async () => {
    const { dataDir, library } = await libraryFixture();
    const path = await placeGguf(join(dataDir, 'models', 'uploaded.gguf'));
    const facts = await library.inspectFile(path);
    const entry = library.adoptOwnedFile(path, facts, 'upload');
    expect(entry).toMatchObject({ owned: true, origin: 'upload', status: 'ready' });
    await expect(library.remove(entry.id)).resolves.toEqual({ deletedFile: true });
    expect(existsSync(path)).toBe(false);
  });

  it('does not bring back a file removed from a watched folder, until it is added by hand', async () => {
    const fixture = await libraryFixture();
    const folder = join(fixture.root, 'watched');
    const path = await placeGguf(join(folder, 'tiny.gguf'));
    const { added } = await fixture.library.addPaths([folder]);
    await fixture.library.remove(added[0]!.id);
    const restarted = await fixture.restart();
    expect(restarted.list()).toEqual([]);
    expect((await restarted.addPaths([folder])).added).toEqual([]);
    expect((await restarted.addPaths([path])).added).toHaveLength(1);
    expect(byPath(restarted, path)?.origin).toBe('file');
  });
});

describe('starting', () => {
  it('marks entries whose files went away while Lathe was closed, and readies them when they are back', async () => {
    const fixture = await libraryFixture();
    const path = await placeGguf(join(fixture.root, 'roaming.gguf'));
    const { added } = await fixture.library.addPaths([path]);
    await fixture.library.close();
    renameSync(path, `${path}.away`);

    let library = await fixture.restart();
    expect(library.get(added[0]!.id)).toMatchObject({ status: 'missing', problem: expect.stringContaining(path) });

    renameSync(`${path}.away`, path);
    library = await fixture.restart();
    expect(library.get(added[0]!.id)).toMatchObject({ status: 'ready', problem: null });
  });
});

describe('hashing', () => {
  it('stores the SHA-256 of the file, reporting progress on the way', async () => {
    const { root, library, events } = await libraryFixture();
    const path = await placeGguf(join(root, 'tiny.gguf'));
    const { added } = await library.addPaths([path]);
    const id = added[0]!.id;
    expect(library.startHash(id)).toEqual({ started: true });
    expect(library.startHash(id)).toEqual({ started: false });
    const done = await waitFor('the hash to end', () => events.find((e) => e.type === 'hash-done' || e.type === 'hash-failed'));
    expect(done).toEqual({ type: 'hash-done', id, sha256: sha256Of(path) });
    const progress = events.filter((e) => e.type === 'hash-progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ type: 'hash-progress', id, bytesDone: readFileSync(path).length, bytesTotal: readFileSync(path).length });
    expect(library.get(id).sha256).toBe(sha256Of(path));
  });

  it('stops when cancelled and stores nothing', async () => {
    const { root, library, events } = await libraryFixture();
    const path = await placeGguf(join(root, 'tiny.gguf'));
    const { added } = await library.addPaths([path]);
    const id = added[0]!.id;
    library.startHash(id);
    expect(library.cancelHash(id)).toEqual({ cancelled: true });
    const failed = await waitFor('hash-failed', () => events.find((e) => e.type === 'hash-failed'));
    expect(failed).toEqual({ type: 'hash-failed', id, message: 'Hashing was cancelled.' });
    expect(events.some((e) => e.type === 'hash-done')).toBe(false);
    expect(library.get(id).sha256).toBeNull();
    expect(library.cancelHash(id)).toEqual({ cancelled: false });
  });

  it('can be cancelled part-way through a large file', async () => {
    const { root, library, events } = await libraryFixture();
    // A real GGUF followed by a sparse tail: 40 MB to read, little disk used.
    const path = await placeGguf(join(root, 'large.gguf'));
    truncateSync(path, 40 * 1024 * 1024);
    const { added } = await library.addPaths([path]);
    const id = added[0]!.id;
    const unsubscribe = library.subscribe((event) => {
      if (event.type === 'hash-progress') library.cancelHash(id);
    });
    library.startHash(id);
    await waitFor('hash-failed', () => events.find((e) => e.type === 'hash-failed'));
    unsubscribe();
    const progress = events.filter((e) => e.type === 'hash-progress');
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatchObject({ bytesTotal: 40 * 1024 * 1024, bytesDone: expect.any(Number) });
    expect((progress[0] as { bytesDone: number }).bytesDone).toBeLessThan(40 * 1024 * 1024);
    expect(library.get(id).sha256).toBeNull();

    // Started again and left alone, it finishes with the digest of all 40 MB.
    library.startHash(id);
    const done = await waitFor('hash-done', () => events.find((e) => e.type === 'hash-done'));
    expect(done).toEqual({ type: 'hash-done', id, sha256: sha256Of(path) });
  });

  it('refuses to hash a model whose file is missing', async () => {
    const fixture = await libraryFixture();
    const path = await placeGguf(join(fixture.root, 'gone.gguf'));
    const { added } = await fixture.library.addPaths([path]);
    renameSync(path, `${path}.away`);
    const library = await fixture.restart();
    expect((await errorOf(() => library.startHash(added[0]!.id))).kind).toBe('not_found');
  });

  it('hashes at most two files at once and queues the rest', async () => {
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const { root, library, events } = await libraryFixture({
      hasher: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return 'f'.repeat(64);
      },
    });
    const paths = await Promise.all(['a', 'b', 'c'].map((n) => placeGguf(join(root, `${n}.gguf`))));
    const { added } = await library.addPaths(paths);
    for (const entry of added) library.startHash(entry.id);
    await waitFor('two hashes running', () => releases.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(releases).toHaveLength(2);
    releases.shift()!();
    await waitFor('two hashes running', () => releases.length === 2);
    while (releases.length > 0) releases.shift()!();
    await waitFor('three hashes done', () => events.filter((e) => e.type === 'hash-done').length === 3);
    expect(most).toBe(2);
  });
});
