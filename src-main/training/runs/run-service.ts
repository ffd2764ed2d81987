/**
 * The training service (issue 6, "Lifecycle"): plans runs, prepares their data, queues them
 * one at a time per device, drives the Python runtime, and records every event in the run's
 * events.jsonl and the catalog. The parts: RunJournal (events → file, catalog, listeners),
 * RunScheduler (prepare → queue → launch → settle), RunQueue, RunTrainers (processes),
 * RunRecovery (start-up), run-rebuild.ts (the catalog from events.jsonl), run-speed.ts.
 */
import { randomUUID } from 'node:crypto';
import { spawn as spawnChild } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ACTIVE_RUN_STATUSES, LatheError, type RunDetail, type RunEntry, type RunEvent, type RunPlan, type RunRequest, type RunSpeed } from '../../contract';
import { tailOf } from './log-tail';
import { RUNTIME_LOG_FILE } from './run-event-log';
import type { AppEvent } from './run-history';
import { RunJournal } from './run-journal';
import { planFor, type PlanningSources } from './run-planning';
import { isSettled, newRunRecord, type RunRecord } from './run-record';
import { RunRepository } from './run-repository';
import { RunQueue, queueDeviceFor } from './run-queue';
import { rebuildFromEvents } from './run-rebuild';
import { RunRecovery } from './run-recovery';
import { RunTrainers } from './run-trainers';
import { trainerEnv } from './run-launch';
import { RunScheduler } from './run-scheduler';
import { measureRunSpeed } from './run-speed';
import type { SpawnProcess } from './runtime-process';

export interface RunServiceDeps extends PlanningSources {
  db: Database.Database;
  dataDir: string;
  /** python-runtime/ (put on PYTHONPATH). */
  runtimeDir: string;
  spawn?: SpawnProcess;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds since the epoch. */
  clock?: () => number;
  newId?: () => string;
  /** A desktop notification when a run ends (the Electron shell); the web UI shows a toast instead. */
  notify?: (title: string, body: string) => void;
  logError?: (context: string, error: unknown) => void;
  /** How long `close` waits for trainers to checkpoint and stop before killing them (default 20 s). */
  closeGraceMs?: number;
  /** Catalog batching of chart points (default 250 ms). */
  flushMs?: number;
}

export class RunService {
  private readonly repo: RunRepository;
  private readonly journal: RunJournal;
  private readonly queue = new RunQueue();
  private readonly trainers: RunTrainers;
  private readonly recovery: RunRecovery;
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly scheduler: RunScheduler;
  private readonly speedTrials = new Set<AbortController>();
  private readonly clock: () => number;
  private readonly newId: () => string;
  private closed = false;

  constructor(private readonly deps: RunServiceDeps) {
    this.clock = deps.clock ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    this.repo = new RunRepository(deps.db);
    this.journal = new RunJournal({ repo: this.repo, emit: (event) => this.emit(event), queuePosition: (id) => this.queue.position(id), flushMs: deps.flushMs });
    this.recovery = new RunRecovery({ repo: this.repo, journal: this.journal, runsDir: this.runsDir, now: () => this.now(), logError: deps.logError });
    this.trainers = new RunTrainers({
      journal: this.journal,
      spawn: deps.spawn ?? spawnChild,
      env: trainerEnv(deps.env ?? process.env, deps.runtimeDir),
      now: () => this.now(),
      onEnded: (id) => this.scheduler.settle(id),
    });
    this.scheduler = new RunScheduler({
      sources: deps,
      journal: this.journal,
      queue: this.queue,
      trainers: this.trainers,
      orphanGone: (id) => this.recovery.orphanGone(id),
      emit: (event) => this.emit(event),
      now: () => this.now(),
      closed: () => this.closed,
      notify: deps.notify,
      logError: deps.logError,
    });
  }

  private get runsDir(): string {
    return join(this.deps.dataDir, 'runs');
  }

  /** Recovery at start-up: runs left active become `interrupted`; folders the catalog lacks are rebuilt. */
  async start(): Promise<void> {
    await mkdir(this.runsDir, { recursive: true });
    await this.recovery.recover();
  }

  async plan(request: RunRequest): Promise<RunPlan> {
    return (await planFor(this.deps, request)).plan;
  }

  async startRun(request: RunRequest): Promise<RunEntry> {
    const { plan, model, dataset, python } = await planFor(this.deps, request);
    assertStartable(plan);
    const id = this.newId();
    const dir = join(this.runsDir, id);
    await mkdir(dir, { recursive: true });
    const run = newRunRecord({ id, dir, request, plan, model, dataset, device: queueDeviceFor(plan.settings.device, python), createdAt: this.clock() });
    const { status: _status, pid: _pid, dir: _dir, ...created } = run;
    this.journal.openRun(run);
    this.journal.record(id, { event: 'created', time: this.now(), run: created });
    void this.scheduler.prepareThenQueue(id, false);
    return this.entry(id);
  }

  list(): RunEntry[] {
    return this.repo.list().map((stored) => this.journal.entry(this.journal.get(stored.id) ?? stored));
  }

  get(id: string): RunDetail {
    const record = this.require(id);
    if (this.journal.isOpen(id)) this.journal.flush(id);
    return { run: this.journal.entry(record), metrics: this.repo.metrics(id), samples: this.repo.samples(id), logTail: this.journal.logTail(id) ?? logTailOnDisk(record.dir) };
  }

  async pause(id: string): Promise<RunEntry> {
    const run = this.require(id);
    if (run.status === 'paused') return this.entry(id);
    if (run.status !== 'running' && run.status !== 'starting') throw notNow(run, 'paused');
    this.trainers.send(id, 'pause');
    return this.entry(id);
  }

  async resume(id: string): Promise<RunEntry> {
    const run = this.require(id);
    if (run.status === 'paused') {
      this.trainers.send(id, 'resume');
      return this.entry(id);
    }
    if (run.status === 'running' || run.status === 'starting') return this.entry(id);
    if (!this.journal.entry(run).resumable) throw notNow(run, 'resumed');
    await this.recovery.orphanGone(id);
    this.journal.openRun(this.require(id));
    const ready = run.preparedDir !== null && existsSync(join(run.preparedDir, 'manifest.json'));
    if (ready) this.scheduler.enqueue(id, true);
    else {
      this.record(id, { event: 'status', time: this.now(), status: 'preparing' });
      void this.scheduler.prepareThenQueue(id, true);
    }
    return this.entry(id);
  }

  async stop(id: string): Promise<RunEntry> {
    const run = this.require(id);
    if (run.status === 'preparing' || run.status === 'queued') {
      this.queue.remove(id);
      this.record(id, { event: 'status', time: this.now(), status: 'stopped' });
      this.scheduler.settle(id);
    } else if (run.status === 'starting' || run.status === 'running' || run.status === 'paused') {
      this.trainers.stop(id);
    } else if (run.status !== 'stopping') {
      throw notNow(run, 'stopped');
    }
    return this.entry(id);
  }

  async remove(id: string): Promise<{ removed: boolean }> {
    const run = this.journal.get(id);
    if (run === null) return { removed: false };
    if (ACTIVE_RUN_STATUSES.includes(run.status)) {
      throw new LatheError('invalid_input', `${run.name} is ${run.status}. Stop it before removing it.`);
    }
    await this.recovery.orphanGone(id);
    this.journal.closeRun(id);
    this.repo.delete(id);
    await rm(run.dir, { recursive: true, force: true });
    this.emit({ type: 'removed', id });
    return { removed: true };
  }

  /** Replaces the run's catalog rows with what `dir`/events.jsonl holds (run-rebuild.ts); null when it holds no run. */
  rebuildFromEvents(dir: string): RunEntry | null {
    const record = rebuildFromEvents(this.repo, dir);
    if (record === null) return null;
    const entry = this.journal.entry(record);
    this.emit({ type: 'changed', run: entry });
    return entry;
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the run is completed, stopped, failed or interrupted. */
  whenSettled(id: string): Promise<RunEntry> {
    const run = this.require(id);
    if (isSettled(run.status) && !this.trainers.has(id)) return Promise.resolve(this.journal.entry(run));
    return this.scheduler.nextSettled(id);
  }

  /** A few real steps of the planned run in a scratch folder, timed (run-speed.ts); cancelled by `close`. */
  async measureSpeed(request: RunRequest): Promise<RunSpeed> {
    const planned = await planFor(this.deps, request);
    assertStartable(planned.plan);
    const controller = new AbortController();
    this.speedTrials.add(controller);
    try {
      return await measureRunSpeed(
        { ...this.deps, spawn: this.deps.spawn ?? spawnChild, env: this.deps.env ?? process.env, dir: join(this.runsDir, `.speed-${this.newId()}`), signal: controller.signal },
        planned,
        request,
      );
    } finally {
      this.speedTrials.delete(controller);
    }
  }

  /** Stops active runs (they checkpoint and are marked interrupted), waits briefly, then kills what is left. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const trial of this.speedTrials) trial.abort();
    await this.trainers.closeAll(this.deps.closeGraceMs ?? 20_000);
    await this.recovery.close();
    for (const id of this.journal.openIds()) this.journal.closeRun(id);
    this.listeners.clear();
  }

  private record(id: string, event: AppEvent): void {
    if (!this.journal.isOpen(id)) this.journal.openRun(this.require(id));
    this.journal.record(id, event);
  }

  private emit(event: RunEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logError?.('run listener', error);
      }
    }
  }

  private entry(id: string): RunEntry {
    return this.journal.entry(this.require(id));
  }

  private require(id: string): RunRecord {
    const run = this.journal.get(id);
    if (run === null) throw new LatheError('not_found', `There is no run ${id}.`);
    return run;
  }

  /** Unix seconds, as events.jsonl keeps them. */
  private now(): number {
    return this.clock() / 1000;
  }
}

function assertStartable(plan: RunPlan): void {
  if (plan.problems.length > 0) {
    throw new LatheError('invalid_input', `The run cannot start: ${plan.problems.join(' ')}`, plan.problems.join('\n'));
  }
}

function notNow(run: RunRecord, what: string): LatheError {
  return new LatheError('invalid_input', `${run.name} is ${run.status}; it cannot be ${what} now.`);
}

function logTailOnDisk(dir: string): string[] {
  const file = join(dir, RUNTIME_LOG_FILE);
  return existsSync(file) ? tailOf(readFileSync(file, 'utf8')) : [];
}
