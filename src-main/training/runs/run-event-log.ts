/**
 * A run's append-only `events.jsonl` (DESIGN §5): every runtime event line as the runtime wrote
 * it, and the app's lifecycle events, one JSON object a line. Each line is appended
 * synchronously: once `appendRunEvent` returns the line is the operating system's, so a main
 * process killed a moment later loses nothing it had received. (An append costs tens of
 * microseconds; a fast run emits a few hundred events a second at most.)
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EVENTS_FILE = 'events.jsonl';
export const RUNTIME_LOG_FILE = 'runtime.log';

/** `entry` is written as it is when a string (a runtime line), else as JSON. */
export function appendRunEvent(dir: string, entry: string | object): void {
  const line = typeof entry === 'string' ? entry.replace(/\r?\n$/, '') : JSON.stringify(entry);
  appendFileSync(join(dir, EVENTS_FILE), `${line}\n`);
}

/** The lines of a run's events.jsonl (empty when it has none). */
export function readEventLines(dir: string): string[] {
  const file = join(dir, EVENTS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
