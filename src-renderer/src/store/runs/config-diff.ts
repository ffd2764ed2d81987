/**
 * The compare view's config table: the settings of two or more runs, flattened to one row
 * per setting ("lora.rank"), keeping only the rows where some run differs.
 */
import type { RunEntry, RunSettings } from '../../../../src-main/contract';

export interface ConfigDiffRow {
  /** Dotted path into RunSettings, or "model" / "dataset" / "preset". */
  key: string;
  /** One per run, in the order given, as text. */
  values: string[];
}

export function flattenSettings(settings: RunSettings): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path === '' ? key : `${path}.${key}`);
      return;
    }
    out[path] = Array.isArray(value) ? value.join(', ') : value === null ? '—' : String(value);
  };
  walk(settings, '');
  return out;
}

export function configDiff(runs: readonly RunEntry[]): ConfigDiffRow[] {
  if (runs.length < 2) return [];
  const flat = runs.map((run) => ({ model: run.modelName, dataset: run.datasetName, preset: run.preset, ...flattenSettings(run.settings) }) as Record<string, string>);
  const keys: string[] = [];
  for (const row of flat) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  return keys
    .map((key) => ({ key, values: flat.map((row) => row[key] ?? '—') }))
    .filter((row) => row.values.some((value) => value !== row.values[0]));
}
