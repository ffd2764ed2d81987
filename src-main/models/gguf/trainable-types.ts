/**
 * What the training runtime reads today (DESIGN §2): the architectures it builds and the
 * tensor types it dequantizes (python-runtime/lathe_runtime/gguf/quants.py: floats, Q8_0, the
 * 32-value block types and the k-quants Q2_K–Q6_K, so the Q4_K_M files people have train).
 */
export const TRAINABLE_ARCHITECTURES: readonly string[] = ['llama', 'qwen2'];
export const TRAINABLE_TENSOR_TYPES: readonly string[] = [
  'F32',
  'F16',
  'BF16',
  'Q8_0',
  'Q4_0',
  'Q4_1',
  'Q5_0',
  'Q5_1',
  'Q2_K',
  'Q3_K',
  'Q4_K',
  'Q5_K',
  'Q6_K',
];
/** Block types the runtime can keep as stored in low-memory mode (`base_weights: quantized`). */
export const QUANTIZED_TENSOR_TYPES: readonly string[] = TRAINABLE_TENSOR_TYPES.filter((type) => !['F32', 'F16', 'BF16'].includes(type));
