/**
 * Parquet values made plain JSON values, so a row can cross either transport (the web one is
 * JSON) and be shown as read: 64-bit integers become numbers when they fit exactly and
 * strings when they do not; dates become ISO strings. Binary values stay `Uint8Array`s:
 * turning them into text would hide that they are not text (normalisation reports them).
 */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, toJsonSafe); // a list of numbers as a typed array
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = toJsonSafe(inner);
  return out;
}
