/**
 * Preparing a dataset for one model, and rendering rows as that model will see them. The
 * prepared files go to `<dataDir>/prepared/<key>/` (written to a temporary folder first, then
 * renamed) and are cached by (dataset hash, tokenizer fingerprint, template, options), DESIGN
 * §3: asking again for the same returns the stored summary at once, marked `cached`. The
 * dataset hash is the file's content hash together with the mapping, so a new mapping or a
 * changed file prepares afresh.
 *
 * Only models the library lists as ready, and whose header says llama.cpp can load them,
 * are tokenized: llama.cpp aborts its whole process on some missing keys (DESIGN §2).
 */
import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { LatheError, type DatasetEvent, type ModelEntry, type PreparedSummary, type PrepareOptions, type RenderedExample } from '../contract';
import type { ReadDatasetRows } from './dataset-engine';
import { preparedRoot } from './dataset-files';
import type { ReadDataset } from './dataset-guards';
import type { DatasetRepository, StoredDataset } from './dataset-repository';
import { throttle } from './import-rate';
import { PreparedRepository, type StoredPrepared, type StoredSummary } from './prepared-repository';
import type { PrepareEngine } from './prepare-engine';

export type { PrepareEngine } from './prepare-engine';

/** Rows sent to be rendered for the preview at most. */
const MAX_RENDERED_ROWS = 50;

/** The model library as preparation uses it, and the check in front of llama.cpp. */
export interface PreparationModels {
  get(id: string): ModelEntry;
  assertLoadable(path: string): Promise<void>;
}

export interface DatasetPreparationDeps {
  db: Database.Database;
  dataDir: string;
  datasets: DatasetRepository;
  readRows: ReadDatasetRows;
  engine: PrepareEngine;
  models: PreparationModels;
  clock: () => number;
  newId: () => string;
  emit: (event: DatasetEvent) => void;
  progressIntervalMs: number;
}


interface PrepareJob {
  cacheKey: string;
  controller: AbortController;
  result: Promise<PreparedSummary>;
}

export class DatasetPreparation {
  private readonly prepared: PreparedRepository;
  private readonly jobs = new Map<string, PrepareJob>();

  constructor(private readonly deps: DatasetPreparationDeps) {
    this.prepared = new PreparedRepository(deps.db);
  }

  async prepare(dataset: ReadDataset, modelId: string, options: PrepareOptions): Promise<PreparedSummary> {
    const model = await this.loadableModel(modelId);
    const datasetHash = datasetHashOf(dataset);
    const { cacheKey } = await this.deps.engine.identity({ modelPath: model.path, options, datasetHash, shape: mappingOf(dataset).shape });
    const jobKey = jobKeyOf(dataset.id, modelId);
    const running = this.jobs.get(jobKey);
    if (running) {
      if (running.cacheKey === cacheKey) return running.result;
      throw new LatheError('invalid_input', `${dataset.name} is already being prepared for this model with other settings. Wait for it, or cancel it first.`);
    }
    const cached = await this.cached(cacheKey);
    if (cached) return toSummary(cached, dataset.id, true);

    const controller = new AbortController();
    const result = this.run({ dataset, model, options, datasetHash, cacheKey, signal: controller.signal }).finally(() => {
      if (this.jobs.get(jobKey)?.controller === controller) this.jobs.delete(jobKey);
    });
    this.jobs.set(jobKey, { cacheKey, controller, result });
    return result;
  }

  async render(dataset: ReadDataset, modelId: string, offset: number, limit: number, options: PrepareOptions): Promise<RenderedExample[]> {
    const model = await this.loadableModel(modelId);
    const mapping = mappingOf(dataset);
    const rows = [];
    for await (const row of this.deps.readRows(dataset.path, dataset.inspection, mapping, { offset, limit: Math.min(limit, MAX_RENDERED_ROWS) })) rows.push(row);
    return this.deps.engine.render({ rows, modelPath: model.path, options, shape: mapping.shape });
  }

  /** False when nothing was being prepared for this dataset and model. */
  cancel(datasetId: string, modelId: string): boolean {
    const job = this.jobs.get(jobKeyOf(datasetId, modelId));
    job?.controller.abort();
    return job !== undefined;
  }

  /** Everything prepared from this entry's content and mapping, newest first. */
  listFor(dataset: StoredDataset): PreparedSummary[] {
    if (dataset.inspection === null) return [];
    return this.prepared.byDatasetHash(datasetHashOf({ ...dataset, inspection: dataset.inspection })).map((row) => toSummary(row, dataset.id, true));
  }

  /** Stops this dataset's preparations and waits for them to end. */
  async stopAll(datasetId: string): Promise<void> {
    const mine = [...this.jobs.entries()].filter(([key]) => key.startsWith(`${datasetId}\n`));
    for (const [, job] of mine) job.controller.abort();
    await Promise.allSettled(mine.map(([, job]) => job.result));
  }

  /**
   * Before an entry is removed: what it made is handed to another entry with the same content
   * and mapping, or deleted with its files when no entry shares it.
   */
  async forgetDataset(datasetId: string): Promise<void> {
    const others = this.deps.datasets.list().filter((d) => d.id !== datasetId && d.inspection !== null);
    for (const row of this.prepared.madeBy(datasetId)) {
      const heir = others.find((d) => d.inspection !== null && datasetHashOf({ ...d, inspection: d.inspection }) === row.datasetHash);
      if (heir) {
        this.prepared.handOn(row.id, heir.id);
      } else {
        this.prepared.delete(row.id);
        await rm(row.dir, { recursive: true, force: true });
      }
    }
  }

  async close(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.allSettled(jobs.map((job) => job.result));
  }

  private async run(input: { dataset: ReadDataset; model: ModelEntry; options: PrepareOptions; datasetHash: string; cacheKey: string; signal: AbortSignal }): Promise<PreparedSummary> {
    const { dataset, model, options, datasetHash, cacheKey, signal } = input;
    const dir = join(preparedRoot(this.deps.dataDir), dirNameOf(cacheKey));
    const report = throttle(this.deps.progressIntervalMs, this.deps.clock, (progress: { rows: number; total: number | null; examplesPerSecond: number }) =>
      this.deps.emit({ type: 'prepare-progress', datasetId: dataset.id, modelId: model.id, examples: progress.rows, total: progress.total, examplesPerSecond: progress.examplesPerSecond }),
    );
    const mapping = mappingOf(dataset);
    try {
      const made = await this.deps.engine.prepare({
        rows: this.deps.readRows(dataset.path, dataset.inspection, mapping, { offset: 0, signal }),
        modelPath: model.path,
        options,
        outDir: dir,
        datasetHash,
        shape: mapping.shape,
        totalRows: dataset.inspection.rows,
        signal,
        onProgress: report,
      });
      if (signal.aborted) throw cancelled();
      // Two entries with the same content may have prepared the same thing at once: the row already kept wins.
      const existing = this.prepared.byKey(cacheKey);
      if (existing) return toSummary(existing, dataset.id, true);
      const createdAt = this.deps.clock();
      const row: StoredPrepared = {
        id: this.deps.newId(),
        datasetId: dataset.id,
        modelId: model.id,
        cacheKey,
        dir,
        datasetHash,
        summary: {
          modelId: model.id,
          dir,
          options: made.options,
          tokenizerFingerprint: made.tokenizerFingerprint,
          examples: made.examples,
          tokens: made.tokens,
          lengths: made.lengths,
          overlong: made.overlong,
          dropped: made.dropped,
          createdAt,
        },
        createdAt,
      };
      this.prepared.insert(row, made.manifest);
      return toSummary(row, dataset.id, false);
    } catch (error) {
      if (signal.aborted) throw cancelled();
      throw error;
    }
  }

  /** The stored preparation for this key, when its files are still there (a row whose folder was deleted is dropped). */
  private async cached(cacheKey: string): Promise<StoredPrepared | null> {
    const row = this.prepared.byKey(cacheKey);
    if (!row) return null;
    if ((await stat(join(row.dir, 'manifest.json')).catch(() => null))?.isFile()) return row;
    this.prepared.delete(row.id);
    return null;
  }

  private async loadableModel(modelId: string): Promise<ModelEntry> {
    const model = this.deps.models.get(modelId);
    if (model.status !== 'ready') throw new LatheError('invalid_input', `The model is ${model.status}: ${model.problem ?? 'it cannot be used now.'}`);
    await this.deps.models.assertLoadable(model.path);
    return model;
  }
}

/** What the prepared data is made from: the file's bytes, and how its columns are read. */
export function datasetHashOf(dataset: ReadDataset): string {
  const digest = createHash('sha256').update(JSON.stringify([dataset.inspection.contentHash, mappingOf(dataset)]));
  return `sha256:${digest.digest('hex')}`;
}

function mappingOf(dataset: ReadDataset) {
  return dataset.mapping ?? dataset.inspection.detection.mapping;
}

function jobKeyOf(datasetId: string, modelId: string): string {
  return `${datasetId}\n${modelId}`;
}

/** A folder name from a cache key: the key itself when it is plain, its hash otherwise (`sha256:` has a colon Windows refuses). */
function dirNameOf(cacheKey: string): string {
  const plain = cacheKey.replace(/^sha256:/, '');
  return /^[A-Za-z0-9_-]{1,100}$/.test(plain) ? plain : createHash('sha256').update(cacheKey).digest('hex');
}

function toSummary(row: StoredPrepared, datasetId: string, cached: boolean): PreparedSummary {
  const summary: StoredSummary = row.summary;
  return { ...summary, id: row.id, datasetId, cached };
}

function cancelled(): LatheError {
  return new LatheError('cancelled', 'Preparing the dataset was cancelled.');
}
