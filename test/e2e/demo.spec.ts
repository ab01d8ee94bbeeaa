// The first run: `blkstudio web` with no image opens the demo workspace (blkverify in record
// mode over a raw reference and a qcow2 image under blkdebug with the seeds' rules, with planted
// corruptions), runs its steps once, and every view has something to show.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from './guard';
import { E2E_TOKEN, PROJECT_ROOT, screenshotPath } from './project';

// Not 4190 (E2E_PORT + 17): fetch and chromium refuse that one (ManageSieve, on the "bad ports" list).
const PORT = Number(process.env.E2E_PORT ?? 4173) + 11;
const BASE = `http://127.0.0.1:${PORT}`;
let server: ChildProcess | null = null;

test.beforeAll(async () => {
  server = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'blkstudio'), 'web', '--port', String(PORT)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BLKSTUDIO_WEB_TOKEN: E2E_TOKEN },
    stdio: 'ignore',
  });
  let last: unknown = null;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${BASE}/api/app-info`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch (e) {
      last = e; // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the demo server did not start: ${String(last)}`);
});

test.afterAll(() => {
  server?.kill('SIGTERM');
});

test('opens the demo workspace with every view at work', async ({ page }) => {
  await page.goto(`${BASE}/?token=${E2E_TOKEN}`);
  const banner = page.getByRole('region', { name: 'Demo workspace' });
  await expect(banner).toBeVisible();
  // Every step ran once and did what its note says.
  const steps = banner.getByRole('list', { name: 'Demo steps' }).getByRole('listitem');
  await expect(steps).toHaveCount(6);
  await expect(banner.getByLabel('done')).toHaveCount(6);

  for (const name of ['Rules', 'Rule builder', 'State machine', 'Suspended requests', 'Console', 'Sector diff', 'Timeline']) {
    await expect(page.getByRole('region', { name })).toBeVisible();
  }
  const log = page.getByRole('log', { name: 'Console output' });
  await expect(log).toContainText('blkverify: read offset=1048576 bytes=65536 contents mismatch at offset 1049606');
  await expect(log).toContainText('blkverify: write offset=9437184 bytes=65536 return value mismatch -5 != 0');
  // The read parked at the breakpoint, the state machine is in state 2, both mismatches listed.
  await expect(page.getByRole('region', { name: 'Suspended requests' }).getByRole('table', { name: 'Parked requests' })).toContainText('demo');
  await expect(page.getByRole('list', { name: 'Mismatches' }).getByRole('listitem')).toHaveCount(2);
  await page.screenshot({ path: screenshotPath('demo-workspace'), fullPage: true });

  // Reloading does not run the steps again.
  await page.reload();
  await expect(page.getByRole('region', { name: 'Demo workspace' }).getByLabel('done')).toHaveCount(6);
  await expect(page.getByRole('list', { name: 'Mismatches' }).getByRole('listitem')).toHaveCount(2);
});
