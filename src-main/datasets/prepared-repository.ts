/**
 * The catalog's side of prepared data: the `prepared_datasets` rows. A row is found by its
 * cache key (dataset hash + tokenizer fingerprint + template + options, DESIGN §3) and is
 * shared by every dataset entry with the same content and mapping (`dataset_hash`); its
 * `dataset_id` is the entry that made it, handed on when that entry is removed.
 */
import type Database from 'better-sqlite3';
import type { PreparedSummary } from '../contract';

/** What a row keeps: the summary without the parts that depend on who asks (the entry, whether it was reused). */
export type StoredSummary = Omit<PreparedSummary, 'id' | 'datasetId' | 'cached'>;

export interface StoredPrepared {
  id: string;
  datasetId: string;
  modelId: string | null;
  cacheKey: string;
  dir: string;
  datasetHash: string;
  summary: StoredSummary;
  createdAt: number;
}

interface PreparedRow {
  id: string;
  dataset_id: string;
  model_id: string | null;
  cache_key: string;
  dir: string;
  dataset_hash: string | null;
  summary_json: string | null;
  created_at: number;
}

const COLUMNS = 'id, dataset_id, model_id, cache_key, dir, dataset_hash, summary_json, created_at';

function prepareStatements(db: Database.Database) {
  return {
    byKey: db.prepare<[string], PreparedRow>(`SELECT ${COLUMNS} FROM prepared_datasets WHERE cache_key = ?`),
    byDatasetHash: db.prepare<[string], PreparedRow>(`SELECT ${COLUMNS} FROM prepared_datasets WHERE dataset_hash = ? ORDER BY created_at DESC, id`),
    byDataset: db.prepare<[string], PreparedRow>(`SELECT ${COLUMNS} FROM prepared_datasets WHERE dataset_id = ?`),
    all: db.prepare<[], PreparedRow>(`SELECT ${COLUMNS} FROM prepared_datasets`),
    insert: db.prepare(
      `INSERT INTO prepared_datasets (id, dataset_id, model_id, cache_key, dir, manifest_json, dataset_hash, summary_json, created_at)
       VALUES (@id, @datasetId, @modelId, @cacheKey, @dir, @manifestJson, @datasetHash, @summaryJson, @createdAt)`,
    ),
    handOn: db.prepare('UPDATE prepared_datasets SET dataset_id = @to WHERE id = @id'),
    delete: db.prepare('DELETE FROM prepared_datasets WHERE id = ?'),
  };
}

export class PreparedRepository {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  byKey(cacheKey: string): StoredPrepared | null {
    const row = this.statements.byKey.get(cacheKey);
    return row ? toPrepared(row) : null;
  }

  byDatasetHash(datasetHash: string): StoredPrepared[] {
    return this.statements.byDatasetHash.all(datasetHash).map(toPrepared);
  }

  madeBy(datasetId: string): StoredPrepared[] {
    return this.statements.byDataset.all(datasetId).map(toPrepared);
  }

  all(): StoredPrepared[] {
    return this.statements.all.all().map(toPrepared);
  }

  insert(prepared: StoredPrepared, manifest: unknown): void {
    this.statements.insert.run({
      id: prepared.id,
      datasetId: prepared.datasetId,
      modelId: prepared.modelId,
      cacheKey: prepared.cacheKey,
      dir: prepared.dir,
      manifestJson: JSON.stringify(manifest),
      datasetHash: prepared.datasetHash,
      summaryJson: JSON.stringify(prepared.summary),
      createdAt: prepared.createdAt,
    });
  }

  /** Gives a row to another entry with the same content, before the one that made it is removed. */
  handOn(id: string, toDatasetId: string): void {
    this.statements.handOn.run({ id, to: toDatasetId });
  }

  delete(id: string): void {
    this.statements.delete.run(id);
  }
}

function toPrepared(row: PreparedRow): StoredPrepared {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    modelId: row.model_id,
    cacheKey: row.cache_key,
    dir: row.dir,
    datasetHash: row.dataset_hash ?? '',
    summary: JSON.parse(row.summary_json ?? '{}') as StoredSummary,
    createdAt: row.created_at,
  };
}
