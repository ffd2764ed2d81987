import { describe, expect, it } from 'vitest';
import { ggmlByteSize, ggmlTypeLayout, ggmlTypeName } from '../../../../src-main/models/gguf/ggml-tensor-types';
import { llamaFileTypeName } from '../../../../src-main/models/gguf/llama-file-types';

describe('ggml tensor types', () => {
  it('knows the block layouts of the types Lathe reads first (bytes per block from ggml block structs)', () => {
    // F32/F16/BF16 are 1-element "blocks"; Q8_0 is an f16 scale + 32 int8; the K-quants are
    // 256-element super-blocks: Q4_K 2+2+12+128, Q5_K 2+2+12+32+128, Q6_K 128+64+16+2.
    const expected: [number, string, number, number][] = [
      [0, 'F32', 1, 4],
      [1, 'F16', 1, 2],
      [30, 'BF16', 1, 2],
      [8, 'Q8_0', 32, 34],
      [2, 'Q4_0', 32, 18],
      [12, 'Q4_K', 256, 144],
      [13, 'Q5_K', 256, 176],
      [14, 'Q6_K', 256, 210],
      [10, 'Q2_K', 256, 84],
      [11, 'Q3_K', 256, 110],
      [15, 'Q8_K', 256, 292],
      [23, 'IQ4_XS', 256, 136],
      [29, 'IQ1_M', 256, 56],
      [34, 'TQ1_0', 256, 54],
      [39, 'MXFP4', 32, 17],
    ];
    for (const [id, name, blockSize, typeSize] of expected) {
      expect({ id, layout: ggmlTypeLayout(id) }).toEqual({ id, layout: { name, blockSize, typeSize } });
    }
  });

  it('computes tensor byte sizes from element counts', () => {
    expect(ggmlByteSize(0, 4096 * 4096)).toBe(67_108_864);
    expect(ggmlByteSize(8, 4096 * 4096)).toBe(17_825_792);
    expect(ggmlByteSize(12, 4096 * 11008)).toBe(25_362_432);
    expect(ggmlByteSize(99, 100)).toBeNull();
  });

  it('names retired and unknown types without giving them a size', () => {
    expect(ggmlTypeName(31)).toBe('Q4_0_4_4');
    expect(ggmlTypeLayout(31)).toBeNull();
    expect(ggmlTypeName(4242)).toBe('UNKNOWN_4242');
  });
});

describe('general.file_type names', () => {
  it('uses llama.cpp names for the values in llama_ftype', () => {
    expect(llamaFileTypeName(0)).toBe('ALL_F32');
    expect(llamaFileTypeName(1)).toBe('MOSTLY_F16');
    expect(llamaFileTypeName(7)).toBe('MOSTLY_Q8_0');
    expect(llamaFileTypeName(15)).toBe('MOSTLY_Q4_K_M');
    expect(llamaFileTypeName(18)).toBe('MOSTLY_Q6_K');
    expect(llamaFileTypeName(32)).toBe('MOSTLY_BF16');
    expect(llamaFileTypeName(1024 + 15)).toBe('MOSTLY_Q4_K_M (guessed)');
    expect(llamaFileTypeName(999)).toBe('UNKNOWN_999');
    expect(llamaFileTypeName(-1)).toBe('UNKNOWN_-1');
  });
});
