/**
 * A dataset library on a real catalog in a temp folder, with the real readers, real chokidar,
 * and the real preparing worker (out/main/dataset-prepare-worker.js, built by the suite's
 * global set-up). Models come from a real model library on the same catalog, so preparation
 * tokenizes with a real demo GGUF through node-llama-cpp.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCatalog, type Catalog } from '../../../src-main/catalog/catalog';
import type { DatasetEntry, DatasetEvent, DatasetStatus, PrepareOptions } from '../../../src-main/contract';
import { DatasetLibrary, type DatasetLibraryDeps } from '../../../src-main/datasets/dataset-library';
import { inspectDataset, readDatasetRows } from '../../../src-main/datasets/inspect-dataset';
import { preparationEngine } from '../../../src-main/datasets/prepare-engine';
import { assertLoadable } from '../../../src-main/inference/assert-loadable';
import { inspectGguf } from '../../../src-main/models/gguf/inspect-gguf';
import { ModelLibrary } from '../../../src-main/models/model-library';
import { waitFor } from '../models/library-fixture';

export { waitFor } from '../models/library-fixture';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const prepareWorkerPath = join(repoRoot, 'out/main/dataset-prepare-worker.js');

export interface DatasetFixture {
  root: string;
  dataDir: string;
  catalog: Catalog;
  models: ModelLibrary;
  datasets: DatasetLibrary;
  events: DatasetEvent[];
  /** Closes the library and opens a new one on the same catalog file (an app restart). */
  restart(overrides?: Partial<DatasetLibraryDeps>): Promise<DatasetLibrary>;
  close(): Promise<void>;
}

const open: DatasetFixture[] = [];

export async function datasetFixture(overrides: Partial<DatasetLibraryDeps> = {}): Promise<DatasetFixture> {
  if (!existsSync(prepareWorkerPath)) throw new Error(`${prepareWorkerPath} is missing: run \`npm run build\`.`);
  const root = mkdtempSync(join(tmpdir(), 'lathe-datasets-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const catalogFile = join(dataDir, 'catalog.sqlite');
  const catalog = openCatalog(catalogFile);
  const models = new ModelLibrary({ db: catalog.db, dataDir, inspect: inspectGguf, discoveryInputs: { env: {}, platform: 'linux', home: root } });
  await models.start();
  const build = (db: Catalog, extra: Partial<DatasetLibraryDeps>): DatasetLibrary =>
    new DatasetLibrary({
      db: db.db,
      dataDir,
      inspect: inspectDataset,
      readRows: readDatasetRows,
      prepare: preparationEngine(prepareWorkerPath),
      models: { get: (id) => fixture.models.get(id), assertLoadable },
      // Every progress report is an event: tests count them.
      progressIntervalMs: 0,
      ...overrides,
      ...extra,
    });
  const fixture: DatasetFixture = {
    root,
    dataDir,
    catalog,
    models,
    datasets: build(catalog, {}),
    events: [],
    async restart(extra = {}) {
      await fixture.datasets.close();
      await fixture.models.close();
      fixture.catalog.close();
      fixture.catalog = openCatalog(catalogFile);
      fixture.models = new ModelLibrary({ db: fixture.catalog.db, dataDir, inspect: inspectGguf, discoveryInputs: { env: {}, platform: 'linux', home: root } });
      await fixture.models.start();
      fixture.datasets = build(fixture.catalog, extra);
      fixture.datasets.subscribe((event) => fixture.events.push(event));
      await fixture.datasets.start();
      return fixture.datasets;
    },
    async close() {
      await fixture.datasets.close();
      await fixture.models.close();
      fixture.catalog.close();
    },
  };
  fixture.datasets.subscribe((event) => fixture.events.push(event));
  await fixture.datasets.start();
  open.push(fixture);
  return fixture;
}

export async function closeDatasetFixtures(): Promise<void> {
  for (const fixture of open.splice(0)) await fixture.close();
}

/** Writes `text` to `name` under a fresh folder of the fixture's root and returns the path. */
export function writeDataset(fixture: { root: string }, name: string, text: string | Buffer): string {
  const dir = mkdtempSync(join(fixture.root, 'files-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `count` chat rows as JSONL, with the 1-based lines in `badLines` replaced by broken JSON. */
export function chatJsonl(count: number, badLines: readonly number[] = []): string {
  const lines: string[] = [];
  for (let line = 1; line <= count; line++) {
    lines.push(
      badLines.includes(line)
        ? '{"messages": [ this is not JSON'
        : JSON.stringify({ messages: [{ role: 'user', content: `What is ${line} + ${line}?` }, { role: 'assistant', content: `It is ${2 * line}.` }] }),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function waitForStatus(datasets: DatasetLibrary, id: string, status: DatasetStatus, timeoutMs = 20_000): Promise<DatasetEntry> {
  return waitFor(
    `dataset ${id} to be ${status}`,
    () => {
      const entry = datasets.list().find((d) => d.id === id);
      return entry?.status === status ? entry : undefined;
    },
    timeoutMs,
  );
}

export function prepareOptions(overrides: Partial<PrepareOptions> = {}): PrepareOptions {
  return { maxLength: 256, overlong: 'truncate', lossOn: 'assistant', validationPercent: 10, seed: 0, dropDuplicates: true, template: 'model', ...overrides };
}

/** A promise with its resolve function outside, to hold an import at a known point. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
