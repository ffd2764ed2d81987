import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../src-main/contract';
import { openCatalog } from '../../../src-main/catalog/catalog';
import { migrate, schemaVersion } from '../../../src-main/catalog/migrate';
import { LATEST_VERSION, migrations, type Migration } from '../../../src-main/catalog/migrations';

const tempFile = (name = 'catalog.sqlite') => join(mkdtempSync(join(tmpdir(), 'lathe-catalog-')), name);

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

/** One row per table that exists at `version`, so upgrades can be checked to keep data. */
function seed(db: Database.Database, version: number): void {
  if (version >= 1) {
    db.prepare("INSERT INTO models (id, name, path, added_at) VALUES ('m1', 'Tiny', '/models/tiny.gguf', 1)").run();
    db.prepare("INSERT INTO datasets (id, name, path, added_at) VALUES ('d1', 'Q&A', '/data/qa.jsonl', 1)").run();
    db.prepare("INSERT INTO runs (id, name, model_id, dataset_id, config_json, status, dir, created_at) VALUES ('r1', 'first', 'm1', 'd1', '{}', 'done', '/runs/r1', 1)").run();
    db.prepare("INSERT INTO metrics (run_id, step, name, value, at) VALUES ('r1', 1, 'loss', 2.5, 1)").run();
  }
  if (version >= 2) db.prepare("INSERT INTO settings (key, value_json, updated_at) VALUES ('theme', '\"auto\"', 1)").run();
  if (version >= 3) {
    db.prepare("INSERT INTO watched_folders (id, path, origin, added_at) VALUES ('f1', '/models', 'folder', 1)").run();
    db.prepare("INSERT INTO dismissed_model_files (path, dismissed_at) VALUES ('/models/old.gguf', 1)").run();
  }
  if (version >= 4) {
    db.prepare("UPDATE datasets SET problem = 'changed on disk', inspection_json = '{}', file_size = 10, file_mtime_ms = 1.5 WHERE id = 'd1'").run();
    db.prepare(
      "INSERT INTO prepared_datasets (id, dataset_id, model_id, cache_key, dir, manifest_json, dataset_hash, summary_json, created_at) VALUES ('p1', 'd1', 'm1', 'k1', '/prepared/k1', '{}', 'sha256:d1', '{}', 1)",
    ).run();
  }
  if (version >= 5) {
    db.prepare("UPDATE runs SET model_name = 'Tiny', dataset_name = 'Q&A', request_json = '{}', device = 'cpu', step = 3, error_json = NULL WHERE id = 'r1'").run();
    db.prepare("INSERT INTO run_train_points (run_id, step, time, loss, lr, grad_norm, tokens_per_second, memory_bytes) VALUES ('r1', 1, 1.5, 2.5, 0.001, 1.0, 900, 1000)").run();
    db.prepare("INSERT INTO run_eval_points (run_id, step, val_loss) VALUES ('r1', 1, 2.6)").run();
    db.prepare("INSERT INTO run_samples (run_id, step, seq, prompt, output, reference) VALUES ('r1', 1, 0, 'Hi', 'Hello', NULL)").run();
  }
  if (version >= 6) {
    db.prepare("INSERT INTO conversations (id, title, model_id, panes_json, system_prompt, sampling_json, created_at, updated_at) VALUES ('c1', 'Hi', 'm1', '[]', '', '{}', 1, 1)").run();
    db.prepare("INSERT INTO conversation_messages (conversation_id, seq, role, content, pane_index, stats_json, created_at) VALUES ('c1', 0, 'user', 'Hi', NULL, NULL, 1)").run();
  }
}

describe('catalog migrations', () => {
  it('creates every table DESIGN §5 names on a fresh database, in WAL mode', () => {
    const catalog = openCatalog(tempFile());
    expect(catalog.schemaVersion).toBe(LATEST_VERSION);
    expect(tables(catalog.db)).toEqual(
      expect.arrayContaining(['models', 'datasets', 'prepared_datasets', 'runs', 'metrics', 'adapters', 'settings']),
    );
    expect(catalog.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(catalog.db.pragma('foreign_keys', { simple: true })).toBe(1);
    catalog.close();
  });

  it('is numbered 1..N in order', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  for (let from = 1; from < LATEST_VERSION; from++) {
    it(`upgrades a database at schema ${from} to ${LATEST_VERSION} and keeps its rows`, () => {
      const file = tempFile();
      const old = new Database(file);
      migrate(old, migrations.slice(0, from), file);
      seed(old, from);
      old.close();

      const catalog = openCatalog(file);
      expect(catalog.schemaVersion).toBe(LATEST_VERSION);
      expect(catalog.db.prepare('SELECT name FROM models').all()).toEqual([{ name: 'Tiny' }]);
      expect(catalog.db.prepare('SELECT value FROM metrics').all()).toEqual([{ value: 2.5 }]);
      seed(catalog.db, LATEST_VERSION > from ? 0 : from); // still writable
      catalog.close();
    });
  }

  it('schema 3 keeps models added before it, as added by hand and with no problem', () => {
    const file = tempFile();
    const old = new Database(file);
    migrate(old, migrations.slice(0, 2), file);
    seed(old, 2);
    old.close();
    const catalog = openCatalog(file);
    expect(catalog.db.prepare('SELECT origin, problem, alias, status FROM models').all()).toEqual([
      { origin: 'file', problem: null, alias: null, status: 'ready' },
    ]);
    expect(() =>
      catalog.db.prepare("INSERT INTO watched_folders (id, path, origin, added_at) VALUES ('f9', '/x', 'dropbox', 1)").run(),
    ).toThrow(/CHECK constraint/);
    catalog.close();
  });

  it('schema 4 keeps datasets listed before it, with nothing read from their files yet', () => {
    const file = tempFile();
    const old = new Database(file);
    migrate(old, migrations.slice(0, 3), file);
    seed(old, 3);
    old.close();
    const catalog = openCatalog(file);
    expect(catalog.db.prepare('SELECT name, status, problem, inspection_json, file_size FROM datasets').all()).toEqual([
      { name: 'Q&A', status: 'ready', problem: null, inspection_json: null, file_size: null },
    ]);
    catalog.db.prepare("INSERT INTO prepared_datasets (id, dataset_id, cache_key, dir, manifest_json, dataset_hash, created_at) VALUES ('p1', 'd1', 'k1', '/p', '{}', 'sha256:d1', 1)").run();
    expect(catalog.db.prepare("SELECT id FROM prepared_datasets WHERE dataset_hash = 'sha256:d1'").all()).toEqual([{ id: 'p1' }]);
    // Removing a dataset still removes what was prepared from it (step 1's cascade).
    catalog.db.prepare("DELETE FROM runs WHERE dataset_id = 'd1'").run();
    catalog.db.prepare("DELETE FROM datasets WHERE id = 'd1'").run();
    expect(catalog.db.prepare('SELECT count(*) AS n FROM prepared_datasets').get()).toEqual({ n: 0 });
    catalog.close();
  });

  it('schema 5 keeps runs listed before it as finished runs with no metrics of their own', () => {
    const file = tempFile();
    const old = new Database(file);
    migrate(old, migrations.slice(0, 4), file);
    seed(old, 4);
    old.close();
    const catalog = openCatalog(file);
    expect(catalog.db.prepare('SELECT status, step, model_name, preset, memory_peak_bytes FROM runs').all()).toEqual([
      { status: 'completed', step: 0, model_name: '', preset: 'quick', memory_peak_bytes: null },
    ]);
    catalog.db.prepare("INSERT INTO run_train_points (run_id, step, time, loss, lr, grad_norm, tokens_per_second, memory_bytes) VALUES ('r1', 2, 2, NULL, 0.001, NULL, 10, NULL)").run();
    // One point per (run, step): a step reported again after a resume replaces the first report.
    expect(() =>
      catalog.db.prepare("INSERT INTO run_train_points (run_id, step, time, lr, tokens_per_second) VALUES ('r1', 2, 3, 0.002, 11)").run(),
    ).toThrow(/UNIQUE/);
    catalog.db.prepare("INSERT OR REPLACE INTO run_train_points (run_id, step, time, lr, tokens_per_second) VALUES ('r1', 2, 3, 0.002, 11)").run();
    expect(catalog.db.prepare("SELECT step, lr FROM run_train_points WHERE run_id = 'r1' ORDER BY step").all()).toEqual([{ step: 2, lr: 0.002 }]);
    // Removing a run removes its points (and samples) with it.
    catalog.db.prepare("DELETE FROM runs WHERE id = 'r1'").run();
    expect(catalog.db.prepare('SELECT count(*) AS n FROM run_train_points').get()).toEqual({ n: 0 });
    catalog.close();
  });

  it('schema 6 adds conversations whose messages go with them and take only chat roles', () => {
    const file = tempFile();
    const old = new Database(file);
    migrate(old, migrations.slice(0, 5), file);
    seed(old, 5);
    old.close();
    const catalog = openCatalog(file);
    catalog.db.prepare("INSERT INTO conversations (id, title, model_id, panes_json, sampling_json, created_at, updated_at) VALUES ('c1', 'Hi', 'm1', '[]', '{}', 1, 1)").run();
    catalog.db.prepare("INSERT INTO conversation_messages (conversation_id, seq, role, content, created_at) VALUES ('c1', 0, 'user', 'Hi', 1)").run();
    expect(catalog.db.prepare('SELECT system_prompt, pane_index, stats_json FROM conversations JOIN conversation_messages ON id = conversation_id').all()).toEqual([
      { system_prompt: '', pane_index: null, stats_json: null },
    ]);
    expect(() =>
      catalog.db.prepare("INSERT INTO conversation_messages (conversation_id, seq, role, content, created_at) VALUES ('c1', 1, 'tool', 'x', 1)").run(),
    ).toThrow(/CHECK/);
    expect(() =>
      catalog.db.prepare("INSERT INTO conversation_messages (conversation_id, seq, role, content, created_at) VALUES ('nope', 0, 'user', 'x', 1)").run(),
    ).toThrow(/FOREIGN KEY/);
    catalog.db.prepare("DELETE FROM conversations WHERE id = 'c1'").run();
    expect(catalog.db.prepare('SELECT count(*) AS n FROM conversation_messages').get()).toEqual({ n: 0 });
    // Runs and models are untouched by it.
    expect(catalog.db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    catalog.close();
  });

  it('reopening a current database changes nothing', () => {
    const file = tempFile();
    const first = openCatalog(file);
    seed(first.db, LATEST_VERSION);
    first.close();
    const again = openCatalog(file);
    expect(again.schemaVersion).toBe(LATEST_VERSION);
    expect(again.db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    again.close();
  });

  it('rolls back a failing step and leaves the database at the previous schema with its data', () => {
    const file = tempFile();
    const first = openCatalog(file);
    seed(first.db, LATEST_VERSION);
    first.close();
    const broken: Migration[] = [
      ...migrations,
      { version: LATEST_VERSION + 1, name: 'half-done', sql: 'CREATE TABLE extra (x INTEGER); INSERT INTO missing_table VALUES (1);' },
    ];
    const error = (() => {
      try {
        openCatalog(file, broken);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).message).toContain(`schema ${LATEST_VERSION + 1}`);
    expect((error as LatheError).message).toContain(`left at schema ${LATEST_VERSION}`);

    const db = new Database(file, { readonly: true });
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(tables(db)).not.toContain('extra');
    expect(db.prepare('SELECT count(*) AS n FROM models').get()).toEqual({ n: 1 });
    db.close();
  });

  it('refuses a catalog from a newer Lathe and leaves it as it was', () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    const before = readFileSync(file);
    expect(() => openCatalog(file)).toThrow(expect.objectContaining({ kind: 'too_new' }));
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('a damaged catalog file', () => {
  it.each([
    ['text', Buffer.from('this is not a database, just some notes\n'.repeat(200))],
    ['random bytes', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 2654435761) % 251))],
  ])('made of %s is reported by name and never overwritten', (_label, content) => {
    const file = tempFile();
    writeFileSync(file, content);
    let error: unknown;
    try {
      openCatalog(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).kind).toBe('corrupt');
    expect((error as LatheError).message).toContain(file);
    expect(readFileSync(file).equals(content)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('with a damaged page after a valid header is reported as corrupt and kept', () => {
    const file = tempFile();
    const catalog = openCatalog(file);
    seed(catalog.db, LATEST_VERSION);
    catalog.db.pragma('wal_checkpoint(TRUNCATE)');
    catalog.close();
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over page 2 (the first table's b-tree page), keeping the header intact.
    for (let i = pageSize; i < pageSize * 2; i++) bytes[i] = 0xa5;
    writeFileSync(file, bytes);
    const copy = `${file}.before`;
    copyFileSync(file, copy);
    expect(() => openCatalog(file)).toThrow(expect.objectContaining({ kind: 'corrupt' }));
    expect(readFileSync(file).equals(readFileSync(copy))).toBe(true);
  });
});
