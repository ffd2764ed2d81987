/**
 * Evaluation of a real run: the tiny demo model trained by the Python runtime on a few
 * question/answer rows (fp32, a validation split), then scored through the real inference
 * worker. The adapter's loss through llama.cpp must agree with the runtime's own final
 * validation loss; the evaluation is stored in the run folder and its table is RFC 4180 CSV.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatheError } from '../../../src-main/contract';
import type { EvaluationEvent } from '../../../src-main/contract/playground-types';
import { EvaluationService } from '../../../src-main/evaluation/evaluation-service';
import { eventsOf, runFixture, type RunFixture } from '../training/runs/run-fixture';
import { evaluationInference } from './evaluation-fixture';

const TRAINING_TIMEOUT = 180_000;

let f: RunFixture;
let evaluation: EvaluationService;
const events: EvaluationEvent[] = [];
const inference = evaluationInference();

beforeAll(async () => {
  f = await runFixture();
  evaluation = new EvaluationService({ runs: f.runs, inference });
  evaluation.subscribe((event) => events.push(event));
}, 60_000);
afterAll(async () => {
  evaluation?.close();
  inference.close();
  await f?.close();
});

describe('evaluation of a finished run', () => {
  it('runs after the run completes, and the adapter loss through llama.cpp matches the runtime', async () => {
    const { id } = await f.runs.startRun(f.request({ steps: 40, evalEvery: 0, checkpointEvery: 0, precision: 'fp32', lora: { rank: 8, alpha: 16 } }));
    const run = await f.runs.whenSettled(id);
    expect(run.status).toBe('completed');
    const finished = await waitForFinished(id);
    expect(finished.status).toBe('done');
    expect(finished.split).toBe('validation');
    expect(finished.examples).toBeGreaterThan(0);
    const manifestTargets = finished.targetTokens;
    expect(manifestTargets).toBeGreaterThan(0);

    // The runtime's own last validation loss (events.jsonl `done`), computed by torch in fp32
    // over the same tokens. Both sides are float32 models of the same weights; llama.cpp's
    // matmuls sum in another order (and the F32 KV cache keeps K and V exact), so per-token
    // log-probabilities differ by ~1e-5 and the mean by far less than 1e-3.
    const done = eventsOf(run.dir).find((line) => line.event === 'done')!;
    const runtimeLoss = done.val_loss as number;
    expect(Math.abs(finished.adapter!.loss - runtimeLoss)).toBeLessThan(1e-3);
    // 40 steps of memorizing lower the held-out loss of a random model too, but not to zero.
    expect(finished.adapter!.loss).toBeLessThan(finished.base!.loss);
    expect(finished.base!.perplexity).toBeCloseTo(Math.exp(finished.base!.loss), 6);
    console.log(`base loss ${finished.base!.loss.toFixed(5)}, adapter ${finished.adapter!.loss.toFixed(5)}, runtime ${runtimeLoss.toFixed(5)} (|Δ| ${Math.abs(finished.adapter!.loss - runtimeLoss).toExponential(2)})`);

    expect(finished.generations.length).toBe(finished.examples);
    for (const row of finished.generations) {
      expect(row.prompt).toContain('<|im_start|>assistant');
      expect(row.reference).toMatch(/plus .* is \d+\./);
    }
    const stored = JSON.parse(readFileSync(join(run.dir, 'evaluation.json'), 'utf8'));
    expect(stored).toEqual(finished);
    expect(evaluation.get(id)).toEqual(finished);
    const phases = new Set(events.flatMap((event) => (event.type === 'progress' && event.runId === id ? [event.phase] : [])));
    expect([...phases]).toEqual(['base', 'adapter', 'generations']);

    const csv = evaluation.table(id, 'csv');
    expect(csv.fileName).toMatch(/-evaluation\.csv$/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('prompt,reference,base,fineTuned');
    // Prompts hold newlines, so every record is quoted and the file still has one record per row.
    expect(csv.text.startsWith('prompt,reference,base,fineTuned\r\n"<|im_start|>')).toBe(true);
    const jsonl = evaluation.table(id, 'jsonl').text.trim().split('\n').map((line) => JSON.parse(line));
    expect(jsonl).toEqual(finished.generations);

    // On demand again: same numbers (greedy, deterministic).
    const again = await evaluation.start(id, 1);
    expect(again.adapter!.loss).toBeCloseTo(finished.adapter!.loss, 9);
    expect(again.generations).toHaveLength(1);
  }, TRAINING_TIMEOUT);

  it('scores the training split of a run without a validation split, and says so', async () => {
    const { id } = await f.runs.startRun({ ...f.request({ steps: 4, evalEvery: 0, checkpointEvery: 0, sampleEvery: 0 }), prepare: { validationPercent: 0 } });
    expect((await f.runs.whenSettled(id)).status).toBe('completed');
    // Joins the evaluation that started when the run completed.
    const result = await evaluation.start(id);
    expect(result).toMatchObject({ status: 'done', split: 'train' });
    expect(result.examples).toBeGreaterThan(15);
  }, TRAINING_TIMEOUT);

  it('refuses a run id that does not exist, and a run with no adapter', async () => {
    expect(() => evaluation.start('no-such-run')).toThrow(expect.objectContaining({ kind: 'not_found' }));
    // A run stopped while still queued never wrote a checkpoint.
    const { id } = await f.runs.startRun(f.request({ steps: 500 }));
    await f.runs.stop(id);
    await f.runs.whenSettled(id);
    let error: unknown;
    try {
      await evaluation.start(id);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LatheError);
    expect(error).toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('has no adapter') });
    expect(existsSync(join(f.runs.get(id).run.dir, 'evaluation.json'))).toBe(false);
  }, TRAINING_TIMEOUT);
});

function waitForFinished(runId: string, timeoutMs = 120_000): Promise<import('../../../src-main/contract/playground-types').RunEvaluation> {
  return new Promise((resolve, reject) => {
    const found = events.find((event) => event.type === 'finished' && event.evaluation.runId === runId);
    if (found?.type === 'finished') return resolve(found.evaluation);
    const timer = setTimeout(() => reject(new Error(`no evaluation of ${runId} within ${timeoutMs} ms`)), timeoutMs);
    const stop = evaluation.subscribe((event) => {
      if (event.type === 'finished' && event.evaluation.runId === runId) {
        clearTimeout(timer);
        stop();
        resolve(event.evaluation);
      }
    });
  });
}
