/**
 * Which columns each dataset shape reads, for the mapping editor: the same roles the main
 * process maps (src-main/contract/dataset-types.ts, `ColumnMapping`). List shapes read one
 * column of conversations; the others read one text column per part; any chat shape may add
 * a per-row `system` column.
 */
import type { ColumnMapping, DatasetShape } from '../../../../src-main/contract';

export interface ShapeRoles {
  required: readonly string[];
  optional: readonly string[];
}

export const SHAPE_ROLES: Record<DatasetShape, ShapeRoles> = {
  messages: { required: ['messages'], optional: ['system'] },
  sharegpt: { required: ['conversations'], optional: ['system'] },
  alpaca: { required: ['instruction', 'output'], optional: ['input', 'system'] },
  prompt_completion: { required: ['prompt', 'completion'], optional: ['system'] },
  input_output: { required: ['input', 'output'], optional: ['system'] },
  question_answer: { required: ['question', 'answer'], optional: ['system'] },
  text: { required: ['text'], optional: [] },
};

export const SHAPE_LABELS: Record<DatasetShape, string> = {
  messages: 'Chat messages (OpenAI)',
  sharegpt: 'ShareGPT conversations',
  alpaca: 'Alpaca instruction / input / output',
  prompt_completion: 'Prompt / completion',
  input_output: 'Input / output',
  question_answer: 'Question / answer',
  text: 'Raw text',
};

export const SHAPES = Object.keys(SHAPE_ROLES) as DatasetShape[];

/**
 * A mapping for `shape` that keeps the columns already chosen for roles the shape also has,
 * and fills required roles from a column of the same name when the file has one.
 */
export function mappingForShape(shape: DatasetShape, previous: ColumnMapping, columns: readonly string[]): ColumnMapping {
  const roles = SHAPE_ROLES[shape];
  const chosen: Record<string, string> = {};
  for (const role of [...roles.required, ...roles.optional]) {
    const kept = previous.columns[role];
    const sameName = columns.find((column) => column.toLowerCase() === role);
    const column = kept ?? (roles.required.includes(role) ? sameName : undefined);
    if (column !== undefined) chosen[role] = column;
  }
  return { shape, columns: chosen };
}

/** Required roles the mapping leaves without a column: it cannot be saved until they have one. */
export function missingRoles(mapping: ColumnMapping): string[] {
  return SHAPE_ROLES[mapping.shape].required.filter((role) => !mapping.columns[role]);
}

export function sameMapping(a: ColumnMapping | null, b: ColumnMapping | null): boolean {
  if (a === null || b === null) return a === b;
  const keys = new Set([...Object.keys(a.columns), ...Object.keys(b.columns)]);
  return a.shape === b.shape && [...keys].every((key) => a.columns[key] === b.columns[key]);
}
