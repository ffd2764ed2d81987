/**
 * A training service on real parts: a real catalog in a temp folder, the real model and
 * dataset libraries (preparation tokenizes through node-llama-cpp in the built worker), real
 * hardware and Python discovery, and the real Python runtime with torch training the `tiny`
 * demo model. `restart` closes the service and opens a fresh one on the same data folder.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEntry, RunEvent, RunRequest, RunStatus } from '../../../../src-main/contract';
import { HardwareService } from '../../../../src-main/hardware/hardware-service';
import { runProcess } from '../../../../src-main/process/run-process';
import { PythonDiscovery } from '../../../../src-main/python/python-discovery';
import { RunService, type RunServiceDeps } from '../../../../src-main/training/runs/run-service';
import { datasetFixture, waitFor, writeDataset, type DatasetFixture } from '../../datasets/dataset-library-fixture';
import { makeDemoModel } from '../../helpers/demo-model';

export { waitFor } from '../../datasets/dataset-library-fixture';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const runtimeDir = join(repoRoot, 'python-runtime');
export const python = process.env.LATHE_PYTHON || '/usr/bin/python3';

export interface RunFixture {
  data: DatasetFixture;
  runs: RunService;
  events: RunEvent[];
  notifications: { title: string; body: string }[];
  modelId: string;
  datasetId: string;
  /** A request for a few steps of the tiny model on the fixture's dataset. */
  request(settings?: RunRequest['settings']): RunRequest;
  restart(overrides?: Partial<RunServiceDeps>): Promise<RunService>;
  close(): Promise<void>;
}

/** Question/answer rows the tiny model trains on in a few steps. */
export function qaJsonl(count: number): string {
  const rows: string[] = [];
  for (let i = 1; i <= count; i++) rows.push(JSON.stringify({ question: `What is ${i} plus ${i}?`, answer: `${i} plus ${i} is ${2 * i}.` }));
  return `${rows.join('\n')}\n`;
}

export async function runFixture(overrides: Partial<RunServiceDeps> = {}): Promise<RunFixture> {
  const data = await datasetFixture();
  const [model] = await data.models.addPaths([await makeDemoModel({ size: 'tiny' })]).then((result) => result.added);
  const [dataset] = await data.datasets.addPaths([writeDataset(data, 'qa.jsonl', qaJsonl(24))]);
  await waitFor('the dataset to be imported', () => data.datasets.get(dataset!.id).status === 'ready', 20_000);
  const hardware = new HardwareService({ runProcess, dataDir: data.dataDir });
  const pythonDiscovery = new PythonDiscovery({ runProcess, env: { ...process.env, LATHE_PYTHON: python }, platform: process.platform, dataDir: data.dataDir, runtimeDir });
  const build = (extra: Partial<RunServiceDeps>): RunService =>
    new RunService({
      db: data.catalog.db,
      dataDir: data.dataDir,
      runtimeDir,
      models: data.models,
      datasets: data.datasets,
      hardware,
      python: pythonDiscovery,
      spawn,
      notify: (title, body) => fixture.notifications.push({ title, body }),
      closeGraceMs: 15_000,
      ...overrides,
      ...extra,
    });
  const fixture: RunFixture = {
    data,
    runs: build({}),
    events: [],
    notifications: [],
    modelId: model!.id,
    datasetId: dataset!.id,
    request: (settings = {}) => ({
      modelId: model!.id,
      datasetId: dataset!.id,
      preset: 'quick',
      settings: { steps: 6, microBatchSize: 2, maxLength: 64, checkpointEvery: 2, evalEvery: 3, device: 'cpu', ...settings },
      prepare: { validationPercent: 20 },
    }),
    async restart(extra = {}) {
      await fixture.runs.close();
      fixture.runs = build(extra);
      fixture.runs.subscribe((event) => fixture.events.push(event));
      await fixture.runs.start();
      return fixture.runs;
    },
    async close() {
      await fixture.runs.close();
      await data.close();
    },
  };
  fixture.runs.subscribe((event) => fixture.events.push(event));
  await fixture.runs.start();
  return fixture;
}

export function waitForRun(runs: RunService, id: string, check: (run: RunEntry) => boolean, what: string, timeoutMs = 60_000): Promise<RunEntry> {
  return waitFor(`run ${id} ${what}`, () => {
    const run = runs.get(id).run;
    return check(run) ? run : undefined;
  }, timeoutMs);
}

export function waitForStatus(runs: RunService, id: string, status: RunStatus, timeoutMs = 60_000): Promise<RunEntry> {
  return waitForRun(runs, id, (run) => run.status === status, `to be ${status}`, timeoutMs);
}

/** The lines of a run's events.jsonl, parsed. */
export function eventsOf(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
