/**
 * The validation report a person downloads, built in the page from `datasets.problems`:
 * JSONL (one `{"line":…,"reason":…}` per line, as Lathe stores it) or CSV with a header,
 * quoted per RFC 4180 so reasons with commas, quotes or newlines survive a spreadsheet.
 */
import type { RowProblem } from '../../../../src-main/contract';

export type ReportFormat = 'jsonl' | 'csv';

export function problemsAsJsonl(problems: readonly RowProblem[]): string {
  return problems.map(({ line, reason }) => `${JSON.stringify({ line, reason })}\n`).join('');
}

export function problemsAsCsv(problems: readonly RowProblem[]): string {
  const rows = problems.map(({ line, reason }) => `${line},${csvField(reason)}`);
  return `line,reason\r\n${rows.map((row) => `${row}\r\n`).join('')}`;
}

function csvField(text: string): string {
  // A leading =, +, - or @ would run as a formula in a spreadsheet; a quote mark keeps it text.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** `qa.jsonl` → `qa.problems.csv`. */
export function reportFileName(datasetName: string, format: ReportFormat): string {
  const stem = datasetName.replace(/\.[^.]+$/, '') || 'dataset';
  return `${stem}.problems.${format}`;
}

export function reportMimeType(format: ReportFormat): string {
  return format === 'csv' ? 'text/csv;charset=utf-8' : 'application/x-ndjson;charset=utf-8';
}
