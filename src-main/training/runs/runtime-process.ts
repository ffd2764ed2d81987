/**
 * One training runtime process: `<python> -m lathe_runtime train --config run.json …` started
 * with an argument array (never a shell, DESIGN §6), its stdout read as event lines, its stderr
 * as log lines (also appended to the run's runtime.log), and control lines written to its stdin.
 * `exited` resolves once the process has ended and every line it wrote has been handed on.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** `child_process.spawn`, or a wrapper of it (tests add `prlimit` in front). */
export type SpawnProcess = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export type ControlCommand = 'pause' | 'resume' | 'stop' | 'checkpoint';

export interface RuntimeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the process could not start at all (no such interpreter…). */
  spawnError: string | null;
}

export interface RuntimeProcessOptions {
  spawn: SpawnProcess;
  python: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where stderr is appended; null keeps it in memory only. */
  logFile: string | null;
  onStdoutLine(line: string): void;
  onLogLine(line: string): void;
}

export class RuntimeProcess {
  readonly pid: number | null;
  readonly exited: Promise<RuntimeExit>;
  private readonly child: ChildProcess;
  private ended = false;

  constructor(options: RuntimeProcessOptions) {
    const log: WriteStream | null = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
    this.child = options.spawn(options.python, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.pid = this.child.pid ?? null;
    // Writing to a process that has just died raises EPIPE on the pipe; the exit says the rest.
    this.child.stdin?.on('error', () => undefined);
    const stdoutDone = this.child.stdout ? linesOf(this.child.stdout, options.onStdoutLine) : Promise.resolve();
    const stderrDone = this.child.stderr
      ? linesOf(this.child.stderr, (line) => {
          log?.write(`${line}\n`);
          options.onLogLine(line);
        })
      : Promise.resolve();
    this.exited = new Promise<RuntimeExit>((resolve) => {
      let spawnError: string | null = null;
      this.child.once('error', (error) => {
        spawnError = `${options.python}: ${error.message}`;
        // A process that never started emits no 'exit'.
        if (this.child.pid === undefined) resolve({ code: null, signal: null, spawnError });
      });
      this.child.once('exit', (code, signal) => {
        void Promise.all([stdoutDone, stderrDone]).then(() => resolve({ code, signal, spawnError }));
      });
    }).then(async (exit) => {
      this.ended = true;
      if (log) await new Promise<void>((done) => log.end(done));
      return exit;
    });
  }

  get running(): boolean {
    return !this.ended;
  }

  /** One control line on stdin; ignored once the process has ended. */
  send(command: ControlCommand): void {
    if (this.ended || !this.child.stdin || this.child.stdin.destroyed) return;
    this.child.stdin.write(`${command}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.ended) this.child.kill(signal);
  }
}

function linesOf(stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', onLine);
    lines.on('close', resolve);
  });
}
