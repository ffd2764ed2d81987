/**
 * The column names each shape answers to, compared case-insensitively, best name first.
 * They cover the public datasets people bring: Alpaca (`instruction/input/output`), Dolly
 * (`instruction/context/response`), `prompt/completion` and `prompt/response`,
 * `question/answer` and `query/response`, `input/output`, and raw `text`/`content`.
 * List columns (`messages`, `conversations`) are also recognised by what they hold, since
 * datasets name them freely (see detect-shape.ts).
 */
import type { DatasetShape } from '../../contract/dataset-types';

export interface ShapeRoles {
  /** Mapping key → accepted column names. */
  required: Record<string, readonly string[]>;
  optional: Record<string, readonly string[]>;
}

const SYSTEM = ['system', 'system_prompt', 'system_message'] as const;

export const SHAPE_ROLES: Record<DatasetShape, ShapeRoles> = {
  messages: { required: { messages: ['messages', 'conversation', 'conversations', 'chat', 'dialogue', 'dialog'] }, optional: { system: SYSTEM } },
  sharegpt: { required: { conversations: ['conversations', 'conversation', 'messages', 'chat', 'dialogue', 'dialog'] }, optional: { system: SYSTEM } },
  alpaca: {
    required: { instruction: ['instruction', 'instructions'], output: ['output', 'response'] },
    optional: { input: ['input', 'context'], system: SYSTEM },
  },
  prompt_completion: { required: { prompt: ['prompt'], completion: ['completion', 'response'] }, optional: { system: SYSTEM } },
  question_answer: { required: { question: ['question', 'query'], answer: ['answer', 'response'] }, optional: { system: SYSTEM } },
  input_output: { required: { input: ['input'], output: ['output'] }, optional: { system: SYSTEM } },
  text: { required: { text: ['text', 'content'] }, optional: {} },
};

/** Every name above, lower-case: a first CSV row made of these is a header. */
export const KNOWN_COLUMN_NAMES: ReadonlySet<string> = new Set(
  Object.values(SHAPE_ROLES).flatMap((roles) => [...Object.values(roles.required), ...Object.values(roles.optional)].flat()),
);

/** The first of `names` that `columns` has (case-insensitively), as the column is spelled. */
export function findColumn(columns: readonly string[], names: readonly string[]): string | null {
  for (const name of names) {
    const found = columns.find((column) => column.toLowerCase() === name);
    if (found !== undefined) return found;
  }
  return null;
}
