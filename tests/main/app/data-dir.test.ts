import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseDataDir, ensureWritableDataDir } from '../../../src-main/app/data-dir';

describe('chooseDataDir', () => {
  it.each([
    [{ LATHE_DATA_DIR: '/srv/lathe' }, 'linux', '/srv/lathe'],
    [{}, 'linux', '/home/ada/.local/share/lathe'],
    [{ XDG_DATA_HOME: '/xdg' }, 'linux', '/xdg/lathe'],
    [{}, 'darwin', '/home/ada/Library/Application Support/Lathe'],
    [{ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada\\AppData\\Roaming\\Lathe'],
    [{ LATHE_DATA_DIR: 'D:\\lathe' }, 'win32', 'D:\\lathe'],
  ] as const)('%j on %s → %s', (env, platform, expected) => {
    expect(chooseDataDir({ env, platform, home: '/home/ada' })).toBe(expected);
  });
});

describe('ensureWritableDataDir', () => {
  it('creates a missing folder', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lathe-data-')), 'nested', 'lathe');
    await expect(ensureWritableDataDir(dir)).resolves.toBeUndefined();
  });

  it('refuses a folder that cannot be created, with a message naming it', async () => {
    // A file where a parent folder should be: unwritable even for root, unlike chmod.
    const blocker = join(mkdtempSync(join(tmpdir(), 'lathe-data-')), 'not-a-folder');
    writeFileSync(blocker, 'keep me');
    const dir = join(blocker, 'lathe');
    await expect(ensureWritableDataDir(dir)).rejects.toMatchObject({
      kind: 'unwritable',
      message: expect.stringContaining(dir),
    });
  });
});
