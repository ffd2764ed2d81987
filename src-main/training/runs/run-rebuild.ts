/**
 * A run's catalog rows from its events.jsonl alone (DESIGN §5: the database can always be
 * rebuilt from it), and what the run folder itself says: which checkpoints are finished, which
 * folders the catalog does not list.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSample } from '../../contract';
import { applyRunEvent, parseHistoryLine } from './run-history';
import { readEventLines } from './run-event-log';
import type { RunRecord } from './run-record';
import type { EvalPoint, RunRepository, TrainPoint } from './run-repository';

export interface RebuiltRun {
  record: RunRecord;
  train: TrainPoint[];
  eval: EvalPoint[];
  samples: RunSample[];
}

/** The run recorded in `dir`'s events.jsonl, or null when it has no `created` event. */
export function replayEvents(dir: string): RebuiltRun | null {
  let record: RunRecord | null = null;
  const train = new Map<number, TrainPoint>();
  const evals = new Map<number, EvalPoint>();
  const samples: RunSample[] = [];
  for (const line of readEventLines(dir)) {
    const event = parseHistoryLine(line);
    if (event === null) continue;
    if (event.event === 'created') record = { ...event.run, status: 'preparing', pid: null, dir };
    if (record === null) continue;
    const outcome = applyRunEvent(record, event);
    // A step reported twice (a resume repeats the steps after its checkpoint) keeps the later report, as the catalog does.
    if (outcome.train) train.set(outcome.train.step, outcome.train);
    if (outcome.eval) evals.set(outcome.eval.step, outcome.eval);
    if (outcome.sample) samples.push(outcome.sample);
  }
  if (record === null) return null;
  const byStep = <T extends { step: number }>(points: Iterable<T>): T[] => [...points].sort((a, b) => a.step - b.step);
  return { record, train: byStep(train.values()), eval: byStep(evals.values()), samples };
}

/** Replaces the run's catalog rows with what its events.jsonl holds; null when the file has no run. */
export function rebuildFromEvents(repo: RunRepository, dir: string): RunRecord | null {
  const rebuilt = replayEvents(dir);
  if (rebuilt === null) return null;
  const { record } = rebuilt;
  repo.transaction(() => {
    repo.delete(record.id);
    repo.save(record);
    for (const point of rebuilt.train) repo.addTrainPoint(record.id, point);
    for (const point of rebuilt.eval) repo.addEvalPoint(record.id, point);
    for (const sample of rebuilt.samples) repo.addSample(record.id, sample);
  });
  return record;
}

/** Run folders under `runsDir` that the catalog does not list (names starting with `.` are scratch). */
export function unlistedRunDirs(runsDir: string, listed: ReadonlySet<string>): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !listed.has(entry.name))
    .map((entry) => join(runsDir, entry.name));
}

/** The run's most advanced finished checkpoint on disk (the runtime's rule: a `step-N` folder holding state.pt). */
export function latestCheckpointOnDisk(dir: string): { step: number; path: string } | null {
  const folder = join(dir, 'checkpoints');
  if (!existsSync(folder)) return null;
  let best: { step: number; path: string } | null = null;
  for (const name of readdirSync(folder)) {
    const match = /^step-(\d{8,})$/.exec(name);
    if (!match || !existsSync(join(folder, name, 'state.pt'))) continue;
    const step = Number(match[1]);
    if (best === null || step > best.step) best = { step, path: join(folder, name) };
  }
  return best;
}
