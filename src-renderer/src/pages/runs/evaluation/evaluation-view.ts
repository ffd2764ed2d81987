/** How the evaluation panel words and marks what it shows. */
import type { RunEvaluation } from '../../../../../src-main/contract';

/** An answer against the reference: the same text (spaces at the ends aside), or not. */
export function matchesReference(reference: string, output: string): boolean {
  return reference.trim() === output.trim();
}

/** "12 of 24 match the reference" for one column of the table. */
export function matchSummary(evaluation: RunEvaluation, column: 'base' | 'fineTuned'): string {
  const matching = evaluation.generations.filter((row) => matchesReference(row.reference, row[column])).length;
  return `${matching} of ${evaluation.generations.length} match the reference`;
}

/** Positive when the adapter lowered the loss: the relative drop, 0.25 = 25 % lower. */
export function lossImprovement(evaluation: RunEvaluation): number | null {
  if (evaluation.base === null || evaluation.adapter === null || evaluation.base.loss <= 0) return null;
  return (evaluation.base.loss - evaluation.adapter.loss) / evaluation.base.loss;
}

const PHASES = { base: 'Scoring with the base model', adapter: 'Scoring with the adapter', generations: 'Generating answers' } as const;

export function progressLabel(progress: { phase: keyof typeof PHASES; done: number; total: number }): string {
  return `${PHASES[progress.phase]}: ${progress.done} of ${progress.total}`;
}

export function formatPerplexity(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  return value >= 1000 ? value.toExponential(2) : value.toFixed(2);
}
