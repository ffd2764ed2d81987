/**
 * The header values the memory estimate needs beyond `ModelFacts` (head counts, feed-forward
 * width, a tied output), read from the model's GGUF header through the models' own reader. The
 * only function of the planner that touches a file.
 */
import { LatheError } from '../../contract/errors';
import { inspectGguf } from '../../models/gguf/inspect-gguf';
import { metadataInteger, metadataString } from '../../models/gguf/metadata-access';
import type { ShapeFromHeader } from '../memory-model-shape';

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
  };
}
