/**
 * Reading dataset files in the background: one import per dataset at a time, with progress
 * events (rows, bytes, rows/s, time left), cancellable. An import reads the whole file once
 * (format, shape, every row's problems, the hash), then stores the inspection in the catalog
 * and every problem in problems.jsonl.
 *
 * Cancelling, decided here (DESIGN §3 leaves it open):
 * * a first import (nothing was ever read from the file) removes the entry, and an uploaded
 *   file with it: the person stopped adding it;
 * * a re-import or re-check (after a change, or a new mapping) leaves the last complete
 *   report in place and marks the entry `stale`, saying the report is out of date.
 * Either way nothing partial is kept: the report and problems.jsonl are written only when a
 * read completes.
 */
import { LatheError, type DatasetEvent } from '../contract';
import type { InspectDataset } from './dataset-engine';
import { fileStamp, sameStamp, writeProblems } from './dataset-files';
import type { DatasetRepository } from './dataset-repository';
import { importProgressEvent, throttle } from './import-rate';

/** Why an import was stopped: the person cancelled it, the app is closing, the entry is going, or a new import replaces it. */
type StopReason = 'cancel' | 'close' | 'remove' | 'restart';

export interface DatasetImportsDeps {
  dataDir: string;
  repo: DatasetRepository;
  inspect: InspectDataset;
  clock: () => number;
  emit: (event: DatasetEvent) => void;
  emitChanged: (id: string) => void;
  /** Removes an entry whose first import was cancelled (its owned file and folder too). */
  discard: (id: string) => Promise<void>;
  progressIntervalMs: number;
  logError?: ((context: string, error: unknown) => void) | undefined;
}

interface ImportJob {
  controller: AbortController;
  done: Promise<void>;
}

export const CHANGED_WHILE_READ = 'The file changed while Lathe was reading it. Re-import it once it is complete.';

export class DatasetImports {
  private readonly jobs = new Map<string, ImportJob>();

  constructor(private readonly deps: DatasetImportsDeps) {}

  isRunning(id: string): boolean {
    return this.jobs.has(id);
  }

  /** Marks the entry `importing` and reads its file in the background (an import under way is replaced). */
  async start(id: string): Promise<void> {
    await this.stop(id, 'restart');
    const dataset = this.deps.repo.get(id);
    if (!dataset) return;
    this.deps.repo.setStatus(id, 'importing', null);
    this.deps.emitChanged(id);
    const controller = new AbortController();
    const done = this.run(id, controller.signal).finally(() => {
      if (this.jobs.get(id)?.controller === controller) this.jobs.delete(id);
    });
    this.jobs.set(id, { controller, done });
  }

  /** Stops the import the person started; false when none was running. */
  async cancel(id: string): Promise<boolean> {
    if (!this.jobs.has(id)) return false;
    await this.stop(id, 'cancel');
    return true;
  }

  /** Stops an import because its entry is being removed, and waits until the file is no longer read. */
  forget(id: string): Promise<void> {
    return this.stop(id, 'remove');
  }

  /** Stops every import; entries stay `importing`, so the next start reads them again. */
  async close(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.stop(id, 'close')));
  }

  private async stop(id: string, reason: StopReason): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) return;
    job.controller.abort(reason);
    await job.done;
  }

  private async run(id: string, signal: AbortSignal): Promise<void> {
    const { repo, clock } = this.deps;
    const dataset = repo.get(id);
    if (!dataset) return;
    const started = clock();
    const report = throttle(this.deps.progressIntervalMs, clock, (event: DatasetEvent) => this.deps.emit(event));
    try {
      report(importProgressEvent(id, { rows: 0, bytesDone: 0, bytesTotal: dataset.stamp?.size ?? 0 }, 0));
      const before = await fileStamp(dataset.path);
      if (before === null) throw new LatheError('not_found', `The file ${dataset.path} is gone. Put it back, or remove this entry.`);
      const inspection = await this.deps.inspect(dataset.path, {
        ...(dataset.mapping ? { mapping: dataset.mapping } : {}),
        signal,
        onProgress: (progress) => report(importProgressEvent(id, progress, clock() - started)),
      });
      if (signal.aborted) throw new LatheError('cancelled', 'The import was cancelled.');
      const after = await fileStamp(dataset.path);
      await writeProblems(this.deps.dataDir, id, inspection.problems);
      if (signal.aborted || !repo.get(id)) throw new LatheError('cancelled', 'The import was cancelled.');
      const changed = !sameStamp(before, after);
      repo.setInspection(id, inspection, before, changed ? (after === null ? 'missing' : 'stale') : 'ready', changed ? CHANGED_WHILE_READ : null);
      this.deps.emit(importProgressEvent(id, { rows: inspection.rows, bytesDone: inspection.sizeBytes, bytesTotal: inspection.sizeBytes }, clock() - started));
      this.deps.emitChanged(id);
    } catch (error) {
      if (signal.aborted) await this.stopped(id, signal.reason as StopReason);
      else this.failed(id, error);
    }
  }

  private async stopped(id: string, reason: StopReason): Promise<void> {
    if (reason !== 'cancel') return;
    const dataset = this.deps.repo.get(id);
    if (!dataset) return;
    if (dataset.inspection === null) {
      await this.deps.discard(id);
      return;
    }
    this.deps.repo.setStatus(id, 'stale', 'The re-import was cancelled: the report below is from the last complete read, and may not match the file or mapping now.');
    this.deps.emitChanged(id);
  }

  private failed(id: string, error: unknown): void {
    if (!this.deps.repo.get(id)) return;
    if (!(error instanceof LatheError)) this.deps.logError?.(`importing dataset ${id}`, error);
    const message = error instanceof LatheError ? error.message : `Reading the file failed: ${error instanceof Error ? error.message : String(error)}`;
    const status = error instanceof LatheError && error.kind === 'not_found' ? 'missing' : 'failed';
    this.deps.repo.setStatus(id, status, message);
    this.deps.emitChanged(id);
  }
}
