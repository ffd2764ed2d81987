/**
 * `lathe eval` and `lathe export` as a person runs them: the built CLI as child processes on one
 * data folder, a run trained by `lathe train` (the tiny demo model, real torch), then its
 * evaluation (run once, then reused), an Ollama export and a merged GGUF written to --out, and
 * a run id that does not exist (exit 2, named).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDemoModel } from '../helpers/demo-model';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'lathe-eval-cli-'));

function lathe(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/lathe.js', ...args], { env: { ...process.env, LATHE_DATA_DIR: dataDir }, timeout: 300_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let runId: string;

beforeAll(async () => {
  const model = await makeDemoModel({ arch: 'llama', size: 'tiny', dtype: 'f32' });
  const dataset = join(mkdtempSync(join(tmpdir(), 'lathe-eval-data-')), 'qa.jsonl');
  const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ question: `What is ${i} times two?`, answer: `It is ${2 * i}.` }));
  writeFileSync(dataset, rows.join('\n'));
  const trained = await lathe(['train', '--model', model, '--dataset', dataset, '--steps', '8', '--set', 'evalEvery=0', '--set', 'precision=fp32']);
  expect(trained.code, trained.stderr).toBe(0);
  const adapter = /^Adapter: (.+)$/m.exec(trained.stdout)?.[1]?.trim();
  runId = basename(dirname(adapter as string));
}, 300_000);

describe('lathe eval', () => {
  it('evaluates the run with --json, then reuses the stored evaluation', async () => {
    const first = await lathe(['eval', '--run', runId, '--generations', '2', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const evaluation = JSON.parse(first.stdout);
    expect(evaluation).toMatchObject({ runId, status: 'done', split: 'validation' });
    expect(evaluation.adapter.loss).toBeLessThan(evaluation.base.loss);
    expect(evaluation.generations).toHaveLength(2);
    const again = await lathe(['eval', '--run', runId, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(evaluation); // reused: the same createdAt
    const human = await lathe(['eval', '--run', runId]);
    expect(human.stdout).toMatch(/with adapter {2}loss \d+\.\d{4}, perplexity/);
  }, 300_000);

  it('names a run that does not exist (exit 2)', async () => {
    const missing = await lathe(['eval', '--run', 'no-such-run', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no run "no-such-run"');
  }, 120_000);
});

describe('lathe export', () => {
  it('writes an Ollama Modelfile to --out and prints the files and the command', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lathe-export-cli-')), 'ollama');
    const result = await lathe(['export', '--run', runId, '--format', 'ollama', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const modelfile = join(out, 'Modelfile');
    expect(result.stdout).toContain(modelfile);
    expect(result.stdout).toMatch(new RegExp(`ollama create \\S+ -f ${modelfile}`));
    const text = readFileSync(modelfile, 'utf8');
    expect(text).toMatch(/^FROM \/.*\.gguf\nADAPTER \/.*\.lora\.gguf\n$/);
    expect(existsSync(/ADAPTER (.*)\n/.exec(text)![1]!)).toBe(true);
  }, 300_000);

  it('writes a merged GGUF with --json and its logits check', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lathe-export-merged-'));
    const result = await lathe(['export', '--run', runId, '--format', 'merged', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const exported = JSON.parse(result.stdout);
    expect(exported.files[0].startsWith(out)).toBe(true);
    expect(existsSync(exported.files[0])).toBe(true);
    expect(exported.check.maxAbsDiff).toBeLessThanOrEqual(2e-2);
    const bad = await lathe(['export', '--run', runId, '--format', 'zip']);
    expect(bad.code).toBe(2);
  }, 300_000);
});
