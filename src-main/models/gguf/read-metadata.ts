/**
 * The metadata key/value section: `metadata_kv_count` entries, each a key (string), a value
 * type (uint32) and the value. Keys are unique (llama.cpp's gguf reader rejects a file that
 * repeats one, and so do we). Large arrays are read element by element, so the window can
 * slide over a multi-MB vocabulary without holding all of it.
 */
import { formatByteSize, quoteName } from './gguf-errors';
import type { GgufValue } from './gguf-types';
import { GgufLazyStringArray } from './gguf-lazy-string-array';
import { GGUF_NUMBER_WIDTH, GGUF_VALUE_TYPE, ggufValueTypeName } from './gguf-value-types';
import type { HeaderWindow } from './header-window';
import {
  readArrayHead,
  readItem,
  readName,
  readNumberArray,
  readScalar,
  readString,
  readValueType,
  skipString,
  type ArrayHead,
} from './read-values';

/** The spec: a key "must be at most 2^16-1/65535 bytes long". */
const MAX_KEY_BYTES = 65_535;

export interface MetadataSection {
  metadata: Record<string, GgufValue>;
  metadataTypes: Record<string, string>;
  /** File offset of each value, for messages about a value found wrong later (alignment). */
  valueOffsets: Map<string, number>;
}

export interface MetadataOptions {
  /** String arrays longer than this stay undecoded (`GgufLazyStringArray`). */
  decodeStringArraysUpTo: number;
  /** Counts the bytes lazy arrays copy. */
  onAllocate: (bytes: number) => void;
}

type EntryHead =
  | { key: string; valueAt: number; type: number; value: GgufValue }
  | { key: string; valueAt: number; type: typeof GGUF_VALUE_TYPE.array; array: ArrayHead };

export async function readMetadata(w: HeaderWindow, count: number, options: MetadataOptions): Promise<MetadataSection> {
  const metadata = Object.create(null) as Record<string, GgufValue>;
  const metadataTypes = Object.create(null) as Record<string, string>;
  const valueOffsets = new Map<string, number>();

  for (let index = 0; index < count; index++) {
    const head = await w.resumable(() => readEntryHead(w, metadata, index, count));
    let value: GgufValue;
    let typeName: string = ggufValueTypeName(head.type);
    if ('array' in head) {
      value = await readTopLevelArray(w, head.array, options);
      typeName = `array[${ggufValueTypeName(head.array.itemType)}]`;
    } else {
      value = head.value;
    }
    metadata[head.key] = value;
    metadataTypes[head.key] = typeName;
    valueOffsets.set(head.key, head.valueAt);
  }
  w.context = '';
  return { metadata, metadataTypes, valueOffsets };
}

/** The key, the type, and a scalar value or an array's item type and length. */
function readEntryHead(w: HeaderWindow, seen: Record<string, GgufValue>, index: number, count: number): EntryHead {
  w.context = `metadata entry ${index + 1} of ${count}`;
  const keyAt = w.pos;
  const key = readName(w, 'key', MAX_KEY_BYTES);
  if (Object.hasOwn(seen, key)) w.fail(`key ${quoteName(key)} at byte ${keyAt} appears twice`);
  w.context = `the value of ${quoteName(key)}`;
  const type = readValueType(w, 'a value type');
  const valueAt = w.pos;
  if (type === GGUF_VALUE_TYPE.array) return { key, valueAt, type, array: readArrayHead(w, 1) };
  return { key, valueAt, type, value: readScalar(w, type) };
}

async function readTopLevelArray(w: HeaderWindow, head: ArrayHead, options: MetadataOptions): Promise<GgufValue> {
  const { itemType, count } = head;
  if (GGUF_NUMBER_WIDTH.has(itemType)) return w.resumable(() => readNumberArray(w, itemType, count));
  if (itemType === GGUF_VALUE_TYPE.string && count > options.decodeStringArraysUpTo) {
    return readLazyStrings(w, count, options.onAllocate);
  }
  // One item per step: after each, `commit` marks where to resume if the next one runs out
  // of window, so a 150,000-string vocabulary streams through a 1 MiB window.
  const items: GgufValue[] = [];
  if (itemType === GGUF_VALUE_TYPE.string) {
    await w.resumable(() => {
      while (items.length < count) {
        items.push(readString(w));
        w.commit();
      }
    });
  } else {
    await w.resumable(() => {
      while (items.length < count) {
        items.push(readItem(w, itemType, 1));
        w.commit();
      }
    });
  }
  return items;
}

/**
 * Checks every string's length against the file and keeps one copy of the array's bytes and
 * where each string starts, decoding nothing. Like the decoded path it goes element by
 * element, so the window slides over the array; before it moves on, the bytes of the
 * elements it finished are copied out.
 */
async function readLazyStrings(w: HeaderWindow, count: number, onAllocate: (bytes: number) => void): Promise<GgufLazyStringArray> {
  const arrayStart = w.pos;
  // The offsets table is allocated up front (4 bytes per string of at least 8): the header
  // limit bounds it as well as the file does.
  if (count * 8 > w.maxHeaderBytes - arrayStart) {
    w.fail(`array of ${count} strings at byte ${arrayStart} would make the header larger than ${formatByteSize(w.maxHeaderBytes)}`);
  }
  const starts = new Uint32Array(count);
  const chunks: Buffer[] = [];
  let done = 0;
  await w.resumable(() => {
    const from = w.pos;
    try {
      while (done < count) {
        done = scanStrings(w, done, count, starts, arrayStart);
        if (done === count) break;
        // The next string is not (wholly) in the window: let the checked path say why,
        // which asks for more bytes or reports the file's end.
        const at = w.pos;
        skipString(w);
        starts[done++] = at - arrayStart;
        w.commit();
      }
    } finally {
      chunks.push(Buffer.from(w.buffer.subarray(w.indexOf(from), w.indexOf(w.checkpoint))));
    }
  });
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  onAllocate(bytes.length * (chunks.length === 1 ? 1 : 2) + starts.byteLength);
  return new GgufLazyStringArray(bytes, starts);
}

/**
 * Steps over the strings the window holds whole, from `first`, in a tight loop on the raw
 * bytes (the checked reads cost ~100 ns a string; a 150,000-token vocabulary feels that).
 * Returns how many are done; `pos` and the checkpoint are after the last one.
 */
function scanStrings(w: HeaderWindow, first: number, count: number, starts: Uint32Array, arrayStart: number): number {
  const buf = w.buffer;
  const base = w.pos - w.indexOf(w.pos);
  let p = w.indexOf(w.pos);
  const limit = p + w.available;
  let i = first;
  for (; i < count; i++) {
    if (p + 8 > limit) break;
    const next = p + 8 + buf.readUInt32LE(p) + buf.readUInt32LE(p + 4) * 0x1_0000_0000;
    if (next > limit) break;
    starts[i] = base + p - arrayStart;
    p = next;
  }
  w.pos = base + p;
  w.commit();
  return i;
}
