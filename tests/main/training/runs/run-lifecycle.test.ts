/**
 * The training service end to end on the tiny demo model: a run from start to completion with
 * its events.jsonl and the catalog agreeing, pause/resume/stop/resume-to-completion, two runs
 * queued on one device, refused starts, and the catalog rebuilt from events.jsonl. Real
 * SQLite, real node-llama-cpp tokenizing, real torch.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatheError } from '../../../../src-main/contract';
import { RunRepository } from '../../../../src-main/training/runs/run-repository';
import { GGML, writeGguf } from '../../models/gguf/gguf-test-writer';
import { tinyModelSpec } from '../../models/gguf/tiny-model';
import { writeDataset } from '../../datasets/dataset-library-fixture';
import { eventsOf, runFixture, waitFor, waitForRun, waitForStatus, type RunFixture } from './run-fixture';

/** Real training on two shared cores: generous, though each test trains for seconds when alone. */
const TRAINING_TIMEOUT = 120_000;

let f: RunFixture;
beforeAll(async () => {
  f = await runFixture();
}, 60_000);
afterAll(async () => {
  await f?.close();
});

const changesOf = (id: string) => f.events.flatMap((event) => (event.type === 'changed' && event.run.id === id ? [event.run] : []));

describe('a training run', () => {
  it('goes from start to completed, with events.jsonl and the catalog agreeing', async () => {
    const started = await f.runs.startRun(f.request({ sampleEvery: 3 }));
    expect(started.status).toBe('preparing');
    const done = await f.runs.whenSettled(started.id);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: 'completed', step: 6, totalSteps: 6, resumable: false, adapterPath: join(done.dir, 'adapter.gguf') });
    expect(existsSync(done.adapterPath!)).toBe(true);
    expect(done.memory.estimatedBytes).toBeGreaterThan(0);
    expect(done.memory.device).toBe('cpu');

    const lines = eventsOf(done.dir);
    const names = lines.map((line) => line.event);
    // created: preparing; then queued, starting (taken off the queue), the process launched.
    expect(names.slice(0, 5)).toEqual(['created', 'prepared', 'status', 'status', 'launched']);
    expect(names.at(-1)).toBe('done');
    const steps = lines.filter((line) => line.event === 'step');
    const detail = f.runs.get(started.id);
    expect(detail.metrics.train.step).toEqual(steps.map((line) => line.step));
    expect(detail.metrics.train.loss).toEqual(steps.map((line) => line.loss));
    expect(detail.metrics.eval.step).toEqual(lines.filter((line) => line.event === 'eval').map((line) => line.step));
    expect(detail.run.memory.measuredPeakBytes).toBe(Math.max(...steps.map((line) => line.memory_bytes as number)));
    expect(detail.run.lastCheckpoint?.step).toBe(6);
    const samples = lines.filter((line) => line.event === 'sample');
    expect(samples.length).toBeGreaterThan(0);
    expect(detail.samples).toEqual(samples.map((line) => ({ step: line.step, prompt: line.prompt, output: line.output, reference: line.reference })));
    expect(f.events.filter((event) => event.type === 'sample' && event.id === started.id)).toHaveLength(samples.length);
    expect(readFileSync(join(done.dir, 'runtime.log'), 'utf8')).toContain('step 6/6');
    expect(detail.logTail.join('\n')).toContain('completed at step 6');

    const statuses = changesOf(started.id).map((run) => run.status);
    expect(statuses).toEqual(expect.arrayContaining(['preparing', 'queued', 'starting', 'running', 'completed']));
    expect(f.events.filter((event) => event.type === 'finished' && event.run.id === started.id)).toHaveLength(1);
    expect(f.notifications.at(-1)).toEqual({ title: expect.stringContaining('finished'), body: expect.stringContaining('Step 6 of 6') });
    expect(f.runs.list().map((run) => run.id)).toContain(started.id);

    // The catalog rebuilt from events.jsonl alone holds the same run.
    const repo = new RunRepository(f.data.catalog.db);
    repo.delete(started.id);
    expect(() => f.runs.get(started.id)).toThrow(LatheError);
    expect(f.runs.rebuildFromEvents(done.dir)).toEqual(detail.run);
    const rebuilt = f.runs.get(started.id);
    expect(rebuilt.run).toEqual(detail.run);
    expect(rebuilt.metrics).toEqual(detail.metrics);
    expect(rebuilt.samples).toEqual(detail.samples);
  }, TRAINING_TIMEOUT);

  it('pauses, resumes, stops with a checkpoint, and resumes to completion', async () => {
    const { id } = await f.runs.startRun(f.request({ steps: 150, checkpointEvery: 0, evalEvery: 0 }));
    await waitForRun(f.runs, id, (run) => run.status === 'running' && run.step >= 2, 'to train');
    await f.runs.pause(id);
    const paused = await waitForStatus(f.runs, id, 'paused');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(f.runs.get(id).run.step).toBe(paused.step);

    await f.runs.resume(id);
    await waitForRun(f.runs, id, (run) => run.status === 'running' && run.step > paused.step + 2, 'to train again');
    expect((await f.runs.stop(id)).status).toBe('stopping');
    const stopped = await f.runs.whenSettled(id);
    expect(stopped).toMatchObject({ status: 'stopped', resumable: true, error: null });
    expect(stopped.step).toBeLessThan(150);
    expect(stopped.lastCheckpoint?.step).toBe(stopped.step);
    expect(f.events.some((event) => event.type === 'finished' && event.run.id === id && event.run.status === 'stopped')).toBe(true);

    const again = await f.runs.resume(id);
    expect(['queued', 'starting']).toContain(again.status); // the device is free: it starts at once
    const done = await f.runs.whenSettled(id);
    expect(done).toMatchObject({ status: 'completed', step: 150, resumable: false, error: null });
    const launches = eventsOf(done.dir).filter((line) => line.event === 'launched');
    expect(launches.map((line) => line.resume)).toEqual([false, true]);
    const { train } = f.runs.get(id).metrics;
    expect(train.step).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(done.activeSeconds).toBeGreaterThan(0);
  }, TRAINING_TIMEOUT);

  it('queues the second of two runs started at once on one device', async () => {
    const started = await Promise.all([f.runs.startRun(f.request({ steps: 30 })), f.runs.startRun(f.request({ steps: 30 }))]);
    // Whichever is prepared first trains first; the other waits.
    const waiting = await waitFor('one run to wait in the queue while the other trains', () => {
      const [a, b] = started.map((run) => f.runs.get(run.id).run);
      const training = (run: typeof a) => run!.status === 'starting' || run!.status === 'running';
      return a!.status === 'queued' && training(b) ? a : b!.status === 'queued' && training(a) ? b : undefined;
    });
    const training = started.find((run) => run.id !== waiting.id)!;
    expect(waiting.queuePosition).toBe(1);
    expect(['starting', 'running']).toContain(f.runs.get(training.id).run.status);
    const [first, second] = [training, waiting];
    const [a, b] = await Promise.all([f.runs.whenSettled(first!.id), f.runs.whenSettled(second!.id)]);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    expect(b.startedAt!).toBeGreaterThanOrEqual(a.endedAt! - 1000);
    const launchedSecond = eventsOf(b.dir).find((line) => line.event === 'launched')!.time as number;
    const doneFirst = eventsOf(a.dir).find((line) => line.event === 'done')!.time as number;
    expect(launchedSecond).toBeGreaterThanOrEqual(doneFirst);
  }, TRAINING_TIMEOUT);

  it('refuses a model that cannot be trained, naming why, and records nothing', async () => {
    const { path } = writeGguf(f.data.root, 'quantized.gguf', tinyModelSpec({ matrixType: GGML.Q4_0 }));
    const [model] = (await f.data.models.addPaths([path])).added;
    const before = f.runs.list().length;
    const error = await f.runs.startRun({ ...f.request(), modelId: model!.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).kind).toBe('invalid_input');
    expect((error as LatheError).message).toMatch(/Q4_0|train/i);
    expect(f.runs.list()).toHaveLength(before);
  }, TRAINING_TIMEOUT);

  it('refuses a dataset with no valid rows', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => JSON.stringify({ question: i, answer: i * 2 })).join('\n');
    const [dataset] = await f.data.datasets.addPaths([writeDataset(f.data, 'numbers.jsonl', rows)]);
    await waitFor('the import', () => f.data.datasets.get(dataset!.id).status !== 'importing', 20_000);
    const error = await f.runs.startRun({ ...f.request(), datasetId: dataset!.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).kind).toBe('invalid_input');
    expect((error as LatheError).message).toMatch(/row|example/i);
  }, TRAINING_TIMEOUT);

  it('refuses to remove an active run, and removes a settled one with its folder', async () => {
    const { id } = await f.runs.startRun(f.request({ steps: 200, checkpointEvery: 0, evalEvery: 0 }));
    await expect(f.runs.remove(id)).rejects.toMatchObject({ kind: 'invalid_input' });
    await f.runs.stop(id);
    const stopped = await f.runs.whenSettled(id);
    expect(await f.runs.remove(id)).toEqual({ removed: true });
    expect(existsSync(stopped.dir)).toBe(false);
    expect(f.runs.list().some((run) => run.id === id)).toBe(false);
    expect(f.data.catalog.db.prepare('SELECT count(*) AS n FROM run_train_points WHERE run_id = ?').get(id)).toEqual({ n: 0 });
    expect(f.events.some((event) => event.type === 'removed' && event.id === id)).toBe(true);
    expect(await f.runs.remove(id)).toEqual({ removed: false });
  }, TRAINING_TIMEOUT);

  it('measures the speed of a few real steps and leaves nothing behind', async () => {
    const runsBefore = f.runs.list().length;
    const speed = await f.runs.measureSpeed(f.request({ steps: 500 }));
    expect(speed.secondsPerStep).toBeGreaterThan(0);
    expect(speed.secondsPerStep).toBeLessThan(speed.startupSeconds); // the tiny model steps in milliseconds; torch loads in seconds
    expect(speed.tokensPerSecond).toBeGreaterThan(0);
    expect(speed.estimatedSeconds).toBeCloseTo(speed.startupSeconds + 499 * speed.secondsPerStep, 6);
    expect(readdirSync(join(f.data.dataDir, 'runs')).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(f.runs.list()).toHaveLength(runsBefore);
  }, TRAINING_TIMEOUT);

  it('closing the service stops a training run with a checkpoint: interrupted, then resumed to completion', async () => {
    const { id } = await f.runs.startRun(f.request({ steps: 120, checkpointEvery: 0, evalEvery: 0 }));
    await waitForRun(f.runs, id, (run) => run.status === 'running' && run.step >= 2, 'to train');
    const runs = await f.restart();
    const left = runs.get(id).run;
    expect(left).toMatchObject({ status: 'interrupted', resumable: true });
    expect(left.lastCheckpoint?.step).toBe(left.step);
    await runs.resume(id);
    expect(await runs.whenSettled(id)).toMatchObject({ status: 'completed', step: 120 });
  }, TRAINING_TIMEOUT);
});
