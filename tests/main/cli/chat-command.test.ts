/**
 * `lathe chat` as a person runs it: the built CLI as a child process, real services and the
 * real inference worker, a demo model and an adapter trained by the Python runtime, a fresh
 * data folder per command.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDemoModel } from '../helpers/demo-model';
import { trainAdapter, TRAINED_PAIRS } from '../inference/trained-adapter';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function lathe(args: string[]): Promise<CliResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lathe-chat-cli-'));
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/lathe.js', ...args], { env: { ...process.env, LATHE_DATA_DIR: dataDir }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

let model: string;
let adapter: string;
const [[question, answer]] = TRAINED_PAIRS as [[string, string]];

beforeAll(async () => {
  model = await makeDemoModel({ arch: 'llama', size: 'small', dtype: 'f32' });
  adapter = await trainAdapter(model);
}, 300_000);

describe('lathe chat', () => {
  it('--json prints one event per line: started, the tokens, done with the answer and its stats', async () => {
    const result = await lathe(['chat', '--model', model, '--adapter', adapter, '--temperature', '0', '--prompt', question, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events[0]).toEqual({ type: 'started', paneIndex: 0, messageIndex: 1 });
    const tokens = events.filter((event) => event.type === 'token');
    expect(tokens.length).toBeGreaterThan(1);
    const done = events.at(-1) as { type: string; text: string; stats: { tokens: number; tokensPerSecond: number; timeToFirstTokenMs: number; stopReason: string } };
    expect(done.type).toBe('done');
    expect(done.text).toBe(answer);
    expect(tokens.map((event) => event.text).join('')).toBe(answer);
    expect(done.stats).toMatchObject({ stopReason: 'eos' });
    expect(done.stats.timeToFirstTokenMs).toBeGreaterThan(0);
  }, 120_000);

  it('prints the answer as it streams and the stats on stderr; the base model does not know it; --scale 0 is the base', async () => {
    const tuned = await lathe(['chat', '--model', model, '--adapter', adapter, '--temperature', '0', '--prompt', question]);
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(tuned.stdout).toBe(answer);
    expect(tuned.stderr).toMatch(/\d+ tokens, [\d.]+ tokens\/s, first token after \d+ ms \(eos\)/);
    const base = await lathe(['chat', '--model', model, '--temperature', '0', '--max-tokens', '16', '--prompt', question]);
    const off = await lathe(['chat', '--model', model, '--adapter', adapter, '--scale', '0', '--temperature', '0', '--max-tokens', '16', '--prompt', question]);
    expect(base.code, base.stderr).toBe(0);
    expect(base.stdout).not.toBe(answer);
    expect(off.stdout).toBe(base.stdout);
  }, 180_000);

  it('refuses an adapter made for another base, naming the mismatch (exit 2)', async () => {
    const qwen = await makeDemoModel({ arch: 'qwen2', size: 'tiny', dtype: 'f16' });
    const result = await lathe(['chat', '--model', qwen, '--adapter', adapter, '--prompt', question, '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/made for architecture llama but the model is qwen2/);
    expect(jsonLines(result.stdout).at(-1)).toMatchObject({ type: 'error', kind: 'invalid_input' });
  }, 120_000);

  it('refuses a prompt longer than the context, saying its length and the limit (exit 2)', async () => {
    const result = await lathe(['chat', '--model', model, '--prompt', 'y'.repeat(600)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is 6\d\d tokens long .* holds 512 tokens/);
  }, 120_000);

  it('names a model that is neither a file nor a library entry, and checks its flags', async () => {
    const missing = await lathe(['chat', '--model', join(tmpdir(), 'no-such-model.gguf'), '--prompt', 'hi']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No model file or library entry');
    const badScale = await lathe(['chat', '--model', model, '--adapter', adapter, '--scale', '3', '--prompt', 'hi']);
    expect(badScale.code).toBe(2);
    expect(badScale.stderr).toContain('--scale has an invalid value "3"');
  }, 120_000);
});
