/**
 * What preparing needs to know about a model's tokenizer, read from its GGUF header (no
 * llama.cpp): the fingerprint the prepared data is tied to, the vocabulary size, BOS/EOS and
 * their texts (the chat template gets them as `bos_token` / `eos_token`), and the template.
 */
import { inspectGguf } from '../../models/gguf/inspect-gguf';
import { GgufLazyStringArray } from '../../models/gguf/gguf-lazy-string-array';
import type { GgufHeader } from '../../models/gguf/gguf-types';
import { metadataArrayLength, metadataInteger, metadataString } from '../../models/gguf/metadata-access';
import { tokenizerFingerprint } from './tokenizer-fingerprint';

export interface ModelTokenizer {
  fingerprint: string;
  vocabSize: number;
  bos: number | null;
  eos: number | null;
  /** The BOS / EOS token's text, '' when the model has none. */
  bosText: string;
  eosText: string;
  /** `tokenizer.chat_template`, or null. */
  chatTemplate: string | null;
  /** A token's text as the vocabulary spells it, or null past the end. */
  tokenText: (id: number) => string | null;
}

export async function readModelTokenizer(modelPath: string): Promise<ModelTokenizer> {
  return describeModelTokenizer((await inspectGguf(modelPath)).header);
}

export function describeModelTokenizer(header: GgufHeader): ModelTokenizer {
  const tokens = header.metadata['tokenizer.ggml.tokens'];
  const tokenText = (id: number): string | null => {
    if (tokens instanceof GgufLazyStringArray) return tokens.at(id) ?? null;
    const text = Array.isArray(tokens) ? tokens[id] : undefined;
    return typeof text === 'string' ? text : null;
  };
  const bos = metadataInteger(header, 'tokenizer.ggml.bos_token_id');
  const eos = metadataInteger(header, 'tokenizer.ggml.eos_token_id');
  let fingerprint: string | undefined;
  return {
    // Hashing a 150,000-token vocabulary takes tens of milliseconds: only when asked.
    get fingerprint(): string {
      fingerprint ??= tokenizerFingerprint(header);
      return fingerprint;
    },
    vocabSize: metadataArrayLength(header, 'tokenizer.ggml.tokens') ?? 0,
    bos,
    eos,
    bosText: bos === null ? '' : (tokenText(bos) ?? ''),
    eosText: eos === null ? '' : (tokenText(eos) ?? ''),
    chatTemplate: metadataString(header, 'tokenizer.chat_template'),
    tokenText,
  };
}
