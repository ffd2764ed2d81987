/**
 * Inside a preparing worker: rows → examples, a batch at a time. Per row:
 *
 *   render (template spans) → tokenize + mask → too long? truncate or drop → nothing to learn? drop
 *
 * and for each kept example a digest of its ids and mask, for the duplicate check the main
 * process makes across all workers (prepared-writer.ts). Results are packed into a few typed
 * arrays per batch, which cross the process boundary as single copies.
 *
 * Truncation keeps the beginning: the first `maxLength` tokens, whatever they are. A reply cut
 * there loses its end-of-turn token, so the model does not learn to stop on that example;
 * an example whose trained tokens all fall past the cut is dropped (counted as overlong).
 * Keeping the end instead would cut the system prompt and the question the reply answers.
 *
 * "Nothing to learn" means no token after the first has mask 1 (the first token is never
 * predicted): a conversation without an assistant reply, with `lossOn: 'assistant'`.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage, PrepareOptions } from '../../contract/dataset-types';
import { ConversationProblem } from './conversation-problem';
import type { TemplateSpan } from './template-turns';
import { tokenizeSpans, type SpanTokenizer } from './tokenize-spans';

export interface PreparationRow {
  line: number;
  conversation: ChatMessage[] | null;
  problem: string | null;
}

/** What became of a row. */
export const ROW_KEPT = 0;
export const ROW_INVALID = 1;
export const ROW_TOO_LONG = 2;

/** One batch's results, in row order. */
export interface MadeBatch {
  /** Per row: ROW_KEPT, ROW_INVALID or ROW_TOO_LONG (dropped for its length). */
  outcomes: Uint8Array;
  /** Per row: its full token count before truncation; 0 when it was not tokenized. */
  fullLengths: Uint32Array;
  /** Per kept row: the tokens written. */
  keptLengths: Uint32Array;
  /** The kept examples' ids and masks, one after another. */
  ids: Uint32Array;
  mask: Uint8Array;
  /** 16 bytes per kept example (the first half of SHA-256 over ids and mask), when duplicates are dropped. */
  digests: Uint8Array | null;
  /** Why rows were invalid, by their index in the batch. */
  problems: { index: number; reason: string }[];
}

export const DIGEST_BYTES = 16;

export interface ExampleMakerSetup {
  /** The row's spans; throws ConversationProblem for a row the template cannot take. */
  renderSpans: (conversation: ChatMessage[]) => TemplateSpan[];
  tokenizer: SpanTokenizer;
  options: PrepareOptions;
}

export function makeBatch(rows: readonly PreparationRow[], setup: ExampleMakerSetup): MadeBatch {
  const { maxLength, overlong, dropDuplicates } = setup.options;
  const outcomes = new Uint8Array(rows.length);
  const fullLengths = new Uint32Array(rows.length);
  const problems: MadeBatch['problems'] = [];
  const kept: { ids: Uint32Array; mask: Uint8Array }[] = [];

  rows.forEach((row, index) => {
    const made = tokenizeRow(row, setup);
    if (typeof made === 'string') {
      outcomes[index] = ROW_INVALID;
      problems.push({ index, reason: made });
      return;
    }
    fullLengths[index] = made.ids.length;
    let { ids, mask } = made;
    if (ids.length > maxLength) {
      ids = ids.subarray(0, maxLength);
      mask = mask.subarray(0, maxLength);
      if (overlong === 'drop' || !hasTarget(mask)) {
        outcomes[index] = ROW_TOO_LONG;
        return;
      }
    }
    kept.push({ ids, mask });
  });

  const total = kept.reduce((sum, example) => sum + example.ids.length, 0);
  const batch: MadeBatch = {
    outcomes,
    fullLengths,
    keptLengths: Uint32Array.from(kept, (example) => example.ids.length),
    ids: new Uint32Array(total),
    mask: new Uint8Array(total),
    digests: dropDuplicates ? new Uint8Array(kept.length * DIGEST_BYTES) : null,
    problems,
  };
  let at = 0;
  kept.forEach((example, index) => {
    batch.ids.set(example.ids, at);
    batch.mask.set(example.mask, at);
    at += example.ids.length;
    batch.digests?.set(digestOf(example.ids, example.mask), index * DIGEST_BYTES);
  });
  return batch;
}

/** The row's full ids and mask, or why it cannot be an example. */
function tokenizeRow(row: PreparationRow, setup: ExampleMakerSetup): { ids: Uint32Array; mask: Uint8Array } | string {
  if (row.conversation === null) return row.problem ?? 'the row has no conversation';
  try {
    const example = tokenizeSpans(setup.renderSpans(row.conversation), setup.tokenizer);
    if (example.ids.length === 0) return 'the row renders to no tokens';
    if (!hasTarget(example.mask)) return 'nothing to learn: the conversation has no assistant reply';
    return example;
  } catch (error) {
    if (error instanceof ConversationProblem) return error.message;
    throw error;
  }
}

function digestOf(ids: Uint32Array, mask: Uint8Array): Uint8Array {
  return createHash('sha256')
    .update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength))
    .update(mask)
    .digest()
    .subarray(0, DIGEST_BYTES);
}

/** Whether any token the loss can use is trained: the first token is never predicted. */
function hasTarget(mask: Uint8Array): boolean {
  for (let i = 1; i < mask.length; i++) if (mask[i] === 1) return true;
  return false;
}
