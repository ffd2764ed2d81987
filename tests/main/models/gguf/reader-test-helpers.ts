/** Shared by the GGUF reader tests: a temp folder per file, and typed-error expectations. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { LatheError, type ErrorKind } from '../../../../src-main/contract/errors';

/** A temp folder removed after the test file's tests. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lathe-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Awaits `promise`, expects it to reject with a LatheError of `kind` whose message matches. */
export async function expectLatheError(promise: Promise<unknown>, kind: ErrorKind, message: RegExp): Promise<LatheError> {
  let thrown: unknown = null;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a rejection').toBeInstanceOf(LatheError);
  const error = thrown as LatheError;
  expect({ kind: error.kind, message: error.message }).toEqual({ kind, message: expect.stringMatching(message) });
  return error;
}
