/**
 * Watched folders with the real chokidar: files copied in, deleted and put back while the
 * library runs. Each wait polls with a deadline rather than sleeping a fixed time.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { folderChange } from '../../../src-main/models/folder-watch';
import { makeDemoModel } from '../helpers/demo-model';
import { byPath, closeFixtures, libraryFixture, placeGguf, waitFor } from './library-fixture';

afterEach(closeFixtures);

describe('a watched folder', () => {
  it('lists a GGUF copied into it, marks it missing when deleted, and ready when it is back', async () => {
    const { root, library } = await libraryFixture();
    const folder = join(root, 'watched');
    mkdirSync(folder);
    const result = await library.addPaths([folder]);
    expect(result).toEqual({ added: [], skipped: [{ path: folder, reason: expect.stringMatching(/no GGUF files in this folder yet/) }] });

    const path = join(folder, 'deep', 'er', 'arrived.gguf');
    await placeGguf(path);
    const entry = await waitFor('the copied file to be listed', () => byPath(library, path));
    expect(entry).toMatchObject({ origin: 'folder', status: 'ready', owned: false });

    rmSync(path);
    await waitFor('the deleted file to be marked missing', () => library.get(entry.id).status === 'missing');
    expect(library.get(entry.id).problem).toContain(path);

    await placeGguf(path);
    await waitFor('the file to be ready again', () => library.get(entry.id).status === 'ready');
    expect(library.list()).toHaveLength(1);
  });

  it('ignores files that are not .gguf and hidden folders', async () => {
    const { root, library, events } = await libraryFixture();
    const folder = join(root, 'watched');
    mkdirSync(folder);
    await library.addPaths([folder]);
    const demo = await makeDemoModel();
    mkdirSync(join(folder, '.partial'));
    copyFileSync(demo, join(folder, '.partial', 'hidden.gguf'));
    copyFileSync(demo, join(folder, 'weights.bin'));
    const visible = await placeGguf(join(folder, 'visible.gguf'));
    await waitFor('the visible file', () => byPath(library, visible));
    // The others were written first; give them the same settle time again before concluding.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(library.list().map((m) => m.path)).toEqual([visible]);
    expect(events.filter((e) => e.type === 'changed')).toHaveLength(1);
  });

  it('is watched again after a restart, and picks up files that arrived while Lathe was closed', async () => {
    const fixture = await libraryFixture();
    const folder = join(fixture.root, 'watched');
    mkdirSync(folder);
    await fixture.library.addPaths([folder]);
    await fixture.library.close();

    const whileClosed = await placeGguf(join(folder, 'while-closed.gguf'));
    const library = await fixture.restart();
    expect(byPath(library, whileClosed)).toMatchObject({ origin: 'folder', status: 'ready' });

    const afterRestart = await placeGguf(join(folder, 'after-restart.gguf'));
    await waitFor('a file added after the restart', () => byPath(library, afterRestart));
  });

  it('marks missing the models of a subfolder deleted whole', async () => {
    const { root, library } = await libraryFixture();
    const folder = join(root, 'watched');
    const a = await placeGguf(join(folder, 'publisher', 'repo', 'a.gguf'));
    const b = await placeGguf(join(folder, 'publisher', 'repo', 'b.gguf'));
    await library.addPaths([folder]);
    rmSync(join(folder, 'publisher'), { recursive: true });
    await waitFor('both missing', () => [a, b].every((p) => byPath(library, p)?.status === 'missing'));
  });

  it('follows a file renamed inside the folder: the old path missing, the new one listed', async () => {
    const { root, library } = await libraryFixture();
    const folder = join(root, 'watched');
    const before = await placeGguf(join(folder, 'before.gguf'));
    await library.addPaths([folder]);
    const after = join(folder, 'after.gguf');
    renameSync(before, after);
    await waitFor('the new name', () => byPath(library, after));
    await waitFor('the old name missing', () => byPath(library, before)?.status === 'missing');
  });
});

describe('folderChange', () => {
  const plain = { id: 'f', path: '/m', origin: 'folder' as const, addedAt: 0 };
  const ollama = { id: 'o', path: '/o', origin: 'ollama' as const, addedAt: 0 };

  it.each([
    [plain, 'add', '/m/a/b.gguf', { type: 'file', change: 'added', path: '/m/a/b.gguf' }],
    [plain, 'change', '/m/b.GGUF', { type: 'file', change: 'changed', path: '/m/b.GGUF' }],
    [plain, 'unlink', '/m/b.gguf', { type: 'file', change: 'removed', path: '/m/b.gguf' }],
    [plain, 'add', '/m/readme.md', null],
    [plain, 'addDir', '/m/sub', null],
    [ollama, 'add', '/o/manifests/registry.ollama.ai/library/x/latest', { type: 'manifests' }],
    [ollama, 'unlinkDir', '/o/manifests/registry.ollama.ai/library/x', { type: 'manifests' }],
    [ollama, 'unlink', `/o/blobs/sha256-${'a'.repeat(64)}`, { type: 'file', change: 'removed', path: `/o/blobs/sha256-${'a'.repeat(64)}` }],
    [ollama, 'add', '/o/other/file', null],
  ])('%#: %s %s → %j', (folder, eventName, path, expected) => {
    expect(folderChange(folder, eventName, path)).toEqual(expected);
  });
});
