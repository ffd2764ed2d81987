/**
 * The model's tokenizer as llama.cpp runs it (node-llama-cpp, vocabulary only: no weights are
 * read, so loading takes milliseconds). Used only inside the preparing worker: llama.cpp can
 * abort its process on a malformed file, and the main process must survive that. The caller
 * has checked the file with `assertLoadable` first.
 */
import { getLlama, type Llama, type Token } from 'node-llama-cpp';
import type { ModelTokenizer } from './model-tokenizer';
import { SpecialTokenMatcher, type SpecialToken } from './special-token-matcher';
import type { SpanTokenizer } from './tokenize-spans';

export interface LlamaTokenizer extends SpanTokenizer {
  /** Texts of the tokens that end generation (llama.cpp's own list: eos, eot, `<|im_end|>`…). */
  endOfGeneration: string[];
  dispose(): Promise<void>;
}

let llama: Promise<Llama> | null = null;

/**
 * Texts up to this long are tokenized once and remembered: template markup ("\n",
 * "assistant\n") recurs in every example, and each llama.cpp call costs microseconds of
 * overhead whatever its length.
 */
const REMEMBER_UP_TO_CHARS = 32;
const REMEMBERED_TEXTS = 4096;

export async function loadLlamaTokenizer(modelPath: string, vocabulary: ModelTokenizer): Promise<LlamaTokenizer> {
  // No GPU: a vocabulary needs none, and loading the CUDA backend would cost seconds.
  llama ??= getLlama({ gpu: false, build: 'never', progressLogs: false });
  const model = await (await llama).loadModel({ modelPath, vocabOnly: true });
  const special: SpecialToken[] = [];
  const endOfGeneration: string[] = [];
  for (let id = 0; id < vocabulary.vocabSize; id++) {
    // Attributes as llama.cpp settled them, which may override the file's token types
    // (it marks end-of-turn tokens as control by name). The text is the vocabulary's spelling,
    // which is what llama.cpp matches in text.
    const attributes = model.getTokenAttributes(id as Token);
    const isSpecial = attributes.control || attributes.unknown;
    const endsGeneration = model.isEogToken(id as Token);
    if (!isSpecial && !endsGeneration) continue;
    const text = vocabulary.tokenText(id);
    if (text === null) continue;
    if (isSpecial) special.push({ id, text });
    if (endsGeneration) endOfGeneration.push(text);
  }
  const remembered = new Map<string, readonly number[]>();
  const tokenizeText = (text: string): readonly number[] => {
    if (text.length > REMEMBER_UP_TO_CHARS) return model.tokenize(text, false);
    let ids = remembered.get(text);
    if (ids === undefined) {
      ids = text === '' ? [] : model.tokenize(text, false);
      if (remembered.size >= REMEMBERED_TEXTS) remembered.clear();
      remembered.set(text, ids);
    }
    return ids;
  };
  return {
    tokenizeText,
    matcher: new SpecialTokenMatcher(special),
    // llama.cpp's add_bos: tokenizer.ggml.add_bos_token when the file has it, else its default for the tokenizer type.
    bosToAdd: model.tokens.shouldPrependBosToken ? model.tokens.bos : null,
    endOfGeneration,
    dispose: () => model.dispose(),
  };
}

