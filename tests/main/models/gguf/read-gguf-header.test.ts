import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GgufLazyStringArray } from '../../../../src-main/models/gguf/gguf-lazy-string-array';
import { emptyReadStats } from '../../../../src-main/models/gguf/gguf-types';
import { readGgufHeader } from '../../../../src-main/models/gguf/read-gguf-header';
import { buildGguf, GGML, v, writeGguf, type TestGgufSpec } from './gguf-test-writer';
import { tempFolder } from './reader-test-helpers';
import { tinyModelSpec } from './tiny-model';

const dir = tempFolder('gguf-read');

const everyType: TestGgufSpec = {
  metadata: [
    ['t.uint8', v.u8(255)],
    ['t.int8', v.i8(-128)],
    ['t.uint16', v.u16(65535)],
    ['t.int16', v.i16(-32768)],
    ['t.uint32', v.u32(4294967295)],
    ['t.int32', v.i32(-2147483648)],
    ['t.float32', v.f32(0.5)],
    ['t.bool_true', v.bool(true)],
    ['t.bool_false', v.bool(false)],
    ['t.string', v.str('héllo ✓')],
    ['t.uint64_safe', v.u64(2 ** 53 - 1)],
    ['t.uint64_big', v.u64(2n ** 64n - 1n)],
    ['t.int64_neg', v.i64(-5)],
    ['t.int64_big', v.i64(-(2n ** 63n))],
    ['t.float64', v.f64(Math.PI)],
    ['t.strings', v.arr('string', ['a', '', 'ü'])],
    ['t.bools', v.arr('bool', [true, false, true])],
    ['t.floats', v.arr('float32', [1.5, -2])],
    ['t.u64s', v.arr('uint64', [1n, 2n ** 64n - 1n])],
    ['t.empty', v.arr('int32', [])],
    ['t.nested', v.nested([v.arr('int32', [1, 2]), v.arr('string', ['x'])])],
  ],
  tensors: [
    { name: 'a', dims: [4, 3] },
    { name: 'b', dims: [64], type: GGML.Q8_0 },
    { name: 'c', dims: [256, 2], type: GGML.Q4_K },
  ],
};

describe('readGgufHeader on valid files', () => {
  it('reads every metadata value type with its declared type', async () => {
    const { path } = writeGguf(dir, 'every-type.gguf', everyType);
    const header = await readGgufHeader(path);
    const m = header.metadata;
    expect(m['t.uint8']).toBe(255);
    expect(m['t.int8']).toBe(-128);
    expect(m['t.uint16']).toBe(65535);
    expect(m['t.int16']).toBe(-32768);
    expect(m['t.uint32']).toBe(4294967295);
    expect(m['t.int32']).toBe(-2147483648);
    expect(m['t.float32']).toBe(0.5);
    expect(m['t.bool_true']).toBe(true);
    expect(m['t.bool_false']).toBe(false);
    expect(m['t.string']).toBe('héllo ✓');
    expect(m['t.uint64_safe']).toBe(2 ** 53 - 1);
    expect(m['t.uint64_big']).toBe(2n ** 64n - 1n);
    expect(m['t.int64_neg']).toBe(-5);
    expect(m['t.int64_big']).toBe(-(2n ** 63n));
    expect(m['t.float64']).toBe(Math.PI);
    expect(m['t.strings']).toEqual(['a', '', 'ü']);
    expect(m['t.bools']).toEqual([true, false, true]);
    expect(m['t.floats']).toEqual(new Float32Array([1.5, -2]));
    expect(m['t.u64s']).toEqual(new BigUint64Array([1n, 2n ** 64n - 1n]));
    expect(m['t.empty']).toEqual(new Int32Array(0));
    expect(m['t.nested']).toEqual([new Int32Array([1, 2]), ['x']]);
    expect(header.metadataTypes['t.uint64_big']).toBe('uint64');
    expect(header.metadataTypes['t.strings']).toBe('array[string]');
    expect(header.metadataTypes['t.nested']).toBe('array[array]');
    expect(Object.keys(m)).toEqual(everyType.metadata?.map(([k]) => k));
  });

  it('reads tensor infos with names, types, offsets relative to the data section, and byte sizes', async () => {
    const { path, layout, size } = writeGguf(dir, 'tensors.gguf', everyType);
    const header = await readGgufHeader(path);
    expect(header.version).toBe(3);
    expect(header.tensorCount).toBe(3);
    expect(header.alignment).toBe(32);
    expect(header.dataOffset).toBe(layout.dataOffset);
    expect(header.dataOffset % 32).toBe(0);
    expect(header.fileSize).toBe(size);
    expect(header.tensors).toEqual([
      { name: 'a', dims: [4, 3], type: 0, typeName: 'F32', offset: 0, byteSize: 48 },
      { name: 'b', dims: [64], type: 8, typeName: 'Q8_0', offset: 64, byteSize: 68 },
      { name: 'c', dims: [256, 2], type: 12, typeName: 'Q4_K', offset: 160, byteSize: 288 },
    ]);
  });

  it('reads GGUF version 2 the same way', async () => {
    const { path } = writeGguf(dir, 'v2.gguf', { ...everyType, version: 2 });
    const header = await readGgufHeader(path);
    expect(header.version).toBe(2);
    expect(header.metadata['t.string']).toBe('héllo ✓');
  });

  it('uses general.alignment for padding and checks offsets against it', async () => {
    const spec: TestGgufSpec = {
      alignment: 64,
      metadata: [['general.alignment', v.u32(64)]],
      tensors: [
        { name: 'x', dims: [3] },
        { name: 'y', dims: [5] },
      ],
    };
    const { path, layout } = writeGguf(dir, 'align64.gguf', spec);
    const header = await readGgufHeader(path);
    expect(header.alignment).toBe(64);
    expect(header.dataOffset).toBe(layout.dataOffset);
    expect(header.dataOffset % 64).toBe(0);
    expect(header.tensors.map((t) => t.offset)).toEqual([0, 64]);
  });

  it('gives keys such as __proto__ no special meaning', async () => {
    const { path } = writeGguf(dir, 'proto.gguf', { metadata: [['__proto__', v.str('x')], ['constructor', v.u32(1)]] });
    const header = await readGgufHeader(path);
    expect(Object.keys(header.metadata)).toEqual(['__proto__', 'constructor']);
    expect(header.metadata['__proto__']).toBe('x');
    expect(header.metadata['toString']).toBeUndefined();
  });

  it('decodes invalid UTF-8 in string values as U+FFFD (keys must be valid, values need not be)', async () => {
    const raw = Uint8Array.from([0x61, 0xff, 0x62]);
    const { path } = writeGguf(dir, 'raw-bytes.gguf', { metadata: [['t.raw', v.str(raw)], ['t.tokens', v.arr('string', [raw])]] });
    const header = await readGgufHeader(path);
    expect(header.metadata['t.raw']).toBe('a\uFFFDb');
    expect(header.metadata['t.tokens']).toEqual(['a\uFFFDb']);
  });

  it('keeps long string arrays undecoded when asked, with the same strings on demand', async () => {
    const tokens = Array.from({ length: 3000 }, (_, i) => `tok${i}✓`);
    const { path } = writeGguf(dir, 'lazy.gguf', { metadata: [['tokens', v.arr('string', tokens)], ['tags', v.arr('string', ['a'])]] });
    const stats = emptyReadStats();
    const header = await readGgufHeader(path, { decodeStringArraysUpTo: 100, stats });
    const lazy = header.metadata['tokens'];
    expect(lazy).toBeInstanceOf(GgufLazyStringArray);
    expect((lazy as GgufLazyStringArray).length).toBe(3000);
    expect((lazy as GgufLazyStringArray).at(2999)).toBe('tok2999✓');
    expect((lazy as GgufLazyStringArray).at(3000)).toBeUndefined();
    expect((lazy as GgufLazyStringArray).toArray()).toEqual(tokens);
    expect(header.metadata['tags']).toEqual(['a']);
  });

  it('gives the same header through a tiny window that must slide and grow many times', async () => {
    const spec = tinyModelSpec({ tokens: Array.from({ length: 500 }, (_, i) => `t${i}`) });
    spec.metadata?.push(['t.long', v.str('x'.repeat(1000))], ['t.nested', v.nested([v.arr('string', ['p', 'q'])])]);
    const { path } = writeGguf(dir, 'slide.gguf', spec);
    const whole = await readGgufHeader(path);
    const stats = emptyReadStats();
    const slid = await readGgufHeader(path, { windowBytes: 64, stats });
    expect(slid).toEqual(whole);
    expect(stats.readCalls).toBeGreaterThan(20);
    const lazy = await readGgufHeader(path, { windowBytes: 64, decodeStringArraysUpTo: 10 });
    expect((lazy.metadata['tokenizer.ggml.tokens'] as GgufLazyStringArray).toArray()).toEqual(whole.metadata['tokenizer.ggml.tokens']);
  });

  it('reads the header only: bytes read stay under one window past it, even for a 2 GB file', async () => {
    const { path, size } = writeGguf(dir, 'big.gguf', { tensors: [{ name: 'w', dims: [4096, 4096, 128], type: GGML.Q8_0 }] });
    const stats = emptyReadStats();
    const header = await readGgufHeader(path, { stats });
    expect(header.fileSize).toBe(size);
    expect(size).toBeGreaterThan(2 ** 31);
    expect(header.tensors[0]?.byteSize).toBe(2_281_701_376);
    expect(stats.bytesRead).toBe(1024 * 1024);
    expect(stats.largestBuffer).toBe(1024 * 1024);
  });

  it('reads each byte of a small file once, in one buffer no larger than the file', async () => {
    const { path, size } = writeGguf(dir, 'small.gguf', tinyModelSpec());
    const stats = emptyReadStats();
    await readGgufHeader(path, { stats });
    expect(size).toBeLessThan(1024 * 1024);
    expect(stats.bytesRead).toBe(size);
    expect(stats.largestBuffer).toBe(size);
  });

  it('reads a file with no tensors and no metadata', async () => {
    const path = join(dir, 'bare.gguf');
    writeFileSync(path, buildGguf({}).bytes);
    const header = await readGgufHeader(path);
    expect(header).toEqual({
      version: 3,
      tensorCount: 0,
      metadata: {},
      metadataTypes: {},
      tensors: [],
      alignment: 32,
      dataOffset: 24,
      fileSize: 24,
    });
  });
});
