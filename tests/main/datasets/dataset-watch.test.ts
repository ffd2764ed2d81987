/**
 * Imported files are watched (real chokidar): a file changed on disk makes its entry stale
 * until it is re-imported, a deleted one makes it missing, and one put back as it was is
 * ready again. What happened while Lathe was closed is noticed at the next start.
 */
import { appendFileSync, copyFileSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { chatJsonl, closeDatasetFixtures, datasetFixture, waitForStatus, writeDataset } from './dataset-library-fixture';

afterEach(closeDatasetFixtures);

async function importedFile(rows = 10) {
  const fixture = await datasetFixture();
  const path = writeDataset(fixture, 'chat.jsonl', chatJsonl(rows));
  const [entry] = await fixture.datasets.addPaths([path]);
  await waitForStatus(fixture.datasets, entry!.id, 'ready');
  return { fixture, path, id: entry!.id };
}

describe('a watched dataset file', () => {
  it('that changes on disk makes the entry stale; re-importing reads the new content', async () => {
    const { fixture, path, id } = await importedFile(10);
    appendFileSync(path, chatJsonl(2));
    const stale = await waitForStatus(fixture.datasets, id, 'stale');
    expect(stale.problem).toMatch(/changed on disk/);
    expect(stale.inspection?.rows).toBe(10); // the report is the old one until re-imported
    await expect(fixture.datasets.prepare(id, 'no-model', { maxLength: 64, overlong: 'truncate', lossOn: 'assistant', validationPercent: 0, seed: 0, dropDuplicates: false, template: 'model' })).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringContaining('stale'),
    });

    await fixture.datasets.reimport(id);
    const fresh = await waitForStatus(fixture.datasets, id, 'ready');
    expect(fresh.inspection?.rows).toBe(12);
    expect(fresh.problem).toBeNull();
  });

  it('that is deleted makes the entry missing; put back unchanged, it is ready again', async () => {
    const { fixture, path, id } = await importedFile();
    const backup = `${path}.bak`;
    copyFileSync(path, backup);
    const { mtime } = statSync(path);
    rmSync(path);
    const missing = await waitForStatus(fixture.datasets, id, 'missing');
    expect(missing.problem).toContain(path);
    await expect(fixture.datasets.preview(id, 0, 1)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(fixture.datasets.reimport(id)).rejects.toMatchObject({ kind: 'not_found' });

    // Put back as it was, times and all, in one step (a rename), so the watcher sees the file whole.
    utimesSync(backup, mtime, mtime);
    renameSync(backup, path);
    const back = await waitForStatus(fixture.datasets, id, 'ready');
    expect(back.problem).toBeNull();
  });

  it('that comes back with other content is stale', async () => {
    const { fixture, path, id } = await importedFile();
    rmSync(path);
    await waitForStatus(fixture.datasets, id, 'missing');
    writeFileSync(path, chatJsonl(3));
    const stale = await waitForStatus(fixture.datasets, id, 'stale');
    expect(stale.problem).toMatch(/not the file Lathe read/);
  });

  it('is checked again at start: changed while Lathe was closed → stale, gone → missing, back → ready', async () => {
    const { fixture, path, id } = await importedFile();
    const bytes = readFileSync(path);
    const { mtime } = statSync(path);
    await fixture.datasets.close();

    appendFileSync(path, chatJsonl(1));
    let library = await fixture.restart();
    expect(library.get(id)).toMatchObject({ status: 'stale' });

    rmSync(path);
    library = await fixture.restart();
    expect(library.get(id)).toMatchObject({ status: 'missing' });

    writeFileSync(path, bytes);
    utimesSync(path, mtime, mtime);
    library = await fixture.restart();
    // The very file that was read (same size and time): the report is true of it again.
    expect(library.get(id)).toMatchObject({ status: 'ready', problem: null });
  });

  it('an import left unfinished by a crash is read again at start', async () => {
    const { fixture, id } = await importedFile();
    // As a crash mid-import leaves it.
    fixture.catalog.db.prepare("UPDATE datasets SET status = 'importing' WHERE id = ?").run(id);
    const library = await fixture.restart();
    expect(library.get(id).status).toBe('importing');
    await waitForStatus(library, id, 'ready');
  });
});
