/**
 * Rows per second and time left for an import in progress, from what the reader reports.
 * Time left is judged by bytes, not rows: the number of rows is unknown until the end, and
 * bytes are what the reader works through.
 */
import type { DatasetEvent } from '../contract';
import type { InspectProgress } from './dataset-engine';

export type ImportProgressEvent = Extract<DatasetEvent, { type: 'import-progress' }>;

/** Below this much elapsed time a rate is noise (the first chunk is read from the page cache). */
const MIN_ELAPSED_MS = 200;

export function importProgressEvent(id: string, progress: InspectProgress, elapsedMs: number): ImportProgressEvent {
  const { rows, bytesDone, bytesTotal } = progress;
  const measurable = elapsedMs >= MIN_ELAPSED_MS;
  const seconds = elapsedMs / 1000;
  const bytesPerSecond = measurable && bytesDone > 0 ? bytesDone / seconds : null;
  return {
    type: 'import-progress',
    id,
    rows,
    bytesDone,
    bytesTotal,
    rowsPerSecond: measurable ? rows / seconds : 0,
    etaSeconds: bytesPerSecond === null ? null : Math.max(0, bytesTotal - bytesDone) / bytesPerSecond,
  };
}

/**
 * Lets through one report per interval (and always the first), so a reader that reports
 * every chunk does not flood the window with events.
 */
export function throttle<T>(intervalMs: number, now: () => number, send: (value: T) => void): (value: T) => void {
  let last = -Infinity;
  return (value) => {
    const at = now();
    if (at - last < intervalMs) return;
    last = at;
    send(value);
  };
}
