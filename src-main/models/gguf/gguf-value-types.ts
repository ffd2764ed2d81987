/**
 * GGUF metadata value types (`gguf_metadata_value_type` in the spec): their ids, names, and
 * the fewest bytes one value can take, which bounds how many values a count can honestly
 * claim in the bytes left in the file.
 */
import type { GgufValueTypeName } from './gguf-types';

export const GGUF_VALUE_TYPE = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const satisfies Record<GgufValueTypeName, number>;

export const GGUF_VALUE_TYPE_NAMES: readonly GgufValueTypeName[] = [
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'bool',
  'string',
  'array',
  'uint64',
  'int64',
  'float64',
];

/**
 * Smallest encoding of one value of each type: a string is at least its uint64 length, an
 * array at least its item type (uint32) and length (uint64). None is zero, so a count times
 * this is a lower bound on the bytes the values need.
 */
export const GGUF_VALUE_MIN_BYTES: readonly number[] = [1, 1, 2, 2, 4, 4, 4, 1, 8, 12, 8, 8, 8];

/** Fixed-width numeric types and their width in bytes; strings, bools and arrays are not here. */
export const GGUF_NUMBER_WIDTH: ReadonlyMap<number, number> = new Map([
  [GGUF_VALUE_TYPE.uint8, 1],
  [GGUF_VALUE_TYPE.int8, 1],
  [GGUF_VALUE_TYPE.uint16, 2],
  [GGUF_VALUE_TYPE.int16, 2],
  [GGUF_VALUE_TYPE.uint32, 4],
  [GGUF_VALUE_TYPE.int32, 4],
  [GGUF_VALUE_TYPE.float32, 4],
  [GGUF_VALUE_TYPE.uint64, 8],
  [GGUF_VALUE_TYPE.int64, 8],
  [GGUF_VALUE_TYPE.float64, 8],
]);

export function ggufValueTypeName(type: number): GgufValueTypeName {
  const name = GGUF_VALUE_TYPE_NAMES[type];
  if (name === undefined) throw new RangeError(`GGUF value type ${type} is not one of 0…12`);
  return name;
}
