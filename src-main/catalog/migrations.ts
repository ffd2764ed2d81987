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
  {
    version: 5,
    name: 'training runs',
    // Step 1's `runs` row grows what a run entry shows (settings and request as JSON, the
    // resolved device it queues on, progress, the error with its log tail, the memory
    // estimate beside the measured peak). Metrics get typed tables keyed by (run, step), so
    // a run of 100,000+ steps reads back in step order from the primary key alone; a step
    // reported again after a resume replaces the earlier point. Step 1's generic `metrics`
    // table is left as it was. Nothing trained before this step, so `done` only renames.
    sql: `
      ALTER TABLE runs ADD COLUMN model_name TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN dataset_name TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN preset TEXT NOT NULL DEFAULT 'quick';
      ALTER TABLE runs ADD COLUMN request_json TEXT;
      ALTER TABLE runs ADD COLUMN device TEXT;                 -- the device it queues on: cpu, cuda:0, mps
      ALTER TABLE runs ADD COLUMN base_model_path TEXT;
      ALTER TABLE runs ADD COLUMN prepared_dir TEXT;
      ALTER TABLE runs ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN total_steps INTEGER;
      ALTER TABLE runs ADD COLUMN train_loss REAL;
      ALTER TABLE runs ADD COLUMN val_loss REAL;
      ALTER TABLE runs ADD COLUMN active_seconds REAL NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN error_json TEXT;             -- { kind, message, logTail }
      ALTER TABLE runs ADD COLUMN adapter_path TEXT;
      ALTER TABLE runs ADD COLUMN checkpoint_step INTEGER;
      ALTER TABLE runs ADD COLUMN checkpoint_path TEXT;
      ALTER TABLE runs ADD COLUMN memory_estimate_bytes INTEGER;
      ALTER TABLE runs ADD COLUMN memory_peak_bytes INTEGER;
      UPDATE runs SET status = 'completed' WHERE status = 'done';
      CREATE INDEX runs_by_created ON runs(created_at);
      CREATE TABLE run_train_points (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        time REAL NOT NULL,                                    -- Unix seconds, as the runtime reports
        loss REAL,
        lr REAL NOT NULL,
        grad_norm REAL,
        tokens_per_second REAL NOT NULL,
        memory_bytes INTEGER,
        PRIMARY KEY (run_id, step)
      ) WITHOUT ROWID;
      CREATE TABLE run_eval_points (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        val_loss REAL,
        PRIMARY KEY (run_id, step)
      ) WITHOUT ROWID;
      CREATE TABLE run_samples (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        seq INTEGER NOT NULL,                                  -- order among the samples of one step
        prompt TEXT NOT NULL,
        output TEXT NOT NULL,
        reference TEXT,
        PRIMARY KEY (run_id, step, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: 'playground conversations',
    // A conversation names its model by library id and keeps its panes (base and adapters)
    // and sampling as JSON. Messages are ordered by `seq`; a comparison's answers to one turn
    // sit side by side after the question, one per pane (`pane_index`), each with the stats
    // of its generation. No foreign key to models: removing a model keeps its conversations
    // readable, and chatting in them then says the model is gone.
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        model_id TEXT NOT NULL,
        panes_json TEXT NOT NULL,
        system_prompt TEXT NOT NULL DEFAULT '',
        sampling_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX conversations_by_updated ON conversations(updated_at);
      CREATE TABLE conversation_messages (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content TEXT NOT NULL,
        pane_index INTEGER,
        stats_json TEXT,                                       -- ChatStats, for answers
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) WITHOUT ROWID;
    `,
  },
];

export const LATEST_VERSION = migrations.length;
