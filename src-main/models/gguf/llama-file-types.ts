/**
 * `general.file_type` values as llama.cpp names them (`enum llama_ftype` in llama.h, mirrored
 * by gguf-py's `LlamaFileType`). The value describes the majority of the tensors ("mostly
 * Q4_K_M" still keeps norms in F32); the tensor types themselves are the truth.
 */

const FILE_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'ALL_F32'],
  [1, 'MOSTLY_F16'],
  [2, 'MOSTLY_Q4_0'],
  [3, 'MOSTLY_Q4_1'],
  [4, 'MOSTLY_Q4_1_SOME_F16'],
  [5, 'MOSTLY_Q4_2'],
  [6, 'MOSTLY_Q4_3'],
  [7, 'MOSTLY_Q8_0'],
  [8, 'MOSTLY_Q5_0'],
  [9, 'MOSTLY_Q5_1'],
  [10, 'MOSTLY_Q2_K'],
  [11, 'MOSTLY_Q3_K_S'],
  [12, 'MOSTLY_Q3_K_M'],
  [13, 'MOSTLY_Q3_K_L'],
  [14, 'MOSTLY_Q4_K_S'],
  [15, 'MOSTLY_Q4_K_M'],
  [16, 'MOSTLY_Q5_K_S'],
  [17, 'MOSTLY_Q5_K_M'],
  [18, 'MOSTLY_Q6_K'],
  [19, 'MOSTLY_IQ2_XXS'],
  [20, 'MOSTLY_IQ2_XS'],
  [21, 'MOSTLY_Q2_K_S'],
  [22, 'MOSTLY_IQ3_XS'],
  [23, 'MOSTLY_IQ3_XXS'],
  [24, 'MOSTLY_IQ1_S'],
  [25, 'MOSTLY_IQ4_NL'],
  [26, 'MOSTLY_IQ3_S'],
  [27, 'MOSTLY_IQ3_M'],
  [28, 'MOSTLY_IQ2_S'],
  [29, 'MOSTLY_IQ2_M'],
  [30, 'MOSTLY_IQ4_XS'],
  [31, 'MOSTLY_IQ1_M'],
  [32, 'MOSTLY_BF16'],
  [33, 'MOSTLY_Q4_0_4_4'],
  [34, 'MOSTLY_Q4_0_4_8'],
  [35, 'MOSTLY_Q4_0_8_8'],
  [36, 'MOSTLY_TQ1_0'],
  [37, 'MOSTLY_TQ2_0'],
  [38, 'MOSTLY_MXFP4_MOE'],
  [39, 'MOSTLY_NVFP4'],
  [40, 'MOSTLY_Q1_0'],
]);

/** llama.cpp marks a file type it inferred from the tensors, never one read from a file. */
const GUESSED_FLAG = 1024;

/** The llama.cpp name for a `general.file_type` value; `UNKNOWN_<n>` for one this build does not know. */
export function llamaFileTypeName(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) return `UNKNOWN_${value}`;
  const name = FILE_TYPE_NAMES.get(value & ~GUESSED_FLAG);
  if (name === undefined) return `UNKNOWN_${value}`;
  return value & GUESSED_FLAG ? `${name} (guessed)` : name;
}
