/**
 * `general.file_type` against the tensors' own types: a file that contradicts itself is not
 * trainable. The rule is the training runtime's (python-runtime/lathe_runtime/model/file_type.py),
 * loose on purpose because a "mostly Q4_K_M" file still keeps norms in F32 and some matrices in
 * Q6_K: a float file type must hold no quantized tensor, and a quantized file type must hold at
 * least one tensor of its type.
 */
import { TRAINABLE_TENSOR_TYPES } from './trainable-types';

/** llama.cpp marks a file type it inferred itself; the bit never changes the meaning. */
const GUESSED_FLAG = 1024;
const FLOAT_TYPES: readonly string[] = ['F32', 'F16', 'BF16'];

/** file type → [its llama.cpp name, the tensor type most of its matrices are stored in]. */
const MAIN_TYPE: ReadonlyMap<number, readonly [string, string]> = new Map([
  [0, ['ALL_F32', 'F32']],
  [1, ['MOSTLY_F16', 'F16']],
  [2, ['MOSTLY_Q4_0', 'Q4_0']],
  [3, ['MOSTLY_Q4_1', 'Q4_1']],
  [7, ['MOSTLY_Q8_0', 'Q8_0']],
  [8, ['MOSTLY_Q5_0', 'Q5_0']],
  [9, ['MOSTLY_Q5_1', 'Q5_1']],
  [10, ['MOSTLY_Q2_K', 'Q2_K']],
  [11, ['MOSTLY_Q3_K_S', 'Q3_K']],
  [12, ['MOSTLY_Q3_K_M', 'Q3_K']],
  [13, ['MOSTLY_Q3_K_L', 'Q3_K']],
  [14, ['MOSTLY_Q4_K_S', 'Q4_K']],
  [15, ['MOSTLY_Q4_K_M', 'Q4_K']],
  [16, ['MOSTLY_Q5_K_S', 'Q5_K']],
  [17, ['MOSTLY_Q5_K_M', 'Q5_K']],
  [18, ['MOSTLY_Q6_K', 'Q6_K']],
  [21, ['MOSTLY_Q2_K_S', 'Q2_K']],
  [32, ['MOSTLY_BF16', 'BF16']],
]);

/**
 * A sentence saying how `general.file_type` and the tensors disagree, or null when they agree
 * (or the file type is absent or one this check does not know). Types the runtime cannot read
 * are left out: they get their own reason.
 */
export function fileTypeMismatch(fileType: number | null, tensorTypes: Record<string, number>): string | null {
  if (fileType === null) return null;
  const known = MAIN_TYPE.get(fileType & ~GUESSED_FLAG);
  if (known === undefined) return null;
  const [name, main] = known;
  const types = Object.entries(tensorTypes);
  if (FLOAT_TYPES.includes(main)) {
    const quantized = types.filter(([type]) => !FLOAT_TYPES.includes(type) && TRAINABLE_TENSOR_TYPES.includes(type));
    if (quantized.length === 0) return null;
    const count = quantized.reduce((sum, [, n]) => sum + n, 0);
    const names = quantized.map(([type]) => type).join(', ');
    return `Its file type says ${name}, but ${count} tensor${count === 1 ? ' is' : 's are'} quantized (${names}): the file was written wrong.`;
  }
  if ((tensorTypes[main] ?? 0) > 0) return null;
  return `Its file type says ${name}, but no tensor is stored as ${main} (${types.map(([type]) => type).join(', ') || 'none'}): the file was written wrong.`;
}
