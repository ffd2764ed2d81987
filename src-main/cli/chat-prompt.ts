/**
 * A question as the model sees it in a chat: its own template (ChatML when it has none), with
 * the generation prompt added, exactly as a prepared dataset renders the user turn before the
 * answer it trains on. The text holds control tokens spelled out; generate it with
 * `specialTokens: true`.
 */
import { CHATML_END_OF_TURN, CHATML_TEMPLATE, ChatTemplate } from '../datasets/prepare/chat-template';
import { readModelTokenizer } from '../datasets/prepare/model-tokenizer';

export async function chatPromptFor(modelPath: string): Promise<(question: string) => string> {
  const tokenizer = await readModelTokenizer(modelPath);
  const source = tokenizer.chatTemplate?.trim() ? tokenizer.chatTemplate : CHATML_TEMPLATE;
  const template = ChatTemplate.compile({ source, bosToken: tokenizer.bosText, eosToken: tokenizer.eosText, endOfGeneration: [tokenizer.eosText, CHATML_END_OF_TURN] });
  return (question) => template.renderText([{ role: 'user', content: question }], true);
}
