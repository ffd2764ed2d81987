/**
 * Putting runs back in order when the service starts (issue 6, "Lifecycle"). A run left
 * queued, preparing or training by an app that died is rebuilt from its events.jsonl (the
 * catalog may lag it by one batch), given the newest finished checkpoint its folder holds, and
 * marked `interrupted`; its trainer, if it outlived the app, is stopped before the run may
 * resume. Run folders the catalog does not list are rebuilt from their events.jsonl.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ACTIVE_RUN_STATUSES } from '../../contract';
import { EVENTS_FILE } from './run-event-log';
import type { RunJournal } from './run-journal';
import type { RunHistoryEvent } from './run-history';
import { latestCheckpointOnDisk, rebuildFromEvents, unlistedRunDirs } from './run-rebuild';
import type { RunRepository } from './run-repository';
import { stopOrphanTrainer } from './orphan-trainer';

export interface RunRecoveryDeps {
  repo: RunRepository;
  journal: RunJournal;
  runsDir: string;
  /** Unix seconds. */
  now: () => number;
  logError?: (context: string, error: unknown) => void;
  orphanGraceMs?: number;
}

export class RunRecovery {
  private readonly orphans = new Map<string, Promise<void>>();

  constructor(private readonly deps: RunRecoveryDeps) {}

  async recover(): Promise<void> {
    const { repo, runsDir, logError } = this.deps;
    const listed = new Set(repo.list().map((run) => basename(run.dir)));
    for (const dir of unlistedRunDirs(runsDir, listed)) {
      try {
        rebuildFromEvents(repo, dir);
      } catch (error) {
        logError?.(`rebuilding the run in ${dir}`, error);
      }
    }
    for (const left of repo.listByStatus(ACTIVE_RUN_STATUSES)) {
      const run = existsSync(join(left.dir, EVENTS_FILE)) ? (rebuildFromEvents(repo, left.dir) ?? left) : left;
      const pid = run.pid;
      this.once(run.id, [...this.checkpointFound(run.id), { event: 'status', time: this.deps.now(), status: 'interrupted' }]);
      if (pid !== null) {
        const stopped = stopOrphanTrainer(pid, run.dir, { graceMs: this.deps.orphanGraceMs })
          // What it wrote while stopping (its final checkpoint) never reached events.jsonl.
          .then(() => this.once(run.id, this.checkpointFound(run.id)))
          .catch((error: unknown) => logError?.(`stopping the trainer left by run ${run.id}`, error));
        this.orphans.set(run.id, stopped);
      }
    }
  }

  /** Resolves once no trainer the dead app left is running in the run's folder. */
  async orphanGone(id: string): Promise<void> {
    await this.orphans.get(id);
    this.orphans.delete(id);
  }

  async close(): Promise<void> {
    await Promise.all(this.orphans.values());
  }

  /** A `checkpoint` event for a finished checkpoint on disk newer than the run's record knows. */
  private checkpointFound(id: string): RunHistoryEvent[] {
    const run = this.deps.journal.get(id);
    if (run === null) return [];
    const found = latestCheckpointOnDisk(run.dir);
    if (found === null || (run.lastCheckpoint !== null && run.lastCheckpoint.step >= found.step)) return [];
    return [{ event: 'checkpoint', time: this.deps.now(), step: found.step, path: found.path, adapter: join(found.path, 'adapter.gguf') }];
  }

  private once(id: string, events: RunHistoryEvent[]): void {
    const { journal } = this.deps;
    if (events.length === 0) return;
    const open = journal.isOpen(id);
    const run = journal.get(id);
    if (run === null) return;
    if (!open) journal.openRun(run);
    for (const event of events) journal.record(id, event);
    if (!open) journal.closeRun(id);
  }
}
