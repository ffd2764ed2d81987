/**
 * What a run's events.jsonl holds and how it becomes the run's record. The file interleaves the
 * runtime's own events (runtime-event.ts) with the app's lifecycle events (`created`, `status`,
 * `prepared`, `launched`, `failed`), and `applyRunEvent` folds either kind into the record. The
 * live service and `rebuildFromEvents` use this one function, so a rebuilt run equals the one
 * the catalog held.
 */
import type { RunError, RunErrorKind, RunSample, RunStatus } from '../../contract';
import type { RunRecord } from './run-record';
import type { EvalPoint, TrainPoint } from './run-repository';
import { parseRuntimeEvent, type RuntimeEvent } from './runtime-event';

/** The app's lifecycle events; `time` is Unix seconds, as the runtime writes it. */
export type AppEvent =
  | { event: 'created'; time: number; run: Omit<RunRecord, 'status' | 'pid' | 'dir'> }
  | { event: 'status'; time: number; status: RunStatus }
  | { event: 'prepared'; time: number; preparedDir: string; baseModelPath: string }
  | { event: 'launched'; time: number; pid: number | null; resume: boolean }
  | { event: 'failed'; time: number; error: RunError };

export type RunHistoryEvent = RuntimeEvent | AppEvent;

const APP_EVENTS = new Set(['created', 'status', 'prepared', 'launched', 'failed']);

/** One line of events.jsonl; null for a line that is neither kind (a torn last line after a crash). */
export function parseHistoryLine(line: string): RunHistoryEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value === 'object' && value !== null && APP_EVENTS.has((value as { event?: unknown }).event as string)) {
    return value as AppEvent;
  }
  return parseRuntimeEvent(line);
}

/** What an event adds besides the record's fields: a chart point or a sample. */
export interface EventOutcome {
  train?: TrainPoint;
  eval?: EvalPoint;
  sample?: RunSample;
}

const RUNTIME_ERROR_KINDS: readonly RunErrorKind[] = ['config', 'unsupported_model', 'out_of_memory', 'data', 'internal'];

/** The run's error kind for a runtime `error` event: `disk_full` when that is its cause. */
export function errorKindOf(kind: string, cause: string | null): RunErrorKind {
  if (cause === 'disk_full') return 'disk_full';
  return RUNTIME_ERROR_KINDS.includes(kind as RunErrorKind) ? (kind as RunErrorKind) : 'internal';
}

const ms = (seconds: number): number => Math.round(seconds * 1000);

/**
 * Folds `event` into `run` (mutated in place) and says what else it carries. `created` needs
 * `dir` from the caller, since the file does not name its own folder.
 */
export function applyRunEvent(run: RunRecord, event: RunHistoryEvent): EventOutcome {
  switch (event.event) {
    case 'created':
      Object.assign(run, event.run);
      run.status = 'preparing';
      return {};
    case 'status':
      run.status = event.status;
      if (event.status === 'queued' || event.status === 'preparing') {
        run.error = null;
        run.endedAt = null;
      }
      if (['stopped', 'interrupted', 'completed'].includes(event.status)) {
        run.endedAt = ms(event.time);
        run.pid = null;
      }
      return {};
    case 'prepared':
      run.preparedDir = event.preparedDir;
      run.baseModelPath = event.baseModelPath;
      return {};
    case 'launched':
      run.status = 'starting';
      run.pid = event.pid;
      return {};
    case 'failed':
      run.status = 'failed';
      run.error = event.error;
      run.endedAt = ms(event.time);
      run.pid = null;
      return {};
    case 'start':
      run.status = 'running';
      run.startedAt ??= ms(event.time);
      run.totalSteps = event.totalSteps;
      return {};
    case 'step': {
      run.step = event.step;
      if (event.totalSteps !== null) run.totalSteps = event.totalSteps;
      run.trainLoss = event.loss;
      if (event.elapsedSeconds !== null) run.activeSeconds = event.elapsedSeconds;
      if (event.memoryBytes !== null) run.memoryPeakBytes = Math.max(run.memoryPeakBytes ?? 0, event.memoryBytes);
      const train: TrainPoint = {
        step: event.step,
        time: event.time,
        loss: event.loss,
        lr: event.lr,
        gradNorm: event.gradNorm,
        tokensPerSecond: event.tokensPerSecond ?? 0,
        memoryBytes: event.memoryBytes,
      };
      return { train };
    }
    case 'eval':
      run.valLoss = event.valLoss;
      return { eval: { step: event.step, valLoss: event.valLoss } };
    case 'checkpoint':
      run.lastCheckpoint = { step: event.step, path: event.path };
      run.adapterPath = event.adapter ?? run.adapterPath;
      return {};
    case 'sample':
      return { sample: { step: event.step, prompt: event.prompt, output: event.output, reference: event.reference } };
    case 'paused':
      if (run.status !== 'stopping') run.status = 'paused';
      return {};
    case 'resumed':
      if (run.status !== 'stopping') run.status = 'running';
      return {};
    case 'done':
      run.status = event.status;
      run.step = event.step;
      run.endedAt = ms(event.time);
      run.pid = null;
      run.adapterPath = event.adapter ?? run.adapterPath;
      if (event.checkpoint !== null) run.lastCheckpoint = { step: event.step, path: event.checkpoint };
      run.trainLoss = event.trainLoss ?? run.trainLoss;
      run.valLoss = event.valLoss ?? run.valLoss;
      if (event.elapsedSeconds !== null) run.activeSeconds = event.elapsedSeconds;
      return {};
    case 'error':
      // The run becomes `failed` when the process has exited (the app's `failed` event, with
      // the log tail); until then the error is kept so the exit is reported with its kind.
      run.error = { kind: errorKindOf(event.kind, event.cause), message: event.message, logTail: [] };
      return {};
  }
}
