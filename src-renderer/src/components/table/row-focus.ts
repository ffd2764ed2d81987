/**
 * Arrow keys move between table rows the way they move between lines of a list; Home and
 * End jump to the first and last. Rows are focusable elements in the table body.
 */
export type RowMove = 'next' | 'previous' | 'first' | 'last';

const KEY_MOVES: Record<string, RowMove> = { ArrowDown: 'next', ArrowUp: 'previous', Home: 'first', End: 'last' };

export function rowMoveForKey(key: string): RowMove | null {
  return KEY_MOVES[key] ?? null;
}

export function focusRow(row: HTMLElement, move: RowMove): void {
  const body = row.parentElement;
  if (body === null) return;
  const target =
    move === 'next'
      ? row.nextElementSibling
      : move === 'previous'
        ? row.previousElementSibling
        : move === 'first'
          ? body.firstElementChild
          : body.lastElementChild;
  if (target instanceof HTMLElement) target.focus();
}
