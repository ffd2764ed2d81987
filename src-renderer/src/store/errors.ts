/**
 * Errors as the stores keep them: plain `{kind, message}` data (no class instances in
 * state). Errors from the contract keep their kind; an error that crossed Electron's
 * contextBridge may arrive as a plain object or a bare Error, so both are accepted.
 */
import { isErrorKind, LatheError, type ErrorKind } from '../../../src-main/contract';

export interface StoredError {
  kind: ErrorKind;
  message: string;
}

export function toStoredError(error: unknown): StoredError {
  if (error instanceof LatheError) return { kind: error.kind, message: error.message };
  if (typeof error === 'object' && error !== null) {
    const { kind, message } = error as { kind?: unknown; message?: unknown };
    if (isErrorKind(kind) && typeof message === 'string') return { kind, message };
    if (typeof message === 'string') return { kind: 'internal', message };
  }
  return { kind: 'internal', message: String(error) };
}

/**
 * One action on something a page shows (reveal a file, read a report…): the last action's
 * error is cleared first, and a failure is stored for the page to show (actions never
 * throw) while the caller gets `failed`.
 */
export async function attemptAction<T, F>(setActionError: (error: StoredError | null) => void, action: () => Promise<T>, failed: F): Promise<T | F> {
  setActionError(null);
  try {
    return await action();
  } catch (error) {
    setActionError(toStoredError(error));
    return failed;
  }
}
