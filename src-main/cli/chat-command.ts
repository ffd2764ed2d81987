/**
 * `lathe chat`: one chat turn, the prompt rendered with the model's own chat template (as
 * the Playground renders it), the answer printed as it streams and its stats after it. With
 * --json, one JSON event per line instead (`started`, `token`, `done` with the stats, or
 * `error`). `--adapter` takes an adapter file or a run id (its final adapter). Nothing is saved
 * to the catalog: a conversation is the Playground's.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LatheError, type ChatStats } from '../contract';
import type { ChatPaneResult, ChatTurnRequest } from '../inference/worker-protocol';
import { DEFAULT_SAMPLING } from '../playground/turn-plan';
import { parseArgs, UsageError } from './args';
import { startCliServices } from './cli-services';
import type { CliContext } from './main';

const USAGE =
  'Usage: lathe chat --model FILE|ID [--adapter FILE|RUN] [--scale S] [--temperature T] [--max-tokens N] [--seed N] [--system TEXT] --prompt TEXT [--json]';

function numberFlag(value: string | boolean | undefined, name: string, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} has an invalid value "${String(value)}"\n${USAGE}`);
  return n;
}

export async function runChat(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, {
    model: 'string',
    prompt: 'string',
    system: 'string',
    adapter: 'string',
    scale: 'string',
    'max-tokens': 'string',
    temperature: 'string',
    seed: 'string',
    json: 'boolean',
  });
  if (words.length > 0 || typeof flags.model !== 'string' || typeof flags.prompt !== 'string') throw new UsageError(USAGE);
  if (flags.scale !== undefined && flags.adapter === undefined) throw new UsageError(`--scale needs --adapter\n${USAGE}`);
  const sampling = {
    ...DEFAULT_SAMPLING,
    temperature: numberFlag(flags.temperature, 'temperature', (n) => n >= 0 && n <= 5) ?? DEFAULT_SAMPLING.temperature,
    maxTokens: numberFlag(flags['max-tokens'], 'max-tokens', (n) => Number.isInteger(n) && n > 0 && n <= 32_768) ?? DEFAULT_SAMPLING.maxTokens,
    seed: numberFlag(flags.seed, 'seed', (n) => Number.isInteger(n) && n >= 0 && n <= 2 ** 31) ?? null,
  };
  const scale = numberFlag(flags.scale, 'scale', (n) => n >= 0 && n <= 2) ?? 1;
  const json = flags.json === true;
  const print = (event: Record<string, unknown>) => context.out(JSON.stringify(event));

  const services = await startCliServices(context);
  try {
    const modelPath = existsSync(flags.model) ? resolve(flags.model) : libraryModelPath(services.models, flags.model);
    if (!existsSync(modelPath)) throw new LatheError('not_found', `The model file ${modelPath} is gone (deleted or moved since it was added). See: lathe model list`);
    const adapterPath = typeof flags.adapter === 'string' ? adapterFile(flags.adapter, services.runs) : undefined;
    const messages: ChatTurnRequest['panes'][number]['messages'] = [];
    if (typeof flags.system === 'string') messages.push({ role: 'system', content: flags.system });
    messages.push({ role: 'user', content: flags.prompt });
    const request: ChatTurnRequest = { modelPath, sampling, panes: [{ messages, ...(adapterPath ? { adapter: { path: adapterPath, scale } } : {}) }] };

    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    const started = performance.now();
    let firstTokenAt: number | null = null;
    let result: ChatPaneResult | null = null;
    let failure: LatheError | null = null;
    if (json) print({ type: 'started', paneIndex: 0, messageIndex: messages.length });
    await services.inference.chat(
      request,
      {
        token: (_pane, text) => {
          firstTokenAt ??= performance.now();
          if (json) print({ type: 'token', paneIndex: 0, text });
          else process.stdout.write(text);
        },
        done: (_pane, done) => (result = done),
        failed: (_pane, kind, message) => (failure = new LatheError(kind, message)),
      },
      stop.signal,
    );
    if (failure) throw failure;
    if (!result) throw new LatheError('internal', 'The inference worker ended the turn without an answer.');
    const answer: ChatPaneResult = result;
    const stats: ChatStats = {
      timeToFirstTokenMs: firstTokenAt === null ? answer.timeToFirstTokenMs : firstTokenAt - started,
      tokensPerSecond: answer.tokensPerSecond,
      tokens: answer.tokens,
      promptTokens: answer.promptTokens,
      stopReason: answer.stopReason === 'cancelled' ? 'stopped' : answer.stopReason,
    };
    if (json) print({ type: 'done', paneIndex: 0, text: answer.text, stats });
    else process.stderr.write(`\n\n${stats.tokens} tokens, ${stats.tokensPerSecond.toFixed(1)} tokens/s, first token after ${stats.timeToFirstTokenMs.toFixed(0)} ms (${stats.stopReason})\n`);
    return 0;
  } catch (error) {
    if (json && error instanceof LatheError) print({ type: 'error', paneIndex: 0, kind: error.kind, message: error.message });
    throw error;
  } finally {
    await services.close();
  }
}

function libraryModelPath(models: { get: (id: string) => { path: string } }, id: string): string {
  try {
    return models.get(id).path;
  } catch (error) {
    if (error instanceof LatheError && error.kind === 'not_found') throw new LatheError('invalid_input', `No model file or library entry "${id}". See: lathe model list`);
    throw error;
  }
}

/** An adapter file, or a run's final adapter (the last checkpoint's while it has none). */
function adapterFile(value: string, runs: { get: (id: string) => { run: { name: string; adapterPath: string | null } } }): string {
  if (existsSync(value)) return resolve(value);
  let run;
  try {
    run = runs.get(value).run;
  } catch (error) {
    if (error instanceof LatheError && error.kind === 'not_found') throw new LatheError('invalid_input', `No adapter file or run "${value}". See: lathe train`);
    throw error;
  }
  if (run.adapterPath === null) throw new LatheError('invalid_input', `The run "${run.name}" has no adapter yet.`);
  return run.adapterPath;
}
