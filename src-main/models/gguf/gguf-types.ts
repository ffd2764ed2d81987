/**
 * What the GGUF header reader returns. The layout follows the GGUF specification
 * (ggml `docs/gguf.md`): magic, version, tensor count, metadata key/value pairs, tensor
 * infos, padding to `general.alignment`, then the tensor data, which the reader never reads.
 */
import type { GgufLazyStringArray } from './gguf-lazy-string-array';

/** Metadata value types, by the names the spec gives `gguf_metadata_value_type` 0…12. */
export type GgufValueTypeName =
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'float32'
  | 'bool'
  | 'string'
  | 'array'
  | 'uint64'
  | 'int64'
  | 'float64';

/**
 * One metadata value. 64-bit integers are numbers when they fit `Number.MAX_SAFE_INTEGER`
 * and bigints only when they do not, so `llama.context_length` is always a plain number.
 *
 * Arrays: numbers come as typed arrays (`tokenizer.ggml.scores` is a Float32Array: one copy,
 * and never more memory than the file's own bytes); strings and bools as JS arrays; nested
 * arrays as arrays of values. A reader asked not to decode long string arrays gives a
 * `GgufLazyStringArray` (length, and strings decoded on demand) for those instead.
 */
export type GgufScalar = number | bigint | boolean | string;
export type GgufTypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;
export type GgufValue = GgufScalar | GgufTypedArray | GgufLazyStringArray | readonly GgufValue[];

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the row length (the fastest-moving index). */
  dims: number[];
  /** `ggml_type` id as stored. */
  type: number;
  /** `F32`, `Q4_K`… or `UNKNOWN_<id>` for a type this build has no entry for. */
  typeName: string;
  /** Where the data starts, relative to the data section (`dataOffset`), as the spec stores it. */
  offset: number;
  /** Bytes of tensor data, from the ggml block layout; null when the type is unknown. */
  byteSize: number | null;
}

export interface GgufHeader {
  version: 2 | 3;
  tensorCount: number;
  /** Keys in file order. A null-prototype object: a key such as `__proto__` is just a key. */
  metadata: Record<string, GgufValue>;
  /** Each key's declared type: `uint32`, `string`, `array[string]`, `array[array[int32]]`… */
  metadataTypes: Record<string, string>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** File offset of the tensor data section (end of the tensor infos, padded to `alignment`). */
  dataOffset: number;
  fileSize: number;
}

/** What one read cost, filled in as it goes (also when it fails): for tests and benchmarks. */
export interface GgufReadStats {
  /** Bytes read from the file; each byte is read at most once. */
  bytesRead: number;
  readCalls: number;
  /** The largest buffer the reader held at once (its window over the header). */
  largestBuffer: number;
  /** All bytes the reader allocated in buffers: windows, lazy-array copies and their offset tables. */
  bytesAllocated: number;
}

export function emptyReadStats(): GgufReadStats {
  return { bytesRead: 0, readCalls: 0, largestBuffer: 0, bytesAllocated: 0 };
}
