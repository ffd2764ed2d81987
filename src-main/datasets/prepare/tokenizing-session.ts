/**
 * Inside the preparing worker: the model's tokenizer and the chosen template, ready to turn a
 * conversation into spans and tokens — for preparing (example-maker.ts) and for the
 * page's preview of a few rows.
 */
import { LatheError } from '../../contract';
import type { ChatMessage } from '../../contract/dataset-types';
import { ChatTemplate, CHATML_END_OF_TURN, CHATML_TEMPLATE, ConversationProblem, rawTextSpans, type TemplateSpan } from './chat-template';
import { loadLlamaTokenizer, type LlamaTokenizer } from './llama-tokenizer';
import { readModelTokenizer } from './model-tokenizer';
import { tokenizeSpans } from './tokenize-spans';
import type { PreparationRow } from './example-maker';
import type { PreviewExample, WorkerSetup } from './worker-protocol';

export interface TokenizingSession {
  renderSpans: (conversation: ChatMessage[]) => TemplateSpan[];
  tokenizer: LlamaTokenizer;
  bosText: string;
}

export async function openTokenizingSession(setup: WorkerSetup): Promise<TokenizingSession> {
  const vocabulary = await readModelTokenizer(setup.modelPath);
  let tokenizer: LlamaTokenizer;
  try {
    tokenizer = await loadLlamaTokenizer(setup.modelPath, vocabulary);
  } catch (error) {
    throw new LatheError('invalid_file', `llama.cpp could not load the tokenizer of ${setup.modelPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const source = setup.templateSource;
  if (source === null) return { renderSpans: (messages) => rawTextSpans(messages, vocabulary.eosText), tokenizer, bosText: vocabulary.bosText };

  // ChatML ends turns with <|im_end|> even for a vocabulary that does not know it as a token.
  const endOfGeneration = source === CHATML_TEMPLATE ? [...tokenizer.endOfGeneration, CHATML_END_OF_TURN] : tokenizer.endOfGeneration;
  const template = ChatTemplate.compile({ source, bosToken: vocabulary.bosText, eosToken: vocabulary.eosText, endOfGeneration });
  return { renderSpans: (messages) => template.render(messages, setup.options.lossOn), tokenizer, bosText: vocabulary.bosText };
}

/** One row as the preview shows it: text spans (trained or not, adjacent ones joined) and its full token count. */
export function previewExample(session: TokenizingSession, row: PreparationRow): PreviewExample {
  if (row.conversation === null) return { line: row.line, spans: [], tokens: 0, problem: row.problem ?? 'the row has no conversation' };
  try {
    const spans = session.renderSpans(row.conversation);
    const { ids, bosAdded } = tokenizeSpans(spans, session.tokenizer);
    const shown = bosAdded ? [{ text: session.bosText, trained: false }, ...spans] : spans;
    const joined: { text: string; trained: boolean }[] = [];
    for (const span of shown) {
      const last = joined[joined.length - 1];
      if (last !== undefined && last.trained === span.trained) last.text += span.text;
      else joined.push({ text: span.text, trained: span.trained });
    }
    return { line: row.line, spans: joined, tokens: ids.length, problem: null };
  } catch (error) {
    if (error instanceof ConversationProblem) return { line: row.line, spans: [], tokens: 0, problem: error.message };
    throw error;
  }
}
