// Stepping a race by clicking alone: breakpoints set in the Suspended requests panel, requests
// sent from the console's request bar, resumed in a chosen order; the real engine parks and
// completes them and the console shows it.
import type { Page } from '@playwright/test';
import { callEngine, freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, screenshotPath } from './project';

const panel = (page: Page) => page.getByRole('region', { name: 'Suspended requests' });
const log = (page: Page) => page.getByRole('log', { name: 'Console output' });
const parked = (page: Page) => panel(page).getByRole('table', { name: 'Parked requests' }).locator('tbody tr');
/** The Breakpoints list's row of a tag on an event; its cells: tag, event, hits, state, kind, actions. */
const breakpointRow = (page: Page, tag: string, event: string) =>
  panel(page)
    .getByRole('table', { name: 'Breakpoints' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: tag, exact: true }) })
    .filter({ has: page.getByRole('cell', { name: event, exact: true }) });
const breakpointState = (page: Page, tag: string, event: string) => breakpointRow(page, tag, event).getByRole('cell').nth(3);

// A request left parked (a failed test) would hold up the next test's fresh image.
test.afterEach(async () => {
  await callEngine('resumeAll');
});

async function open(page: Page) {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkdebug');
}

async function setBreakpoint(page: Page, event: string, tag: string) {
  const p = panel(page);
  await p.getByRole('combobox', { name: 'Event' }).fill(event);
  await p.getByRole('textbox', { name: 'Tag' }).fill(tag);
  await p.getByRole('button', { name: 'Set breakpoint' }).click();
  await expect(breakpointState(page, tag, event)).toHaveText('armed');
}

async function sendRequest(page: Page, op: string, offset: number, length: number, pattern = '') {
  const bar = page.getByRole('form', { name: 'Request bar' });
  await bar.getByRole('combobox', { name: 'Operation' }).selectOption(op);
  await bar.getByRole('textbox', { name: 'Offset' }).fill(String(offset));
  await bar.getByRole('textbox', { name: 'Length' }).fill(String(length));
  await bar.getByRole('textbox', { name: 'Pattern' }).fill(pattern);
  await bar.getByRole('button', { name: 'Send request' }).click();
}

/** Park A (write at 0) then B (write at 4096), checking the list as it fills. */
async function parkTwo(page: Page) {
  await setBreakpoint(page, 'write_aio', 'A');
  await sendRequest(page, 'aio_write', 0, 4096, '0xab');
  await expect(log(page)).toContainText("qemu-io> aio_write -P 0xab 0 4096");
  await expect(log(page)).toContainText("blkdebug: Suspended request 'A'");
  await expect(parked(page)).toHaveCount(1);
  const cells = parked(page).first().getByRole('cell');
  await expect(cells.nth(0)).toHaveText('A');
  await expect(cells.nth(1)).toHaveText('write');
  await expect(cells.nth(2)).toHaveText('0');
  await expect(cells.nth(3)).toHaveText('4096 (4 KiB)');
  await expect(cells.nth(4)).toHaveText('write_aio');
  await expect(cells.nth(5)).toHaveText(/^\d+\.\d s$/);
  // QEMU's breakpoints are one-shot: A is no longer armed, and stays listed as fired.
  await expect(breakpointState(page, 'A', 'write_aio')).toHaveText('fired · parked');

  await setBreakpoint(page, 'write_aio', 'B');
  await sendRequest(page, 'aio_write', 4096, 4096, '0xcd');
  await expect(log(page)).toContainText("blkdebug: Suspended request 'B'");
  await expect(parked(page)).toHaveCount(2);
  // Most recently parked first.
  await expect(parked(page).nth(0).getByRole('cell').nth(0)).toHaveText('B');
  await expect(parked(page).nth(0).getByRole('cell').nth(2)).toHaveText('4096 (4 KiB)');
  await expect(parked(page).nth(1).getByRole('cell').nth(0)).toHaveText('A');
}

/** Where each completion appears in the log (-1 when absent). */
async function completionOrder(page: Page): Promise<{ at0: number; at4096: number }> {
  const text = await log(page).innerText();
  return { at0: text.indexOf('wrote 4096/4096 bytes at offset 0\n'), at4096: text.indexOf('wrote 4096/4096 bytes at offset 4096') };
}

test('park two writes and resume B before A', async ({ page }) => {
  await open(page);
  await parkTwo(page);
  // The parked time ticks between snapshots.
  const parkedCell = parked(page).nth(1).getByRole('cell').nth(5);
  const first = await parkedCell.innerText();
  await expect(parkedCell).not.toHaveText(first);
  await page.screenshot({ path: screenshotPath('suspended-two-parked') });

  await panel(page).getByRole('button', { name: 'Resume B', exact: true }).click();
  await expect(log(page)).toContainText('wrote 4096/4096 bytes at offset 4096');
  await expect(parked(page)).toHaveCount(1);
  await expect(log(page)).not.toContainText(/wrote 4096\/4096 bytes at offset 0(?!\d)/);
  await panel(page).getByRole('button', { name: 'Resume A', exact: true }).click();
  await expect(log(page)).toContainText(/wrote 4096\/4096 bytes at offset 0(?!\d)/);
  const { at0, at4096 } = await completionOrder(page);
  expect(at4096).toBeGreaterThan(0);
  expect(at0).toBeGreaterThan(at4096);
  await expect(panel(page).getByRole('table', { name: 'Parked requests' })).toHaveCount(0);
  await expect(panel(page)).toContainText('No parked requests');

  // Each write landed with its own pattern.
  await sendRequest(page, 'read', 0, 4096, '0xab');
  await expect(log(page)).toContainText('read 4096/4096 bytes at offset 0');
  await sendRequest(page, 'read', 4096, 4096, '0xcd');
  await expect(log(page)).toContainText('read 4096/4096 bytes at offset 4096');
  await expect(log(page)).not.toContainText('Pattern verification failed');
});

test('park two writes and resume A before B', async ({ page }) => {
  await open(page);
  await parkTwo(page);
  await panel(page).getByRole('button', { name: 'Resume A', exact: true }).click();
  await expect(log(page)).toContainText(/wrote 4096\/4096 bytes at offset 0(?!\d)/);
  await expect(parked(page)).toHaveCount(1);
  await expect(parked(page).first().getByRole('cell').first()).toHaveText('B');
  await panel(page).getByRole('button', { name: 'Resume B', exact: true }).click();
  await expect(log(page)).toContainText('wrote 4096/4096 bytes at offset 4096');
  const { at0, at4096 } = await completionOrder(page);
  expect(at0).toBeGreaterThan(0);
  expect(at4096).toBeGreaterThan(at0);
  await expect(panel(page)).toContainText('No parked requests');
});

test('Resume all resumes every parked request', async ({ page }) => {
  await open(page);
  await parkTwo(page);
  await panel(page).getByRole('button', { name: 'Resume all' }).click();
  await expect(panel(page)).toContainText('No parked requests');
  await expect(log(page)).toContainText(/wrote 4096\/4096 bytes at offset 0(?!\d)/);
  await expect(log(page)).toContainText('wrote 4096/4096 bytes at offset 4096');
  await expect(panel(page).getByRole('button', { name: 'Resume all' })).toHaveCount(0);
});

test('Remove breakpoint drops a waiting breakpoint and resumes a parked request', async ({ page }) => {
  await open(page);
  // A waiting breakpoint removed: the write then goes straight through.
  await setBreakpoint(page, 'write_aio', 'W');
  await panel(page).getByRole('button', { name: 'Remove breakpoint W', exact: true }).click();
  await expect(breakpointState(page, 'W', 'write_aio')).toHaveText('removed');
  await expect(breakpointRow(page, 'W', 'write_aio').getByRole('button', { name: 'Re-arm W' })).toBeVisible();
  await sendRequest(page, 'aio_write', 0, 512);
  await expect(log(page)).toContainText('wrote 512/512 bytes at offset 0');
  await expect(log(page)).not.toContainText("Suspended request 'W'");

  // A parked request: remove_break resumes it.
  await setBreakpoint(page, 'read_aio', 'R');
  await sendRequest(page, 'aio_read', 1024, 2048);
  await expect(log(page)).toContainText("blkdebug: Suspended request 'R'");
  await expect(parked(page)).toHaveCount(1);
  await expect(parked(page).first().getByRole('cell').nth(1)).toHaveText('read');
  await expect(parked(page).first().getByRole('cell').nth(3)).toHaveText('2048 (2 KiB)');
  await panel(page).getByRole('button', { name: 'Remove breakpoint R', exact: true }).click();
  await expect(log(page)).toContainText('read 2048/2048 bytes at offset 1024');
  await expect(panel(page)).toContainText('No parked requests');
});

test('a bad event is reported inline', async ({ page }) => {
  await open(page);
  const p = panel(page);
  await p.getByRole('combobox', { name: 'Event' }).fill('write_aoi');
  await p.getByRole('textbox', { name: 'Tag' }).fill('X');
  await p.getByRole('button', { name: 'Set breakpoint' }).click();
  await expect(p.getByRole('alert')).toContainText("'write_aoi' is not a blkdebug event");
  await expect(p.getByRole('table', { name: 'Breakpoints' })).toHaveCount(0);
});
