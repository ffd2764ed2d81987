import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { E2E_TOKEN } from './settings';

/** Chat rows as JSONL; line 3 is broken JSON. */
function chatJsonl(): Buffer {
  const lines = Array.from({ length: 12 }, (_, i) =>
    i === 2
      ? '{"messages": [ {"role": "user", "content": "unfinished'
      : JSON.stringify({ messages: [{ role: 'user', content: `How much is ${i} + ${i}?` }, { role: 'assistant', content: `${i} + ${i} = ${2 * i}.` }] }),
  );
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** A semicolon CSV whose quoted answer holds the separator and a line break. */
const SEMICOLON_CSV = Buffer.from('question;answer\n"What does ; do here?";"It separates;\nthe fields"\nWhy test it?;Because people save CSV this way.\n');

/** A real demo model written by the Python runtime (nothing can be downloaded here). */
function demoModel(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lathe-e2e-datasets-')), 'demo-llama-for-datasets.gguf');
  execFileSync(process.execPath, ['bin/lathe.js', 'model', 'make-demo', '--out', path, '--arch', 'llama', '--size', 'tiny'], { stdio: 'pipe' });
  return path;
}

function datasetRow(page: Page, name: string) {
  return page.getByTestId('dataset-row').filter({ has: page.getByTestId('dataset-name').getByText(name, { exact: true }) });
}

test('drop a chat JSONL and a semicolon CSV, read their reports, then prepare the JSONL with an uploaded model', async ({ page }) => {
  await page.goto(`/#token=${E2E_TOKEN}`);
  // Datasets is the first page.
  await expect(page.getByTestId('page-datasets')).toBeVisible();
  await page.getByTestId('dataset-upload-input').setInputFiles([
    { name: 'chat.jsonl', mimeType: 'application/x-ndjson', buffer: chatJsonl() },
    { name: 'questions.csv', mimeType: 'text/csv', buffer: SEMICOLON_CSV },
  ]);

  const chat = datasetRow(page, 'chat.jsonl');
  const csv = datasetRow(page, 'questions.csv');
  await expect(chat.getByTestId('dataset-shape')).toHaveText('messages', { timeout: 30_000 });
  await expect(chat.getByTestId('dataset-format')).toHaveText('jsonl');
  await expect(chat.getByTestId('dataset-status')).toHaveText('ready');
  await expect(csv.getByTestId('dataset-shape')).toHaveText('question_answer', { timeout: 30_000 });
  await expect(csv.getByTestId('dataset-format')).toHaveText('csv');
  await expect(csv.getByTestId('dataset-rows')).toHaveText('2');

  // The report names the bad line.
  await chat.click();
  const details = page.getByTestId('dataset-details');
  await expect(details.getByTestId('dataset-report-counts')).toContainText('11 of 12 rows are usable');
  await expect(details.getByTestId('dataset-problems').getByTestId('dataset-problem-line')).toHaveText(['3']);

  // The CSV's quoted field came through whole.
  await csv.click();
  await expect(details.getByTestId('dataset-problems')).toHaveCount(0);
  await details.getByTestId('dataset-tab-preview').click();
  await expect(details.getByTestId('dataset-preview-row').first()).toContainText('It separates;');

  // A model, uploaded on the Models page.
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-upload-input').setInputFiles(demoModel());
  const modelRow = page.getByTestId('model-row').filter({ hasText: 'llama' });
  await expect(modelRow).toHaveCount(1, { timeout: 30_000 });

  await page.getByTestId('nav-datasets').click();
  await datasetRow(page, 'chat.jsonl').click();
  await details.getByTestId('dataset-tab-prepare').click();
  await expect(details.getByTestId('dataset-model-select')).toHaveValue(/llama/);
  await details.getByTestId('dataset-max-length').fill('128');
  await details.getByTestId('dataset-prepare').click();
  const chart = details.getByTestId('token-length-chart');
  await expect(chart).toBeVisible({ timeout: 60_000 });
  await expect(chart.getByTestId('token-length-bar').first()).toBeAttached();
  await expect(details.getByTestId('dataset-prepared')).toHaveAttribute('data-cached', 'false');

  // The same again is answered from the cache.
  await details.getByTestId('dataset-prepare').click();
  await expect(details.getByTestId('dataset-prepared-cached')).toBeVisible({ timeout: 30_000 });

  // Leave the shared server's model list as it was for the other specs.
  await page.getByTestId('nav-models').click();
  await modelRow.click();
  await page.getByTestId('model-delete').click();
  await page.getByTestId('model-delete-confirm').click();
  await expect(page.getByTestId('model-row')).toHaveCount(0);
});
