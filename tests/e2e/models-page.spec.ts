import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { formatParameterCount } from '../../src-renderer/src/format/parameters';
import { E2E_TOKEN } from './settings';

/** A real demo model written by the Python runtime, inspected by `lathe model inspect`. */
function demoModel(): { path: string; architecture: string; parameterCount: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-e2e-model-'));
  const path = join(dir, 'demo-qwen2-tiny.gguf');
  execFileSync(process.execPath, ['bin/lathe.js', 'model', 'make-demo', '--out', path, '--arch', 'qwen2', '--size', 'tiny'], { stdio: 'pipe' });
  const facts = JSON.parse(execFileSync(process.execPath, ['bin/lathe.js', 'model', 'inspect', path, '--json'], { encoding: 'utf8' }));
  return { path, architecture: facts.architecture, parameterCount: facts.parameterCount };
}

test('upload a demo model, find it in the table with its architecture and size, then delete it', async ({ page }) => {
  const model = demoModel();
  expect(model.architecture).toBe('qwen2');

  await page.goto(`/#token=${E2E_TOKEN}`);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-upload-input').setInputFiles(model.path);

  const row = page.getByTestId('model-row').filter({ hasText: 'qwen2' });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row.getByTestId('model-architecture')).toHaveText('qwen2');
  await expect(row.getByTestId('model-parameters')).toHaveText(formatParameterCount(model.parameterCount));

  await page.getByTestId('models-search').fill('no such model');
  await expect(page.getByTestId('model-row')).toHaveCount(0);
  await page.getByTestId('models-search').fill('qwen2');
  await expect(row).toHaveCount(1);

  await row.click();
  await page.getByTestId('model-delete').click();
  await page.getByTestId('model-delete-confirm').click();
  await expect(page.getByTestId('model-row')).toHaveCount(0);
});

test('a file that is not a GGUF model is refused with the reason, and nothing is added', async ({ page }) => {
  await page.goto(`/#token=${E2E_TOKEN}`);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-upload-input').setInputFiles({ name: 'notes.gguf', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
  await expect(page.getByText(/not a valid GGUF/i)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('model-row')).toHaveCount(0);
});
