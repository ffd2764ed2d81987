import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { E2E_TOKEN } from './settings';

/**
 * The whole training flow in the browser against `lathe serve` with real torch: sample
 * dataset, demo model, a Quick run watched live, paused, resumed, stopped, resumed to the
 * end, then found in the history. Real training on a small shared machine: generous limits.
 */
test.setTimeout(600_000);

/** Steps for the run: enough that pause and stop land mid-run on a fast machine too. */
const STEPS = 240;

function demoModel(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lathe-e2e-train-')), 'demo-llama-for-training.gguf');
  execFileSync(process.execPath, ['bin/lathe.js', 'model', 'make-demo', '--out', path, '--arch', 'llama', '--size', 'tiny'], { stdio: 'pipe' });
  return path;
}

async function plottedPoints(page: Page): Promise<number> {
  return Number(await page.getByTestId('chart-loss').getAttribute('data-points'));
}

async function currentStep(page: Page): Promise<number> {
  return Number(await page.getByTestId('run-step').textContent());
}

test('import the sample set, train the demo model with Quick, pause, resume, stop, resume to the end, find it in history', async ({ page }) => {
  await page.goto(`/#token=${E2E_TOKEN}`);

  // The demo model, uploaded on the Models page.
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-upload-input').setInputFiles(demoModel());
  await expect(page.getByTestId('model-row').filter({ hasText: 'llama' })).toHaveCount(1, { timeout: 60_000 });

  // The wizard: the sample set, the model (the only trainable one is chosen), Quick.
  await page.getByTestId('nav-train').click();
  const wizard = page.getByTestId('train-wizard');
  await wizard.getByTestId('train-add-sample').click();
  await expect(wizard.getByTestId('train-dataset-select')).toHaveValue(/sample/i, { timeout: 60_000 });
  await expect(wizard.getByTestId('train-model-select')).toHaveValue(/llama/);
  await expect(wizard.getByTestId('train-preset').getByRole('radio', { name: 'Quick' })).toBeChecked();
  await expect(wizard.getByTestId('train-preset-reasons')).toBeVisible({ timeout: 60_000 });
  await expect(wizard.getByTestId('train-memory-verdict')).toHaveAttribute('data-fits', /yes|tight/);

  // More steps than Quick picks for this small set, typed in the advanced panel, so there is time to pause and stop.
  await wizard.getByTestId('train-advanced-toggle').click();
  await wizard.getByTestId('setting-steps').fill(String(STEPS));
  await expect(wizard.getByTestId('train-plan-summary')).toContainText(`${STEPS} steps`, { timeout: 30_000 });
  await expect(wizard.getByTestId('train-problems')).toHaveCount(0);
  const start = wizard.getByTestId('train-start');
  await expect(start).toBeEnabled({ timeout: 30_000 });
  await start.click();

  // The live view: the loss chart grows.
  const live = page.getByTestId('run-live');
  await expect(live).toBeVisible();
  await expect(live.getByTestId('run-total-steps')).toHaveText(String(STEPS), { timeout: 120_000 });
  await expect.poll(() => plottedPoints(page), { timeout: 180_000 }).toBeGreaterThan(0);
  const firstCount = await plottedPoints(page);
  await expect.poll(() => plottedPoints(page), { timeout: 120_000 }).toBeGreaterThan(firstCount);

  // Pause: the status says so and the step stops moving.
  await live.getByTestId('run-pause').click();
  await expect(live.getByTestId('run-status')).toHaveAttribute('data-status', 'paused', { timeout: 60_000 });
  const pausedAt = await currentStep(page);
  await page.waitForTimeout(3_000);
  expect(await currentStep(page)).toBe(pausedAt);
  expect(pausedAt).toBeLessThan(STEPS);

  // Resume: it moves again.
  await live.getByTestId('run-resume').click();
  await expect(live.getByTestId('run-status')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect.poll(() => currentStep(page), { timeout: 120_000 }).toBeGreaterThan(pausedAt);

  // Stop, after confirming: a checkpoint is written and the run can be resumed.
  await live.getByTestId('run-stop').click();
  await page.getByTestId('run-stop-confirm').click();
  await expect(live.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 120_000 });
  const stoppedAt = await currentStep(page);
  expect(stoppedAt).toBeLessThan(STEPS);

  // Resume from the checkpoint and train to the end.
  await live.getByTestId('run-resume').click();
  await expect(live.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 420_000 });
  await expect(live.getByTestId('run-step')).toHaveText(String(STEPS));
  const finalLoss = (await live.getByTestId('run-train-loss').textContent()) ?? '';
  expect(finalLoss).toMatch(/^\d/);

  // The history lists it, completed, with its final loss.
  await page.getByTestId('nav-runs').click();
  const row = page.getByTestId('run-row');
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row.getByTestId('run-row-status')).toHaveAttribute('data-status', 'completed');
  await expect(row.getByTestId('run-row-steps')).toHaveText(`${STEPS} / ${STEPS}`);
  await expect(row.getByTestId('run-row-train-loss')).toHaveText(finalLoss);
});
