/**
 * `lathe demo` wired end to end with a handful of steps (the full demo, 160 steps, is timed by
 * hand: see the README): its own data folder, the demo model, the bundled sample set, a run,
 * and the side-by-side answers with the count of exact ones.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('lathe demo', () => {
  it('makes a model, imports the sample set, trains, and compares answers', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lathe-demo-test-'));
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['bin/lathe.js', 'demo', '--steps', '5'], { env: { ...process.env, LATHE_DATA_DIR: dataDir }, timeout: 480_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`data folder ${dataDir}`);
    expect(result.stdout).toContain('Training a LoRA adapter for 5 steps on 24 answers');
    expect(result.stdout).toContain('Held-out questions (not in the training set)');
    expect(result.stdout).toContain('What is an epoch?');
    expect(result.stdout).toContain('Trained questions');
    expect(result.stdout).toMatch(/The fine-tuned model reproduces \d+ of 24 trained answers exactly/);
    // Everything stayed in the demo's folder: the model, the library's copy of the sample, the run.
    expect(existsSync(join(dataDir, 'demo-llama-small.gguf'))).toBe(true);
    expect(readdirSync(join(dataDir, 'datasets'))).toHaveLength(1);
    const [run] = readdirSync(join(dataDir, 'runs'));
    expect(existsSync(join(dataDir, 'runs', run as string, 'adapter.gguf'))).toBe(true);
  }, 480_000);

  it('refuses a bad --steps (exit 2)', async () => {
    const code = await new Promise<number>((resolve) => {
      execFile(process.execPath, ['bin/lathe.js', 'demo', '--steps', 'many'], (error) => resolve(error ? Number(error.code) : 0));
    });
    expect(code).toBe(2);
  });
});
