/** `lathe model pull` from the built CLI against a local Hub, with its own data folder. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDemoModel } from '../../helpers/demo-model';
import { sha256Of, startFakeHub, type FakeHub } from './fake-hub';

const hubs: FakeHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

function lathe(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/lathe.js', ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('lathe model pull', () => {
  it('downloads REPO:FILE into the library, printing progress and the model as JSON', async () => {
    const bytes = readFileSync(await makeDemoModel({ dtype: 'f32' }));
    const hub = await startFakeHub();
    hubs.push(hub);
    hub.addRepo({ id: 'lathe-test/Demo-GGUF', files: [{ path: 'demo-F32.gguf', bytes }, { path: 'demo-Q8_0.gguf', bytes }] });
    const env = { LATHE_DATA_DIR: mkdtempSync(join(tmpdir(), 'lathe-pull-')), LATHE_HUB_URL: hub.url };

    const result = await lathe(['model', 'pull', 'lathe-test/Demo-GGUF:demo-F32.gguf', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; state?: string; model?: { origin: string; sha256: string; path: string } });
    expect(lines.some((l) => l.type === 'progress' && l.state === 'verifying')).toBe(true);
    const done = lines.at(-1);
    expect(done).toMatchObject({ type: 'done', model: { origin: 'download', sha256: sha256Of(bytes) } });
    expect(readFileSync(done?.model?.path as string).equals(bytes)).toBe(true);

    const listed = await lathe(['model', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);

    // Without FILE and several files: the files are listed and nothing is downloaded.
    const ask = await lathe(['model', 'pull', 'lathe-test/Demo-GGUF'], env);
    expect(ask.code).toBe(2);
    expect(ask.stdout).toContain('demo-Q8_0.gguf');
    expect(ask.stdout).toContain('Q8_0');

    const bad = await lathe(['model', 'pull', 'lathe-test/Demo-GGUF:../../x.gguf'], env);
    expect(bad.code).toBe(2);
  });
});
