/** Small number formatters for the pages; each turns a missing value into a dash. */

export function formatPercent(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  // Whole percents are enough for a gauge; below 10 a decimal shows that something moves.
  return value < 10 ? `${value.toFixed(1)}%` : `${Math.round(value)}%`;
}

export function formatCelsius(value: number | null): string {
  return value === null ? '—' : `${Math.round(value)} °C`;
}

export function formatWatts(draw: number | null, limit: number | null): string {
  if (draw === null) return '—';
  return limit === null ? `${Math.round(draw)} W` : `${Math.round(draw)} / ${Math.round(limit)} W`;
}

/** Share of a whole in percent, clamped to 0–100 for progress bars; 0 when the whole is unknown. */
export function shareOf(part: number | null, whole: number | null): number {
  if (part === null || whole === null || whole <= 0) return 0;
  return Math.min(100, Math.max(0, (part / whole) * 100));
}

/** Whole counts with thousands separators ("131,072"), the way context lengths and vocabularies are quoted. */
export function formatCount(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-US');
}
