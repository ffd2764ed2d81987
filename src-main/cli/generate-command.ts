/**
 * `lathe generate`: one completion through the inference worker, printed as it streams, then
 * the rate. With --json, one JSON object at the end instead (text, tokens, tokens/s).
 * `--adapter FILE [--scale S]` applies a LoRA adapter (checked against the model first).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startCliServices } from './cli-services';
import { LatheError } from '../contract';
import { parseArgs, UsageError } from './args';
import type { CliContext } from './main';

const USAGE = 'Usage: lathe generate --model FILE|ID --prompt TEXT [--adapter FILE [--scale 0-2]] [--max-tokens N] [--temperature T] [--seed N] [--json]';

function numberFlag(value: string | boolean | undefined, name: string, fallback: number, check: (n: number) => boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} has an invalid value "${String(value)}"\n${USAGE}`);
  return n;
}

export async function runGenerate(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { model: 'string', prompt: 'string', adapter: 'string', scale: 'string', 'max-tokens': 'string', temperature: 'string', seed: 'string', json: 'boolean' });
  if (words.length > 0 || typeof flags.model !== 'string' || typeof flags.prompt !== 'string') throw new UsageError(USAGE);
  const maxTokens = numberFlag(flags['max-tokens'], 'max-tokens', 128, (n) => Number.isInteger(n) && n > 0 && n <= 32_768);
  const temperature = numberFlag(flags.temperature, 'temperature', 0, (n) => n >= 0 && n <= 5);
  const seed = flags.seed === undefined ? undefined : numberFlag(flags.seed, 'seed', 0, (n) => Number.isInteger(n) && n >= 0);
  if (flags.scale !== undefined && flags.adapter === undefined) throw new UsageError(`--scale needs --adapter\n${USAGE}`);
  const scale = numberFlag(flags.scale, 'scale', 1, (n) => n >= 0 && n <= 2);
  const adapter = typeof flags.adapter === 'string' ? { path: resolve(flags.adapter), scale } : undefined;
  if (adapter && !existsSync(adapter.path)) throw new LatheError('invalid_input', `No adapter file ${adapter.path}`);

  const services = await startCliServices(context);
  try {
    const modelPath = existsSync(flags.model) ? resolve(flags.model) : services.models.get(flags.model).path;
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    const result = await services.inference.generate(
      { modelPath, prompt: flags.prompt, maxTokens, temperature, ...(seed === undefined ? {} : { seed }), ...(adapter ? { adapter } : {}) },
      flags.json ? () => {} : (text) => process.stdout.write(text),
      stop.signal,
    );
    if (flags.json) context.out(JSON.stringify(result));
    else process.stderr.write(`\n\n${result.tokens} tokens, ${result.tokensPerSecond.toFixed(1)} tokens/s, first token after ${result.timeToFirstTokenMs.toFixed(0)} ms\n`);
    return 0;
  } catch (error) {
    if (error instanceof LatheError && error.kind === 'not_found') {
      throw new LatheError('invalid_input', `No model file or library entry "${flags.model}". See: lathe model list`);
    }
    throw error;
  } finally {
    await services.close();
  }
}
