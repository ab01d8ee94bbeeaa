// The first run: `blkstudio web` with no image opens the demo workspace (blkverify in record
// mode over a raw reference and a qcow2 image under blkdebug with the seeds' rules, with planted
// corruptions). The steps run at first sight, each checked by the session; the run belongs to
// the session (a reload and a second browser see it), "Run the demo again" plants everything
// afresh and gives the same result every time, and a click on a step runs it or says why not.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { DEMO_CORRUPT_SECTORS } from '../../src/host/demo-workspace';
import { expect as guardExpect, test } from './guard';
import { E2E_TOKEN, PROJECT_ROOT, screenshotPath } from './project';

// Not 4190 (E2E_PORT + 17): fetch and chromium refuse that one (ManageSieve, on the "bad ports" list).
const PORT = Number(process.env.E2E_PORT ?? 4173) + 11;
const BASE = `http://127.0.0.1:${PORT}`;
const URL = `${BASE}/?token=${E2E_TOKEN}`;
let server: ChildProcess | null = null;

// Planting the demo's images and running its steps takes a few seconds on a loaded machine.
const expect = guardExpect.configure({ timeout: 15_000 });

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

// The tests share the one demo server and follow on from each other.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const banner = (page: Page) => page.getByRole('region', { name: 'Demo workspace' });
const steps = (page: Page) => banner(page).getByRole('list', { name: 'Demo steps' }).getByRole('listitem');
const step = (page: Page, n: number) => steps(page).nth(n - 1);
const mark = (item: Locator, state: string) => item.getByRole('img', { name: state, exact: true });
const status = (page: Page) => banner(page).getByRole('status', { name: 'Demo status' });
const mismatches = (page: Page) => page.getByRole('region', { name: 'Sector diff' }).getByRole('list', { name: 'Mismatches' }).getByRole('listitem');
const parked = (page: Page) => page.getByRole('region', { name: 'Suspended requests' }).getByRole('table', { name: 'Parked requests' });

/** The marks of the seven steps, in order ('done', 'failed', 'pending', 'running'). */
function marks(page: Page): Promise<string[]> {
  return steps(page).evaluateAll((items) => items.map((li) => li.getAttribute('data-state') ?? ''));
}

const ALL_DONE = Array<string>(7).fill('done');

/** What the sector diff lists after the demo: the two planted sectors, then the write the injected EIO lost. */
async function expectPlantedMismatches(page: Page): Promise<string[]> {
  const items = mismatches(page);
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toHaveText(new RegExp(`^#1 read .* · sector ${DEMO_CORRUPT_SECTORS[0]}$`));
  await expect(items.nth(1)).toHaveText(new RegExp(`^#2 read .* · sector ${DEMO_CORRUPT_SECTORS[1]}$`));
  await expect(items.nth(2)).toHaveText(/^#3 write 0x900000 \+64 KiB · sectors 18432–18559 · test EIO$/);
  return items.allTextContents();
}

test('the demo runs at first sight, each check mark verified, and the sector diff lists the planted corruptions', async ({ page }) => {
  await page.goto(URL);
  await expect(banner(page)).toBeVisible();
  await expect(steps(page)).toHaveCount(7);
  // Every step ran once, and the session checked it did what its note says.
  await expect(banner(page).getByRole('img', { name: 'done', exact: true })).toHaveCount(7);
  await expect(banner(page).getByRole('img', { name: 'failed', exact: true })).toHaveCount(0);
  await expect(banner(page).getByLabel('Demo run')).toHaveText('run 1 · 7 of 7 steps done');
  await expect(status(page)).toHaveText('All 7 steps done and verified (run 1).');
  // What was verified is on the step itself.
  await expect(banner(page).getByRole('button', { name: 'Step 4: write -P 0x11 8M 64k' })).toHaveAttribute('title', /^returned 0; no blkverify mismatch; state 1 → 2/);

  for (const name of ['Rules', 'Rule builder', 'State machine', 'Suspended requests', 'Console', 'Sector diff', 'Timeline']) {
    await expect(page.getByRole('region', { name })).toBeVisible();
  }
  const log = page.getByRole('log', { name: 'Console output' });
  await expect(log).toContainText('blkverify: read offset=1048576 bytes=65536 contents mismatch at offset 1049606');
  await expect(log).toContainText('blkverify: read offset=4194304 bytes=65536 contents mismatch at offset 4197888');
  await expect(log).toContainText('blkverify: write offset=9437184 bytes=65536 return value mismatch -5 != 0');
  await expect(parked(page)).toContainText('demo');
  await expectPlantedMismatches(page);
  // Going to the first mismatch shows the planted bytes in the test image's column.
  const hex = page.getByRole('region', { name: 'Sector diff' }).getByRole('group', { name: 'Hex rows' });
  await mismatches(page).nth(0).getByRole('button').click();
  await expect(hex).toContainText('c0rrupt');

  // The test side reads again (the injected error was `once`): comparing the whole image finds
  // the planted sectors, not an image that fails every read.
  const diff = page.getByRole('region', { name: 'Sector diff' });
  await diff.getByRole('button', { name: 'Compare whole image' }).click();
  await expect(diff.getByLabel('Compare status')).toHaveText(/^complete: /, { timeout: 15_000 });
  for (const sector of DEMO_CORRUPT_SECTORS) {
    await expect(mismatches(page).filter({ hasText: new RegExp(`^diff .* · sector ${sector}$`) })).toHaveCount(1);
  }
  await page.screenshot({ path: screenshotPath('demo-workspace'), fullPage: true });

  // A reload shows the session's run: the steps are not run again.
  await page.reload();
  await expect(banner(page).getByRole('img', { name: 'done', exact: true })).toHaveCount(7);
  await expect(banner(page).getByLabel('Demo run')).toHaveText('run 1 · 7 of 7 steps done');
  await expectPlantedMismatches(page);
  await expect(parked(page).locator('tbody tr')).toHaveCount(1);
});

test('"Run the demo again" plants fresh images and rules and gives the same result every time', async ({ page }) => {
  await page.goto(URL);
  await expect(banner(page).getByLabel('Demo run')).toHaveText('run 1 · 7 of 7 steps done');
  const first = await expectPlantedMismatches(page);
  for (let run = 2; run <= 4; run++) {
    await banner(page).getByRole('button', { name: 'Run the demo again' }).click();
    await expect(status(page)).toHaveText(`All 7 steps done and verified (run ${run}).`, { timeout: 20_000 });
    expect(await marks(page)).toEqual(ALL_DONE);
    await expect(banner(page).getByLabel('Demo run')).toHaveText(`run ${run} · 7 of 7 steps done`);
    // The same mismatches, the same parked read, the state machine in state 2 again.
    expect(await expectPlantedMismatches(page)).toEqual(first);
    await expect(parked(page).locator('tbody tr')).toHaveCount(1);
    await expect(parked(page)).toContainText('demo');
    await expect(page.getByRole('log', { name: 'Console output' })).toContainText(`demo run ${run}: reference.raw, test.qcow2 and demo.cfg planted afresh`);
  }
});

test('a step runs when clicked, or explains why not; the run is the session’s, seen after a reload and from a second browser', async ({ page, browser }) => {
  await page.goto(URL);
  await banner(page).getByRole('button', { name: 'Restore the demo' }).click();
  await expect(status(page)).toHaveText(/^Restored: fresh images and rules \(run \d+\)\. Click a step to run it\.$/);
  await expect.poll(() => marks(page)).toEqual(Array(7).fill('pending'));
  await expect(mismatches(page)).toHaveCount(0);
  await expect(parked(page)).toHaveCount(0);

  // The second write needs the first one (the state machine must be in state 2): both run.
  await banner(page).getByRole('button', { name: 'Step 5: write -P 0x22 9M 64k' }).click();
  await expect(status(page)).toHaveText(/^Step 5 done: returned -5 \(EIO\); blkverify recorded a return-value mismatch on write \(test side EIO\); no inject-error rule left active\.$/);
  expect(await marks(page)).toEqual(['pending', 'pending', 'pending', 'done', 'done', 'pending', 'pending']);
  // A step that is done says so instead of running again.
  await banner(page).getByRole('button', { name: 'Step 4: write -P 0x11 8M 64k' }).click();
  await expect(status(page)).toHaveText(/^Step 4 \(write -P 0x11 8M 64k\) is done in this run: returned 0; no blkverify mismatch; state 1 → 2\. Run the demo again to repeat it on fresh images\.$/);

  // Reload in the middle: the marks come from the session, and nothing runs on its own.
  await page.reload();
  await expect(banner(page).getByLabel('Demo run')).toHaveText(/ · 2 of 7 steps done$/);
  expect(await marks(page)).toEqual(['pending', 'pending', 'pending', 'done', 'done', 'pending', 'pending']);

  // A second browser (its own storage) sees the same run, and its clicks show in the first.
  const other = await browser.newContext();
  try {
    const page2 = await other.newPage();
    await page2.goto(URL);
    await expect(banner(page2).getByLabel('Demo run')).toHaveText(/ · 2 of 7 steps done$/);
    expect(await marks(page2)).toEqual(['pending', 'pending', 'pending', 'done', 'done', 'pending', 'pending']);
    await banner(page2).getByRole('button', { name: 'Step 7: aio_read 0 4k' }).click();
    await expect(status(page2)).toHaveText("Step 7 done: returned 0; read at 0 parked as 'demo'.");
    await expect.poll(() => marks(page)).toEqual(['pending', 'pending', 'pending', 'done', 'done', 'done', 'done']);
    await expect(parked(page)).toContainText('demo');
  } finally {
    await other.close();
  }

  // A step that does not do what it says fails, with the reason, and gets no check mark: here
  // the user moved the state machine to 2 by hand before the demo's first write, so that write
  // is the one that fails.
  await banner(page).getByRole('button', { name: 'Restore the demo' }).click();
  await expect(status(page)).toHaveText(/^Restored/);
  const command = page.getByRole('textbox', { name: 'qemu-io command' });
  await command.fill('write -P 0x33 12M 4k');
  await command.press('Enter');
  await expect(page.getByRole('log', { name: 'Console output' })).toContainText('wrote 4096/4096 bytes at offset 12582912');
  await banner(page).getByRole('button', { name: 'Step 4: write -P 0x11 8M 64k' }).click();
  await expect(status(page)).toHaveText('Step 4 failed: the command returned -5 (EIO), not 0.');
  await expect(mark(step(page, 4), 'failed')).toBeVisible();
  await expect(mark(step(page, 4), 'done')).toHaveCount(0);
  await expect(banner(page).getByLabel('Step 4 failure')).toHaveText('failed: the command returned -5 (EIO), not 0');
  // The step that needs it tries it again first (it writes now, but the state did not move), and
  // says why it did not run.
  await banner(page).getByRole('button', { name: 'Step 5: write -P 0x22 9M 64k' }).click();
  await expect(status(page)).toHaveText('Step 5 did not run: needs step 4 (write -P 0x11 8M 64k), which failed: the state machine was in state 2 before the step, not 1.');
  await expect(banner(page).getByLabel('Step 4 failure')).toHaveText('failed: the state machine was in state 2 before the step, not 1');
  await expect(banner(page).getByLabel('Step 5 waits')).toContainText('needs step 4');
  expect(await marks(page)).toEqual(['pending', 'pending', 'pending', 'failed', 'pending', 'pending', 'pending']);

  // Running the demo again restores images and rules: every step succeeds once more.
  await banner(page).getByRole('button', { name: 'Run the demo again' }).click();
  await expect(status(page)).toHaveText(/^All 7 steps done and verified \(run \d+\)\.$/, { timeout: 20_000 });
  expect(await marks(page)).toEqual(ALL_DONE);
  await expectPlantedMismatches(page);
});
