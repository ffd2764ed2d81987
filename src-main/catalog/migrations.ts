/**
 * The catalog's schema, as numbered steps. A step is never edited once released: a change
 * is a new step. `user_version` records how many steps a database has had.
 * Tables follow DESIGN §5; later domains extend them with further steps.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'catalog tables',
    sql: `
      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        owned INTEGER NOT NULL DEFAULT 0,          -- 1 when the file lives under the data folder
        architecture TEXT,
        parameter_count INTEGER,
        file_size INTEGER,
        sha256 TEXT,
        metadata_json TEXT,
        status TEXT NOT NULL DEFAULT 'ready',      -- ready | missing
        added_at INTEGER NOT NULL
      );
      CREATE TABLE datasets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        owned INTEGER NOT NULL DEFAULT 0,
        format TEXT,
        shape TEXT,
        mapping_json TEXT,
        row_count INTEGER,
        content_hash TEXT,
        status TEXT NOT NULL DEFAULT 'ready',
        added_at INTEGER NOT NULL
      );
      CREATE TABLE prepared_datasets (
        id TEXT PRIMARY KEY,
        dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
        cache_key TEXT NOT NULL UNIQUE,            -- dataset hash + tokenizer fingerprint + template + options
        dir TEXT NOT NULL,
        manifest_json TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
        dataset_id TEXT REFERENCES datasets(id) ON DELETE SET NULL,
        prepared_id TEXT REFERENCES prepared_datasets(id) ON DELETE SET NULL,
        config_json TEXT NOT NULL,
        status TEXT NOT NULL,                      -- queued | running | paused | done | failed | stopped | interrupted
        pid INTEGER,
        dir TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        error_kind TEXT,
        error_message TEXT
      );
      CREATE TABLE metrics (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (run_id, name, step)
      ) WITHOUT ROWID;
      CREATE TABLE adapters (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        path TEXT NOT NULL,
        format TEXT NOT NULL,                      -- gguf | peft
        created_at INTEGER NOT NULL
      );
      CREATE INDEX runs_by_status ON runs(status);
    `,
  },
  {
    version: 2,
    name: 'settings',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'model library',
    // Models are referenced where they lie: `origin` says how they were found, `problem`
    // why one is missing or unreadable, `alias` another app's name for it (Ollama's
    // `llama3.2:3b`). metadata_json holds the facts read from the GGUF header.
    sql: `
      ALTER TABLE models ADD COLUMN origin TEXT NOT NULL DEFAULT 'file';  -- file | folder | upload | lmstudio | ollama
      ALTER TABLE models ADD COLUMN problem TEXT;
      ALTER TABLE models ADD COLUMN alias TEXT;
      CREATE TABLE watched_folders (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        origin TEXT NOT NULL CHECK (origin IN ('folder', 'lmstudio', 'ollama')),
        added_at INTEGER NOT NULL
      );
      -- Files in watched folders the person removed from the library (keeping the file):
      -- scans and watch events leave them out until they are added again by hand.
      CREATE TABLE dismissed_model_files (
        path TEXT PRIMARY KEY,
        dismissed_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'dataset library',
    // Datasets are imported in place or uploaded (owned, under <data>/datasets/<id>/). The
    // inspection is kept as JSON with its problem list cut short (every problem is in
    // <data>/datasets/<id>/problems.jsonl); `file_size` and `file_mtime_ms` are the file as it
    // was read, so a change made while Lathe was closed is noticed at the next start.
    // Prepared data is shared by every dataset entry with the same content and mapping
    // (`dataset_hash`), and `summary_json` is what the Datasets page shows for it.
    sql: `
      ALTER TABLE datasets ADD COLUMN problem TEXT;
      ALTER TABLE datasets ADD COLUMN inspection_json TEXT;
      ALTER TABLE datasets ADD COLUMN file_size INTEGER;
      ALTER TABLE datasets ADD COLUMN file_mtime_ms REAL;
      ALTER TABLE prepared_datasets ADD COLUMN dataset_hash TEXT;
      ALTER TABLE prepared_datasets ADD COLUMN summary_json TEXT;
      CREATE INDEX prepared_by_dataset_hash ON prepared_datasets(dataset_hash);
    `,
  },
];

export const LATEST_VERSION = migrations.length;
