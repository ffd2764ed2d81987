/**
 * Which shape a dataset has, judged from a sample of its rows (the first ~200). Each shape
 * with columns to map gets a candidate mapping (column names from column-aliases.ts; list
 * columns also by what they hold), and its fit is the share of sampled rows that
 * `toConversation` accepts under that mapping: the same test every row will get. The best
 * fit wins; its confidence is lowered when another shape fits too, unless that other shape
 * reads only a subset of the same columns (`input/output` inside Alpaca's
 * `instruction/input/output` is not a rival, it is the less specific reading).
 */
import type { ColumnMapping, DatasetShape, ShapeDetection } from '../../contract/dataset-types';
import { findColumn, SHAPE_ROLES } from './column-aliases';
import { isRecord } from './field-text';
import { toConversation } from './to-conversation';

/** Tie-break order: the more structured shape first. */
const SHAPE_ORDER: readonly DatasetShape[] = ['messages', 'sharegpt', 'alpaca', 'prompt_completion', 'question_answer', 'input_output', 'text'];

interface Candidate {
  mapping: ColumnMapping;
  /** Rows `toConversation` accepts. */
  fits: number;
  /** The most common reason the other rows were refused. */
  commonProblem: string | null;
  /** Set when the mapping was a guess from a lone text column rather than a known name. */
  guessed: boolean;
  confidence: number;
}

export function detectShape(sample: readonly unknown[], columns: readonly string[]): ShapeDetection {
  const rows = sample.length;
  const candidates = candidateMappings(sample, columns).map((candidate) => scored(candidate, sample));
  const fitting = candidates.filter((candidate) => candidate.fits > 0);
  for (const candidate of fitting) {
    const rivals = fitting.filter((other) => other !== candidate && !readsSubsetOf(other.mapping, candidate.mapping));
    const rivalShare = Math.max(0, ...rivals.map((rival) => rival.fits / rows));
    const share = candidate.fits / rows;
    candidate.confidence = round(Math.max(0, share - rivalShare / 2) * (candidate.guessed ? 0.5 : 1));
  }
  const ranked = fitting.sort(
    (a, b) => b.confidence - a.confidence || b.fits - a.fits || SHAPE_ORDER.indexOf(a.mapping.shape) - SHAPE_ORDER.indexOf(b.mapping.shape),
  );
  const best = ranked[0] ?? candidates.sort((a, b) => SHAPE_ORDER.indexOf(a.mapping.shape) - SHAPE_ORDER.indexOf(b.mapping.shape))[0];
  if (best === undefined) return noShape(sample, columns);
  return {
    shape: best.mapping.shape,
    confidence: best.confidence,
    evidence: evidenceFor(best, ranked, rows),
    mapping: best.mapping,
    alternatives: ranked.filter((other) => other !== best).map((other) => ({ shape: other.mapping.shape, confidence: other.confidence })),
  };
}

/** How well a given mapping fits the sample: for a mapping the person chose. */
export function fitOfMapping(sample: readonly unknown[], mapping: ColumnMapping): { fits: number; commonProblem: string | null } {
  const { fits, commonProblem } = scored({ mapping, fits: 0, commonProblem: null, guessed: false, confidence: 0 }, sample);
  return { fits, commonProblem };
}

function candidateMappings(sample: readonly unknown[], columns: readonly string[]): Candidate[] {
  const candidates: Candidate[] = [];
  // Rows that are single messages (a conversation saved as the whole file): reading their
  // `content` as raw text would be a confident wrong answer.
  if (rowsAreMessages(columns)) return candidates;
  const add = (shape: DatasetShape, mapped: Record<string, string>, guessed = false) =>
    candidates.push({ mapping: { shape, columns: mapped }, fits: 0, commonProblem: null, guessed, confidence: 0 });
  const system = findColumn(columns, SHAPE_ROLES.alpaca.optional.system ?? []);
  const withSystem = (mapped: Record<string, string>) => (system === null ? mapped : { ...mapped, system });

  // List columns by what they hold; by name only when no list holds messages (so a badly
  // formed `messages` column still gets a candidate, and its problems are shown).
  const messages = listColumn(sample, columns, 'messages');
  const sharegpt = listColumn(sample, columns, 'sharegpt');
  if (messages !== null) add('messages', withSystem({ messages }));
  if (sharegpt !== null) add('sharegpt', withSystem({ conversations: sharegpt }));
  if (messages === null && sharegpt === null) {
    const named = findColumn(columns, SHAPE_ROLES.messages.required.messages ?? []);
    if (named !== null) add('messages', withSystem({ messages: named }));
  }
  for (const shape of ['alpaca', 'prompt_completion', 'question_answer', 'input_output', 'text'] as const) {
    const roles = SHAPE_ROLES[shape];
    const mapped: Record<string, string> = {};
    const found = Object.entries(roles.required).every(([part, names]) => {
      const column = findColumn(columns, names);
      if (column !== null) mapped[part] = column;
      return column !== null;
    });
    if (!found) continue;
    for (const [part, names] of Object.entries(roles.optional)) {
      const column = findColumn(columns, names);
      if (column !== null && !Object.values(mapped).includes(column)) mapped[part] = column;
    }
    add(shape, mapped);
  }
  if (candidates.length === 0) {
    // No known name at all: one column of text is most likely raw text to train on.
    const texts = columns.filter((column) => sample.filter((row) => isRecord(row) && typeof row[column] === 'string').length > sample.length / 2);
    if (texts.length === 1) add('text', { text: texts[0] as string }, true);
  }
  return candidates;
}

/** The column whose lists hold messages with the keys of `shape` in most sampled rows. */
function listColumn(sample: readonly unknown[], columns: readonly string[], shape: 'messages' | 'sharegpt'): string | null {
  const [role, content] = shape === 'messages' ? ['role', 'content'] : ['from', 'value'];
  let best: string | null = null;
  let bestRows = 0;
  for (const column of columns) {
    const rows = sample.filter((row) => {
      const list = isRecord(row) ? row[column] : undefined;
      return Array.isArray(list) && list.some((item) => isRecord(item) && role in item && content in item);
    }).length;
    if (rows > bestRows) [best, bestRows] = [column, rows];
  }
  return best;
}

function scored(candidate: Candidate, sample: readonly unknown[]): Candidate {
  const problems = new Map<string, number>();
  let fits = 0;
  for (const row of sample) {
    const result = toConversation(row, candidate.mapping);
    if ('conversation' in result) fits += 1;
    else problems.set(result.problem, (problems.get(result.problem) ?? 0) + 1);
  }
  const common = [...problems].sort((a, b) => b[1] - a[1])[0];
  return { ...candidate, fits, commonProblem: common === undefined ? null : common[0] };
}

/** True when `a` maps only columns that `b` also maps (so `a` is a less specific reading of the same data). */
function readsSubsetOf(a: ColumnMapping, b: ColumnMapping): boolean {
  const used = new Set(Object.values(b.columns));
  return Object.entries(a.columns).every(([part, column]) => part === 'system' || used.has(column));
}

function evidenceFor(best: Candidate, ranked: readonly Candidate[], rows: number): string[] {
  const { shape, columns } = best.mapping;
  const named = (part: string) => `\`${columns[part]}\``;
  const fit = `${best.fits} of ${rows} sampled rows`;
  const evidence: string[] = [];
  switch (shape) {
    case 'messages':
      evidence.push(`${fit} have a ${named('messages')} list of role/content messages that forms a valid conversation.`);
      break;
    case 'sharegpt':
      evidence.push(`${fit} have a ${named('conversations')} list of from/value turns (ShareGPT) that forms a valid conversation.`);
      break;
    case 'alpaca':
      evidence.push(
        `${fit} have text in ${named('instruction')} and ${named('output')}` +
          (columns.input === undefined ? '.' : `; ${named('input')} is added to the instruction where it is not empty.`),
      );
      break;
    case 'text':
      evidence.push(
        best.guessed
          ? `No column has a name Lathe knows; ${named('text')} is the only text column, so it is read as raw text (${fit}).`
          : `${fit} have text in ${named('text')}, read as raw text: every token is trained on.`,
      );
      break;
    default: {
      const [user, assistant] = Object.keys(columns).filter((part) => part !== 'system');
      evidence.push(`${fit} have text in ${named(user ?? '')} (the prompt) and ${named(assistant ?? '')} (the answer).`);
    }
  }
  if (columns.system !== undefined && shape !== 'text') evidence.push(`${named('system')} is used as each row's system prompt.`);
  if (best.fits < rows && best.commonProblem !== null) evidence.push(`The most common problem in the other rows: ${best.commonProblem}`);
  for (const other of ranked) {
    // A reading of a subset of the same columns (input/output inside Alpaca) is no rival worth a sentence.
    if (other === best || other.confidence === 0 || readsSubsetOf(other.mapping, best.mapping)) continue;
    evidence.push(`The rows also fit the ${other.mapping.shape} shape (${other.fits} of ${rows}); choose it instead if that reading is right.`);
  }
  return evidence;
}

function rowsAreMessages(columns: readonly string[]): boolean {
  const lower = new Set(columns.map((column) => column.toLowerCase()));
  return (lower.has('role') && lower.has('content')) || (lower.has('from') && lower.has('value'));
}

function noShape(sample: readonly unknown[], columns: readonly string[]): ShapeDetection {
  const evidence = [
    columns.length === 0
      ? `None of the ${sample.length} sampled rows is an object with named fields.`
      : `No column has a name Lathe knows (${columns.slice(0, 12).map((column) => `\`${column}\``).join(', ')}${columns.length > 12 ? ', …' : ''}): choose which columns hold the prompt and the answer.`,
  ];
  if (rowsAreMessages(columns)) {
    evidence.push('Each row looks like one chat message, not a conversation: was a single conversation saved as the whole file?');
  }
  return { shape: 'text', confidence: 0, evidence, mapping: { shape: 'text', columns: {} }, alternatives: [] };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
