/**
 * Parameter counts the way model cards write them: "7.2 B", "1.2 M", "999". Decimal units
 * (a 7B model has about 7·10⁹ parameters), one decimal place from a thousand up.
 */
const UNITS = ['', 'K', 'M', 'B', 'T'] as const;

export function formatParameterCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 0) return `-${formatParameterCount(-n)}`;
  const whole = Math.round(n);
  if (whole < 1000) return String(whole);
  let value = whole / 1000;
  let unit = 1;
  // Move up while the *rounded* value would read 1000.0 or more ("1000.0 K" → "1.0 M").
  while (unit < UNITS.length - 1 && Number(value.toFixed(1)) >= 1000) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}
