/**
 * Property test: a valid GGUF of a few KB (strings, arrays, nested arrays, tensors), damaged
 * thousands of ways from a seeded PRNG, must only ever give a header or a LatheError of kind
 * invalid_file / unsupported, quickly, without the reader holding more than the file.
 *
 * What is measured, honestly: the reader's own buffers (its stats: the largest window, all
 * bytes allocated, bytes read, each byte read at most once) and the process's peak RSS over
 * the whole run. JS values built from the header (strings, arrays) are bounded by the count
 * checks (a count needs at least one byte per item in the file) but not measured per case.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../../src-main/contract/errors';
import { emptyReadStats, type GgufHeader } from '../../../../src-main/models/gguf/gguf-types';
import { readGgufHeader } from '../../../../src-main/models/gguf/read-gguf-header';
import { buildGguf, GGML, v, type GgufLayout, type TestGgufSpec } from './gguf-test-writer';
import { tempFolder } from './reader-test-helpers';
import { seededRandom as prng } from '../../helpers/seeded-random';

const dir = tempFolder('gguf-fuzz');
const CASES = 4000;
const SEED = 0x5eed_9a7e;
const MAX_MS_PER_CASE = 500;


const base: TestGgufSpec = {
  metadata: [
    ['general.architecture', v.str('llama')],
    ['general.name', v.str('fuzz base ✓')],
    ['general.alignment', v.u32(32)],
    ['llama.block_count', v.u32(1)],
    ['llama.rope.freq_base', v.f32(10000)],
    ['t.u64', v.u64(2n ** 60n)],
    ['t.i8', v.i8(-3)],
    ['t.flag', v.bool(true)],
    ['t.f64', v.f64(1.25)],
    ['tokenizer.ggml.tokens', v.arr('string', Array.from({ length: 120 }, (_, i) => `tok${i}`))],
    ['tokenizer.ggml.scores', v.arr('float32', Array.from({ length: 120 }, (_, i) => i / 10))],
    ['tokenizer.ggml.token_type', v.arr('int32', Array.from({ length: 120 }, () => 1))],
    ['t.nested', v.nested([v.arr('string', ['x', 'yz']), v.arr('uint16', [1, 2, 3]), v.nested([v.arr('bool', [true])])])],
    ['tokenizer.chat_template', v.str('{% for m in messages %}{{ m.content }}{% endfor %}')],
  ],
  tensors: [
    { name: 'token_embd.weight', dims: [32, 4] },
    { name: 'blk.0.attn_q.weight', dims: [32, 2], type: GGML.Q8_0 },
    { name: 'output_norm.weight', dims: [32], type: GGML.F16 },
  ],
};

/** Offsets of the length, count, type and offset fields: where damage hurts most. */
function fieldOffsets(layout: GgufLayout): { u64: number[]; u32: number[] } {
  const u64 = [8, 16];
  const u32 = [4];
  for (const { keyAt, typeAt, valueAt } of layout.entries.values()) {
    u64.push(keyAt, valueAt, valueAt + 4);
    u32.push(typeAt, valueAt);
  }
  for (const t of layout.tensors.values()) {
    u64.push(t.nameAt, t.dimsAt, t.offsetAt);
    u32.push(t.dimCountAt, t.typeAt);
  }
  return { u64, u32 };
}

type Mutation = (bytes: Buffer, random: () => number) => Buffer;

function mutations(layout: GgufLayout): Mutation[] {
  const fields = fieldOffsets(layout);
  const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;
  const at = (bytes: Buffer, random: () => number) => Math.floor(random() * bytes.length);
  const hugeU64 = (size: number, random: () => number): bigint =>
    pick([2n ** 64n - 1n, 2n ** 63n, 2n ** 53n, 2n ** 32n - 1n, 2n ** 31n, BigInt(size), BigInt(size + 1), BigInt(Math.floor(random() * 2 ** 40))], random);
  const hugeU32 = (random: () => number): number => pick([0, 1, 4, 5, 13, 0x7fffffff, 0xffffffff, Math.floor(random() * 2 ** 32)], random);
  return [
    (b, r) => {
      for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
        const o = at(b, r);
        b[o] = (b[o] as number) ^ (1 + Math.floor(r() * 255));
      }
      return b;
    },
    (b, r) => {
      const o = pick(fields.u64, r);
      if (o + 8 <= b.length) b.writeBigUInt64LE(hugeU64(b.length, r), o);
      return b;
    },
    (b, r) => {
      const o = pick(fields.u32, r);
      if (o + 4 <= b.length) b.writeUInt32LE(hugeU32(r), o);
      return b;
    },
    (b, r) => {
      const o = Math.min(at(b, r), b.length - 8);
      b.writeBigUInt64LE(hugeU64(b.length, r), o);
      return b;
    },
    (b, r) => b.subarray(0, Math.floor(r() * b.length)),
    (b, r) => {
      const o = at(b, r);
      const inserted = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256)));
      return Buffer.concat([b.subarray(0, o), inserted, b.subarray(o)]);
    },
    (b, r) => {
      const o = at(b, r);
      return Buffer.concat([b.subarray(0, o), b.subarray(Math.min(b.length, o + 1 + Math.floor(r() * 16)))]);
    },
  ];
}

function checkHeader(header: GgufHeader, size: number): void {
  expect(header.fileSize).toBe(size);
  expect(header.dataOffset).toBeLessThanOrEqual(size);
  for (const t of header.tensors) {
    expect(t.offset % header.alignment).toBe(0);
    expect(header.dataOffset + t.offset + (t.byteSize ?? 0)).toBeLessThanOrEqual(size);
  }
}

describe('the GGUF reader under random damage', () => {
  it(`only ever resolves or rejects with invalid_file/unsupported, fast and within the file's size (${CASES} cases)`, async () => {
    const { bytes: valid, layout } = buildGguf(base);
    expect(valid.length).toBeLessThan(8192);
    const random = prng(SEED);
    const mutate = mutations(layout);
    const path = join(dir, 'case.gguf');
    const outcomes = { resolved: 0, rejected: 0 };
    const messages = new Set<string>();
    const rssBefore = process.resourceUsage().maxRSS;
    let slowest = 0;

    for (let i = 0; i < CASES; i++) {
      let bytes: Buffer = Buffer.from(valid);
      for (let m = 0, n = 1 + Math.floor(random() * 3); m < n; m++) bytes = mutate[Math.floor(random() * mutate.length)]?.(bytes, random) ?? bytes;
      writeFileSync(path, bytes);
      const stats = emptyReadStats();
      // Half the cases read through a tiny window and keep string arrays lazy, so the sliding,
      // growing and lazy paths are damaged too.
      const small = random() < 0.5;
      const started = performance.now();
      try {
        const header = await readGgufHeader(path, small ? { stats, windowBytes: 64, decodeStringArraysUpTo: 2 } : { stats });
        checkHeader(header, bytes.length);
        outcomes.resolved++;
      } catch (error) {
        if (!(error instanceof LatheError) || (error.kind !== 'invalid_file' && error.kind !== 'unsupported')) {
          throw new Error(`case ${i}: unexpected ${String(error)} (kind ${(error as LatheError).kind}) for bytes ${bytes.toString('hex')}`, {
            cause: error,
          });
        }
        // Empty files are rejected by the file check, before the reader runs.
        if (bytes.length > 0) expect(error.message, `case ${i}`).toMatch(/byte \d+|GGUF|long/);
        messages.add(error.message.replace(/\d+(\.\d+)?/g, 'N'));
        outcomes.rejected++;
      }
      const elapsed = performance.now() - started;
      slowest = Math.max(slowest, elapsed);
      expect(elapsed, `case ${i} took ${elapsed} ms`).toBeLessThan(MAX_MS_PER_CASE);
      expect(stats.largestBuffer, `case ${i}`).toBeLessThanOrEqual(bytes.length);
      expect(stats.bytesRead, `case ${i}`).toBeLessThanOrEqual(bytes.length);
      // All buffers together: windows grow by doubling (under twice the largest), and a lazy
      // string array costs its bytes twice while its pieces are joined, plus its offsets table.
      expect(stats.bytesAllocated, `case ${i}`).toBeLessThanOrEqual(5 * bytes.length);
    }

    if (process.env.GGUF_FUZZ_REPORT) console.log(JSON.stringify({ outcomes, messages: messages.size, slowest, rssGrowthMB: (process.resourceUsage().maxRSS - rssBefore) / 1024 }), [...messages].slice(0, 80).join("\n"));
    // The damage must reach deep: both outcomes, and many distinct errors.
    expect(outcomes.resolved).toBeGreaterThan(CASES / 20);
    expect(outcomes.rejected).toBeGreaterThan(CASES / 2);
    expect(messages.size).toBeGreaterThan(40);
    // Peak memory of the whole process (KB): a reader that allocated for an absurd length
    // (node-llama-cpp allocates up to 4 GB for one) would show here.
    expect((process.resourceUsage().maxRSS - rssBefore) / 1024, 'MB of peak RSS growth').toBeLessThan(200);
    expect(slowest).toBeLessThan(MAX_MS_PER_CASE);
  });
});
