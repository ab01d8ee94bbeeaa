// The debugger's views together, against the real engine in web mode: the scenarios issue #5
// names, each driven as a user would and checked against what the engine reports.
import { expect, test } from './guard';
import { callEngine, freshSession } from './engine';
import { E2E_TOKEN, SEEDS_RULES, screenshotPath } from './project';
import { ruleText, setRuleText } from './rule-text';
import type { Page } from '@playwright/test';
import type { SessionSnapshot } from '../../src/api';


async function command(page: Page, line: string): Promise<void> {
  const input = page.getByRole('region', { name: 'Console' }).getByRole('textbox', { name: 'qemu-io command' });
  await input.fill(line);
  await input.press('Enter');
}

const consoleLog = (page: Page) => page.getByRole('region', { name: 'Console' }).getByRole('log');
const stateNode = (page: Page, n: number) => page.getByRole('region', { name: 'State machine' }).getByRole('button', { name: `State ${n}`, exact: true });

test.beforeEach(async ({ page }) => {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('region', { name: 'Rules' }).locator('.monaco-editor')).toBeVisible();
});

test("the seeds' scenario: the state moves to 2 and the second write fails", async ({ page }) => {
  await setRuleText(page, SEEDS_RULES);
  await page.getByRole('button', { name: 'Apply rules' }).click();
  await expect.poll(async () => (await callEngine<SessionSnapshot>('snapshot')).blkdebug[0]!.rules.length).toBe(2);

  await expect(stateNode(page, 1)).toHaveAttribute('aria-current', 'true');
  await expect(stateNode(page, 2)).toBeVisible();
  await expect(stateNode(page, 2)).not.toHaveAttribute('aria-current', 'true');

  await command(page, 'write 0 512');
  await expect(consoleLog(page)).toContainText('wrote 512/512 bytes at offset 0');
  await expect(stateNode(page, 2)).toHaveAttribute('aria-current', 'true');
  await expect(stateNode(page, 1)).not.toHaveAttribute('aria-current', 'true');

  await command(page, 'write 0 512');
  await expect(consoleLog(page)).toContainText('write failed: Input/output error');
  expect((await callEngine<SessionSnapshot>('snapshot')).blkdebug[0]!.state).toBe(2);
  await page.screenshot({ path: screenshotPath('debugger-seeds') });
});

test('a breakpoint: break, aio_write, see it parked, click Resume, see it complete', async ({ page }) => {
  const suspended = page.getByRole('region', { name: 'Suspended requests' });
  await suspended.getByLabel('Event').fill('write_aio');
  await suspended.getByLabel('Tag').fill('A');
  await suspended.getByRole('button', { name: 'Set breakpoint' }).click();
  await expect.poll(async () => (await callEngine<SessionSnapshot>('snapshot')).blkdebug[0]!.rules.map((r) => r.kind)).toEqual(['suspend']);

  await command(page, 'aio_write -P 0xab 0 4k');
  await expect(consoleLog(page)).toContainText("blkdebug: Suspended request 'A'");
  const row = suspended.getByRole('table', { name: 'Parked requests' }).getByRole('row').filter({ hasText: 'write_aio' });
  await expect(row).toContainText('A');
  await expect(row).toContainText('4096');
  await expect(consoleLog(page)).not.toContainText('wrote 4096/4096 bytes at offset 0');
  await page.screenshot({ path: screenshotPath('debugger-breakpoint-parked') });

  await suspended.getByRole('button', { name: 'Resume A', exact: true }).click();
  await expect(consoleLog(page)).toContainText("blkdebug: Resuming request 'A'");
  await expect(consoleLog(page)).toContainText('wrote 4096/4096 bytes at offset 0');
  await expect(suspended.getByRole('button', { name: 'Resume A', exact: true })).toHaveCount(0);
  expect((await callEngine<SessionSnapshot>('snapshot')).blkdebug[0]!.suspended).toEqual([]);
});

test("a typo in an event name is underlined with QEMU's message and nothing is applied", async ({ page }) => {
  await setRuleText(page, '[inject-error]\nevent = "wirte_aio"\nerrno = "5"\n');
  const rules = page.getByRole('region', { name: 'Rules' });
  await expect(rules.locator('.squiggly-error')).toHaveCount(1);
  await expect(rules.getByRole('list', { name: 'Problems' })).toContainText('2:10');
  await expect(rules.getByRole('list', { name: 'Problems' })).toContainText('invalid parameter value: wirte_aio');
  await page.getByRole('button', { name: 'Apply rules' }).click();
  await expect(rules).toContainText(/problem/i);
  expect((await callEngine<SessionSnapshot>('snapshot')).blkdebug[0]!.rules).toEqual([]);
  await page.screenshot({ path: screenshotPath('debugger-typo') });
});

test('builder edits show in the text, text edits show in the builder, comments survive', async ({ page }) => {
  await setRuleText(page, '# my comment, kept\n[set-state]\nevent = "write_aio"\nnew_state   =   "2"\n');
  const builder = page.getByRole('region', { name: 'Rule builder' });
  await expect(builder.getByRole('listbox', { name: 'Rule list' }).getByRole('option')).toHaveCount(1);

  // Builder → text: add an inject-error rule (the cursor's rule may be selected: start anew).
  const newRule = builder.getByRole('button', { name: 'New', exact: true });
  if (await newRule.isEnabled()) await newRule.click();
  await expect(builder.getByText('New rule')).toBeVisible();
  await builder.getByLabel('Action', { exact: true }).selectOption('inject-error');
  await builder.getByLabel('Event', { exact: true }).fill('read_a');
  await page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option', { name: /^read_aio/ }).click();
  await builder.getByLabel('Errno', { exact: true }).selectOption({ label: 'ENOSPC (28)' });
  await builder.getByRole('button', { name: 'Add rule' }).click();
  await expect.poll(() => ruleText(page)).toBe('# my comment, kept\n[set-state]\nevent = "write_aio"\nnew_state   =   "2"\n\n[inject-error]\nevent = "read_aio"\nerrno = "28"\n');

  // Text → builder: change the errno in the editor; the builder's form follows.
  await setRuleText(page, '# my comment, kept\n[set-state]\nevent = "write_aio"\nnew_state   =   "2"\n\n[inject-error]\nevent = "read_aio"\nerrno = "5"\n');
  const rows = builder.getByRole('listbox', { name: 'Rule list' }).getByRole('option');
  await expect(rows.nth(1)).toHaveAccessibleName('inject-error read_aio · EIO (5)');
  await rows.nth(1).click();
  await expect(builder.getByLabel('Errno', { exact: true })).toHaveValue('5');
  await page.screenshot({ path: screenshotPath('debugger-builder') });
});
