/**
 * The trainer processes of active runs: started with the run's run.json, their event lines
 * recorded as they arrive, their log kept, and their end turned into the run's final status.
 * A runtime that exits without `done` failed: with its own error's kind when it reported one,
 * else `crashed`, and the last 50 lines of its log either way.
 */
import { join } from 'node:path';
import type { RunError } from '../../contract';
import { RUNTIME_LOG_FILE } from './run-event-log';
import type { RunJournal } from './run-journal';
import { trainerArgs } from './run-launch';
import { parseRuntimeEvent } from './runtime-event';
import { RuntimeProcess, type ControlCommand, type RuntimeExit, type SpawnProcess } from './runtime-process';

export interface RunTrainersDeps {
  journal: RunJournal;
  spawn: SpawnProcess;
  env: NodeJS.ProcessEnv;
  /** Unix seconds. */
  now: () => number;
  /** The process has ended and the run's final status is recorded. */
  onEnded(id: string): void;
}

export class RunTrainers {
  private readonly processes = new Map<string, RuntimeProcess>();
  private readonly resuming = new Set<string>();
  private readonly stopAsked = new Set<string>();
  private closing = false;

  constructor(private readonly deps: RunTrainersDeps) {}

  has(id: string): boolean {
    return this.processes.has(id);
  }

  /** Whether the run's next launch continues from its last checkpoint (`--resume`). */
  markResume(id: string, resume: boolean): void {
    if (resume) this.resuming.add(id);
    else this.resuming.delete(id);
  }

  launch(id: string, python: string, dir: string): void {
    const { journal } = this.deps;
    const runtime = new RuntimeProcess({
      spawn: this.deps.spawn,
      python,
      args: trainerArgs({ resume: this.resuming.has(id) }),
      cwd: dir,
      env: this.deps.env,
      logFile: join(dir, RUNTIME_LOG_FILE),
      onLogLine: (line) => journal.log(id, line),
      onStdoutLine: (line) => {
        const event = parseRuntimeEvent(line);
        // The runtime prints only events on stdout; anything else (a library's stray print) is log.
        if (event === null) journal.log(id, line);
        else journal.record(id, event, line);
      },
    });
    this.processes.set(id, runtime);
    journal.record(id, { event: 'launched', time: this.deps.now(), pid: runtime.pid, resume: this.resuming.has(id) });
    void runtime.exited.then((exit) => this.ended(id, exit));
  }

  send(id: string, command: ControlCommand): void {
    this.processes.get(id)?.send(command);
  }

  /** `stop` on stdin: the runtime checkpoints, then reports done(stopped). */
  stop(id: string): void {
    this.stopAsked.add(id);
    this.send(id, 'stop');
    this.deps.journal.record(id, { event: 'status', time: this.deps.now(), status: 'stopping' });
  }

  /** Asks every trainer to stop (they checkpoint), waits up to `graceMs`, then kills the rest. */
  async closeAll(graceMs: number): Promise<void> {
    this.closing = true;
    const running = [...this.processes.values()];
    for (const runtime of running) runtime.send('stop');
    const all = Promise.all(running.map((runtime) => runtime.exited));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    if ((await Promise.race([all, late])) === 'late') for (const runtime of running) runtime.kill();
    clearTimeout(timer);
    await all;
    // Let the exit handlers (queued behind `all`) record the final statuses.
    await new Promise((resolve) => setImmediate(resolve));
  }

  private ended(id: string, exit: RuntimeExit): void {
    const { journal } = this.deps;
    this.processes.delete(id);
    const run = journal.get(id);
    if (run !== null) {
      const time = this.deps.now();
      const finished = run.status === 'completed' || run.status === 'stopped';
      if (finished) {
        // Stopped because the app is closing, not by the person: it resumes like a crash.
        if (this.closing && run.status === 'stopped' && !this.stopAsked.has(id)) journal.record(id, { event: 'status', time, status: 'interrupted' });
      } else if (this.closing && run.error === null) {
        journal.record(id, { event: 'status', time, status: 'interrupted' });
      } else {
        const error: RunError = { ...(run.error ?? { kind: 'crashed', message: crashMessage(exit) }), logTail: journal.logTail(id) ?? [] };
        journal.record(id, { event: 'failed', time, error });
      }
    }
    this.stopAsked.delete(id);
    this.resuming.delete(id);
    this.deps.onEnded(id);
  }
}

function crashMessage(exit: RuntimeExit): string {
  if (exit.spawnError) return `The training runtime could not be started: ${exit.spawnError}.`;
  if (exit.signal) return `The training runtime was killed (${exit.signal}) before it finished. Resume the run from its last checkpoint, or look at the log below.`;
  return `The training runtime exited (code ${exit.code}) without reporting why. Resume the run from its last checkpoint, or look at the log below.`;
}
