/**
 * The `lathe` command as a person runs it: the real built bundle (bin/lathe.js builds it when
 * missing), real services, a fresh data folder per test.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function lathe(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lathe-cli-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/lathe.js', ...args],
      { env: { ...process.env, LATHE_DATA_DIR: dataDir, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('lathe CLI', () => {
  it('prints its usage with --help', async () => {
    const result = await lathe(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('lathe serve');
    expect(result.stdout).toContain('lathe system info');
  });

  it('system info --json reports this machine', async () => {
    const result = await lathe(['system', 'info', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.hardware.cpu.logicalCores).toBe(availableParallelism());
    expect(report.hardware.memory.totalBytes).toBe(totalmem());
    expect(report.python.state).toBe('ready');
    expect(report.python.torchVersion).toMatch(/^\d+\.\d+/);
  }, 120_000);

  it('system info without --json prints a readable summary', async () => {
    const result = await lathe(['system', 'info']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${availableParallelism()} logical cores`);
  }, 120_000);

  it.each([
    [['frobnicate'], 'Unknown command "frobnicate"'],
    [['system', 'info', '--colour'], 'Unknown option --colour'],
    [['serve', '--port', 'eighty'], '--port must be a number'],
    [['serve', '--port'], '--port needs a value'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const result = await lathe(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('explains an unwritable data folder and exits 1', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'lathe-cli-')), 'a-file');
    writeFileSync(blocker, '');
    const result = await lathe(['system', 'info'], { LATHE_DATA_DIR: join(blocker, 'data') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot write to its data folder');
    expect(result.stderr).not.toContain('    at ');
  });

  it('names a corrupt catalog, keeps it, and exits 1', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lathe-cli-'));
    const catalog = join(dataDir, 'catalog.sqlite');
    writeFileSync(catalog, 'garbage, not SQLite'.repeat(100));
    const result = await lathe(['system', 'info'], { LATHE_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(catalog);
    expect(readFileSync(catalog, 'utf8')).toBe('garbage, not SQLite'.repeat(100));
  });
});
