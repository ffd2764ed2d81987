/**
 * A run's way from asked-for to settled: its dataset prepared for the model (progress passed
 * on), a place in its device's queue, its trainer launched when the device is free, and, when
 * it ends, the device handed to the next run, the `finished` event, the desktop notification
 * and anyone waiting told.
 */
import { LatheError, type RunEntry, type RunEvent } from '../../contract';
import { chooseThreads } from '../../hardware/choose-threads';
import { prepareOptionsFor, runJsonFor } from '../plan';
import type { AppEvent } from './run-history';
import type { RunJournal } from './run-journal';
import { writeRunConfig } from './run-launch';
import type { PlanningSources } from './run-planning';
import type { RunQueue } from './run-queue';
import type { RunRecord } from './run-record';
import type { RunTrainers } from './run-trainers';

export interface RunSchedulerDeps {
  sources: PlanningSources;
  journal: RunJournal;
  queue: RunQueue;
  trainers: RunTrainers;
  /** Resolves once no trainer left by a dead app runs in the run's folder. */
  orphanGone(id: string): Promise<void>;
  emit(event: RunEvent): void;
  /** Unix seconds. */
  now(): number;
  closed(): boolean;
  notify?: (title: string, body: string) => void;
  logError?: (context: string, error: unknown) => void;
}

export class RunScheduler {
  private readonly waiters = new Map<string, Set<(entry: RunEntry) => void>>();

  constructor(private readonly deps: RunSchedulerDeps) {}

  /** Resolves with the entry at the run's next settling. */
  nextSettled(id: string): Promise<RunEntry> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      set.add(resolve);
      this.waiters.set(id, set);
    });
  }

  async prepareThenQueue(id: string, resume: boolean): Promise<void> {
    const { sources, journal } = this.deps;
    const run = this.require(id);
    const unsubscribe = sources.datasets.subscribe?.((event) => {
      if (event.type === 'prepare-progress' && event.datasetId === run.datasetId && event.modelId === run.modelId) {
        this.deps.emit({ type: 'prepare-progress', id, examples: event.examples, total: event.total });
      }
    });
    // Stopped (or the app closing) while preparing: the preparation's end changes nothing.
    const stillPreparing = (): boolean => !this.deps.closed() && journal.get(id)?.status === 'preparing';
    try {
      const model = sources.models.get(run.modelId);
      const prepared = await sources.datasets.prepare(run.datasetId, run.modelId, prepareOptionsFor(run.settings, run.request, model.facts));
      if (!stillPreparing()) return;
      this.record(id, { event: 'prepared', time: this.deps.now(), preparedDir: prepared.dir, baseModelPath: model.path });
      this.enqueue(id, resume);
    } catch (error) {
      if (!stillPreparing()) return;
      const message = error instanceof LatheError ? error.message : `Preparing the dataset failed: ${String(error)}`;
      if (!(error instanceof LatheError)) this.deps.logError?.('preparing a run', error);
      this.record(id, { event: 'failed', time: this.deps.now(), error: { kind: 'prepare', message, logTail: [] } });
      this.settle(id);
    } finally {
      unsubscribe?.();
    }
  }

  enqueue(id: string, resume: boolean): void {
    const run = this.require(id);
    this.deps.trainers.markResume(id, resume);
    this.deps.queue.enqueue(run.device, id);
    this.record(id, { event: 'status', time: this.deps.now(), status: 'queued' });
    this.pump(run.device);
  }

  /** A run reached a settled status: its device is free, listeners and waiters hear of it. */
  settle(id: string): void {
    const { journal, queue } = this.deps;
    const run = journal.get(id);
    if (run === null) return;
    queue.finished(run.device, id);
    const entry = journal.entry(run);
    journal.closeRun(id);
    if (run.status === 'completed' || run.status === 'stopped' || run.status === 'failed') {
      this.deps.emit({ type: 'finished', run: entry });
      this.notifyFinished(entry);
    }
    const waiting = this.waiters.get(id);
    this.waiters.delete(id);
    for (const resolve of waiting ?? []) resolve(entry);
    if (!this.deps.closed()) this.pump(run.device);
  }

  /** Starts the next waiting run on `device` when none is training there. */
  private pump(device: string): void {
    const { queue, journal } = this.deps;
    const id = queue.next(device);
    if (id === null) return;
    this.record(id, { event: 'status', time: this.deps.now(), status: 'starting' });
    void this.launch(id).catch((error: unknown) => {
      this.deps.logError?.('starting a run', error);
      if (this.deps.trainers.has(id)) return;
      this.record(id, { event: 'failed', time: this.deps.now(), error: { kind: 'internal', message: `The run could not start: ${String(error)}`, logTail: [] } });
      this.settle(id);
    });
    // The others' places in the queue moved up.
    for (const waiting of queue.waitingIds()) journal.flush(waiting);
  }

  private async launch(id: string): Promise<void> {
    const { sources } = this.deps;
    const run = this.require(id);
    await this.deps.orphanGone(id);
    const [python, hardware] = await Promise.all([sources.python.report(), sources.hardware.report()]);
    if (this.deps.closed()) return;
    if (python.python === null || run.preparedDir === null || run.baseModelPath === null) {
      const message = python.python === null ? (python.advice ?? 'No Python with torch was found.') : 'The run has no prepared data; start it again.';
      this.record(id, { event: 'failed', time: this.deps.now(), error: { kind: 'config', message, logTail: [] } });
      this.settle(id);
      return;
    }
    const paths = { baseModel: run.baseModelPath, data: run.preparedDir, outputDir: run.dir };
    await writeRunConfig(run.dir, runJsonFor(run.settings, paths, { threads: chooseThreads(hardware) }));
    this.deps.trainers.launch(id, python.python, run.dir);
  }

  private notifyFinished(run: RunEntry): void {
    const what = run.status === 'completed' ? 'finished' : run.status;
    const loss = run.trainLoss === null ? '' : `, loss ${run.trainLoss.toFixed(3)}`;
    const body = run.error ? run.error.message : `Step ${run.step}${run.totalSteps ? ` of ${run.totalSteps}` : ''}${loss}.`;
    try {
      this.deps.notify?.(`${run.name} ${what}`, body);
    } catch (error) {
      this.deps.logError?.('notification', error);
    }
  }

  private record(id: string, event: AppEvent): void {
    const { journal } = this.deps;
    if (!journal.isOpen(id)) journal.openRun(this.require(id));
    journal.record(id, event);
  }

  private require(id: string): RunRecord {
    const run = this.deps.journal.get(id);
    if (run === null) throw new LatheError('not_found', `There is no run ${id}.`);
    return run;
  }
}
