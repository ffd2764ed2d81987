/**
 * Brings a catalog database up to the latest schema. Each step runs in its own transaction
 * together with the `user_version` bump, so a failing step leaves the database exactly as
 * the previous step left it.
 */
import type Database from 'better-sqlite3';
import { LatheError } from '../contract';
import type { Migration } from './migrations';

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** A schema newer than this build knows is refused before anything writes to the file. */
export function assertKnownSchema(db: Database.Database, steps: readonly Migration[], file: string): void {
  const version = schemaVersion(db);
  if (version > steps.length) {
    throw new LatheError(
      'too_new',
      `The catalog ${file} was written by a newer Lathe (schema ${version}, this one knows ${steps.length}). Update Lathe; the file was left as it is.`,
    );
  }
}

export function migrate(db: Database.Database, steps: readonly Migration[], file: string): { from: number; to: number } {
  steps.forEach((step, i) => {
    if (step.version !== i + 1) throw new Error(`Migration list is out of order at ${step.name}`);
  });
  assertKnownSchema(db, steps, file);
  const from = schemaVersion(db);
  for (const step of steps.slice(from)) {
    const apply = db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    });
    try {
      apply();
    } catch (error) {
      throw new LatheError(
        'internal',
        `Updating the catalog ${file} to schema ${step.version} (${step.name}) failed; it was left at schema ${schemaVersion(db)}.`,
        String(error),
      );
    }
  }
  return { from, to: schemaVersion(db) };
}
