/**
 * The tokenizer fingerprint (docs/prepared-data.md): `sha256:` + the hex SHA-256 of the
 * UTF-8 bytes of the compact JSON array
 *
 *   [model, pre, tokens, token_type, merges, bos_token_id, eos_token_id]
 *
 * of the GGUF's `tokenizer.ggml.*` values, null for an absent key. JSON.stringify writes it
 * compactly with non-ASCII characters as themselves, which is what the Python runtime gets
 * from `json.dumps(values, separators=(",", ":"), ensure_ascii=False)`; the runtime computes
 * it from the base model and refuses prepared data whose fingerprint differs.
 */
import { createHash } from 'node:crypto';
import { LatheError } from '../../contract';
import { GgufLazyStringArray } from '../../models/gguf/gguf-lazy-string-array';
import type { GgufHeader, GgufValue } from '../../models/gguf/gguf-types';

const FINGERPRINT_KEYS = ['model', 'pre', 'tokens', 'token_type', 'merges', 'bos_token_id', 'eos_token_id'] as const;

type Json = null | boolean | number | string | Json[];

export function tokenizerFingerprint(header: Pick<GgufHeader, 'metadata'>): string {
  const values = FINGERPRINT_KEYS.map((key) => {
    const name = `tokenizer.ggml.${key}`;
    return Object.hasOwn(header.metadata, name) ? asJson(header.metadata[name] as GgufValue, name) : null;
  });
  return `sha256:${createHash('sha256').update(JSON.stringify(values), 'utf8').digest('hex')}`;
}

/** A metadata value as the plain JSON value Python's reader would give (lists, ints, strings). */
function asJson(value: GgufValue, key: string): Json {
  if (value instanceof GgufLazyStringArray) return value.toArray();
  if (typeof value === 'bigint') return safeNumber(value, key);
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Array.from(value, (item) => safeNumber(item, key));
  // Typed arrays would stringify as objects ({"0":1,…}); Python sees lists.
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (Array.isArray(value)) return value.map((item: GgufValue) => asJson(item, key));
  return value as Json;
}

function safeNumber(value: bigint, key: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new LatheError('unsupported', `${key} holds the integer ${value}, too large to fingerprint; this tokenizer is not one Lathe can prepare data for.`);
  }
  return Number(value);
}
