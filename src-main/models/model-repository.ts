/**
 * The catalog's side of the model library: the `models` rows, the folders Lathe watches
 * and the files a person dismissed from a watched folder. Only this file writes SQL for
 * them; the library above it decides what to store.
 */
import type Database from 'better-sqlite3';
import type { ModelEntry, ModelFacts, ModelStatus } from '../contract';

export type WatchedFolderOrigin = 'folder' | 'lmstudio' | 'ollama';

export interface WatchedFolder {
  id: string;
  path: string;
  origin: WatchedFolderOrigin;
  addedAt: number;
}

/** A library entry as the catalog keeps it (the same shape the contract carries). */
export type StoredModel = ModelEntry;

interface ModelRow {
  id: string;
  name: string;
  path: string;
  owned: number;
  origin: ModelEntry['origin'];
  status: ModelStatus;
  problem: string | null;
  alias: string | null;
  metadata_json: string | null;
  sha256: string | null;
  added_at: number;
}

interface FolderRow {
  id: string;
  path: string;
  origin: WatchedFolderOrigin;
  added_at: number;
}

const MODEL_COLUMNS = 'id, name, path, owned, origin, status, problem, alias, metadata_json, sha256, added_at';

function prepareStatements(db: Database.Database) {
  return {
    all: db.prepare<[], ModelRow>(`SELECT ${MODEL_COLUMNS} FROM models ORDER BY name COLLATE NOCASE, path`),
    search: db.prepare<{ like: string }, ModelRow>(
      `SELECT ${MODEL_COLUMNS} FROM models
       WHERE name LIKE @like ESCAPE '\\' OR architecture LIKE @like ESCAPE '\\'
          OR path LIKE @like ESCAPE '\\' OR alias LIKE @like ESCAPE '\\'
       ORDER BY name COLLATE NOCASE, path`,
    ),
    byId: db.prepare<[string], ModelRow>(`SELECT ${MODEL_COLUMNS} FROM models WHERE id = ?`),
    byPath: db.prepare<[string], ModelRow>(`SELECT ${MODEL_COLUMNS} FROM models WHERE path = ?`),
    insert: db.prepare(
      `INSERT INTO models (id, name, path, owned, origin, status, problem, alias, architecture, parameter_count,
                           file_size, metadata_json, sha256, added_at)
       VALUES (@id, @name, @path, @owned, @origin, @status, @problem, @alias, @architecture, @parameterCount,
               @fileSize, @factsJson, @sha256, @addedAt)`,
    ),
    updateFacts: db.prepare(
      `UPDATE models SET name = @name, architecture = @architecture, parameter_count = @parameterCount,
                         file_size = @fileSize, metadata_json = @factsJson, status = 'ready', problem = NULL,
                         sha256 = @sha256
       WHERE id = @id`,
    ),
    setStatus: db.prepare('UPDATE models SET status = @status, problem = @problem WHERE id = @id'),
    setSha256: db.prepare('UPDATE models SET sha256 = @sha256 WHERE id = @id'),
    delete: db.prepare('DELETE FROM models WHERE id = ?'),
    folders: db.prepare<[], FolderRow>('SELECT id, path, origin, added_at FROM watched_folders ORDER BY added_at, path'),
    folderByPath: db.prepare<[string], FolderRow>('SELECT id, path, origin, added_at FROM watched_folders WHERE path = ?'),
    insertFolder: db.prepare('INSERT INTO watched_folders (id, path, origin, added_at) VALUES (@id, @path, @origin, @addedAt)'),
    dismiss: db.prepare('INSERT OR REPLACE INTO dismissed_model_files (path, dismissed_at) VALUES (?, ?)'),
    undismiss: db.prepare('DELETE FROM dismissed_model_files WHERE path = ?'),
    isDismissed: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM dismissed_model_files WHERE path = ?'),
  };
}

export class ModelRepository {
  // Prepared once: the watcher may update rows many times a second while a folder fills.
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  list(query?: string): StoredModel[] {
    const text = query?.trim() ?? '';
    const rows = text === '' ? this.statements.all.all() : this.statements.search.all({ like: `%${escapeLike(text)}%` });
    return rows.map(toModel);
  }

  get(id: string): StoredModel | null {
    const row = this.statements.byId.get(id);
    return row ? toModel(row) : null;
  }

  findByPath(path: string): StoredModel | null {
    const row = this.statements.byPath.get(path);
    return row ? toModel(row) : null;
  }

  /** Adding a file by hand also takes it off the dismissed list: the person wants it back. */
  insert(model: StoredModel): void {
    this.db.transaction(() => {
      this.statements.insert.run({ ...factColumns(model.facts), ...identity(model) });
      this.statements.undismiss.run(model.path);
    })();
  }

  /** New facts after the file was read again: it is `ready`, and its hash is what the caller says it now is. */
  updateFacts(id: string, facts: ModelFacts, sha256: string | null): void {
    this.statements.updateFacts.run({ id, sha256, ...factColumns(facts) });
  }

  setStatus(id: string, status: ModelStatus, problem: string | null): void {
    this.statements.setStatus.run({ id, status, problem });
  }

  setSha256(id: string, sha256: string): void {
    this.statements.setSha256.run({ id, sha256 });
  }

  /** Removes the row; `dismissPath` keeps a watched folder from adding the file straight back. */
  delete(id: string, dismissPath: { path: string; at: number } | null): void {
    this.db.transaction(() => {
      this.statements.delete.run(id);
      if (dismissPath) this.statements.dismiss.run(dismissPath.path, dismissPath.at);
    })();
  }

  isDismissed(path: string): boolean {
    return this.statements.isDismissed.get(path) !== undefined;
  }

  folders(): WatchedFolder[] {
    return this.statements.folders.all().map(toFolder);
  }

  findFolder(path: string): WatchedFolder | null {
    const row = this.statements.folderByPath.get(path);
    return row ? toFolder(row) : null;
  }

  addFolder(folder: WatchedFolder): void {
    this.statements.insertFolder.run(folder);
  }
}

function identity(model: StoredModel) {
  return {
    id: model.id,
    path: model.path,
    owned: model.owned ? 1 : 0,
    origin: model.origin,
    status: model.status,
    problem: model.problem,
    alias: model.alias,
    sha256: model.sha256,
    addedAt: model.addedAt,
  };
}

/** The columns kept beside the JSON so the catalog can be searched and sorted without parsing it. */
function factColumns(facts: ModelFacts | null) {
  return {
    name: facts?.displayName ?? '',
    architecture: facts?.architecture ?? null,
    parameterCount: facts?.parameterCount ?? null,
    fileSize: facts?.fileSizeBytes ?? null,
    factsJson: facts ? JSON.stringify(facts) : null,
  };
}

function toModel(row: ModelRow): StoredModel {
  return {
    id: row.id,
    path: row.path,
    owned: row.owned === 1,
    origin: row.origin,
    status: row.status,
    problem: row.problem,
    facts: row.metadata_json ? (JSON.parse(row.metadata_json) as ModelFacts) : null,
    sha256: row.sha256,
    addedAt: row.added_at,
    alias: row.alias,
  };
}

function toFolder(row: FolderRow): WatchedFolder {
  return { id: row.id, path: row.path, origin: row.origin, addedAt: row.added_at };
}

/** Search text is matched literally: `%` and `_` in a file name are not wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What crosses the contract. */
export function toModelEntry(model: StoredModel): ModelEntry {
  return { ...model };
}
