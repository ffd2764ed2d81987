/**
 * Typed lookups in a header's metadata: each returns null when the key is missing or holds
 * another type, so callers say what they want and never cast.
 */
import { GgufLazyStringArray } from './gguf-lazy-string-array';
import type { GgufHeader, GgufValue } from './gguf-types';

type Metadata = Pick<GgufHeader, 'metadata' | 'metadataTypes'>;

const INTEGER_TYPES: ReadonlySet<string> = new Set(['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64']);

function valueOf(header: Metadata, key: string): GgufValue | undefined {
  return Object.hasOwn(header.metadata, key) ? header.metadata[key] : undefined;
}

export function metadataString(header: Metadata, key: string): string | null {
  const value = valueOf(header, key);
  return typeof value === 'string' ? value : null;
}

/** An integer of any GGUF integer type that fits a JS number safely. */
export function metadataInteger(header: Metadata, key: string): number | null {
  const value = valueOf(header, key);
  if (typeof value !== 'number' || !INTEGER_TYPES.has(header.metadataTypes[key] ?? '')) return null;
  return value;
}

/** The number of items of an array value (decoded, typed or lazy). */
export function metadataArrayLength(header: Metadata, key: string): number | null {
  const value = valueOf(header, key);
  return isGgufArray(value) ? value.length : null;
}

export function isGgufArray(value: GgufValue | undefined): value is Exclude<GgufValue, string | number | bigint | boolean> {
  return Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof GgufLazyStringArray;
}
