/** Shared by the dataset reader tests: temp folders, fixture paths, collecting rows, typed-error expectations. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { LatheError, type ErrorKind } from '../../../../src-main/contract/errors';
import type { ReadRow } from '../../../../src-main/datasets/read/read-types';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/datasets/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A temp folder removed after the test file's tests. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lathe-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` to `dir/name` and returns the path. */
export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A reader's batches as one list of rows, checking no batch is empty (readers promise that). */
export async function rowsOf(batches: AsyncIterable<ReadRow[]>): Promise<ReadRow[]> {
  const out: ReadRow[] = [];
  for await (const batch of batches) {
    expect(batch.length, 'a reader yielded an empty batch').toBeGreaterThan(0);
    for (const row of batch) out.push(row);
  }
  return out;
}

/** Rows as `[line, value]` for good rows and `[line, 'problem: …']` for bad ones: short to assert on. */
export function summary(rows: readonly ReadRow[]): [number, unknown][] {
  return rows.map((row) => ('value' in row ? [row.line, row.value] : [row.line, `problem: ${row.problem}`]));
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
