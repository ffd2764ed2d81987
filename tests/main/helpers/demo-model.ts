/**
 * Demo models for tests: small random-weight GGUF files made by the Python runtime's
 * `make-model` command (no model can be downloaded where the tests run, DESIGN §7).
 *
 *   const path = await makeDemoModel({ arch: 'qwen2', dtype: 'f16' });
 *
 * Files are cached in the system temp folder under a name that includes a hash of the
 * generator's source (demo_model.py and the gguf package) and the interpreter, so each set of
 * options is made once, shared by every test file and run, and never served stale after the
 * generator changes. The runtime writes atomically (temp file + rename), so two test workers
 * making the same model at once both end with a whole file. Treat the files as read-only.
 *
 * The interpreter is LATHE_PYTHON when set, else Debian's /usr/bin/python3 (where torch is
 * installed here; DESIGN §4).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type DemoArch = 'llama' | 'qwen2';
export type DemoSize = 'tiny' | 'small' | 'wide';
export type DemoDtype = 'f32' | 'f16' | 'bf16' | 'q8_0' | 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1' | 'q2_k' | 'q3_k' | 'q4_k' | 'q5_k' | 'q6_k';

export interface DemoModelOptions {
  arch?: DemoArch;
  size?: DemoSize;
  dtype?: DemoDtype;
  seed?: number;
}

/** The demo tokenizer: ids 0-255 are the bytes, then three ChatML control tokens. */
export const DEMO_VOCAB = {
  size: 259,
  endOfText: 256, // <|endoftext|>: bos and padding
  imStart: 257, // <|im_start|>
  imEnd: 258, // <|im_end|>: eos and eot
} as const;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const runtimeDir = join(repoRoot, 'python-runtime');
const python = process.env.LATHE_PYTHON || (process.platform === 'win32' ? 'python' : '/usr/bin/python3');
const cacheDir = join(tmpdir(), 'lathe-demo-models');
const pending = new Map<string, Promise<string>>();

/** Makes (or reuses) the demo model for `options` and resolves to its path. */
export function makeDemoModel(options: DemoModelOptions = {}): Promise<string> {
  const { arch = 'llama', size = 'tiny', dtype = 'f32', seed = 0 } = options;
  const path = join(cacheDir, `${arch}-${size}-${dtype}-seed${seed}-${generatorHash()}.gguf`);
  let made = pending.get(path);
  if (made === undefined) {
    made = existsSync(path) ? Promise.resolve(path) : runMakeModel(path, ['--arch', arch, '--size', size, '--dtype', dtype, '--seed', String(seed)]);
    // A failure is not cached: the next call tries again and reports its own error.
    made.catch(() => pending.delete(path));
    pending.set(path, made);
  }
  return made;
}

function runMakeModel(path: string, args: string[]): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const env = { ...process.env, PYTHONPATH: [runtimeDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter) };
  return new Promise((resolvePath, reject) => {
    execFile(python, ['-m', 'lathe_runtime', 'make-model', '--out', path, ...args], { env, timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`make-model ${args.join(' ')} with ${python} failed: ${error.message}\n${stderr}`));
      else resolvePath(path);
    });
  });
}

let hash: string | undefined;

function generatorHash(): string {
  if (hash === undefined) {
    const digest = createHash('sha256').update(python);
    const gguf = join(runtimeDir, 'lathe_runtime', 'gguf');
    const sources = [
      join(runtimeDir, 'lathe_runtime', 'demo_model.py'),
      ...readdirSync(gguf)
        .filter((name) => name.endsWith('.py'))
        .sort()
        .map((name) => join(gguf, name)),
    ];
    for (const source of sources) digest.update(source).update(readFileSync(source));
    hash = digest.digest('hex').slice(0, 12);
  }
  return hash;
}
