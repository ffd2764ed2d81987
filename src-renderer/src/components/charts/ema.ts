/**
 * Exponential moving average for noisy training curves, as TensorBoard draws its "smoothed"
 * line: `weight` is how much of the previous average each point keeps (0 = raw, 0.99 = very
 * smooth), and the start is debiased so the line does not rise from zero. Missing values
 * (NaN) stay missing and leave the average untouched.
 */
export function emaSmooth(values: ArrayLike<number>, length: number, weight: number): Float64Array {
  const out = new Float64Array(length);
  const w = Math.min(0.999, Math.max(0, weight));
  let average = 0;
  // w^n, kept as a running product: Math.pow per point costs more than the rest of the loop.
  let power = 1;
  for (let i = 0; i < length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) {
      out[i] = Number.NaN;
      continue;
    }
    power *= w;
    average = w * average + (1 - w) * value;
    // Debias: after n points the weights sum to 1 - w^n, not 1.
    out[i] = w === 0 ? value : average / (1 - power);
  }
  return out;
}
