/** How runs read on the Train and Runs pages: durations, losses, statuses. */
import type { RunStatus } from '../../../src-main/contract';

/** Elapsed or estimated time, exact enough to compare runs: "45 s", "3 min 12 s", "2 h 05 min". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Losses to four significant figures: enough to tell runs apart, not so many that they flicker. */
export function formatLoss(loss: number | null): string {
  if (loss === null || !Number.isFinite(loss)) return '—';
  return loss.toPrecision(4);
}

export function formatLearningRate(lr: number): string {
  return Number.isFinite(lr) ? lr.toExponential(2) : '—';
}

export const STATUS_COLOR: Record<RunStatus, string> = {
  queued: 'gray',
  preparing: 'cyan',
  starting: 'cyan',
  running: 'blue',
  paused: 'yellow',
  stopping: 'orange',
  completed: 'green',
  stopped: 'gray',
  failed: 'red',
  interrupted: 'orange',
};

export function formatCreated(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
