/**
 * `lathe dataset …` as a person runs it: the real built bundle, real services, a fresh data
 * folder per test (shared by the commands within one test).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDemoModel } from '../helpers/demo-model';
import { chatJsonl } from './dataset-library-fixture';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function latheIn(dataDir: string) {
  return (args: string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['bin/lathe.js', ...args], { env: { ...process.env, LATHE_DATA_DIR: dataDir }, timeout: 120_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
}

function setUp() {
  const root = mkdtempSync(join(tmpdir(), 'lathe-dataset-cli-'));
  const file = (name: string, text: string | Buffer) => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  return { root, file, lathe: latheIn(join(root, 'data')) };
}

/** question;answer with a quoted answer that holds the separator and a line break. */
const SEMICOLON_CSV = 'question;answer\n"What does ; do?";"It separates;\nfields here"\nWhy?;Because.\n';

describe('lathe dataset inspect', () => {
  it('--json reports the format, shape, counts, columns and every bad row with its line', async () => {
    const { file, lathe } = setUp();
    const result = await lathe(['dataset', 'inspect', file('chat.jsonl', chatJsonl(6, [2, 5])), '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toEqual({
      format: 'jsonl',
      shape: 'messages',
      rows: 6,
      valid: 4,
      invalid: 2,
      problems: [
        { line: 2, reason: expect.any(String) },
        { line: 5, reason: expect.any(String) },
      ],
      columns: ['messages'],
    });
  });

  it('reads a semicolon CSV with a quoted field that holds the separator and a newline', async () => {
    const { file, lathe } = setUp();
    const result = await lathe(['dataset', 'inspect', file('qa.csv', SEMICOLON_CSV), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ format: 'csv', shape: 'question_answer', rows: 2, valid: 2, invalid: 0, columns: ['question', 'answer'] });
    const readable = await lathe(['dataset', 'inspect', file('qa2.csv', SEMICOLON_CSV)]);
    expect(readable.stdout).toMatch(/Shape\s+question_answer/);
  });

  it('exits 2 with the error as JSON when the file is not a dataset at all', async () => {
    const { file, lathe } = setUp();
    const result = await lathe(['dataset', 'inspect', file('empty.jsonl', ''), '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: expect.objectContaining({ kind: 'invalid_file', message: expect.stringContaining('empty') }) });
    const missing = await lathe(['dataset', 'inspect', join(tmpdir(), 'no-such-dataset.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-dataset.jsonl');
  });
});

describe('lathe dataset add / list', () => {
  it('adds files to the library, reads them to the end, and lists them', async () => {
    const { file, lathe } = setUp();
    const chat = file('chat.jsonl', chatJsonl(8, [3]));
    const qa = file('qa.csv', SEMICOLON_CSV);
    const added = await lathe(['dataset', 'add', chat, qa]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/added \S+ {2}chat\.jsonl {2}\(jsonl, messages, 8 rows \(1 with problems\)\) {2}\[ready\]/);
    expect(added.stdout).toContain('qa.csv  (csv, question_answer, 2 rows');

    const listed = await lathe(['dataset', 'list', '--json']);
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.stdout);
    expect(entries.map((e: { path: string; status: string }) => [e.path, e.status])).toEqual([
      [chat, 'ready'],
      [qa, 'ready'],
    ]);
  });

  it('exits 1 when a file could not be read as a dataset', async () => {
    const { file, lathe } = setUp();
    const result = await lathe(['dataset', 'add', file('notes.txt', Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7]))]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('notes.txt: failed');
  });
});

describe('lathe dataset prepare', () => {
  it('prepares a dataset file for a model file, copies the folder with --out, and reuses it the second time', async () => {
    const { root, file, lathe } = setUp();
    const chat = file('chat.jsonl', chatJsonl(30, [4]));
    const model = await makeDemoModel({ arch: 'qwen2' });
    const out = join(root, 'prepared-copy');
    const first = await lathe(['dataset', 'prepare', '--dataset', chat, '--model', model, '--max-len', '128', '--val', '0.1', '--out', out, '--json']);
    expect(first.stderr).not.toContain('unexpected');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ cached: false, out, options: { maxLength: 128, validationPercent: 10, template: 'model' }, dropped: { invalid: 1 } });
    expect(summary.examples.train + summary.examples.validation).toBe(29);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ format: 'lathe-prepared', splits: { train: { examples: summary.examples.train } } });
    expect(existsSync(join(summary.dir, 'train.tokens.u32'))).toBe(true);

    // Both are in the library now: ids work as well as files.
    const datasets = JSON.parse((await lathe(['dataset', 'list', '--json'])).stdout);
    const again = await lathe(['dataset', 'prepare', '--dataset', datasets[0].id, '--model', model, '--max-len', '128', '--val', '0.1']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('reused from an earlier preparation');
    expect(again.stdout).toContain(summary.dir);
  }, 120_000);

  it.each([
    [['dataset', 'prepare', '--dataset', 'x.jsonl', '--model', 'm.gguf'], 'Usage'],
    [['dataset', 'prepare', '--dataset', 'x', '--model', 'm', '--max-len', 'ten'], '--max-len has an invalid value'],
    [['dataset', 'prepare', '--dataset', 'x', '--model', 'm', '--max-len', '64', '--val', '0.9'], '--val has an invalid value'],
    [['dataset', 'frobnicate'], 'Unknown dataset command'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const { lathe } = setUp();
    const result = await lathe(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('names a dataset id that is not in the library (exit 2)', async () => {
    const { lathe } = setUp();
    const model = await makeDemoModel({ arch: 'qwen2' });
    const result = await lathe(['dataset', 'prepare', '--dataset', 'no-such-id', '--model', model, '--max-len', '64']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No dataset file or library entry "no-such-id"');
  });
});
