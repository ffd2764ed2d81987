/** How dataset facts read on the Datasets page. */
import type { DatasetEntry, DatasetFormat } from '../../../src-main/contract';

const INTEGER = new Intl.NumberFormat('en-US');

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : INTEGER.format(Math.round(value));
}

/** "1 bad row", "2 bad rows". */
export function plural(count: number, noun: string): string {
  return `${formatInteger(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** "1,234 rows/s"; a dash before there is a rate. */
export function formatPerSecond(value: number, unit: string): string {
  return value > 0 && Number.isFinite(value) ? `${INTEGER.format(Math.round(value))} ${unit}/s` : '—';
}

/** A detection's confidence (0..1) as a whole percent. */
export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

const FORMAT_LABEL: Record<DatasetFormat, string> = { jsonl: 'JSONL', json: 'JSON', csv: 'CSV', parquet: 'Parquet', text: 'Text' };

/** The format with its dialect: "CSV (;)", "Text (paragraphs)". */
export function formatDatasetFormat(dataset: DatasetEntry): string {
  const inspection = dataset.inspection;
  if (inspection === null) return '—';
  const label = FORMAT_LABEL[inspection.format];
  if (inspection.csv !== null) return `${label} (${inspection.csv.separator === '\t' ? 'tab' : inspection.csv.separator})`;
  if (inspection.textSplit !== null) return `${label} (${inspection.textSplit})`;
  return label;
}
