/**
 * Importing datasets into the library: a real file read in the background with progress
 * events, its report stored (every problem in problems.jsonl), cancelling, a mapping that
 * makes every row be checked again, and the preview.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetEvent } from '../../../src-main/contract';
import type { InspectDataset } from '../../../src-main/datasets/dataset-engine';
import { inspectDataset } from '../../../src-main/datasets/inspect-dataset';
import { chatJsonl, closeDatasetFixtures, datasetFixture, gate, waitForStatus, writeDataset } from './dataset-library-fixture';

afterEach(closeDatasetFixtures);

type ProgressEvent = Extract<DatasetEvent, { type: 'import-progress' }>;

describe('importing a dataset', () => {
  it('reads the file in the background with progress, then stores its report and every problem', async () => {
    const fixture = await datasetFixture();
    // About 4 MB: the reader reports after each 1 MiB it reads.
    const path = writeDataset(fixture, 'chat.jsonl', chatJsonl(40_000, [3, 20_000]));
    const [entry] = await fixture.datasets.addPaths([path]);
    expect(entry).toMatchObject({ name: 'chat.jsonl', path, owned: false, status: 'importing', inspection: null });

    const ready = await waitForStatus(fixture.datasets, entry!.id, 'ready');
    expect(ready.inspection).toMatchObject({ format: 'jsonl', rows: 40_000, valid: 39_998, invalid: 2 });
    expect(ready.inspection?.detection.shape).toBe('messages');
    expect(ready.inspection?.problems.map((p) => p.line)).toEqual([3, 20_000]);

    const progress = fixture.events.filter((e): e is ProgressEvent => e.type === 'import-progress' && e.id === entry!.id);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    const size = readFileSync(path).length;
    expect(progress.every((e) => e.bytesTotal === size || e.bytesDone === 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ rows: 40_000, bytesDone: size });
    // Rows and bytes only go up.
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);

    const problemsFile = join(fixture.dataDir, 'datasets', entry!.id, 'problems.jsonl');
    expect(readFileSync(problemsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line).line)).toEqual([3, 20_000]);
    await expect(fixture.datasets.problems(entry!.id)).resolves.toEqual(ready.inspection?.problems);
  });

  it('keeps only the first problems in the catalog and every one in the report', async () => {
    const fixture = await datasetFixture();
    const bad = Array.from({ length: 150 }, (_, i) => 2 * i + 1);
    const path = writeDataset(fixture, 'noisy.jsonl', chatJsonl(400, bad));
    const [entry] = await fixture.datasets.addPaths([path]);
    const ready = await waitForStatus(fixture.datasets, entry!.id, 'ready');
    expect(ready.inspection?.invalid).toBe(150);
    expect(ready.inspection?.problems).toHaveLength(100);
    const all = await fixture.datasets.problems(entry!.id);
    expect(all.map((p) => p.line)).toEqual(bad);
  });

  it('adds the same file once, and refuses a folder or a missing path without adding anything', async () => {
    const fixture = await datasetFixture();
    const path = writeDataset(fixture, 'chat.jsonl', chatJsonl(5));
    const [first] = await fixture.datasets.addPaths([path]);
    const [again] = await fixture.datasets.addPaths([path]);
    expect(again?.id).toBe(first?.id);
    await expect(fixture.datasets.addPaths([path, fixture.root, join(fixture.root, 'nope.jsonl')])).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringMatching(/Nothing was added.*folder.*nope\.jsonl/s),
    });
    expect(fixture.datasets.list()).toHaveLength(1);
  });

  it('marks a file that is not a dataset as failed, with the reader’s reason', async () => {
    const fixture = await datasetFixture();
    const path = writeDataset(fixture, 'empty.jsonl', '');
    const [entry] = await fixture.datasets.addPaths([path]);
    const failed = await waitForStatus(fixture.datasets, entry!.id, 'failed');
    expect(failed.problem).toMatch(/empty/);
    await expect(fixture.datasets.preview(entry!.id, 0, 5)).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('cancelling a first import removes the entry and leaves nothing behind', async () => {
    const held = gate();
    const started = gate();
    const inspect: InspectDataset = async (path, options) => {
      started.open();
      await held.promise;
      return inspectDataset(path, options);
    };
    const fixture = await datasetFixture({ inspect });
    const path = writeDataset(fixture, 'chat.jsonl', chatJsonl(50));
    const [entry] = await fixture.datasets.addPaths([path]);
    await started.promise;
    const cancelling = fixture.datasets.cancelImport(entry!.id);
    held.open();
    await expect(cancelling).resolves.toEqual({ cancelled: true });
    expect(fixture.datasets.list()).toEqual([]);
    expect(fixture.events).toContainEqual({ type: 'removed', id: entry!.id });
    expect(existsSync(join(fixture.dataDir, 'datasets', entry!.id))).toBe(false);
    expect(existsSync(path)).toBe(true); // imported in place: the person's file stays
    await expect(fixture.datasets.cancelImport(entry!.id)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('cancelling a re-import keeps the last complete report and marks the entry stale', async () => {
    let hold: ReturnType<typeof gate> | null = null;
    const started = gate();
    const inspect: InspectDataset = async (path, options) => {
      if (hold) {
        started.open();
        await hold.promise;
      }
      return inspectDataset(path, options);
    };
    const fixture = await datasetFixture({ inspect });
    const path = writeDataset(fixture, 'chat.jsonl', chatJsonl(20, [2]));
    const [entry] = await fixture.datasets.addPaths([path]);
    const before = await waitForStatus(fixture.datasets, entry!.id, 'ready');

    hold = gate();
    await fixture.datasets.reimport(entry!.id);
    await started.promise;
    const cancelling = fixture.datasets.cancelImport(entry!.id);
    hold.open();
    await expect(cancelling).resolves.toEqual({ cancelled: true });
    const after = fixture.datasets.get(entry!.id);
    expect(after).toMatchObject({ status: 'stale', problem: expect.stringContaining('cancelled') });
    expect(after.inspection).toEqual(before.inspection);
    await expect(fixture.datasets.problems(entry!.id)).resolves.toEqual([{ line: 2, reason: expect.any(String) }]);
    await expect(fixture.datasets.cancelImport(entry!.id)).resolves.toEqual({ cancelled: false });
  });
});

describe('the mapping', () => {
  it('overriding it checks every row again and is saved with the dataset', async () => {
    const fixture = await datasetFixture();
    // `q`/`a` are not names Lathe knows: nothing fits until the person says what they are.
    const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ q: `Question ${i}?`, a: `Answer ${i}.`, note: 'x' }));
    const path = writeDataset(fixture, 'qa.jsonl', `${rows.join('\n')}\n`);
    const [entry] = await fixture.datasets.addPaths([path]);
    const detected = await waitForStatus(fixture.datasets, entry!.id, 'ready');
    expect(detected.inspection?.valid).toBeLessThan(30);
    expect(detected.inspection?.columns.sort()).toEqual(['a', 'note', 'q']);

    const mapping = { shape: 'question_answer' as const, columns: { question: 'q', answer: 'a' } };
    const saving = await fixture.datasets.setMapping(entry!.id, mapping);
    expect(saving).toMatchObject({ status: 'importing', mapping });
    const mapped = await waitForStatus(fixture.datasets, entry!.id, 'ready');
    expect(mapped.inspection).toMatchObject({ valid: 30, invalid: 0 });
    expect(mapped.inspection?.detection).toMatchObject({ shape: 'question_answer', mapping });
    const [row] = await fixture.datasets.preview(entry!.id, 0, 1);
    expect(row?.conversation).toEqual([
      { role: 'user', content: 'Question 0?' },
      { role: 'assistant', content: 'Answer 0.' },
    ]);

    // Saved with the dataset: a restart keeps it.
    const restarted = await fixture.restart();
    expect(restarted.get(entry!.id).mapping).toEqual(mapping);

    await expect(restarted.setMapping(entry!.id, { shape: 'question_answer', columns: { question: 'q', answer: 'reply' } })).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringContaining('reply'),
    });
    await restarted.setMapping(entry!.id, null);
    const back = await waitForStatus(restarted, entry!.id, 'ready');
    expect(back.mapping).toBeNull();
    expect(back.inspection?.valid).toBe(detected.inspection?.valid);
  });
});

describe('the preview', () => {
  it('pages through rows as read, with conversations and problems', async () => {
    const fixture = await datasetFixture();
    const path = writeDataset(fixture, 'chat.jsonl', chatJsonl(10, [4]));
    const [entry] = await fixture.datasets.addPaths([path]);
    await waitForStatus(fixture.datasets, entry!.id, 'ready');
    const page = await fixture.datasets.preview(entry!.id, 2, 3);
    expect(page.map((row) => row.line)).toEqual([3, 4, 5]);
    expect(page[0]?.conversation?.[1]).toEqual({ role: 'assistant', content: 'It is 6.' });
    expect(page[1]).toMatchObject({ line: 4, conversation: null, problem: expect.any(String) });
  });
});
