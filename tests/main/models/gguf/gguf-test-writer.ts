/**
 * A minimal GGUF writer for tests, written from the spec (ggml `docs/gguf.md`) and independent
 * of the reader under test: metadata of every value type, tensor infos with aligned offsets,
 * zero-filled tensor data. It also returns where each field landed, so tests can damage a
 * file at an exact byte and expect that byte in the error.
 */
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type NumberTypeName = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'uint64' | 'int64' | 'float64';
export type ItemTypeName = NumberTypeName | 'bool' | 'string';
type Raw = number | bigint | boolean | string | Uint8Array;

export type TestValue =
  | { type: NumberTypeName; value: number | bigint }
  | { type: 'bool'; value: boolean }
  /** A string, or raw bytes written as a string (to write invalid UTF-8). */
  | { type: 'string'; value: string | Uint8Array }
  | TestArray;
export type TestArray = { type: 'array'; itemType: ItemTypeName; items: Raw[] } | { type: 'array'; itemType: 'array'; items: TestArray[] };

/** Value constructors: `v.u32(5)`, `v.str('llama')`, `v.arr('string', ['a'])`. */
export const v = {
  u8: (value: number): TestValue => ({ type: 'uint8', value }),
  i8: (value: number): TestValue => ({ type: 'int8', value }),
  u16: (value: number): TestValue => ({ type: 'uint16', value }),
  i16: (value: number): TestValue => ({ type: 'int16', value }),
  u32: (value: number): TestValue => ({ type: 'uint32', value }),
  i32: (value: number): TestValue => ({ type: 'int32', value }),
  f32: (value: number): TestValue => ({ type: 'float32', value }),
  u64: (value: number | bigint): TestValue => ({ type: 'uint64', value }),
  i64: (value: number | bigint): TestValue => ({ type: 'int64', value }),
  f64: (value: number): TestValue => ({ type: 'float64', value }),
  bool: (value: boolean): TestValue => ({ type: 'bool', value }),
  str: (value: string | Uint8Array): TestValue => ({ type: 'string', value }),
  arr: (itemType: ItemTypeName, items: Raw[]): TestArray => ({ type: 'array', itemType, items }),
  nested: (items: TestArray[]): TestArray => ({ type: 'array', itemType: 'array', items }),
};

export interface TestTensor {
  name: string;
  dims: number[];
  /** ggml type id; default 0 (F32). */
  type?: number;
  /** Bytes of data, for a type this writer has no size for. */
  byteSize?: number;
  /** Stored offset, to write a wrong one; default: packed and aligned. */
  offset?: number | bigint;
}

export interface TestGgufSpec {
  version?: number;
  metadata?: [string, TestValue][];
  tensors?: TestTensor[];
  /** Alignment used for padding; add `general.alignment` yourself to declare it. Default 32. */
  alignment?: number;
}

export interface GgufLayout {
  entries: Map<string, { keyAt: number; typeAt: number; valueAt: number }>;
  tensors: Map<string, { nameAt: number; dimCountAt: number; dimsAt: number; typeAt: number; offsetAt: number }>;
  /** End of the tensor infos, before padding. */
  infosEnd: number;
  dataOffset: number;
}

/** (elements per block, bytes per block) for the types tests use. */
const TYPE_SIZES: Record<number, [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  8: [32, 34], // Q8_0
  16: [256, 66], // IQ2_XXS
  23: [256, 136], // IQ4_XS
  12: [256, 144], // Q4_K
  14: [256, 210], // Q6_K
  30: [1, 2], // BF16
};

export const GGML = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, Q4_K: 12, Q6_K: 14, IQ2_XXS: 16, IQ4_XS: 23, BF16: 30 } as const;

const VALUE_TYPE_IDS: Record<TestValue['type'], number> = {
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
};

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  u64(value: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  string(value: string | Uint8Array): void {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    this.u64(bytes.length);
    this.push(bytes);
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeRaw(sink: ByteSink, type: ItemTypeName, value: Raw): void {
  const b = Buffer.alloc(8);
  switch (type) {
    case 'string':
      return sink.string(value as string | Uint8Array);
    case 'bool':
      return sink.push(Buffer.from([value ? 1 : 0]));
    case 'uint8':
      b.writeUInt8(Number(value));
      return sink.push(b.subarray(0, 1));
    case 'int8':
      b.writeInt8(Number(value));
      return sink.push(b.subarray(0, 1));
    case 'uint16':
      b.writeUInt16LE(Number(value));
      return sink.push(b.subarray(0, 2));
    case 'int16':
      b.writeInt16LE(Number(value));
      return sink.push(b.subarray(0, 2));
    case 'uint32':
      b.writeUInt32LE(Number(value));
      return sink.push(b.subarray(0, 4));
    case 'int32':
      b.writeInt32LE(Number(value));
      return sink.push(b.subarray(0, 4));
    case 'float32':
      b.writeFloatLE(Number(value));
      return sink.push(b.subarray(0, 4));
    case 'uint64':
      b.writeBigUInt64LE(BigInt(value as number | bigint));
      return sink.push(b);
    case 'int64':
      b.writeBigInt64LE(BigInt(value as number | bigint));
      return sink.push(b);
    case 'float64':
      b.writeDoubleLE(Number(value));
      return sink.push(b);
  }
}

function writeValue(sink: ByteSink, value: TestValue): void {
  if (value.type !== 'array') return writeRaw(sink, value.type, value.value);
  sink.u32(VALUE_TYPE_IDS[value.itemType]);
  sink.u64(value.items.length);
  if (value.itemType === 'array') {
    for (const item of value.items as TestArray[]) writeValue(sink, item);
  } else {
    for (const item of value.items as Raw[]) writeRaw(sink, value.itemType, item);
  }
}

export function tensorByteSize(tensor: TestTensor): number {
  if (tensor.byteSize !== undefined) return tensor.byteSize;
  const sizes = TYPE_SIZES[tensor.type ?? 0];
  if (!sizes) throw new Error(`test writer: give byteSize for ggml type ${tensor.type}`);
  const elements = tensor.dims.reduce((a, b) => a * b, 1);
  return (elements / sizes[0]) * sizes[1];
}

const alignUp = (n: number, alignment: number): number => Math.ceil(n / alignment) * alignment;

/** The whole file, tensor data (zeros) included. */
export function buildGguf(spec: TestGgufSpec): { bytes: Buffer; layout: GgufLayout } {
  const { header, layout, size } = buildGgufHeader(spec);
  return { bytes: Buffer.concat([header, Buffer.alloc(size - header.length)]), layout };
}

/** The bytes up to the tensor data, and the full file size (for a file whose data is a hole). */
export function buildGgufHeader(spec: TestGgufSpec): { header: Buffer; layout: GgufLayout; size: number } {
  const alignment = spec.alignment ?? 32;
  const metadata = spec.metadata ?? [];
  const tensors = spec.tensors ?? [];
  const sink = new ByteSink();
  const layout: GgufLayout = { entries: new Map(), tensors: new Map(), infosEnd: 0, dataOffset: 0 };

  sink.push(Buffer.from('GGUF', 'latin1'));
  sink.u32(spec.version ?? 3);
  sink.u64(tensors.length);
  sink.u64(metadata.length);
  for (const [key, value] of metadata) {
    const keyAt = sink.length;
    sink.string(key);
    const typeAt = sink.length;
    sink.u32(VALUE_TYPE_IDS[value.type]);
    layout.entries.set(key, { keyAt, typeAt, valueAt: sink.length });
    writeValue(sink, value);
  }
  let dataSize = 0;
  for (const tensor of tensors) {
    const nameAt = sink.length;
    sink.string(tensor.name);
    const dimCountAt = sink.length;
    sink.u32(tensor.dims.length);
    const dimsAt = sink.length;
    for (const dim of tensor.dims) sink.u64(dim);
    const typeAt = sink.length;
    sink.u32(tensor.type ?? 0);
    const offsetAt = sink.length;
    sink.u64(tensor.offset ?? dataSize);
    layout.tensors.set(tensor.name, { nameAt, dimCountAt, dimsAt, typeAt, offsetAt });
    dataSize += alignUp(tensorByteSize(tensor), alignment);
  }
  layout.infosEnd = sink.length;
  layout.dataOffset = tensors.length > 0 ? alignUp(sink.length, alignment) : sink.length;
  sink.push(Buffer.alloc(layout.dataOffset - sink.length));
  return { header: sink.toBuffer(), layout, size: layout.dataOffset + dataSize };
}

/**
 * Writes the file into `dir`. The tensor data is left as a hole (`truncate` past the header),
 * which reads as the same zeros and lets a test make a multi-GB file in no time or space.
 */
export function writeGguf(dir: string, name: string, spec: TestGgufSpec): { path: string; size: number; layout: GgufLayout } {
  const { header, layout, size } = buildGgufHeader(spec);
  const path = join(dir, name);
  writeFileSync(path, header);
  truncateSync(path, size);
  return { path, size, layout };
}
