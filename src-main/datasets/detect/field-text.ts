/**
 * Reading one text field of a row, with a reason a person can act on when it is not text.
 * Numbers and booleans are not turned into text silently: a number where an answer belongs
 * is far more often a column mix-up than a real answer, so it is reported ("the field
 * `output` is a number, expected text") and the person decides.
 */

/** What a value is, in words for a problem message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.some(Array.isArray) ? 'a list of lists (nested arrays)' : 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export type FieldText = { text: string } | { problem: string };

/**
 * The text in `row[column]`. `required` fields must be present and hold non-blank text;
 * optional ones may be missing, null or empty (read as no text).
 */
export function fieldText(row: Record<string, unknown>, column: string | undefined, part: string, required: boolean): FieldText {
  if (column === undefined) return required ? { problem: `No column is chosen for \`${part}\`.` } : { text: '' };
  const value = row[column];
  if (value === undefined || value === null) {
    if (!required) return { text: '' };
    return { problem: value === null ? `The field \`${column}\` is empty (null).` : `The field \`${column}\` is missing.` };
  }
  if (typeof value !== 'string') return { problem: `The field \`${column}\` is ${describeValue(value)}, expected text.` };
  if (required && value.trim() === '') return { problem: `The field \`${column}\` is empty.` };
  return { text: value };
}
