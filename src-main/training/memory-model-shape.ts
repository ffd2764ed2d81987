/**
 * The decoder shape the memory estimator needs, from what Lathe already knows about a file.
 *
 * `ModelFacts` carries the embedding width, block count and vocabulary, but not the head
 * counts or the feed-forward width: those are GGUF metadata keys the caller reads from the
 * header (`<arch>.attention.head_count`, `…head_count_kv`, `…key_length`,
 * `<arch>.feed_forward_length`) and whether the tensor list has `output.weight`.
 */
import { LatheError } from '../contract/errors';
import type { ModelFacts } from '../contract/model-types';
import type { ModelShape, QuantizedProjections } from '../contract/memory-types';

/** The header values `ModelFacts` does not carry. Optional ones take llama.cpp's defaults. */
export interface ShapeFromHeader {
  /** `<arch>.attention.head_count`. */
  headCount: number;
  /** `<arch>.attention.head_count_kv`; absent means no grouped-query attention (= headCount). */
  headCountKv?: number | null;
  /** `<arch>.attention.key_length`; absent means embeddingLength / headCount. */
  headDim?: number | null;
  /** `<arch>.feed_forward_length`. */
  ffnDim: number;
  /** True when the tensor list has no `output.weight` (the token embedding is reused). */
  tiedOutput: boolean;
  /** The projections stored in a block type (what low-memory mode keeps as stored); null when none are. */
  quantizedProjections?: QuantizedProjections | null;
}

/**
 * The `ModelShape` of a model from its facts and the header values above. Throws an
 * `invalid_input` LatheError naming every missing or impossible value at once.
 */
export function shapeFromFacts(
  facts: Pick<ModelFacts, 'displayName' | 'embeddingLength' | 'blockCount' | 'vocabSize'>,
  header: ShapeFromHeader,
): ModelShape {
  const problems: string[] = [];
  const count = (value: number | null | undefined, what: string): number => {
    if (value === null || value === undefined) problems.push(`${what} is unknown`);
    else if (!Number.isSafeInteger(value) || value < 1) problems.push(`${what} is ${value}; expected a whole number of at least 1`);
    else return value;
    return 1;
  };
  const embeddingDim = count(facts.embeddingLength, 'the embedding length');
  const blockCount = count(facts.blockCount, 'the block count');
  const vocabSize = count(facts.vocabSize, 'the vocabulary size');
  const headCount = count(header.headCount, 'the attention head count');
  const headCountKv = count(header.headCountKv ?? header.headCount, 'the key/value head count');
  const ffnDim = count(header.ffnDim, 'the feed-forward length');
  // llama.cpp's default head size: the embedding split evenly over the heads.
  const headDim = count(header.headDim ?? Math.floor(embeddingDim / headCount), 'the head size');
  if (headCount % headCountKv !== 0) {
    problems.push(`the head count (${headCount}) is not a multiple of the key/value head count (${headCountKv})`);
  }
  if (problems.length > 0) {
    throw new LatheError(
      'invalid_input',
      `Cannot estimate the memory ${facts.displayName} needs: ${problems.join('; ')}.`,
    );
  }
  return { vocabSize, embeddingDim, blockCount, headCount, headCountKv, headDim, ffnDim, tiedOutput: header.tiedOutput };
}

/**
 * The weights a model of this shape holds, counted as the runtime's
 * `DecoderConfig.parameter_count` does (a tied output counts once). For shapes given by
 * hand, where no file supplies `ModelFacts.parameterCount`. `qkvBias`: Qwen2's q/k/v biases.
 */
export function parameterCountFromShape(shape: ModelShape, options: { qkvBias?: boolean } = {}): number {
  const { embeddingDim: dim, vocabSize: vocab, ffnDim } = shape;
  const qDim = shape.headCount * shape.headDim;
  const kvDim = shape.headCountKv * shape.headDim;
  let attention = dim * (qDim + 2 * kvDim) + qDim * dim;
  if (options.qkvBias) attention += qDim + 2 * kvDim;
  const block = attention + 3 * dim * ffnDim + 2 * dim; // + the two RMS norms
  const output = shape.tiedOutput ? 0 : vocab * dim;
  return vocab * dim + shape.blockCount * block + dim + output;
}
