/**
 * Every way a GGUF header can be wrong that the reader checks, each giving a typed error
 * that names the byte: files built valid, then damaged at a known field.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGgufHeader, type ReadGgufHeaderOptions } from '../../../../src-main/models/gguf/read-gguf-header';
import { buildGguf, GGML, v, type GgufLayout, type TestGgufSpec } from './gguf-test-writer';
import { expectLatheError, tempFolder } from './reader-test-helpers';

const dir = tempFolder('gguf-bad');
let fileNumber = 0;

/** Builds `spec`, lets `damage` change the bytes, writes the file and reads it. */
function readDamaged(
  spec: TestGgufSpec,
  damage: (bytes: Buffer, layout: GgufLayout) => Buffer | void = () => undefined,
  options?: ReadGgufHeaderOptions,
): Promise<unknown> {
  const { bytes, layout } = buildGguf(spec);
  const damaged = damage(bytes, layout) ?? bytes;
  const path = join(dir, `bad-${++fileNumber}.gguf`);
  writeFileSync(path, damaged);
  return readGgufHeader(path, options);
}

const sample: TestGgufSpec = {
  metadata: [
    ['general.architecture', v.str('llama')],
    ['general.name', v.str('sample')],
    ['tokenizer.ggml.tokens', v.arr('string', ['a', 'b', 'c'])],
    ['t.flag', v.bool(true)],
  ],
  tensors: [
    { name: 'token_embd.weight', dims: [8, 3] },
    { name: 'output_norm.weight', dims: [8] },
  ],
};
const entry = (layout: GgufLayout, key: string) => layout.entries.get(key) as { keyAt: number; typeAt: number; valueAt: number };
const tensor = (layout: GgufLayout, name: string) =>
  layout.tensors.get(name) as { nameAt: number; dimCountAt: number; dimsAt: number; typeAt: number; offsetAt: number };

describe('truncated files', () => {
  it('says a file cut inside a string value runs past the end, naming the byte', async () => {
    const { layout } = buildGguf(sample);
    const at = entry(layout, 'general.name').valueAt;
    await expectLatheError(
      readDamaged(sample, (b) => b.subarray(0, at + 10)),
      'invalid_file',
      new RegExp(`^Not a valid GGUF file: string length 6 at byte ${at} runs past the end of the file \\(${at + 10} bytes\\), while reading the value of 'general.name'$`),
    );
  });

  it('names the field a cut lands in: a count, a key, a tensor info', async () => {
    const { layout } = buildGguf(sample);
    await expectLatheError(readDamaged(sample, (b) => b.subarray(0, 20)), 'invalid_file', /is 20 bytes long, shorter than a GGUF header \(24 bytes\)/);
    const keyAt = entry(layout, 'tokenizer.ggml.tokens').keyAt;
    await expectLatheError(readDamaged(sample, (b) => b.subarray(0, keyAt + 4)), 'invalid_file', new RegExp(`a key length at byte ${keyAt} runs past the end`));
    const dimsAt = tensor(layout, 'output_norm.weight').dimsAt;
    await expectLatheError(
      readDamaged(sample, (b) => b.subarray(0, dimsAt + 3)),
      'invalid_file',
      new RegExp(`a dimension at byte ${dimsAt} runs past the end of the file .*while reading tensor 'output_norm.weight'`),
    );
  });

  it('says so when the header is whole but the tensor data is cut short', async () => {
    const { bytes, layout } = buildGguf(sample);
    await expectLatheError(
      readDamaged(sample, (b) => b.subarray(0, b.length - 1)),
      'invalid_file',
      new RegExp(`its 32 bytes of data from byte ${layout.dataOffset + 96} .* runs past the end of the file \\(${bytes.length - 1} bytes\\), while reading tensor 'output_norm.weight'`),
    );
  });
});

describe('what the file is', () => {
  it('rejects a wrong magic, showing what the file starts with', async () => {
    await expectLatheError(readDamaged(sample, (b) => void b.write('GGUX', 0, 'latin1')), 'invalid_file', /starts with "GGUX" \(47 47 55 58\) instead of "GGUF"/);
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt32LE(0x04034b50, 0)), 'invalid_file', /starts with the bytes 50 4b 03 04 instead/);
  });

  it('rejects GGUF v1, a version from the future and a big-endian file as unsupported', async () => {
    await expectLatheError(readDamaged({ ...sample, version: 1 }), 'unsupported', /GGUF version 1 file/);
    await expectLatheError(readDamaged({ ...sample, version: 4 }), 'unsupported', /GGUF version 4; Lathe reads versions 2 and 3/);
    await expectLatheError(
      readDamaged(sample, (b) => void b.writeUInt32BE(3, 4)),
      'unsupported',
      /big-endian \(its version reads as 0x03000000, which is 3 byte-swapped\)/,
    );
    await expectLatheError(readDamaged({ ...sample, version: 0 }), 'invalid_file', /the version at byte 4 is 0/);
  });
});

describe('counts and lengths the file cannot hold', () => {
  it('rejects an absurd tensor count or metadata count before reading on', async () => {
    await expectLatheError(
      readDamaged(sample, (b) => void b.writeBigUInt64LE(0xffffffffffffn, 8)),
      'invalid_file',
      /tensor count 281474976710655 at byte 8 is more than the rest of the file could hold/,
    );
    await expectLatheError(
      readDamaged(sample, (b) => void b.writeBigUInt64LE(2n ** 64n - 1n, 16)),
      'invalid_file',
      /metadata count 18446744073709551615 at byte 16 is more than the rest/,
    );
  });

  it('rejects a string length past the end of the file, with the exact length and byte', async () => {
    const { layout } = buildGguf(sample);
    const at = entry(layout, 'general.name').valueAt;
    await expectLatheError(
      readDamaged(sample, (b) => void b.writeBigUInt64LE(4294967295n, at)),
      'invalid_file',
      new RegExp(`string length 4294967295 at byte ${at} runs past the end of the file \\(\\d+ bytes\\)`),
    );
  });

  it('rejects a key over 65,535 bytes and a tensor name over 64 bytes (the spec limits)', async () => {
    const { layout } = buildGguf(sample);
    await expectLatheError(
      readDamaged(sample, (b) => void b.writeBigUInt64LE(70000n, 24)),
      'invalid_file',
      /key length 70000 at byte 24 is over the 65535 bytes the GGUF spec allows/,
    );
    const nameAt = tensor(layout, 'token_embd.weight').nameAt;
    await expectLatheError(readDamaged({ tensors: [{ name: 'x'.repeat(65), dims: [1] }] }), 'invalid_file', /tensor name length 65 at byte \d+ is over the 64 bytes/);
    expect(nameAt).toBeGreaterThan(24);
  });

  it('rejects an array length the rest of the file cannot hold', async () => {
    const { layout } = buildGguf(sample);
    const countAt = entry(layout, 'tokenizer.ggml.tokens').valueAt + 4;
    await expectLatheError(
      readDamaged(sample, (b) => void b.writeBigUInt64LE(0xffffffffffn, countAt)),
      'invalid_file',
      new RegExp(`array length 1099511627775 at byte ${countAt} is more than the rest of the file could hold \\(\\d+ bytes left, 8 bytes or more per string\\)`),
    );
  });

  it('stops at maxHeaderBytes rather than reading an ever larger header', async () => {
    const big: TestGgufSpec = { metadata: [['t.big', v.str('x'.repeat(5000))]] };
    await expectLatheError(readDamaged(big, undefined, { maxHeaderBytes: 1000, windowBytes: 256 }), 'invalid_file', /the header runs past 1.0 kB \(it needs byte 5048\)/);
  });
});

describe('values', () => {
  it('rejects an unknown value type and an unknown array item type, at their byte', async () => {
    const { layout } = buildGguf(sample);
    const typeAt = entry(layout, 'general.name').typeAt;
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt32LE(13, typeAt)), 'invalid_file', new RegExp(`unknown value type 13 at byte ${typeAt}, while reading the value of 'general.name'`));
    const itemTypeAt = entry(layout, 'tokenizer.ggml.tokens').valueAt;
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt32LE(99, itemTypeAt)), 'invalid_file', new RegExp(`unknown value type 99 at byte ${itemTypeAt}`));
  });

  it('rejects a bool that is neither 0 nor 1', async () => {
    const { layout } = buildGguf(sample);
    const at = entry(layout, 't.flag').valueAt;
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt8(2, at)), 'invalid_file', new RegExp(`the bool at byte ${at} holds 2; GGUF bools are 0 or 1`));
  });

  it('rejects arrays nested more than 8 deep', async () => {
    let deep = v.arr('uint8', [1]);
    for (let i = 0; i < 8; i++) deep = v.nested([deep]);
    await expectLatheError(readDamaged({ metadata: [['t.deep', deep]] }), 'invalid_file', /nests arrays more than 8 levels deep/);
    let ok = v.arr('uint8', [1]);
    for (let i = 0; i < 7; i++) ok = v.nested([ok]);
    await expect(readDamaged({ metadata: [['t.deep', ok]] })).resolves.toBeTruthy();
  });

  it('rejects a key that appears twice', async () => {
    const { layout } = buildGguf({ metadata: [['a.b', v.u8(1)], ['a.b', v.u8(2)]] });
    const second = [...layout.entries.values()][0]?.keyAt as number; // the map keeps the last
    await expectLatheError(readDamaged({ metadata: [['a.b', v.u8(1)], ['a.b', v.u8(2)]] }), 'invalid_file', new RegExp(`key 'a.b' at byte ${second} appears twice`));
    // Names come from the file: a message shows control characters escaped, not raw.
    const odd = 'a\u0001b\n';
    const error = await expectLatheError(readDamaged({ metadata: [[odd, v.u8(1)], [odd, v.u8(2)]] }), 'invalid_file', /appears twice/);
    expect(error.message).toContain("key 'a\\x01b\\x0a' at byte");
  });

  it('rejects keys and tensor names that are not UTF-8', async () => {
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt8(0xff, 32 + 2)), 'invalid_file', /the key at byte 32 is not valid UTF-8/);
    const { layout } = buildGguf(sample);
    const nameAt = tensor(layout, 'output_norm.weight').nameAt;
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt8(0xc3, nameAt + 8)), 'invalid_file', new RegExp(`the tensor name at byte ${nameAt + 8} is not valid UTF-8`));
  });

  it('rejects general.alignment that is not a power of two, or not a uint32', async () => {
    const { layout } = buildGguf({ metadata: [['general.alignment', v.u32(48)]] });
    const at = entry(layout, 'general.alignment').valueAt;
    await expectLatheError(readDamaged({ metadata: [['general.alignment', v.u32(48)]] }), 'invalid_file', new RegExp(`general.alignment at byte ${at} is 48; it must be a power of two`));
    await expectLatheError(readDamaged({ metadata: [['general.alignment', v.u32(0)]] }), 'invalid_file', /is 0; it must be a power of two/);
    await expectLatheError(readDamaged({ metadata: [['general.alignment', v.u64(32)]] }), 'invalid_file', /general.alignment at byte \d+ is a uint64; the spec makes it a uint32/);
  });
});

describe('tensor infos', () => {
  it('rejects more than 4 dimensions, or none', async () => {
    const { layout } = buildGguf(sample);
    const at = tensor(layout, 'token_embd.weight').dimCountAt;
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt32LE(5, at)), 'invalid_file', new RegExp(`5 dimensions at byte ${at}; a GGUF tensor has 1 to 4, while reading tensor 'token_embd.weight'`));
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt32LE(0, at)), 'invalid_file', new RegExp(`0 dimensions at byte ${at}`));
    await expectLatheError(readDamaged(sample, (b) => void b.writeUInt32LE(0xffffffff, at)), 'invalid_file', /4294967295 dimensions/);
  });

  it('rejects a zero dimension and one that ggml would read as negative', async () => {
    const { layout } = buildGguf(sample);
    const at = tensor(layout, 'token_embd.weight').dimsAt + 8;
    await expectLatheError(readDamaged(sample, (b) => void b.writeBigUInt64LE(0n, at)), 'invalid_file', new RegExp(`dimension 1 at byte ${at} is 0; it must be from 1 to 2\\^53`));
    await expectLatheError(readDamaged(sample, (b) => void b.writeBigUInt64LE(2n ** 63n, at)), 'invalid_file', /dimension 1 at byte \d+ is 9223372036854775808/);
  });

  it('rejects more than 2^53 elements, and rows that are not whole blocks', async () => {
    await expectLatheError(readDamaged({ tensors: [{ name: 'w', dims: [2 ** 30, 2 ** 30], byteSize: 0, type: 99 }] }), 'invalid_file', /make more than 2\^53 elements/);
    await expectLatheError(
      readDamaged({ tensors: [{ name: 'q', dims: [33], type: GGML.Q8_0, byteSize: 34 }] }),
      'invalid_file',
      /rows of 33 elements are not a whole number of Q8_0 blocks \(32 elements each; type at byte \d+\)/,
    );
  });

  it('rejects a tensor name that appears twice', async () => {
    const spec: TestGgufSpec = { tensors: [{ name: 'w', dims: [1] }, { name: 'w', dims: [1] }] };
    await expectLatheError(readDamaged(spec), 'invalid_file', /tensor name 'w' at byte \d+ appears twice/);
  });

  it('rejects a data offset that is not aligned, or past the end of the file', async () => {
    const { layout } = buildGguf(sample);
    const at = tensor(layout, 'output_norm.weight').offsetAt;
    await expectLatheError(
      readDamaged(sample, (b) => void b.writeBigUInt64LE(100n, at)),
      'invalid_file',
      new RegExp(`data offset 100 at byte ${at} is not a multiple of the alignment \\(32\\), while reading tensor 'output_norm.weight'`),
    );
    await expectLatheError(readDamaged(sample, (b) => void b.writeBigUInt64LE(2n ** 64n - 32n, at)), 'invalid_file', new RegExp(`data offset 18446744073709551584 at byte ${at} is past the end of the file`));
    const lastAligned = Math.floor(buildGguf(sample).bytes.length / 32) * 32;
    await expectLatheError(
      readDamaged(sample, (b) => void b.writeBigUInt64LE(BigInt(lastAligned), at)),
      'invalid_file',
      new RegExp(`its 32 bytes of data from byte ${layout.dataOffset + lastAligned} \\(offset stored at byte ${at}\\) runs past the end`),
    );
  });

  it('keeps a tensor of a type it does not know, with no byte size', async () => {
    const header = await readDamaged({ tensors: [{ name: 'x', dims: [7], type: 77, byteSize: 7 }] });
    expect((header as { tensors: unknown[] }).tensors).toEqual([{ name: 'x', dims: [7], type: 77, typeName: 'UNKNOWN_77', offset: 0, byteSize: null }]);
  });
});
