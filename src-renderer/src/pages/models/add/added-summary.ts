/** The words of the toast after an add: what came in, and a pointer to what did not. */
import type { AddModelsResult, ModelEntry } from '../../../../../src-main/contract';

export interface AddedSummary {
  title: string;
  message: string;
}

/** Null when the add had nothing in it (a dialog closed without choosing). */
export function addedSummary(result: AddModelsResult, nameOf: (model: ModelEntry) => string): AddedSummary | null {
  const [first] = result.added;
  const added = result.added.length;
  const skipped = result.skipped.length;
  if (added === 0 && skipped === 0) return null;
  const title = first === undefined ? 'No model added' : added === 1 ? `Added ${nameOf(first)}` : `Added ${added} models`;
  const message =
    skipped > 0
      ? `${skipped} ${skipped === 1 ? 'file was' : 'files were'} left out: the reasons are listed on the page.`
      : added === 1
        ? 'It is in the table below.'
        : 'They are in the table below.';
  return { title, message };
}
