/**
 * Sizes as people read them in Lathe: binary units (what the OS, nvidia-smi and torch
 * report), one decimal above bytes. The end-to-end test formats the expected memory total
 * with this same function, so the page and the test cannot disagree on rounding.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 0) return `-${formatBytes(-n)}`;
  if (n < 1024) return `${Math.round(n)} B`;
  let value = n;
  let unit = 0;
  // Move up while the *rounded* value would read 1024.0 or more ("1024.0 KiB" → "1.0 MiB").
  while (unit < UNITS.length - 1 && Number((value).toFixed(1)) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** GPU memory arrives in MiB (nvidia-smi's unit, despite the contract calling it MB). */
export function formatMegabytes(mb: number | null): string {
  return mb === null ? '—' : formatBytes(mb * 1024 * 1024);
}
