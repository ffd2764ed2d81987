/**
 * A model library on a real catalog in a temp folder, reading real GGUF files with the real
 * header reader. The GGUF files are demo models made by the Python runtime (nothing can be
 * downloaded here, DESIGN §7), copied so tests may move and delete them.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openCatalog, type Catalog } from '../../../src-main/catalog/catalog';
import type { ModelEntry, ModelEvent } from '../../../src-main/contract';
import { inspectGguf } from '../../../src-main/models/gguf/inspect-gguf';
import { ModelLibrary, type ModelLibraryDeps } from '../../../src-main/models/model-library';
import { makeDemoModel } from '../helpers/demo-model';

export interface LibraryFixture {
  root: string;
  dataDir: string;
  catalog: Catalog;
  library: ModelLibrary;
  events: ModelEvent[];
  /** Closes this library and opens a new one on the same catalog file (an app restart). */
  restart(overrides?: Partial<ModelLibraryDeps>): Promise<ModelLibrary>;
  close(): Promise<void>;
}

const openFixtures: LibraryFixture[] = [];

export async function libraryFixture(overrides: Partial<ModelLibraryDeps> = {}): Promise<LibraryFixture> {
  const root = mkdtempSync(join(tmpdir(), 'lathe-models-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const catalogFile = join(dataDir, 'catalog.sqlite');
  const home = join(root, 'home');
  mkdirSync(home);
  const build = (catalog: Catalog, extra: Partial<ModelLibraryDeps>): ModelLibrary =>
    new ModelLibrary({
      db: catalog.db,
      dataDir,
      inspect: inspectGguf,
      discoveryInputs: { env: {}, platform: 'linux', home },
      // Short, so watch tests wait a fraction of a second for a copy to settle, not 2 s.
      writeSettleMs: 300,
      ...overrides,
      ...extra,
    });
  const fixture: LibraryFixture = {
    root,
    dataDir,
    catalog: openCatalog(catalogFile),
    library: undefined as unknown as ModelLibrary,
    events: [],
    async restart(extra = {}) {
      await fixture.library.close();
      fixture.catalog.close();
      fixture.catalog = openCatalog(catalogFile);
      fixture.library = build(fixture.catalog, extra);
      fixture.library.subscribe((event) => fixture.events.push(event));
      await fixture.library.start();
      return fixture.library;
    },
    async close() {
      await fixture.library.close();
      fixture.catalog.close();
    },
  };
  fixture.library = build(fixture.catalog, {});
  fixture.library.subscribe((event) => fixture.events.push(event));
  await fixture.library.start();
  openFixtures.push(fixture);
  return fixture;
}

/** Closes every fixture a test opened (call from afterEach). */
export async function closeFixtures(): Promise<void> {
  for (const fixture of openFixtures.splice(0)) await fixture.close();
}

/** A copy of a real demo GGUF at `path`. */
export async function placeGguf(path: string, options: Parameters<typeof makeDemoModel>[0] = {}): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(await makeDemoModel(options), path);
  return path;
}

/** Polls until `check` returns a value (not undefined/false), or fails with what it was waiting for. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function byPath(library: ModelLibrary, path: string): ModelEntry | undefined {
  return library.list().find((m) => m.path === path);
}
