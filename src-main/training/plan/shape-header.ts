/**
 * The header values the memory estimate needs beyond `ModelFacts` (head counts, feed-forward
 * width, a tied output), read from the model's GGUF header through the models' own reader. The
 * only function of the planner that touches a file.
 */
import { LatheError } from '../../contract/errors';
import { inspectGguf } from '../../models/gguf/inspect-gguf';
import type { GgufTensorInfo } from '../../models/gguf/gguf-types';
import { metadataInteger, metadataString } from '../../models/gguf/metadata-access';
import { QUANTIZED_TENSOR_TYPES } from '../../models/gguf/trainable-types';
import type { QuantizedProjections } from '../../contract/memory-types';
import type { ShapeFromHeader } from '../memory-model-shape';

/** The weights low-memory mode keeps in their blocks: the seven projections of each block and the output (python-runtime/lathe_runtime/model/load.py). */
const PROJECTION = /^(output|blk\.\d+\.(attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down))\.weight$/;

/** The projections of `tensors` stored in a block type the runtime can keep as stored; null when none are. */
export function quantizedProjections(tensors: readonly GgufTensorInfo[]): QuantizedProjections | null {
  let parameters = 0;
  let bytes = 0;
  let largestParameters = 0;
  for (const tensor of tensors) {
    if (!PROJECTION.test(tensor.name) || !QUANTIZED_TENSOR_TYPES.includes(tensor.typeName) || tensor.byteSize === null) continue;
    const count = tensor.dims.reduce((n, d) => n * d, 1);
    parameters += count;
    bytes += tensor.byteSize;
    largestParameters = Math.max(largestParameters, count);
  }
  return parameters === 0 ? null : { parameters, bytes, largestParameters };
}

/**
 * Reads `<arch>.attention.head_count`, `…head_count_kv`, `…key_length`,
 * `<arch>.feed_forward_length` and whether the tensor list has `output.weight`. A file that
 * is not a readable GGUF throws the reader's LatheError (`invalid_file`, `unsupported`…); one
 * without the required keys throws `invalid_input` naming them.
 */
export async function readShapeHeader(path: string): Promise<ShapeFromHeader> {
  const { header } = await inspectGguf(path);
  const arch = metadataString(header, 'general.architecture');
  if (arch === null) throw new LatheError('invalid_input', 'The model file does not name its architecture (general.architecture), so its shape cannot be read.', path);
  const headCount = metadataInteger(header, `${arch}.attention.head_count`);
  const ffnDim = metadataInteger(header, `${arch}.feed_forward_length`);
  const missing = [
    headCount === null ? `${arch}.attention.head_count` : null,
    ffnDim === null ? `${arch}.feed_forward_length` : null,
  ].filter((key): key is string => key !== null);
  if (headCount === null || ffnDim === null) {
    throw new LatheError('invalid_input', `The model file lacks ${missing.join(' and ')}, so the memory it needs cannot be estimated.`, path);
  }
  return {
    headCount,
    headCountKv: metadataInteger(header, `${arch}.attention.head_count_kv`),
    headDim: metadataInteger(header, `${arch}.attention.key_length`),
    ffnDim,
    tiedOutput: !header.tensors.some((tensor) => tensor.name === 'output.weight'),
    quantizedProjections: quantizedProjections(header.tensors),
  };
}
