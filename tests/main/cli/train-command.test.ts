/**
 * `lathe train` as a person runs it: the built CLI as a child process, real services, the real
 * Python runtime, a tiny demo model and a tiny dataset, a fresh data folder per test.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDemoModel } from '../helpers/demo-model';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function lathe(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lathe-train-cli-'));
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/lathe.js', ...args], { env: { ...process.env, LATHE_DATA_DIR: dataDir, ...env }, timeout: 300_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let model: string;
let dataset: string;
/** Written by the first test, used by the generate test after it. */
let trainedAdapter: string | null = null;

beforeAll(async () => {
  model = await makeDemoModel({ arch: 'llama', size: 'tiny', dtype: 'f32' });
  dataset = join(mkdtempSync(join(tmpdir(), 'lathe-train-data-')), 'qa.jsonl');
  const pairs = [
    ['Say hello.', 'Hello there.'],
    ['Name a colour.', 'Blue, like the sky.'],
    ['What is 2+2?', 'It is four.'],
    ['Opposite of hot?', 'Cold, of course.'],
    ['A red fruit?', 'A ripe cherry.'],
    ['Who wrote Hamlet?', 'William Shakespeare did.'],
  ];
  writeFileSync(dataset, pairs.map(([question, answer]) => JSON.stringify({ question, answer })).join('\n'));
}, 120_000);

describe('lathe train', () => {
  it('trains with --json: the events as JSON lines, the adapter printed, and copied to --out', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lathe-train-out-')), 'adapter');
    const result = await lathe(['train', '--model', model, '--dataset', dataset, '--steps', '3', '--set', 'lora.rank=4', '--set', 'evalEvery=0', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const steps = events.filter((event) => event.event === 'step');
    expect(steps.map((event) => event.step)).toEqual([1, 2, 3]);
    expect(steps.every((event) => typeof event.loss === 'number')).toBe(true);
    const done = events.find((event) => event.event === 'done') as { status: string; adapter: { gguf: string } } | undefined;
    expect(done?.status).toBe('completed');
    const start = events.find((event) => event.event === 'start') as { config?: { lora?: { rank?: number } } } | undefined;
    expect(start?.config?.lora?.rank).toBe(4);

    // The plan and the adapter's path go to stderr, so stdout stays one JSON object a line.
    expect(result.stderr).toContain('LoRA       rank 4');
    const adapter = /Adapter: (.+)/.exec(result.stderr)?.[1]?.trim();
    expect(adapter).toBe(done?.adapter.gguf);
    expect(existsSync(adapter as string)).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['adapter-peft', 'adapter.gguf']);
    expect(readdirSync(join(out, 'adapter-peft'))).toContain('adapter_config.json');
    trainedAdapter = join(out, 'adapter.gguf');
  }, 300_000);

  it('hands the adapter to lathe generate, which checks it against the model', async () => {
    expect(trainedAdapter).not.toBeNull();
    const adapter = trainedAdapter as string;
    const answer = await lathe(['generate', '--model', model, '--adapter', adapter, '--scale', '0.5', '--prompt', 'Say hello.', '--max-tokens', '8', '--json']);
    expect(answer.code, answer.stderr).toBe(0);
    expect(JSON.parse(answer.stdout).tokens).toBeGreaterThan(0);
    const qwen = await makeDemoModel({ arch: 'qwen2', size: 'tiny', dtype: 'f32' });
    const mismatch = await lathe(['generate', '--model', qwen, '--adapter', adapter, '--prompt', 'Hi']);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('made for architecture llama but the model is qwen2');
    const tooStrong = await lathe(['generate', '--model', model, '--adapter', adapter, '--scale', '3', '--prompt', 'Hi']);
    expect(tooStrong.code).toBe(2);
    expect(tooStrong.stderr).toContain('--scale has an invalid value "3"');
  }, 300_000);

  it('draws plain progress lines without a terminal and prints the adapter on stdout', async () => {
    const result = await lathe(['train', '--model', model, '--dataset', dataset, '--steps', '2', '--set', 'evalEvery=0']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Preset {5}quick/m);
    expect(result.stdout).toMatch(/^Memory {5}.* estimated: (fits|tight)/m);
    expect(result.stderr).toMatch(/2\/2 {2}loss \d/);
    const progress = result.stderr.split('\n').filter((line) => line.includes('/2 '));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.filter((line) => line.includes('\r') || line.includes('\x1b'))).toEqual([]);
    const adapter = /^Adapter: (.+)$/m.exec(result.stdout)?.[1];
    expect(adapter && existsSync(adapter)).toBe(true);
  }, 300_000);

  it.skipIf(process.platform === 'win32')('reports a runtime that dies: exit 1 with the error and the end of its log', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lathe-train-cli-'));
    const child = spawn(process.execPath, ['bin/lathe.js', 'train', '--model', model, '--dataset', dataset, '--steps', '5000', '--set', 'evalEvery=0', '--json'], {
      env: { ...process.env, LATHE_DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    let killed: number | null = null;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Once it trains, the runtime (a child of the CLI: `python -m lathe_runtime train`) is killed outright.
      if (killed === null && /"event":\s*"step"/.test(stdout)) {
        const trainer = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(child.pid)], { encoding: 'utf8' })
          .split('\n')
          .find((line) => line.includes('lathe_runtime train'));
        if (trainer) {
          killed = Number(trainer.trim().split(/\s+/)[0]);
          process.kill(killed, 'SIGKILL');
        }
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(killed).not.toBeNull();
    expect(code).toBe(1);
    expect(stderr).toContain('The run failed (crashed)');
    expect(stderr).toContain('SIGKILL');
    expect(stderr).not.toContain('Adapter:');
  }, 300_000);

  it('stops after a checkpoint on Ctrl-C, prints its adapter, and exits 130', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lathe-train-cli-'));
    const child = spawn(process.execPath, ['bin/lathe.js', 'train', '--model', model, '--dataset', dataset, '--steps', '5000', '--set', 'evalEvery=0'], {
      env: { ...process.env, LATHE_DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // A progress line with a loss: the run is training. Ctrl-C reaches the CLI alone here, not the runtime.
      if (!interrupted && /\d+\/5000 {2}loss/.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(interrupted).toBe(true);
    expect(code).toBe(130);
    expect(stdout).toContain('Stopping after a checkpoint');
    expect(stdout).toMatch(/Run \S+ stopped at step \d+ of 5000/);
    expect(stdout).toContain('It can be resumed from its last checkpoint');
    const adapter = /^Adapter: (.+)$/m.exec(stdout)?.[1];
    expect(adapter && existsSync(adapter)).toBe(true);
  }, 300_000);

  it('lists every plan problem at once and starts nothing (exit 2)', async () => {
    const result = await lathe(['train', '--model', model, '--dataset', dataset, '--set', 'lora.rank=1000', '--set', 'precision=fp16']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The run cannot start');
    expect(result.stderr).toContain('LoRA rank 1000 is larger than the model');
    expect(result.stderr).toContain('fp16 needs a CUDA GPU');
    expect(result.stdout).not.toContain('Adapter:');
  }, 120_000);

  it('explains itself with --help', async () => {
    const result = await lathe(['train', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: lathe train --model FILE|ID --dataset FILE|ID');
    expect(result.stdout).toContain('--set lora.rank=8');
  });

  it.each([
    [['train'], '--model and --dataset are required'],
    [['train', '--model', 'm', '--dataset', 'd', '--set', 'lora.rnak=8'], 'Valid keys: lora.rank'],
    [['train', '--model', 'm', '--dataset', 'd', '--preset', 'fast'], '--preset must be one of'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const result = await lathe(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('names a model or dataset that is neither a file nor a library entry (exit 2)', async () => {
    const noModel = await lathe(['train', '--model', 'no-such-model', '--dataset', dataset]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('No model file or library entry "no-such-model"');
    const noDataset = await lathe(['train', '--model', model, '--dataset', 'no-such-dataset']);
    expect(noDataset.code).toBe(2);
    expect(noDataset.stderr).toContain('No dataset file or library entry "no-such-dataset"');
  }, 120_000);
});
