/**
 * The adapters the Playground offers for a model: each completed run's final adapter and the
 * checkpoints any run of that model left on disk (`<run dir>/output/checkpoints/step-N/
 * adapter.gguf`), newest run first, the final adapter before its checkpoints (latest first).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LatheError, type AdapterChoice, type AdapterOption, type RunEntry } from '../contract';

/** Checkpoint steps with an adapter file, latest first. */
function checkpointsOf(run: Pick<RunEntry, 'dir'>): { step: number; path: string }[] {
  const folder = join(run.dir, 'output', 'checkpoints');
  if (!existsSync(folder)) return [];
  const found: { step: number; path: string }[] = [];
  for (const name of readdirSync(folder)) {
    const match = /^step-(\d+)$/.exec(name);
    const path = join(folder, name, 'adapter.gguf');
    if (match && existsSync(path)) found.push({ step: Number(match[1]), path });
  }
  return found.sort((a, b) => b.step - a.step);
}

export function adapterOptions(runs: readonly RunEntry[], modelId: string): AdapterOption[] {
  const options: AdapterOption[] = [];
  const ofModel = runs.filter((run) => run.modelId === modelId).sort((a, b) => b.createdAt - a.createdAt);
  for (const run of ofModel) {
    const base = { runId: run.id, runName: run.name, modelId: run.modelId };
    if (run.status === 'completed' && run.adapterPath !== null && existsSync(run.adapterPath)) {
      options.push({ ...base, checkpointStep: null, path: run.adapterPath, label: `${run.name} (final)` });
    }
    for (const checkpoint of checkpointsOf(run)) {
      options.push({ ...base, checkpointStep: checkpoint.step, path: checkpoint.path, label: `${run.name} (step ${checkpoint.step})` });
    }
  }
  return options;
}

/** The adapter file a pane's choice names, or a `not_found` error saying what is missing. */
export function adapterPathFor(choice: Extract<AdapterChoice, { kind: 'run' }>, runs: readonly RunEntry[]): string {
  const run = runs.find((candidate) => candidate.id === choice.runId);
  if (!run) throw new LatheError('not_found', `The run ${choice.runId} is no longer in the library; choose another adapter for this pane.`);
  if (choice.checkpointStep === null) {
    if (run.status !== 'completed' || run.adapterPath === null) throw new LatheError('not_found', `The run "${run.name}" has no final adapter (it is ${run.status}); choose one of its checkpoints.`);
    if (!existsSync(run.adapterPath)) throw new LatheError('not_found', `The adapter file ${run.adapterPath} of run "${run.name}" is gone (deleted or moved).`);
    return run.adapterPath;
  }
  const checkpoint = checkpointsOf(run).find((candidate) => candidate.step === choice.checkpointStep);
  if (!checkpoint) throw new LatheError('not_found', `The run "${run.name}" has no checkpoint adapter at step ${choice.checkpointStep}.`);
  return checkpoint.path;
}
