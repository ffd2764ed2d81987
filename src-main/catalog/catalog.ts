/**
 * Opens the catalog: the SQLite file in the data folder that lists models, datasets, runs
 * and their metrics. A file that is not a readable SQLite database is reported by name and
 * never touched, so a person can keep or repair it; Lathe does not overwrite it.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { LatheError } from '../contract';
import { assertKnownSchema, migrate, schemaVersion } from './migrate';
import { migrations as defaultMigrations, type Migration } from './migrations';

export interface Catalog {
  db: Database.Database;
  file: string;
  schemaVersion: number;
  close(): void;
}

export function openCatalog(file: string, steps: readonly Migration[] = defaultMigrations): Catalog {
  const existed = existsSync(file);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: existed });
  } catch (error) {
    throw new LatheError('unwritable', `Lathe cannot open its catalog ${file}: ${(error as Error).message}`, String(error));
  }
  try {
    if (existed) assertReadable(db, file);
    // Checked before WAL mode is switched on: that alone rewrites the file header.
    assertKnownSchema(db, steps, file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, steps, file);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, file, schemaVersion: schemaVersion(db), close: () => db.close() };
}

/** Reads the header and schema before anything writes; SQLite only notices corruption on first use. */
function assertReadable(db: Database.Database, file: string): void {
  try {
    db.pragma('schema_version', { simple: true });
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
  } catch (error) {
    throw new LatheError(
      'corrupt',
      `The catalog ${file} is damaged or is not a Lathe catalog (${(error as Error).message}). It was left untouched: move it aside to start a new one, or restore a backup.`,
      String(error),
    );
  }
}
