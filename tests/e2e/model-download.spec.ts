/**
 * Downloading a model through the Hub card: a local stand-in for the Hub (the same one the
 * vitest suites use) serves a real demo GGUF on E2E_HUB_PORT, where playwright.config.ts
 * points `lathe serve` (LATHE_HUB_URL). The file is found by search, downloaded, checked, and
 * appears in the Models table; with the Hub gone, the card says it is offline and the page
 * still works.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startFakeHub, type FakeHub } from '../main/models/hub/fake-hub';
import { E2E_HUB_PORT, E2E_TOKEN } from './settings';

let hub: FakeHub | null = null;

test.beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'lathe-e2e-hub-')), 'demo.gguf');
  execFileSync(process.execPath, ['bin/lathe.js', 'model', 'make-demo', '--out', path, '--arch', 'llama', '--size', 'tiny'], { stdio: 'pipe' });
  hub = await startFakeHub({ port: E2E_HUB_PORT });
  hub.addRepo({ id: 'lathe-e2e/Tiny-Demo-GGUF', downloads: 42, files: [{ path: 'tiny-demo-F16.gguf', bytes: readFileSync(path), bytesPerSecond: 256 * 1024 }] });
});

test.afterAll(async () => {
  await hub?.close();
});

test('search the Hub, download a GGUF file, and find it in the Models table', async ({ page }) => {
  await page.goto(`/#token=${E2E_TOKEN}`);
  await page.getByTestId('nav-models').click();
  await expect(page.getByTestId('hub-card')).toBeVisible();
  await page.getByTestId('hub-search').fill('tiny');
  await page.getByTestId('hub-search-submit').click();
  const repo = page.getByTestId('hub-repo').filter({ hasText: 'lathe-e2e/Tiny-Demo-GGUF' });
  await repo.getByTestId('hub-repo-open').click();

  const file = page.getByTestId('hub-file').filter({ hasText: 'tiny-demo-F16.gguf' });
  await expect(file).toContainText('F16');
  await expect(file.getByTestId('hub-fit-inference')).toHaveAttribute('data-verdict', 'yes');
  await file.getByTestId('hub-file-download').click();

  const download = page.getByTestId('hub-download').filter({ hasText: 'tiny-demo-F16.gguf' });
  await expect(download).toBeVisible();
  await expect(download).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const row = page.getByTestId('model-row').filter({ hasText: 'llama' });
  await expect(row).toHaveCount(1);

  // Leave the library empty for the other specs (deleting a downloaded model deletes its file).
  await row.click();
  await page.getByTestId('model-delete').click();
  await page.getByTestId('model-delete-confirm').click();
  await expect(page.getByTestId('model-row')).toHaveCount(0);
});

test('with the Hub unreachable the card says so and the rest of the page works', async ({ page }) => {
  await hub?.close();
  hub = null;
  await page.goto(`/#token=${E2E_TOKEN}`);
  await page.getByTestId('nav-models').click();
  await expect(page.getByTestId('hub-offline')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('models-card')).toBeVisible();
  await expect(page.getByTestId('hub-recommended')).toBeVisible();
});
