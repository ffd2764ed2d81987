/**
 * Conversations rendered the way the model will see them: with the model's own chat template
 * (Jinja, from the GGUF's `tokenizer.chat_template`), or ChatML when the person asks for it,
 * cut into spans that say which characters the loss covers and which are template markup.
 *
 *   const template = ChatTemplate.compile({ source, bosToken, eosToken, endOfGeneration });
 *   const spans = template.render(messages, 'assistant');
 *
 * How the spans are found is in template-turns.ts; a template that only prints contents as
 * they are is not run per row at all (verbatim-content.ts). A conversation the template refuses
 * (`raise_exception`, roles out of order) throws `ConversationProblem`: that row is
 * reported and skipped, the others are kept.
 */
import { Template } from '@huggingface/jinja';
import { LatheError } from '../../contract';
import type { ChatMessage, DatasetShape, PrepareOptions } from '../../contract/dataset-types';
import { ConversationProblem } from './conversation-problem';
import { fillSkeleton, parseSkeleton, sentinel, spansFromTurns, splitIntoTurns, type SkeletonPiece, type TemplateSpan, type Turn } from './template-turns';
import { printsContentVerbatim } from './verbatim-content';

export type { TemplateSpan } from './template-turns';
export { ConversationProblem };

/**
 * ChatML (`<|im_start|>role\ncontent<|im_end|>\n`), offered for models without a template of
 * their own. No default system message: the text is exactly the turns given.
 */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** ChatML's end of turn: the token generation stops at, so ChatML turns train on it. */
export const CHATML_END_OF_TURN = '<|im_end|>';

export interface ChatTemplateSetup {
  /** The Jinja source. */
  source: string;
  /** The texts the template gets as `bos_token` / `eos_token` ('' when the model has none). */
  bosToken: string;
  eosToken: string;
  /** Texts of the tokens that end generation (eos, eot…): an assistant turn's loss runs through the first one after it. */
  endOfGeneration: readonly string[];
}

/** Which template a preparation uses: the model's, or ChatML; null for raw text (no template at all). */
export function chooseTemplateSource(modelTemplate: string | null, choice: PrepareOptions['template'], shape: DatasetShape | 'chat'): string | null {
  if (shape === 'text') return null;
  if (choice === 'chatml') return CHATML_TEMPLATE;
  if (modelTemplate === null || modelTemplate.trim() === '') {
    throw new LatheError(
      'unsupported',
      'This model has no chat template, so Lathe cannot tell how it expects conversations to be laid out. Prepare the dataset with ChatML instead (the template option), or pick a model that has a chat template.',
    );
  }
  return modelTemplate;
}

/** Conversations rendered both ways before a verbatim template is trusted to skip Jinja. */
const VERBATIM_CHECKS = 32;

export class ChatTemplate {
  /** Skeletons (see template-turns.ts) by the conversation's sequence of roles. */
  private readonly skeletons = new Map<string, SkeletonPiece[]>();
  /** The template only prints contents as they are: a rendering is its skeleton filled in (verbatim-content.ts). */
  private verbatim: boolean;
  private verbatimChecks = 0;

  private constructor(
    private readonly template: Template,
    private readonly setup: ChatTemplateSetup,
  ) {
    this.verbatim = printsContentVerbatim(template.parsed);
  }

  /** Parses the template once; a template this Jinja engine cannot read is `unsupported`, naming why. */
  static compile(setup: ChatTemplateSetup): ChatTemplate {
    try {
      return new ChatTemplate(new Template(setup.source), setup);
    } catch (error) {
      throw new LatheError(
        'unsupported',
        `The model's chat template cannot be read by Lathe's Jinja engine (${errorMessage(error)}). Prepare the dataset with ChatML instead.`,
      );
    }
  }

  /** The conversation as the template renders it, in spans; `lossOn: 'all'` trains every span. */
  render(messages: readonly ChatMessage[], lossOn: PrepareOptions['lossOn']): TemplateSpan[] {
    if (messages.length === 0) throw new ConversationProblem('the conversation has no messages');
    const filled = this.verbatim ? this.fillVerbatim(messages) : null;
    if (filled !== null) return spansFromTurns(filled, lossOn, this.setup.endOfGeneration);
    const text = this.renderText(messages, false);
    const turns = splitIntoTurns(text, messages, {
      skeleton: () => this.skeletonFor(messages),
      renderPrefix: (count, addGenerationPrompt) => this.renderText(messages.slice(0, count), addGenerationPrompt),
    }, this.setup.endOfGeneration);
    return spansFromTurns(turns, lossOn, this.setup.endOfGeneration);
  }

  /** The template's output for `messages`, exactly as a chat front end would produce it before generation. */
  renderText(messages: readonly ChatMessage[], addGenerationPrompt: boolean): string {
    try {
      return this.template.render({
        // Copies: a template may not keep or change the caller's objects.
        messages: messages.map((message) => ({ role: message.role, content: message.content })),
        add_generation_prompt: addGenerationPrompt,
        bos_token: this.setup.bosToken,
        eos_token: this.setup.eosToken,
      });
    } catch (error) {
      throw new ConversationProblem(`the chat template refused this conversation: ${errorMessage(error)}`);
    }
  }

  /** The filled skeleton; while still being checked, compared with a real rendering (a difference ends the shortcut). */
  private fillVerbatim(messages: readonly ChatMessage[]): Turn[] | null {
    const turns = fillSkeleton(this.skeletonFor(messages), messages);
    if (this.verbatimChecks >= VERBATIM_CHECKS) return turns;
    this.verbatimChecks++;
    if (turns.map((turn) => turn.text).join('') === this.renderText(messages, false)) return turns;
    this.verbatim = false;
    return null;
  }

  private skeletonFor(messages: readonly ChatMessage[]): SkeletonPiece[] {
    const key = messages.map((message) => message.role).join(',');
    let skeleton = this.skeletons.get(key);
    if (skeleton === undefined) {
      skeleton = parseSkeleton(this.renderText(messages.map((message, index) => ({ role: message.role, content: sentinel(index) })), false));
      // Conversations have few distinct role sequences; the bound only guards odd data.
      if (this.skeletons.size >= 1024) this.skeletons.clear();
      this.skeletons.set(key, skeleton);
    }
    return skeleton;
  }
}

/** Raw text (the `text` shape): no template; every token trained; the end-of-sequence token after it so the model learns where a document ends. */
export function rawTextSpans(messages: readonly ChatMessage[], eosToken: string): TemplateSpan[] {
  const text = messages.map((message) => message.content).join('\n\n');
  if (text === '') throw new ConversationProblem('the row has no text');
  const spans: TemplateSpan[] = [{ text, trained: true, special: false }];
  if (eosToken !== '') spans.push({ text: eosToken, trained: true, special: true });
  return spans;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
