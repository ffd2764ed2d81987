/**
 * The catalog's side of the dataset library: the `datasets` rows. Only this file writes SQL
 * for them; the library above it decides what to store. The inspection is kept as JSON with
 * its problem list cut to the first few (every problem is in the dataset's problems.jsonl),
 * and the file's size and modification time as it was read, so a change made while Lathe was
 * closed is noticed at the next start.
 */
import type Database from 'better-sqlite3';
import type { ColumnMapping, DatasetEntry, DatasetInspection, DatasetStatus } from '../contract';

/** How many problems an entry carries to the page; `datasets.problems` has them all. */
export const PROBLEMS_IN_ENTRY = 100;

/** The file as it was when it was last read completely. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** A library entry as the catalog keeps it: what the contract carries, and the file's stamp. */
export interface StoredDataset extends DatasetEntry {
  stamp: FileStamp | null;
}

interface DatasetRow {
  id: string;
  name: string;
  path: string;
  owned: number;
  status: DatasetStatus;
  problem: string | null;
  inspection_json: string | null;
  mapping_json: string | null;
  file_size: number | null;
  file_mtime_ms: number | null;
  added_at: number;
}

const COLUMNS = 'id, name, path, owned, status, problem, inspection_json, mapping_json, file_size, file_mtime_ms, added_at';

function prepareStatements(db: Database.Database) {
  return {
    all: db.prepare<[], DatasetRow>(`SELECT ${COLUMNS} FROM datasets ORDER BY added_at, name COLLATE NOCASE, id`),
    byId: db.prepare<[string], DatasetRow>(`SELECT ${COLUMNS} FROM datasets WHERE id = ?`),
    inPlaceByPath: db.prepare<[string], DatasetRow>(`SELECT ${COLUMNS} FROM datasets WHERE path = ? AND owned = 0 ORDER BY added_at LIMIT 1`),
    insert: db.prepare(
      `INSERT INTO datasets (id, name, path, owned, status, problem, mapping_json, added_at)
       VALUES (@id, @name, @path, @owned, @status, @problem, @mappingJson, @addedAt)`,
    ),
    setStatus: db.prepare('UPDATE datasets SET status = @status, problem = @problem WHERE id = @id'),
    setInspection: db.prepare(
      `UPDATE datasets SET inspection_json = @inspectionJson, format = @format, shape = @shape, row_count = @rows,
                           content_hash = @contentHash, file_size = @size, file_mtime_ms = @mtimeMs,
                           status = @status, problem = @problem
       WHERE id = @id`,
    ),
    setMapping: db.prepare('UPDATE datasets SET mapping_json = @mappingJson WHERE id = @id'),
    delete: db.prepare('DELETE FROM datasets WHERE id = ?'),
  };
}

export class DatasetRepository {
  // Prepared once: an import in progress updates its row, and the watcher may too.
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  list(): StoredDataset[] {
    return this.statements.all.all().map(toDataset);
  }

  get(id: string): StoredDataset | null {
    const row = this.statements.byId.get(id);
    return row ? toDataset(row) : null;
  }

  /** The entry for a file imported in place at `path`, if there is one. */
  findInPlace(path: string): StoredDataset | null {
    const row = this.statements.inPlaceByPath.get(path);
    return row ? toDataset(row) : null;
  }

  insert(dataset: Pick<DatasetEntry, 'id' | 'name' | 'path' | 'owned' | 'status' | 'problem' | 'mapping' | 'addedAt'>): void {
    this.statements.insert.run({
      id: dataset.id,
      name: dataset.name,
      path: dataset.path,
      owned: dataset.owned ? 1 : 0,
      status: dataset.status,
      problem: dataset.problem,
      mappingJson: dataset.mapping ? JSON.stringify(dataset.mapping) : null,
      addedAt: dataset.addedAt,
    });
  }

  setStatus(id: string, status: DatasetStatus, problem: string | null): void {
    this.statements.setStatus.run({ id, status, problem });
  }

  /** A completed read: the inspection (its problem list cut short), the file as read, and the status it leaves. */
  setInspection(id: string, inspection: DatasetInspection, stamp: FileStamp, status: DatasetStatus, problem: string | null): void {
    this.statements.setInspection.run({
      id,
      inspectionJson: JSON.stringify({ ...inspection, problems: inspection.problems.slice(0, PROBLEMS_IN_ENTRY) }),
      format: inspection.format,
      shape: inspection.detection.shape,
      rows: inspection.rows,
      contentHash: inspection.contentHash,
      size: stamp.size,
      mtimeMs: stamp.mtimeMs,
      status,
      problem,
    });
  }

  setMapping(id: string, mapping: ColumnMapping | null): void {
    this.statements.setMapping.run({ id, mappingJson: mapping ? JSON.stringify(mapping) : null });
  }

  delete(id: string): void {
    this.statements.delete.run(id);
  }
}

function toDataset(row: DatasetRow): StoredDataset {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    owned: row.owned === 1,
    status: row.status,
    problem: row.problem,
    inspection: row.inspection_json ? (JSON.parse(row.inspection_json) as DatasetInspection) : null,
    mapping: row.mapping_json ? (JSON.parse(row.mapping_json) as ColumnMapping) : null,
    addedAt: row.added_at,
    stamp: row.file_size !== null && row.file_mtime_ms !== null ? { size: row.file_size, mtimeMs: row.file_mtime_ms } : null,
  };
}

/** What crosses the contract (the stamp stays inside). */
export function toDatasetEntry(dataset: StoredDataset): DatasetEntry {
  const { stamp: _stamp, ...entry } = dataset;
  return entry;
}
