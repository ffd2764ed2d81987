/**
 * Where every change to a run goes: appended to its events.jsonl first, folded into its record
 * (run-history.ts), written to the catalog, and announced to listeners. Chart points from a
 * fast run are written in batches (one transaction per `flushMs`, or sooner after
 * `maxPending` points) so SQLite is not asked for a commit per step; any other event writes
 * at once, together with the points before it.
 */
import type { RunEntry, RunEvent, RunSample } from '../../contract';
import { applyRunEvent, type RunHistoryEvent } from './run-history';
import { appendRunEvent } from './run-event-log';
import { LogTail } from './log-tail';
import { toRunEntry, type RunRecord } from './run-record';
import type { EvalPoint, RunRepository, TrainPoint } from './run-repository';
import { StepEta } from './step-eta';

interface Pending {
  train: TrainPoint[];
  eval: EvalPoint[];
  samples: RunSample[];
}

interface OpenRun {
  record: RunRecord;
  pending: Pending;
  flushTimer: NodeJS.Timeout | null;
  eta: StepEta;
  log: LogTail;
  logBatch: string[];
  logTimer: NodeJS.Timeout | null;
}

export interface RunJournalDeps {
  repo: RunRepository;
  emit(event: RunEvent): void;
  queuePosition(id: string): number | null;
  flushMs?: number;
  maxPending?: number;
}

export class RunJournal {
  private readonly open = new Map<string, OpenRun>();
  private readonly flushMs: number;
  private readonly maxPending: number;

  constructor(private readonly deps: RunJournalDeps) {
    this.flushMs = deps.flushMs ?? 250;
    this.maxPending = deps.maxPending ?? 200;
  }

  /** The run's current record (kept in memory while it is open), or null when unknown. */
  get(id: string): RunRecord | null {
    return this.open.get(id)?.record ?? this.deps.repo.get(id);
  }

  entry(record: RunRecord): RunEntry {
    const open = this.open.get(record.id);
    return toRunEntry(record, { queuePosition: this.deps.queuePosition(record.id), etaSeconds: open?.eta.secondsLeft(record.totalSteps) ?? null });
  }

  /** Keeps the run in memory (while it prepares, waits or trains); a new run's record is written first. */
  openRun(record: RunRecord): RunRecord {
    const existing = this.open.get(record.id);
    if (existing) return existing.record;
    this.open.set(record.id, {
      record,
      pending: { train: [], eval: [], samples: [] },
      flushTimer: null,
      eta: new StepEta(),
      log: new LogTail(),
      logBatch: [],
      logTimer: null,
    });
    return record;
  }

  /** Writes what is pending and forgets the run's in-memory state. */
  closeRun(id: string): void {
    const open = this.open.get(id);
    if (!open) return;
    this.flush(id);
    this.flushLog(id);
    this.open.delete(id);
  }

  isOpen(id: string): boolean {
    return this.open.has(id);
  }

  openIds(): string[] {
    return [...this.open.keys()];
  }

  logTail(id: string): string[] | null {
    return this.open.get(id)?.log.snapshot() ?? null;
  }

  /**
   * Records one event of an open run. `line` is the runtime's own line, appended as it was
   * written; app events are appended as JSON.
   */
  record(id: string, event: RunHistoryEvent, line?: string): RunRecord {
    const open = this.open.get(id);
    if (!open) throw new Error(`run ${id} is not open`);
    appendRunEvent(open.record.dir, line ?? event);
    const outcome = applyRunEvent(open.record, event);
    if (event.event === 'start' || event.event === 'paused' || event.event === 'resumed') open.eta.reset();
    if (outcome.train) {
      open.pending.train.push(outcome.train);
      open.eta.addStep(outcome.train.step, outcome.train.time);
      this.deps.emit({ type: 'metrics', id, train: outcome.train });
    }
    if (outcome.eval) {
      open.pending.eval.push(outcome.eval);
      this.deps.emit({ type: 'metrics', id, eval: outcome.eval });
    }
    if (outcome.sample) {
      open.pending.samples.push(outcome.sample);
      this.deps.emit({ type: 'sample', id, sample: outcome.sample });
    }
    const isPoint = event.event === 'step' || event.event === 'eval' || event.event === 'sample';
    const count = open.pending.train.length + open.pending.eval.length + open.pending.samples.length;
    if (!isPoint || count >= this.maxPending) this.flush(id);
    else open.flushTimer ??= setTimeout(() => this.flush(id), this.flushMs);
    return open.record;
  }

  /** One stderr line of the run's runtime: kept in the tail, sent to the live view in batches. */
  log(id: string, line: string): void {
    const open = this.open.get(id);
    if (!open) return;
    open.log.push(line);
    open.logBatch.push(line);
    open.logTimer ??= setTimeout(() => this.flushLog(id), this.flushMs);
  }

  /** Writes the record and its pending points in one transaction, then says it changed. */
  flush(id: string): void {
    const open = this.open.get(id);
    if (!open) return;
    if (open.flushTimer) clearTimeout(open.flushTimer);
    open.flushTimer = null;
    const { record, pending } = open;
    const { repo } = this.deps;
    repo.transaction(() => {
      repo.save(record);
      for (const point of pending.train) repo.addTrainPoint(id, point);
      for (const point of pending.eval) repo.addEvalPoint(id, point);
      for (const sample of pending.samples) repo.addSample(id, sample);
    });
    open.pending = { train: [], eval: [], samples: [] };
    this.deps.emit({ type: 'changed', run: this.entry(record) });
  }

  private flushLog(id: string): void {
    const open = this.open.get(id);
    if (!open) return;
    if (open.logTimer) clearTimeout(open.logTimer);
    open.logTimer = null;
    if (open.logBatch.length === 0) return;
    const lines = open.logBatch;
    open.logBatch = [];
    this.deps.emit({ type: 'log', id, lines });
  }
}
