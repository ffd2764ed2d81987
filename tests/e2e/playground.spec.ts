import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import type { DatasetEntry, ModelEntry, RunDetail, RunEntry, RunRequest } from '../../src-main/contract';
import { memorizingSettings } from '../../src-main/cli/demo-settings';
import { E2E_PORT, E2E_TOKEN } from './settings';

/**
 * Issue 7's "done when": a finished demo run opened in the Playground, a trained question
 * sent to the base and the fine-tuned model side by side, the fine-tuned pane giving the
 * trained answer (the base's not), and an Ollama Modelfile exported from the Runs page. The
 * run is trained through the contract with `lathe demo`'s memorizing settings (the UI's
 * wizard is covered by training-flow.spec.ts); real torch and llama.cpp, so generous limits.
 */
test.setTimeout(900_000);
// The second test evaluates the run the first one trained.
test.describe.configure({ mode: 'serial' });

/** `lathe demo`'s measured settings: every sample answer comes back from step 120 of 160. */
const STEPS = 160;

/** One contract call over the same WebSocket the browser uses. */
async function callLathe<T>(name: string, input: unknown): Promise<T> {
  const socket = new WebSocket(`ws://127.0.0.1:${E2E_PORT}/ws?token=${encodeURIComponent(E2E_TOKEN)}`);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return await new Promise<T>((resolve, reject) => {
      socket.on('message', (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as { t: string; id?: number; ok?: boolean; value?: T; error?: { message: string } };
        if (message.t !== 'result' || message.id !== 1) return;
        if (message.ok === true) resolve(message.value as T);
        else reject(new Error(`${name}: ${message.error?.message ?? 'failed'}`));
      });
      socket.send(JSON.stringify({ t: 'call', id: 1, name, input }));
    });
  } finally {
    socket.close();
  }
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

function trainedPair(): { question: string; answer: string } {
  const first = readFileSync('build/samples/sample-qa.jsonl', 'utf8').split('\n')[0] ?? '';
  return JSON.parse(first) as { question: string; answer: string };
}

let modelId: string | null = null;
let runId: string | null = null;

// Other specs share this server: leave it as it was found.
test.afterAll(async () => {
  if (runId !== null) await callLathe('runs.remove', { id: runId }).catch(() => undefined);
  if (modelId !== null) await callLathe('models.remove', { id: modelId }).catch(() => undefined);
});

test('a finished demo run in the Playground: the fine-tuned pane gives the trained answer beside the base; an Ollama Modelfile is exported', async ({ page }) => {
  // The demo model and the sample set, trained to memorize.
  const modelPath = join(mkdtempSync(join(tmpdir(), 'lathe-e2e-playground-')), 'demo-llama-playground.gguf');
  execFileSync(process.execPath, ['bin/lathe.js', 'model', 'make-demo', '--out', modelPath, '--arch', 'llama', '--size', 'small'], { stdio: 'pipe' });
  await callLathe('models.addPaths', { paths: [modelPath] });
  const model = (await callLathe<ModelEntry[]>('models.list', {})).find((entry) => entry.path === modelPath);
  expect(model?.status).toBe('ready');
  modelId = model?.id ?? null;
  const added = await callLathe<DatasetEntry>('datasets.addSample', {});
  const dataset = await until('the sample set', () => callLathe<DatasetEntry>('datasets.get', { id: added.id }), (d) => d.status !== 'importing', 120_000);
  expect(dataset.status).toBe('ready');
  const rows = dataset.inspection?.valid ?? 24;
  const request: RunRequest = {
    modelId: model!.id,
    datasetId: dataset.id,
    preset: 'quick',
    name: 'Playground: sample answers',
    settings: memorizingSettings(rows, STEPS),
    prepare: { validationPercent: 0 },
  };
  const started = await callLathe<RunEntry>('runs.start', request);
  runId = started.id;
  const finished = await until('the run to finish', () => callLathe<RunDetail>('runs.get', { id: started.id }), (d) => !['queued', 'preparing', 'starting', 'running'].includes(d.run.status), 600_000);
  expect(finished.run.status).toBe('completed');

  // The run on the Runs page, then "Chat with this run": the base and its adapter side by side.
  await page.goto(`/#token=${E2E_TOKEN}`);
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('run-row').filter({ hasText: 'Playground: sample answers' }).click();
  const live = page.getByTestId('run-live');
  await expect(live.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await live.getByTestId('run-chat').click();
  await expect(page.getByTestId('page-playground')).toBeVisible();
  const headers = page.getByTestId('chat-pane-header');
  await expect(headers).toHaveCount(2, { timeout: 30_000 });
  await expect(headers.nth(0)).toHaveAttribute('data-adapter', 'base');
  await expect(headers.nth(1)).toHaveAttribute('data-adapter', `${started.id}@final`);

  // Greedy and short, as the demo answers: the memorized answer is the most likely one.
  await page.getByTestId('chat-settings-toggle').click();
  await page.getByTestId('sampling-temperature').fill('0');
  await page.getByTestId('sampling-maxTokens').fill('40');
  await expect(page.getByTestId('sampling-maxTokens')).toHaveValue('40');

  const { question, answer } = trainedPair();
  await page.getByTestId('chat-input').fill(question);
  await page.getByTestId('chat-input').press('Enter');
  const base = page.locator('[data-testid="chat-answer"][data-pane-index="0"]');
  const tuned = page.locator('[data-testid="chat-answer"][data-pane-index="1"]');
  await expect(tuned).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  await expect(base).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  await expect(tuned.getByTestId('chat-answer-text')).toHaveText(answer);
  expect((await base.textContent())?.trim()).not.toBe(answer);
  await expect(tuned.getByTestId('chat-answer-stats')).toContainText('tokens/s');

  // Export an Ollama Modelfile from the Runs page: FROM the base, ADAPTER the run's adapter.
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('run-row').filter({ hasText: 'Playground: sample answers' }).click();
  await page.getByTestId('export-ollama').click();
  const result = page.getByTestId('export-result-ollama');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result.getByTestId('export-text')).toContainText(/^FROM .+$/m);
  await expect(result.getByTestId('export-text')).toContainText(/^ADAPTER .+$/m);
  await expect(result.getByTestId('export-command')).toContainText('ollama create');
});

test('the finished run evaluated on the Runs page: base vs fine-tuned loss, generations beside the references, the table as CSV', async ({ page }) => {
  test.skip(runId === null, 'needs the run trained above');
  await page.goto(`/#token=${E2E_TOKEN}`);
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('run-row').filter({ hasText: 'Playground: sample answers' }).click();
  const panel = page.getByTestId('evaluation-panel');
  // A finished run is evaluated on its own; ask only when that has not begun.
  await expect(panel).toHaveAttribute('data-status', /none|running|done/, { timeout: 30_000 });
  if ((await panel.getAttribute('data-status')) === 'none') await panel.getByTestId('evaluation-start').click();
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 780_000 });

  // Memorized answers: the adapter's loss is far below the base's, and its answers match the references.
  const loss = async (testId: string) => Number((await panel.getByTestId(testId).locator('td').nth(1).textContent()) ?? NaN);
  expect(await loss('evaluation-adapter-score')).toBeLessThan(await loss('evaluation-base-score'));
  await expect(panel.locator('[data-testid="evaluation-fine-tuned"][data-matches="true"]').first()).toBeVisible();

  const download = page.waitForEvent('download');
  await panel.getByTestId('evaluation-download-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  const text = readFileSync(await file.path(), 'utf8');
  expect(text.split('\n')[0]).toMatch(/prompt/i);
});
