/** The usage ring buffer, kept immutable so selectors see a new array only when a sample arrives. */
export function appendBounded<T>(items: readonly T[], item: T, limit: number): T[] {
  const keep = Math.max(0, limit - 1);
  const start = Math.max(0, items.length - keep);
  return [...items.slice(start), item];
}
