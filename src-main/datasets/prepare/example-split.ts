/**
 * Which split an example goes to, decided from its row number and the seed alone: the same
 * seed always holds out the same rows, whatever the model, the other rows, or the order the
 * work is done in, and no example has to wait for the total to be known (preparing streams).
 * The share held out is the percentage on average, not exactly: 10 % of 1,000 rows is about
 * 100 (±20 or so), and a dataset of a handful of rows may get no validation example at all.
 */

/** True when the example from row `line` is held out for validation. */
export function isValidationExample(line: number, seed: number, validationPercent: number): boolean {
  if (validationPercent <= 0) return false;
  let hash = mix32((seed >>> 0) ^ 0x9e3779b9);
  hash = mix32(hash ^ (line >>> 0));
  hash = mix32(hash ^ Math.floor(line / 2 ** 32)); // rows past 2^32 still differ
  return hash / 2 ** 32 < validationPercent / 100;
}

/** MurmurHash3's 32-bit finalizer: every input bit changes about half the output bits. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
