/**
 * Uploads of datasets through the upload sessions (shared with models, one purpose per
 * session), and removing entries: an uploaded file is Lathe's and goes with its entry; a file
 * imported in place stays unless the person confirms deleting it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadSessions } from '../../../src-main/models/upload-sessions';
import { chatJsonl, closeDatasetFixtures, datasetFixture, waitForStatus, writeDataset } from './dataset-library-fixture';

afterEach(closeDatasetFixtures);

async function* chunks(...parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield part;
}

async function withUploads() {
  const fixture = await datasetFixture();
  const uploads = new UploadSessions({ dataDir: fixture.dataDir, library: fixture.models, finishers: { dataset: (upload) => fixture.datasets.adoptUpload(upload) } });
  await uploads.start();
  return { fixture, uploads };
}

describe('dataset uploads', () => {
  it('go through the shared upload sessions into the dataset’s own folder, owned, then imported', async () => {
    const { fixture, uploads } = await withUploads();
    const bytes = Buffer.from(chatJsonl(30, [7]));
    const session = await uploads.begin({ fileName: '../my data.jsonl', size: bytes.length, purpose: 'dataset' });
    const half = Math.floor(bytes.length / 2);
    await uploads.append(session.uploadId, 0, chunks(bytes.subarray(0, half)));
    await uploads.append(session.uploadId, half, chunks(bytes.subarray(half)));
    // A dataset upload is not a model, and cannot be finished as one.
    await expect(uploads.finish(session.uploadId)).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('as a dataset') });

    const entry = await uploads.finish(session.uploadId, 'dataset');
    expect(entry).toMatchObject({ name: 'my data.jsonl', owned: true, path: join(fixture.dataDir, 'datasets', entry.id, 'my data.jsonl') });
    expect(readFileSync(entry.path).equals(bytes)).toBe(true);
    expect(readdirSync(join(fixture.dataDir, 'uploads'))).toEqual([]);
    const ready = await waitForStatus(fixture.datasets, entry.id, 'ready');
    expect(ready.inspection).toMatchObject({ rows: 30, invalid: 1, problems: [{ line: 7, reason: expect.any(String) }] });
    expect(fixture.models.list()).toEqual([]);
  });

  it('resume only a session of the same purpose', async () => {
    const { uploads } = await withUploads();
    const asDataset = await uploads.begin({ fileName: 'x.jsonl', size: 100, purpose: 'dataset' });
    const asModel = await uploads.begin({ fileName: 'x.jsonl', size: 100 });
    expect(asModel.uploadId).not.toBe(asDataset.uploadId);
    await expect(uploads.begin({ fileName: 'x.jsonl', size: 100, purpose: 'dataset' })).resolves.toMatchObject({ uploadId: asDataset.uploadId });
  });

  it('are refused where no dataset library takes them', async () => {
    const fixture = await datasetFixture();
    const modelsOnly = new UploadSessions({ dataDir: fixture.dataDir, library: fixture.models });
    await expect(modelsOnly.begin({ fileName: 'x.jsonl', size: 10, purpose: 'dataset' })).rejects.toMatchObject({ kind: 'unavailable' });
  });
});

describe('removing a dataset', () => {
  it('that was uploaded deletes its file, report and folder', async () => {
    const { fixture, uploads } = await withUploads();
    const bytes = Buffer.from(chatJsonl(5));
    const { uploadId } = await uploads.begin({ fileName: 'up.jsonl', size: bytes.length, purpose: 'dataset' });
    await uploads.append(uploadId, 0, chunks(bytes));
    const entry = await uploads.finish(uploadId, 'dataset');
    await waitForStatus(fixture.datasets, entry.id, 'ready');

    await expect(fixture.datasets.remove(entry.id)).resolves.toEqual({ deletedFile: true });
    expect(existsSync(join(fixture.dataDir, 'datasets', entry.id))).toBe(false);
    expect(fixture.datasets.list()).toEqual([]);
    expect(fixture.events).toContainEqual({ type: 'removed', id: entry.id });
  });

  it('imported in place keeps the file unless deleting it is confirmed', async () => {
    const fixture = await datasetFixture();
    const kept = writeDataset(fixture, 'kept.jsonl', chatJsonl(5));
    const deleted = writeDataset(fixture, 'deleted.jsonl', chatJsonl(5));
    const [a, b] = await fixture.datasets.addPaths([kept, deleted]);
    await waitForStatus(fixture.datasets, a!.id, 'ready');
    await waitForStatus(fixture.datasets, b!.id, 'ready');

    await expect(fixture.datasets.remove(a!.id)).resolves.toEqual({ deletedFile: false });
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(join(fixture.dataDir, 'datasets', a!.id))).toBe(false);

    await expect(fixture.datasets.remove(b!.id, true)).resolves.toEqual({ deletedFile: true });
    expect(existsSync(deleted)).toBe(false);
    expect(fixture.datasets.list()).toEqual([]);
    await expect(fixture.datasets.remove(b!.id)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('while it is being imported stops the import first', async () => {
    const fixture = await datasetFixture();
    const path = writeDataset(fixture, 'big.jsonl', chatJsonl(60_000));
    const [entry] = await fixture.datasets.addPaths([path]);
    await expect(fixture.datasets.remove(entry!.id)).resolves.toEqual({ deletedFile: false });
    expect(fixture.datasets.list()).toEqual([]);
    // Nothing the stopped import could have written is left.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(join(fixture.dataDir, 'datasets', entry!.id))).toBe(false);
  });
});
