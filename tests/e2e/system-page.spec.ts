import { availableParallelism, totalmem } from 'node:os';
import { expect, test } from '@playwright/test';
import { formatBytes } from '../../src-renderer/src/format/bytes';
import { E2E_TOKEN } from './settings';

test('the System page shows this machine: logical cores, total memory, torch', async ({ page }) => {
  await page.goto(`/#token=${E2E_TOKEN}`);
  await page.getByTestId('nav-system').click();
  await expect(page.getByTestId('logical-cores')).toHaveText(String(availableParallelism()));
  await expect(page.getByTestId('memory-total')).toHaveText(formatBytes(totalmem()));
  // Debian's torch is installed by the test set-up, so discovery must find it.
  await expect(page.getByTestId('python-state')).toHaveText('ready', { timeout: 30_000 });
  // The token is taken out of the visible address once read.
  expect(page.url()).not.toContain(E2E_TOKEN);
});

test('a browser without the token is refused and told how to get in', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/carries the access token/)).toBeVisible();
  await expect(page.getByTestId('logical-cores')).toHaveCount(0);
});

test('a browser with a wrong token is refused', async ({ page }) => {
  await page.goto('/#token=wrong');
  await expect(page.getByText(/carries the access token/)).toBeVisible();
});
