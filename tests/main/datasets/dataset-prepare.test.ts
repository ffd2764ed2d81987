/**
 * Preparing a dataset for a model from the library: real demo GGUF, real tokenizing worker
 * (node-llama-cpp), prepared files under <data>/prepared/, and the cache: the same dataset,
 * tokenizer, template and options again give the stored summary at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetEvent } from '../../../src-main/contract';
import { placeGguf } from '../models/library-fixture';
import { chatJsonl, closeDatasetFixtures, datasetFixture, prepareOptions, waitFor, waitForStatus, writeDataset } from './dataset-library-fixture';

afterEach(closeDatasetFixtures);

async function datasetAndModel(rows = 40) {
  const fixture = await datasetFixture();
  const path = writeDataset(fixture, 'chat.jsonl', chatJsonl(rows, [5]));
  const [dataset] = await fixture.datasets.addPaths([path]);
  await waitForStatus(fixture.datasets, dataset!.id, 'ready');
  const modelPath = await placeGguf(join(fixture.root, 'models', 'demo.gguf'), { arch: 'qwen2' });
  const { added } = await fixture.models.addPaths([modelPath]);
  return { fixture, datasetId: dataset!.id, modelId: added[0]!.id, path };
}

describe('preparing a dataset', () => {
  it('writes the prepared files once; the same request again is answered from the cache', async () => {
    const { fixture, datasetId, modelId } = await datasetAndModel();
    const first = await fixture.datasets.prepare(datasetId, modelId, prepareOptions());
    expect(first).toMatchObject({ datasetId, modelId, cached: false, options: prepareOptions(), dropped: { invalid: 1 } });
    expect(first.examples.train + first.examples.validation).toBe(39);
    expect(first.tokens.trained).toBeGreaterThan(0);
    expect(first.lengths.count).toBe(39);
    expect(first.dir.startsWith(join(fixture.dataDir, 'prepared'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(first.dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'lathe-prepared', tokenizer: { fingerprint: first.tokenizerFingerprint, vocabSize: 259 } });
    const progress = fixture.events.filter((e): e is Extract<DatasetEvent, { type: 'prepare-progress' }> => e.type === 'prepare-progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((e) => e.datasetId === datasetId && e.modelId === modelId)).toBe(true);

    const again = await fixture.datasets.prepare(datasetId, modelId, prepareOptions());
    expect(again).toEqual({ ...first, cached: true });
    expect(fixture.datasets.prepared(datasetId)).toEqual([{ ...first, cached: true }]);

    // Other options are another preparation.
    const longer = await fixture.datasets.prepare(datasetId, modelId, prepareOptions({ maxLength: 512 }));
    expect(longer.cached).toBe(false);
    expect(longer.dir).not.toBe(first.dir);
    expect(fixture.datasets.prepared(datasetId).map((p) => p.id).sort()).toEqual([first.id, longer.id].sort());

    // Survives a restart.
    const library = await fixture.restart();
    await expect(library.prepare(datasetId, modelId, prepareOptions())).resolves.toMatchObject({ id: first.id, cached: true });
  });

  it('prepares again when the cached files were deleted, and after the file changed', async () => {
    const { fixture, datasetId, modelId, path } = await datasetAndModel();
    const first = await fixture.datasets.prepare(datasetId, modelId, prepareOptions());
    const { rmSync, appendFileSync } = await import('node:fs');
    rmSync(first.dir, { recursive: true });
    const remade = await fixture.datasets.prepare(datasetId, modelId, prepareOptions());
    expect(remade.cached).toBe(false);
    expect(existsSync(join(remade.dir, 'manifest.json'))).toBe(true);

    const newRows = [100, 101, 102].map((n) => JSON.stringify({ messages: [{ role: 'user', content: `Say ${n}.` }, { role: 'assistant', content: `${n}` }] }));
    appendFileSync(path, `${newRows.join('\n')}\n`);
    await waitForStatus(fixture.datasets, datasetId, 'stale');
    await fixture.datasets.reimport(datasetId);
    await waitForStatus(fixture.datasets, datasetId, 'ready');
    const changed = await fixture.datasets.prepare(datasetId, modelId, prepareOptions());
    expect(changed.cached).toBe(false);
    expect(changed.examples.train + changed.examples.validation).toBe(42);
    // What was prepared from the old content is not offered for the new.
    expect(fixture.datasets.prepared(datasetId).map((p) => p.id)).toEqual([changed.id]);
  });

  it('is shared by two entries of the same file, and handed on when the first is removed', async () => {
    const { fixture, datasetId, modelId, path } = await datasetAndModel();
    const copy = writeDataset(fixture, 'same.jsonl', readFileSync(path));
    const [twin] = await fixture.datasets.addPaths([copy]);
    await waitForStatus(fixture.datasets, twin!.id, 'ready');
    const first = await fixture.datasets.prepare(datasetId, modelId, prepareOptions());
    await expect(fixture.datasets.prepare(twin!.id, modelId, prepareOptions())).resolves.toMatchObject({ id: first.id, datasetId: twin!.id, cached: true });

    await fixture.datasets.remove(datasetId);
    expect(existsSync(first.dir)).toBe(true);
    expect(fixture.datasets.prepared(twin!.id)).toEqual([{ ...first, datasetId: twin!.id, cached: true }]);
    await fixture.datasets.remove(twin!.id);
    expect(existsSync(first.dir)).toBe(false);
  });

  it('can be cancelled, leaving nothing prepared', async () => {
    const { fixture, datasetId, modelId } = await datasetAndModel(3000);
    const preparing = fixture.datasets.prepare(datasetId, modelId, prepareOptions());
    // Cancelled as soon as it is under way (the model's header is read first).
    await waitFor('the preparation to start', () => fixture.datasets.cancelPrepare(datasetId, modelId).cancelled);
    await expect(preparing).rejects.toMatchObject({ kind: 'cancelled' });
    expect(fixture.datasets.prepared(datasetId)).toEqual([]);
    expect(fixture.datasets.cancelPrepare(datasetId, modelId)).toEqual({ cancelled: false });
  });

  it('refuses a model that is not ready', async () => {
    const { fixture, datasetId, modelId } = await datasetAndModel();
    const { rmSync } = await import('node:fs');
    rmSync(fixture.models.get(modelId).path);
    await fixture.models.start(); // re-checks entries: the file is gone
    expect(fixture.models.get(modelId).status).toBe('missing');
    await expect(fixture.datasets.prepare(datasetId, modelId, prepareOptions())).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('missing') });
    await expect(fixture.datasets.prepare(datasetId, 'no-such-model', prepareOptions())).rejects.toMatchObject({ kind: 'not_found' });
  });
});

describe('rendering rows with a model', () => {
  it('gives the template’s text with the assistant’s answer marked as trained', async () => {
    const { fixture, datasetId, modelId } = await datasetAndModel();
    const examples = await fixture.datasets.render(datasetId, modelId, 0, 2, prepareOptions());
    expect(examples.map((e) => e.line)).toEqual([1, 2]);
    const trained = examples[0]!.spans.filter((span) => span.trained).map((span) => span.text).join('');
    expect(trained).toContain('It is 2.');
    expect(examples[0]!.spans.filter((span) => !span.trained).map((span) => span.text).join('')).toContain('What is 1 + 1?');
    expect(examples[0]!.tokens).toBeGreaterThan(10);
  });
});
