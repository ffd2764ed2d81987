/**
 * `lathe eval --run RUN`: the run's evaluation (issue 7) — loss and perplexity of its
 * validation split with and without the adapter through llama.cpp, and greedy generations
 * beside the references. A stored evaluation is reused unless --again; --json prints it as the
 * contract's `RunEvaluation`.
 */
import { LatheError, type RunEntry } from '../contract';
import type { RunEvaluation } from '../contract/playground-types';
import type { LatheServices } from '../app/lathe-services';
import { runSources } from '../evaluation/run-sources';
import { parseArgs, UsageError } from './args';
import { withCliServices } from './cli-services';
import type { CliContext } from './main';

const USAGE = 'Usage: lathe eval --run ID|NAME [--generations N] [--again] [--json]';

/** A run by its id, or by its name when exactly one run has it. */
export function findRun(services: LatheServices, ref: string): RunEntry {
  const runs = services.runs.list();
  const byId = runs.find((run) => run.id === ref);
  if (byId) return byId;
  const named = runs.filter((run) => run.name === ref);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new LatheError('invalid_input', `${named.length} runs are named "${ref}"; give the id instead (${named.map((run) => run.id).join(', ')}).`);
  throw new LatheError('invalid_input', `There is no run "${ref}" in ${services.runs.list().length === 0 ? 'this data folder (it has no runs)' : 'this data folder'}.`);
}

export async function runEval(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { run: 'string', generations: 'string', again: 'boolean', json: 'boolean' });
  if (words.length > 0 || typeof flags.run !== 'string') throw new UsageError(USAGE);
  const generations = flags.generations === undefined ? undefined : Number(flags.generations);
  if (generations !== undefined && (!Number.isInteger(generations) || generations < 0 || generations > 200)) {
    throw new UsageError(`--generations must be a whole number from 0 to 200, not "${String(flags.generations)}"\n${USAGE}`);
  }
  return withCliServices(context, async (services) => {
    const run = findRun(services, flags.run as string);
    const stored = services.evaluation.get(run.id);
    const reuse = stored !== null && stored.status === 'done' && !flags.again && (generations === undefined || generations <= stored.generations.length);
    if (!flags.json && !reuse) process.stderr.write(`Evaluating ${run.name}…\n`);
    const evaluation = reuse ? stored : await services.evaluation.start(run.id, generations);
    if (flags.json) context.out(JSON.stringify(evaluation));
    else context.out(summary(run, evaluation, runSources(run).runtimeValLoss));
    return 0;
  });
}

function summary(run: RunEntry, evaluation: RunEvaluation, runtimeValLoss: number | null): string {
  const score = (which: RunEvaluation['base']) => (which === null ? '—' : `loss ${which.loss.toFixed(4)}, perplexity ${which.perplexity.toFixed(2)}`);
  const lines = [
    `${run.name}: ${evaluation.examples} ${evaluation.split} examples, ${evaluation.targetTokens} trained tokens${evaluation.split === 'train' ? ' (no validation split: the training split is scored)' : ''}`,
    `  base model    ${score(evaluation.base)}`,
    `  with adapter  ${score(evaluation.adapter)}`,
  ];
  if (runtimeValLoss !== null) lines.push(`  (the runtime's own final validation loss: ${runtimeValLoss.toFixed(4)})`);
  for (const row of evaluation.generations) {
    lines.push('', `  prompt     ${JSON.stringify(row.prompt)}`, `  reference  ${JSON.stringify(row.reference)}`, `  base       ${JSON.stringify(row.base)}`, `  fine-tuned ${JSON.stringify(row.fineTuned)}`);
  }
  return lines.join('\n');
}
