/**
 * The generations of an evaluation as a file a person can open: CSV (RFC 4180: fields with a
 * comma, quote, CR or LF are quoted, quotes doubled, records end in CRLF) or JSON lines.
 */
import type { EvaluationGeneration, RunEvaluation } from '../contract/playground-types';

const COLUMNS: (keyof EvaluationGeneration)[] = ['prompt', 'reference', 'base', 'fineTuned'];

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function generationsCsv(evaluation: RunEvaluation): string {
  const rows = [COLUMNS, ...evaluation.generations.map((row) => COLUMNS.map((column) => row[column]))];
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

export function generationsJsonl(evaluation: RunEvaluation): string {
  return evaluation.generations.map((row) => `${JSON.stringify(Object.fromEntries(COLUMNS.map((column) => [column, row[column]])))}\n`).join('');
}

/** A file name from the run's name: letters, digits, dashes. */
export function tableFileName(runName: string, format: 'csv' | 'jsonl'): string {
  const base = runName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'run';
  return `${base}-evaluation.${format}`;
}
