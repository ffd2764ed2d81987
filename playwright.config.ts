/**
 * End-to-end tests drive the real UI in Debian's Chromium (never a downloaded browser)
 * against `lathe serve` with its real services, a fresh data folder and a known token.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { E2E_HUB_PORT, E2E_PORT, E2E_TOKEN } from './tests/e2e/settings';

const dataDir = mkdtempSync(join(tmpdir(), 'lathe-e2e-'));

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.LATHE_CHROMIUM ?? '/usr/bin/chromium',
      // Background networking makes Chromium call out at start; this machine has no network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `node bin/lathe.js serve --port ${E2E_PORT}`,
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    env: { LATHE_TOKEN: E2E_TOKEN, LATHE_DATA_DIR: dataDir, LATHE_HUB_URL: `http://127.0.0.1:${E2E_HUB_PORT}` },
  },
});
