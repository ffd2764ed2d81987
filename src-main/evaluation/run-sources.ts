/**
 * What evaluating or exporting a finished run needs from its folder: the base model and the
 * prepared data it trained on (the last `prepared` event of events.jsonl), the adapter, the PEFT
 * copy and the runtime's own last validation loss (the `done` event). The run must have an
 * adapter and its base model must still be on disk; each missing piece is a typed error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LatheError, type RunEntry } from '../contract';

export interface RunSources {
  run: RunEntry;
  baseModelPath: string;
  preparedDir: string | null;
  adapterPath: string;
  /** The PEFT folder the runtime wrote beside the GGUF adapter, when there is one. */
  peftDir: string | null;
  /** The runtime's validation loss at the end of training (null without a validation split). */
  runtimeValLoss: number | null;
}

export function runSources(run: RunEntry): RunSources {
  if (run.adapterPath === null || !existsSync(run.adapterPath)) {
    throw new LatheError(
      'invalid_input',
      `${run.name} has no adapter: it is ${run.status} and wrote no checkpoint. Train it (or resume it) until it saves one.`,
    );
  }
  let baseModelPath: string | null = null;
  let preparedDir: string | null = null;
  let peftDir: string | null = null;
  let runtimeValLoss: number | null = null;
  const file = join(run.dir, 'events.jsonl');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    // The raw lines: the parsed `done` event (runtime-event.ts) keeps only the GGUF adapter's path.
    const event = parseLine(line);
    if (event?.event === 'prepared') {
      baseModelPath = String(event.baseModelPath);
      preparedDir = String(event.preparedDir);
    } else if (event?.event === 'done') {
      const adapter = event.adapter as { peft?: unknown } | null | undefined;
      peftDir = typeof adapter?.peft === 'string' ? adapter.peft : null;
      runtimeValLoss = typeof event.val_loss === 'number' ? event.val_loss : null;
    }
  }
  if (baseModelPath === null) throw new LatheError('corrupt', `${run.name}'s events.jsonl does not say which base model it trained.`);
  if (!existsSync(baseModelPath)) {
    throw new LatheError('not_found', `The base model of ${run.name} (${baseModelPath}) is gone: it was deleted or moved after the run. Add it again at that path to use the adapter.`);
  }
  return { run, baseModelPath, preparedDir, adapterPath: run.adapterPath, peftDir: peftDir !== null && existsSync(peftDir) ? peftDir : null, runtimeValLoss };
}

function parseLine(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null; // a torn last line after a crash
  }
}
