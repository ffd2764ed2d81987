/**
 * ggml tensor types: the `ggml_type` ids of the GGUF spec and, for each, how many elements
 * one block holds and how many bytes it takes. Sizes follow ggml's block structs as listed in
 * gguf-py's `GGML_QUANT_SIZES` (llama.cpp `gguf-py/gguf/constants.py`, QK_K = 256).
 * Ids whose support was removed (Q4_2, Q4_3, the Q4_0_x_y and IQ4_NL_x_y repacks) keep their
 * names so a message can say what a file holds, but have no size: no current file uses them.
 */

export interface GgmlTypeLayout {
  name: string;
  /** Elements per block; a row's length must be a multiple of it. */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
}

const QK_K = 256;

const LAYOUTS: ReadonlyMap<number, GgmlTypeLayout> = new Map(
  (
    [
      [0, 'F32', 1, 4],
      [1, 'F16', 1, 2],
      [2, 'Q4_0', 32, 2 + 16],
      [3, 'Q4_1', 32, 2 + 2 + 16],
      [6, 'Q5_0', 32, 2 + 4 + 16],
      [7, 'Q5_1', 32, 2 + 2 + 4 + 16],
      [8, 'Q8_0', 32, 2 + 32],
      [9, 'Q8_1', 32, 4 + 4 + 32],
      [10, 'Q2_K', QK_K, 2 + 2 + QK_K / 16 + QK_K / 4],
      [11, 'Q3_K', QK_K, 2 + QK_K / 4 + QK_K / 8 + 12],
      [12, 'Q4_K', QK_K, 2 + 2 + QK_K / 2 + 12],
      [13, 'Q5_K', QK_K, 2 + 2 + QK_K / 2 + QK_K / 8 + 12],
      [14, 'Q6_K', QK_K, 2 + QK_K / 2 + QK_K / 4 + QK_K / 16],
      [15, 'Q8_K', QK_K, 4 + QK_K + QK_K / 8],
      [16, 'IQ2_XXS', QK_K, 2 + QK_K / 4],
      [17, 'IQ2_XS', QK_K, 2 + QK_K / 4 + QK_K / 32],
      [18, 'IQ3_XXS', QK_K, 2 + QK_K / 4 + QK_K / 8],
      [19, 'IQ1_S', QK_K, 2 + QK_K / 8 + QK_K / 16],
      [20, 'IQ4_NL', 32, 2 + 16],
      [21, 'IQ3_S', QK_K, 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4],
      [22, 'IQ2_S', QK_K, 2 + QK_K / 4 + QK_K / 16],
      [23, 'IQ4_XS', QK_K, 2 + 2 + QK_K / 2 + QK_K / 64],
      [24, 'I8', 1, 1],
      [25, 'I16', 1, 2],
      [26, 'I32', 1, 4],
      [27, 'I64', 1, 8],
      [28, 'F64', 1, 8],
      [29, 'IQ1_M', QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32],
      [30, 'BF16', 1, 2],
      [34, 'TQ1_0', QK_K, 2 + 4 * 13],
      [35, 'TQ2_0', QK_K, 2 + 64],
      [39, 'MXFP4', 32, 1 + 16],
      [40, 'NVFP4', 64, 4 + 32],
      [41, 'Q1_0', 128, 2 + 16],
    ] as const
  ).map(([id, name, blockSize, typeSize]) => [id, { name, blockSize, typeSize }]),
);

/** Names only: ids ggml has retired (see the spec's commented-out enum entries). */
const RETIRED_NAMES: ReadonlyMap<number, string> = new Map([
  [4, 'Q4_2'],
  [5, 'Q4_3'],
  [31, 'Q4_0_4_4'],
  [32, 'Q4_0_4_8'],
  [33, 'Q4_0_8_8'],
  [36, 'IQ4_NL_4_4'],
  [37, 'IQ4_NL_4_8'],
  [38, 'IQ4_NL_8_8'],
]);

export function ggmlTypeLayout(type: number): GgmlTypeLayout | null {
  return LAYOUTS.get(type) ?? null;
}

export function ggmlTypeName(type: number): string {
  return LAYOUTS.get(type)?.name ?? RETIRED_NAMES.get(type) ?? `UNKNOWN_${type}`;
}

/**
 * Bytes of data for `elementCount` elements of `type`, or null for a type without a known
 * layout. The caller has checked that the row length is a multiple of the block size, so the
 * element count is too.
 */
export function ggmlByteSize(type: number, elementCount: number): number | null {
  const layout = LAYOUTS.get(type);
  if (!layout) return null;
  return (elementCount / layout.blockSize) * layout.typeSize;
}
