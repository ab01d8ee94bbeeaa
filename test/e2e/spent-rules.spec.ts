// Rules QEMU removes stay in view: an inject-error rule with once=on that failed a read is shown
// greyed as spent with its counts in the builder and the state machine; a breakpoint (one-shot,
// as in QEMU) stays in the Breakpoints list after it fires, re-arms in one click, and the list
// comes from the session, so a reload shows it again.
import type { Page } from '@playwright/test';
import { callEngine, freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, screenshotPath } from './project';
import { setRuleText } from './rule-text';

const rulesPanel = (page: Page) => page.getByRole('region', { name: 'Rules' });
const builder = (page: Page) => page.getByRole('region', { name: 'Rule builder' });
const machine = (page: Page) => page.getByRole('region', { name: 'State machine' });
const suspended = (page: Page) => page.getByRole('region', { name: 'Suspended requests' });
const breakpoints = (page: Page) => suspended(page).getByRole('table', { name: 'Breakpoints' });
const log = (page: Page) => page.getByRole('log', { name: 'Console output' });

const ONCE_RULE = '# fail the next read, once\n[inject-error]\nevent = "read_aio"\nerrno = "5"\nonce = "on"\n';

// A request left parked (a failed test) would hold up the next test's fresh image.
test.afterEach(async () => {
  await callEngine('resumeAll');
});

async function open(page: Page) {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkdebug');
}

async function run(page: Page, line: string) {
  const command = page.getByRole('textbox', { name: 'qemu-io command' });
  await command.fill(line);
  await command.press('Enter');
  await expect(log(page)).toContainText(`qemu-io> ${line}`);
}

test('a once rule that fired stays, greyed as spent with hit 1 and injected 1, in the builder and the state machine', async ({ page }) => {
  await open(page);
  await setRuleText(page, ONCE_RULE);
  await rulesPanel(page).getByRole('button', { name: 'Apply rules' }).click();
  await expect(builder(page).getByLabel('Rules status')).toHaveText('applied');

  const row = builder(page).getByRole('listbox', { name: 'Rule list' }).getByRole('option', { name: /^inject-error read_aio/ });
  await expect(row).toHaveAccessibleName('inject-error read_aio · EIO (5) · once, 0 hits');
  const badge = machine(page).getByRole('button', { name: /^inject-error read_aio in any state \(once\)/ });
  await expect(badge).toHaveAccessibleName('inject-error read_aio in any state (once)');
  await expect(badge).toContainText('×0');

  // The read fails once; QEMU removes the rule, the next read passes.
  await run(page, 'read 0 512');
  await expect(log(page)).toContainText('read failed: Input/output error');
  await run(page, 'read 512 512');
  await expect(log(page)).toContainText('read 512/512 bytes at offset 512');

  await expect(row).toHaveAccessibleName('inject-error read_aio · EIO (5) · once, spent: 1 hit, 1 injected');
  await expect(row).toHaveClass(/spent/);
  await expect(row).toContainText('spent');
  await expect(row).toContainText('hit 1');
  await expect(row).toContainText('injected 1');
  await row.click();
  await expect(builder(page).getByRole('note')).toContainText('Spent: blkdebug removed this once rule after it failed a request');

  await expect(badge).toHaveAccessibleName('inject-error read_aio in any state (once), spent: 1 hit, 1 injected');
  await expect(badge).toContainText('spent · ×1 · 1 failed');
  await expect(badge).toHaveClass(/is-spent/);
  await expect(badge).not.toHaveClass(/is-armed/);
  await expect(machine(page)).toContainText('0 rules · 1 spent');
  await page.screenshot({ path: screenshotPath('spent-once-rule') });

  // A reload brings the rule text back from the session and the spent rule with it.
  await page.reload();
  await expect(row).toHaveAccessibleName('inject-error read_aio · EIO (5) · once, spent: 1 hit, 1 injected');
  await expect(badge).toHaveAccessibleName('inject-error read_aio in any state (once), spent: 1 hit, 1 injected');

  // Applying the rules again re-arms it: live, counting from zero.
  await rulesPanel(page).getByRole('button', { name: 'Apply rules' }).click();
  await expect(row).toHaveAccessibleName('inject-error read_aio · EIO (5) · once, 0 hits');
  await expect(badge).toHaveAccessibleName('inject-error read_aio in any state (once)');
});

test('a fired breakpoint stays listed as one-shot with its hit count, re-arms in one click, and survives a reload', async ({ page }) => {
  await open(page);
  const p = suspended(page);
  await p.getByRole('combobox', { name: 'Event' }).fill('read_aio');
  await p.getByRole('textbox', { name: 'Tag' }).fill('A');
  await p.getByRole('button', { name: 'Set breakpoint' }).click();

  const row = breakpoints(page).getByRole('row').filter({ hasText: 'read_aio' });
  await expect(row).toHaveCount(1);
  const cells = row.getByRole('cell');
  await expect(cells.nth(0)).toHaveText('A');
  await expect(cells.nth(2)).toHaveText('0');
  await expect(cells.nth(3)).toHaveText('armed');
  await expect(cells.nth(4)).toHaveText('one-shot');
  await expect(row.getByRole('button', { name: 'Remove breakpoint A' })).toBeVisible();

  // An aio read fires it: the request parks and QEMU removes the breakpoint; the row stays.
  await run(page, 'aio_read 0 512');
  await expect(log(page)).toContainText("blkdebug: Suspended request 'A'");
  await expect(p.getByRole('table', { name: 'Parked requests' }).locator('tbody tr')).toHaveCount(1);
  await expect(cells.nth(2)).toHaveText('1');
  await expect(cells.nth(3)).toHaveText('fired · parked');
  await expect(cells.nth(4)).toHaveText('one-shot');
  await page.screenshot({ path: screenshotPath('spent-breakpoint-fired') });

  await p.getByRole('button', { name: 'Resume A', exact: true }).click();
  await expect(log(page)).toContainText('read 512/512 bytes at offset 0');
  await expect(cells.nth(3)).toHaveText('fired');

  // Re-arm: the same breakpoint again; the next aio read parks again.
  await row.getByRole('button', { name: 'Re-arm A' }).click();
  await expect(cells.nth(3)).toHaveText('armed');
  await expect(cells.nth(2)).toHaveText('1');
  await run(page, 'aio_read 4096 512');
  await expect(p.getByRole('table', { name: 'Parked requests' }).locator('tbody tr')).toHaveCount(1);
  await expect(log(page).getByText("blkdebug: Suspended request 'A'")).toHaveCount(2);
  await expect(cells.nth(2)).toHaveText('2');
  await expect(cells.nth(3)).toHaveText('fired · parked');

  // The list is the session's: a reload shows the same.
  await page.reload();
  await expect(row).toHaveCount(1);
  await expect(cells.nth(0)).toHaveText('A');
  await expect(cells.nth(2)).toHaveText('2');
  await expect(cells.nth(3)).toHaveText('fired · parked');
  await expect(cells.nth(4)).toHaveText('one-shot');
  await expect(row.getByRole('button', { name: 'Re-arm A' })).toBeVisible();
  await p.getByRole('button', { name: 'Resume A', exact: true }).click();
  await expect(p).toContainText('No parked requests');
  await expect(cells.nth(3)).toHaveText('fired');
});
