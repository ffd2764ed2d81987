/**
 * Which characters of a rendered conversation are which message's content, and which are the
 * template's markup — for any Jinja template, without knowing its layout in advance.
 *
 * 1. Skeleton. The same roles are rendered with every content replaced by a sentinel
 *    (`\uE000<index>\uE001`). Where the sentinels land shows where each content goes and what
 *    markup surrounds it — also for templates that move the system prompt into a user turn,
 *    wrap turns in BOS/EOS, or repeat a message. The real text is then matched piece by piece:
 *    markup must be identical, and each content must appear as written or as templates commonly
 *    change it (trimmed, or stripped of leading/trailing newlines, as Llama 3, Gemma and Qwen3
 *    do). The text that is tokenized is always the real rendering, never a rebuilt one.
 * 2. Prefixes, when the skeleton does not fit (a template whose markup depends on the content,
 *    e.g. one that looks for `</think>`). Message k's part is what rendering messages[0..k]
 *    adds to rendering messages[0..k-1]; for an assistant message, the part after
 *    `add_generation_prompt` (its header) is markup. The content is then looked up inside its
 *    own part. A reply the template rewrote (Qwen3 re-lays `<think>…</think>` reasoning) is
 *    taken whole, from its header up to its end-of-generation token: that is what the model
 *    must learn to produce. This needs a template whose prefixes render as prefixes of the whole.
 * When neither fits, the conversation is refused with a reason (the person can pick ChatML).
 *
 * The loss then covers assistant content plus the markup right after it up to and including
 * the first end-of-generation token (`<|im_end|>`, `<|eot_id|>`, `</s>`…): a model that never
 * sees that token as a target never learns to stop.
 */
import type { ChatMessage, PrepareOptions } from '../../contract/dataset-types';
import { ConversationProblem } from './conversation-problem';

/** One piece of rendered text. `special`: template markup, where control-token text becomes control tokens; content never does. */
export interface TemplateSpan {
  text: string;
  trained: boolean;
  special: boolean;
}

/** A piece of the rendering: template markup, or (part of) a message's content. */
export interface Turn {
  text: string;
  role: ChatMessage['role'] | 'markup';
}

/** A skeleton cut at its sentinels: markup, and the index of the message whose content goes there. */
export type SkeletonPiece = { markup: string } | { message: number };

export interface TemplateRenderers {
  /** The rendering of the same roles with sentinel contents, cut by `parseSkeleton`. */
  skeleton: () => readonly SkeletonPiece[];
  /** The rendering of the first `count` messages. */
  renderPrefix: (count: number, addGenerationPrompt: boolean) => string;
}

const SENTINEL = /\uE000(\d+)\uE001/g;

/**
 * Stand-in content for message `index`: private-use characters no template adds or strips,
 * so they survive `trim` and mark where the content goes.
 */
export function sentinel(index: number): string {
  return `\uE000${index}\uE001`;
}

/** The rendering of a template that prints contents verbatim (verbatim-content.ts): its skeleton, contents in place. */
export function fillSkeleton(pieces: readonly SkeletonPiece[], messages: readonly ChatMessage[]): Turn[] {
  return pieces.map((piece) => {
    if ('markup' in piece) return { text: piece.markup, role: 'markup' };
    const message = messages[piece.message] as ChatMessage;
    return { text: message.content, role: message.role };
  });
}

export function splitIntoTurns(text: string, messages: readonly ChatMessage[], renderers: TemplateRenderers, endOfGeneration: readonly string[]): Turn[] {
  const fromSkeleton = matchSkeleton(text, messages, renderers.skeleton());
  if (fromSkeleton !== null) return fromSkeleton;
  const fromPrefixes = matchPrefixes(text, messages, renderers.renderPrefix, endOfGeneration);
  if (fromPrefixes !== null) return fromPrefixes;
  throw new ConversationProblem(
    'the chat template changes this conversation in a way Lathe cannot split into turns (its markup depends on the message text), so the loss mask cannot be placed; prepare with ChatML instead',
  );
}

/** The spans to tokenize, with the loss on assistant content and its end-of-turn token (or on everything). */
export function spansFromTurns(turns: readonly Turn[], lossOn: PrepareOptions['lossOn'], endOfGeneration: readonly string[]): TemplateSpan[] {
  const spans: TemplateSpan[] = [];
  const push = (span: TemplateSpan): void => {
    if (span.text !== '') spans.push(span);
  };
  turns.forEach((turn, index) => {
    if (turn.role !== 'markup') {
      push({ text: turn.text, trained: lossOn === 'all' || turn.role === 'assistant', special: false });
      return;
    }
    const end = lossOn === 'assistant' && turns[index - 1]?.role === 'assistant' ? (firstEndOfGeneration(turn.text, endOfGeneration)?.end ?? 0) : 0;
    push({ text: turn.text.slice(0, end), trained: true, special: true });
    push({ text: turn.text.slice(end), trained: lossOn === 'all', special: true });
  });
  return spans;
}

/** Where the first end-of-generation token in `text` starts and ends, or null when there is none. */
function firstEndOfGeneration(text: string, endOfGeneration: readonly string[]): { at: number; end: number } | null {
  let best: { at: number; end: number } | null = null;
  for (const token of endOfGeneration) {
    if (token === '') continue;
    const at = text.indexOf(token);
    if (at >= 0 && (best === null || at < best.at || (at === best.at && at + token.length > best.end))) best = { at, end: at + token.length };
  }
  return best;
}

/** How a template may have printed a content: as written first, then the usual trims. */
function contentForms(content: string): string[] {
  const forms = [content, content.trim(), content.replace(/^\n+/, ''), content.replace(/\n+$/, ''), content.replace(/^\n+|\n+$/g, ''), content.trimStart(), content.trimEnd()];
  return [...new Set(forms)];
}

/** Markup and content places, alternating, starting and ending with markup (possibly empty). */
export function parseSkeleton(skeleton: string): SkeletonPiece[] {
  const pieces: SkeletonPiece[] = [];
  let last = 0;
  for (const found of skeleton.matchAll(SENTINEL)) {
    pieces.push({ markup: skeleton.slice(last, found.index) }, { message: Number(found[1]) });
    last = found.index + found[0].length;
  }
  pieces.push({ markup: skeleton.slice(last) });
  return pieces;
}

function matchSkeleton(text: string, messages: readonly ChatMessage[], pieces: readonly SkeletonPiece[]): Turn[] | null {
  const turns: Turn[] = [];
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as (typeof pieces)[number];
    if ('markup' in piece) {
      if (!text.startsWith(piece.markup, at)) return null;
      turns.push({ text: piece.markup, role: 'markup' });
      at += piece.markup.length;
      continue;
    }
    const message = messages[piece.message];
    if (message === undefined) return null;
    // Pieces alternate, so a markup piece (perhaps empty) follows every content.
    const following = (pieces[i + 1] as { markup: string }).markup;
    const fits = (candidate: string): boolean => text.startsWith(candidate, at) && text.startsWith(following, at + candidate.length);
    // As written is by far the commonest: try it before making the trimmed forms.
    const form = fits(message.content) ? message.content : contentForms(message.content).find(fits);
    if (form === undefined) return null;
    turns.push({ text: form, role: message.role });
    at += form.length;
  }
  return at === text.length ? turns : null;
}

function matchPrefixes(text: string, messages: readonly ChatMessage[], renderPrefix: TemplateRenderers['renderPrefix'], endOfGeneration: readonly string[]): Turn[] | null {
  const turns: Turn[] = [];
  let before = safely(() => renderPrefix(0, false)) ?? '';
  if (!text.startsWith(before)) return null;
  turns.push({ text: before, role: 'markup' });
  for (let k = 0; k < messages.length; k++) {
    const message = messages[k] as ChatMessage;
    const upTo = k === messages.length - 1 ? text : safely(() => renderPrefix(k + 1, false));
    if (upTo === null || !upTo.startsWith(before) || !text.startsWith(upTo)) return null;
    // An assistant turn's header is what the template adds for generation: markup, never trained.
    let contentFrom = before.length;
    if (message.role === 'assistant') {
      const header = safely(() => renderPrefix(k, true));
      if (header !== null && header.startsWith(before) && upTo.startsWith(header)) contentFrom = header.length;
    }
    const part = upTo.slice(contentFrom);
    const found = contentForms(message.content)
      .map((form) => ({ form, at: part.indexOf(form) }))
      .find((candidate) => candidate.at >= 0) ?? (message.role === 'assistant' ? rewrittenReply(part, endOfGeneration) : undefined);
    if (found === undefined) return null;
    turns.push(
      { text: upTo.slice(before.length, contentFrom) + part.slice(0, found.at), role: 'markup' },
      { text: found.form, role: message.role },
      { text: part.slice(found.at + found.form.length), role: 'markup' },
    );
    before = upTo;
  }
  return mergeMarkup(turns);
}

/** A reply the template rewrote: everything from its header to its end-of-generation token. */
function rewrittenReply(part: string, endOfGeneration: readonly string[]): { form: string; at: number } {
  const end = firstEndOfGeneration(part, endOfGeneration);
  return { form: part.slice(0, end?.at ?? part.length), at: 0 };
}

/** Adjacent markup pieces as one, so the turn after an assistant content is all its closing markup. */
function mergeMarkup(turns: Turn[]): Turn[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.role === 'markup' && turn.role === 'markup') previous.text += turn.text;
    else merged.push({ ...turn });
  }
  return merged;
}

function safely(render: () => string): string | null {
  try {
    return render();
  } catch {
    return null;
  }
}
