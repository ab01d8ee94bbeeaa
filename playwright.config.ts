// End-to-end tests of the renderer in Debian's chromium (the Electron binary cannot be
// downloaded here, toolchain.md §3), served by our own web-mode server.
import { defineConfig } from '@playwright/test';
import { createE2eImage, E2E_IMAGE } from './test/e2e/image';
import { E2E_TOKEN } from './test/e2e/project';

// Workers load this file too; only the runner (which starts the web server) makes the image.
if (!process.env.TEST_WORKER_INDEX) createE2eImage();

const PORT = Number(process.env.E2E_PORT ?? 4173);
export const BASE_URL = `http://127.0.0.1:${PORT}`;

// Debian chromium as root in a container: no sandbox, no GPU, nothing that phones home.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  ...(process.env.HEADED ? ['--test-type'] : []),
];

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  // Overridable so several checkouts or helpers can run side by side (with E2E_PORT).
  outputDir: process.env.E2E_OUTPUT ?? 'test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  // The lazy Monaco chunk (~7 MB) can take longer than expect's 5 s default on a busy 2-core machine.
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: process.env.E2E_REPORT ?? 'reports/playwright.json' }]],
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: !process.env.HEADED,
    viewport: { width: 1100, height: 720 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    trace: 'off',
  },
  webServer: {
    // The same server `npm start` falls back to, on a raw image under blkdebug (as the scratch
    // image is); needs `npm run build` first.
    command: `node bin/blkstudio web --port ${PORT} -f raw blkdebug::${E2E_IMAGE}`,
    env: { BLKSTUDIO_WEB_TOKEN: E2E_TOKEN },
    url: `${BASE_URL}/api/app-info`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
