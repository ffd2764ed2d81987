/**
 * Reading single GGUF values synchronously from the header window. Every length and count is
 * checked against the bytes left in the file before anything is allocated for it.
 *
 * Text: keys and tensor names must be valid UTF-8 (they are identifiers that other code looks
 * up, and the spec requires keys to be ASCII), so bad bytes there are a format error. String
 * *values* are decoded with U+FFFD for bad bytes instead, the way every UTF-8 decoder in
 * Node does by default: some tokenizers store raw byte tokens (RWKV's world vocabulary)
 * that are not valid UTF-8 on their own, and such a file is still a valid GGUF.
 */
import { formatByteSize } from './gguf-errors';
import type { GgufScalar, GgufTypedArray, GgufValue } from './gguf-types';
import { GGUF_NUMBER_WIDTH, GGUF_VALUE_MIN_BYTES, GGUF_VALUE_TYPE, ggufValueTypeName } from './gguf-value-types';
import type { HeaderWindow } from './header-window';

/** The spec allows nested arrays; no model uses more than one level, so deeper is damage. */
export const MAX_ARRAY_DEPTH = 8;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function readValueType(w: HeaderWindow, what: string): number {
  const at = w.pos;
  const type = w.u32(what);
  if (type > GGUF_VALUE_TYPE.float64) w.fail(`unknown value type ${type} at byte ${at}`);
  return type;
}

/** Fails unless `length` bytes after the length field at `at` fit in the file. */
function checkFits(w: HeaderWindow, at: number, length: number, what: string): void {
  if (at + 8 + length > w.fileSize) {
    w.fail(`${what} length ${w.u64TextAt(at)} at byte ${at} runs past the end of the file (${formatByteSize(w.fileSize)})`);
  }
}

/** Checks a string's length against the file and steps over it, decoding nothing. */
export function skipString(w: HeaderWindow): void {
  const at = w.pos;
  const length = w.u64('a string length');
  checkFits(w, at, length, 'string');
  w.take(length, 'a string');
}

/** A string value (invalid UTF-8 becomes U+FFFD; see the top of this file). */
export function readString(w: HeaderWindow): string {
  const at = w.pos;
  const length = w.u64('a string length');
  checkFits(w, at, length, 'string');
  const i = w.take(length, 'a string');
  return w.buffer.toString('utf8', i, i + length);
}

/** A key or tensor name: at most `maxBytes` long and valid UTF-8, or a format error. */
export function readName(w: HeaderWindow, what: 'key' | 'tensor name', maxBytes: number): string {
  const at = w.pos;
  const length = w.u64(`a ${what} length`);
  if (length > maxBytes) {
    w.fail(`${what} length ${w.u64TextAt(at)} at byte ${at} is over the ${maxBytes} bytes the GGUF spec allows`);
  }
  checkFits(w, at, length, what);
  const i = w.take(length, `a ${what}`);
  const bytes = w.buffer.subarray(i, i + length);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return w.fail(`the ${what} at byte ${at + 8} is not valid UTF-8`);
  }
}

/** An integer from a 64-bit field: a number when it is safe, else a bigint (never rounded). */
function safeOrBig(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

export function readScalar(w: HeaderWindow, type: number): GgufScalar {
  switch (type) {
    case GGUF_VALUE_TYPE.uint8:
      return w.u8('a uint8');
    case GGUF_VALUE_TYPE.int8:
      return w.buffer.readInt8(w.take(1, 'an int8'));
    case GGUF_VALUE_TYPE.uint16:
      return w.buffer.readUInt16LE(w.take(2, 'a uint16'));
    case GGUF_VALUE_TYPE.int16:
      return w.buffer.readInt16LE(w.take(2, 'an int16'));
    case GGUF_VALUE_TYPE.uint32:
      return w.u32('a uint32');
    case GGUF_VALUE_TYPE.int32:
      return w.buffer.readInt32LE(w.take(4, 'an int32'));
    case GGUF_VALUE_TYPE.float32:
      return w.buffer.readFloatLE(w.take(4, 'a float32'));
    case GGUF_VALUE_TYPE.bool:
      return readBool(w);
    case GGUF_VALUE_TYPE.string:
      return readString(w);
    case GGUF_VALUE_TYPE.uint64:
      return safeOrBig(w.buffer.readBigUInt64LE(w.take(8, 'a uint64')));
    case GGUF_VALUE_TYPE.int64:
      return safeOrBig(w.buffer.readBigInt64LE(w.take(8, 'an int64')));
    case GGUF_VALUE_TYPE.float64:
      return w.buffer.readDoubleLE(w.take(8, 'a float64'));
    default:
      throw new RangeError(`readScalar: type ${type} is not a scalar type`);
  }
}

/** The spec: "1-byte value where 0 is false and 1 is true. Anything else is invalid." */
function readBool(w: HeaderWindow): boolean {
  const at = w.pos;
  const byte = w.u8('a bool');
  if (byte > 1) w.fail(`the bool at byte ${at} holds ${byte}; GGUF bools are 0 or 1`);
  return byte === 1;
}

export interface ArrayHead {
  itemType: number;
  count: number;
}

/** An array's item type and length, with the length checked against the bytes left. */
export function readArrayHead(w: HeaderWindow, depth: number): ArrayHead {
  const typeAt = w.pos;
  const itemType = readValueType(w, 'an array item type');
  if (itemType === GGUF_VALUE_TYPE.array && depth >= MAX_ARRAY_DEPTH) {
    w.fail(`the array at byte ${typeAt} nests arrays more than ${MAX_ARRAY_DEPTH} levels deep`);
  }
  const countAt = w.pos;
  const count = w.u64('an array length');
  const left = w.fileSize - w.pos;
  const minBytes = GGUF_VALUE_MIN_BYTES[itemType] as number;
  if (count * minBytes > left) {
    w.fail(
      `array length ${w.u64TextAt(countAt)} at byte ${countAt} is more than the rest of the file could hold ` +
        `(${formatByteSize(left)} left, ${minBytes} byte${minBytes === 1 ? '' : 's'} or more per ${ggufValueTypeName(itemType)})`,
    );
  }
  return { itemType, count };
}

/** Reads one array item of a type that is not a fixed-width number. */
export function readItem(w: HeaderWindow, type: number, depth: number): GgufValue {
  if (type === GGUF_VALUE_TYPE.array) return readNestedArray(w, depth + 1);
  return readScalar(w, type);
}

/** A whole array, synchronously: for arrays inside arrays (the window must hold all of it). */
function readNestedArray(w: HeaderWindow, depth: number): GgufValue {
  const { itemType, count } = readArrayHead(w, depth);
  if (GGUF_NUMBER_WIDTH.has(itemType)) return readNumberArray(w, itemType, count);
  const items: GgufValue[] = new Array<GgufValue>(count);
  for (let i = 0; i < count; i++) items[i] = readItem(w, itemType, depth);
  return items;
}

/**
 * A fixed-width number array as a typed array: one copy of the file's bytes (the window must
 * hold them all; `resumable` grows it). GGUF numbers are little-endian, and so is every
 * machine Lathe runs on (x64, arm64), so the file's bytes are the typed array's bytes.
 */
export function readNumberArray(w: HeaderWindow, itemType: number, count: number): GgufTypedArray {
  const width = GGUF_NUMBER_WIDTH.get(itemType) as number;
  const start = w.take(count * width, `an array of ${ggufValueTypeName(itemType)}`);
  const out = newTypedArray(itemType, count);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(w.buffer.subarray(start, start + count * width));
  return out;
}

function newTypedArray(itemType: number, count: number): GgufTypedArray {
  switch (itemType) {
    case GGUF_VALUE_TYPE.uint8:
      return new Uint8Array(count);
    case GGUF_VALUE_TYPE.int8:
      return new Int8Array(count);
    case GGUF_VALUE_TYPE.uint16:
      return new Uint16Array(count);
    case GGUF_VALUE_TYPE.int16:
      return new Int16Array(count);
    case GGUF_VALUE_TYPE.uint32:
      return new Uint32Array(count);
    case GGUF_VALUE_TYPE.int32:
      return new Int32Array(count);
    case GGUF_VALUE_TYPE.float32:
      return new Float32Array(count);
    case GGUF_VALUE_TYPE.uint64:
      return new BigUint64Array(count);
    case GGUF_VALUE_TYPE.int64:
      return new BigInt64Array(count);
    default:
      return new Float64Array(count);
  }
}
