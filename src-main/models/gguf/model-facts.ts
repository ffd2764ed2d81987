/**
 * The facts the Models page, `lathe model inspect` and the run wizard show about a GGUF,
 * from its header alone. Whether Lathe can train it is decided here too, with the reason in
 * words when it cannot.
 */
import { basename, extname } from 'node:path';
import type { ModelFacts } from '../../contract/model-types';
import { fileTypeMismatch } from './file-type-consistency';
import type { GgufHeader } from './gguf-types';
import { llamaFileTypeName } from './llama-file-types';
import { loadProblems } from './load-problems';
import { metadataArrayLength, metadataInteger, metadataString } from './metadata-access';
import { TRAINABLE_ARCHITECTURES, TRAINABLE_TENSOR_TYPES } from './trainable-types';

export { TRAINABLE_ARCHITECTURES, TRAINABLE_TENSOR_TYPES } from './trainable-types';

export function modelFactsFromHeader(header: GgufHeader, fileName: string): ModelFacts {
  const architecture = metadataString(header, 'general.architecture');
  const arch = architecture ?? '';
  const tensorTypes = tensorTypeCounts(header);
  const problems = loadProblems(header);
  const fileType = metadataInteger(header, 'general.file_type');
  const reasons = notTrainableReasons(header, architecture, tensorTypes, problems);
  const mismatch = fileTypeMismatch(fileType, tensorTypes);
  if (mismatch !== null) reasons.push(mismatch);
  return {
    displayName: metadataString(header, 'general.name')?.trim() || basename(fileName, extname(fileName)),
    architecture: architecture ?? 'unknown',
    parameterCount: header.tensors.reduce((sum, t) => sum + t.dims.reduce((n, d) => n * d, 1), 0),
    fileType: fileType === null ? null : llamaFileTypeName(fileType),
    tensorTypes,
    fileSizeBytes: header.fileSize,
    contextLength: metadataInteger(header, `${arch}.context_length`),
    // llama.cpp reads `<arch>.vocab_size` first and counts the token list only without it: some
    // files pad the embedding (and logits) beyond the tokens they list.
    vocabSize: metadataInteger(header, `${arch}.vocab_size`) ?? metadataArrayLength(header, 'tokenizer.ggml.tokens'),
    embeddingLength: metadataInteger(header, `${arch}.embedding_length`),
    blockCount: metadataInteger(header, `${arch}.block_count`),
    chatTemplate: metadataString(header, 'tokenizer.chat_template'),
    trainable: reasons.length === 0,
    notTrainableReason: reasons.length === 0 ? null : reasons.join(' '),
    loadProblems: problems,
  };
}

function tensorTypeCounts(header: GgufHeader): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const tensor of header.tensors) counts[tensor.typeName] = (counts[tensor.typeName] ?? 0) + 1;
  return counts;
}

/** Every reason at once, each a sentence: a file can be both the wrong architecture and quantized. */
function notTrainableReasons(
  header: GgufHeader,
  architecture: string | null,
  tensorTypes: Record<string, number>,
  problems: readonly string[],
): string[] {
  const reasons: string[] = [];
  if (metadataString(header, 'general.type') === 'adapter') return [problems[0] as string];
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    reasons.push(`llama.cpp could not load it: ${(problems[0] as string).replace(/\.$/, '')}${more}.`);
  }
  if (architecture && !TRAINABLE_ARCHITECTURES.includes(architecture)) {
    reasons.push(`Architecture ${architecture} is not trainable yet; ${inWords(TRAINABLE_ARCHITECTURES)} are.`);
  }
  const unsupported = Object.entries(tensorTypes)
    .filter(([type]) => !TRAINABLE_TENSOR_TYPES.includes(type))
    .sort((a, b) => b[1] - a[1]);
  if (unsupported.length > 0) {
    const supported = `${inWords(TRAINABLE_TENSOR_TYPES)} are.`;
    const [first] = unsupported as [[string, number]];
    reasons.push(
      unsupported.length === 1
        ? `Training from ${first[0]} tensors is not supported yet (${tensorCount(first[1])}); ${supported}`
        : `Training from ${inWords(unsupported.map(([type, n]) => `${type} (${tensorCount(n)})`))} tensors is not supported yet; ${supported}`,
    );
  }
  return reasons;
}

function tensorCount(n: number): string {
  return `${n} tensor${n === 1 ? '' : 's'}`;
}

/** `a`, `a and b`, `a, b and c`. */
function inWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
