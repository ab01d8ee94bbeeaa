/// <reference lib="dom" />
// The session is the memory of a debugging session: a user writes rules with comments and odd
// spacing, applies them, runs console commands, starts another edit without applying it, and
// reloads the page in the middle of it all. The editor shows exactly the text they had (the
// unapplied edit marked as restored), the console its transcript, the timeline its history, and
// the timeline names the rule's line in the editor's text. A second browser context on the same
// server shows the same, and both follow the session live.
import type { Browser, Page } from '@playwright/test';
import { freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, screenshotPath } from './project';
import { ruleText, setRuleText } from './rule-text';

/** Blank line and comments first, a comment inside a section, odd spacing, two blank lines. */
const WRITTEN = `# blkdebug rules for the session-memory scenario

# the first write moves to state 2
[set-state]
event = "write_aio"
state    =   "1"
new_state = "2"


[inject-error]
# then writes fail with EIO
event = "write_aio"
state = "2"
errno = "5"
`;
/** The line of [inject-error] in WRITTEN, as the editor numbers it. */
const INJECT_LINE = WRITTEN.split('\n').indexOf('[inject-error]') + 1;
const UNAPPLIED = '\n# not applied yet: read errors next\n';

const rules = (page: Page) => page.getByRole('region', { name: 'Rules', exact: true });
const log = (page: Page) => page.getByRole('log', { name: 'Console output' });
const timeline = (page: Page) => page.getByRole('region', { name: 'Timeline' });
const timelineRows = (page: Page) => timeline(page).getByRole('table', { name: 'Timeline events' }).locator('tbody tr');

async function runCommand(page: Page, line: string): Promise<void> {
  const command = page.getByRole('textbox', { name: 'qemu-io command' });
  await command.fill(line);
  await command.press('Enter');
}

/** Stop following and click the injected error's marker: the details name the rule and its line. */
async function selectInjectedError(page: Page): Promise<void> {
  const follow = timeline(page).getByRole('button', { name: 'Follow live' });
  if ((await follow.getAttribute('aria-pressed')) === 'true') await follow.click();
  await expect(follow).toHaveAttribute('aria-pressed', 'false');
  const marker = timelineRows(page).filter({ hasText: 'error-injected' });
  await expect(marker).toHaveAttribute('data-x', /\d+/);
  const x = Number(await marker.getAttribute('data-x'));
  const y = Number(await marker.getAttribute('data-y'));
  await timeline(page).getByRole('img', { name: /Timeline chart/ }).click({ position: { x, y } });
  await expect(timeline(page).getByRole('complementary', { name: 'Timeline selection' })).toContainText(
    new RegExp(`Rule#\\d+ inject-error write_aio errno 5 in state 2 \\(line ${INJECT_LINE}\\)`),
  );
}

/** What the session remembers, as this page shows it. */
async function expectRemembered(page: Page): Promise<void> {
  const panel = rules(page);
  await expect(panel.locator('.monaco-editor')).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByText('Modified, not applied')).toBeVisible();
  await expect(panel.getByText('Restored from the session')).toBeVisible();
  expect(await ruleText(page)).toBe(WRITTEN + UNAPPLIED);

  await expect(log(page)).toContainText('qemu-io> write -P 0x11 0 4k');
  await expect(log(page)).toContainText('wrote 4096/4096 bytes at offset 0');
  await expect(log(page)).toContainText('qemu-io> aio_write -P 0x22 8192 4k');
  await expect(log(page)).toContainText('aio_write failed: Input/output error');

  await timeline(page).scrollIntoViewIfNeeded();
  await expect(timelineRows(page).filter({ hasText: 'error-injected' })).toHaveCount(1);
  await expect(timelineRows(page).filter({ hasText: 'state-changed' })).not.toHaveCount(0);
  await expect(timelineRows(page).filter({ hasText: 'errno 5 (EIO)' }).filter({ hasText: '8192' })).not.toHaveCount(0);
  await selectInjectedError(page);
}

async function openSecondWindow(browser: Browser): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`/?token=${E2E_TOKEN}`);
  return { page, errors, close: () => context.close() };
}

test('a reload in the middle of a debugging session brings back the rules as written, the unapplied edit, the transcript and the timeline; a second window sees the same', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  const panel = rules(page);
  // Monaco comes in its own chunk (slow on a busy machine).
  await expect(panel.locator('.monaco-editor')).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByText('Matches the session')).toBeVisible();

  // Write the rules and apply them.
  await setRuleText(page, WRITTEN);
  await panel.getByRole('button', { name: 'Apply rules' }).click();
  await expect(panel.locator('.rules-result')).toHaveText('Applied');

  // Run commands: the first write moves to state 2, the aio write then fails.
  await runCommand(page, 'write -P 0x11 0 4k');
  await expect(log(page)).toContainText('wrote 4096/4096 bytes at offset 0');
  await runCommand(page, 'aio_write -P 0x22 8192 4k');
  await expect(log(page)).toContainText('aio_write failed: Input/output error');
  await timeline(page).scrollIntoViewIfNeeded();
  await expect(timelineRows(page).filter({ hasText: 'error-injected' })).toHaveCount(1);
  await selectInjectedError(page);

  // Start another edit and leave it unapplied: the session keeps it.
  await panel.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText(UNAPPLIED);
  await expect(panel.getByText('Modified, not applied')).toBeVisible();
  await expect(panel.getByText('Kept in the session')).toBeVisible();

  // Reload mid-session: everything is back.
  await page.reload();
  await expectRemembered(page);
  await page.screenshot({ path: screenshotPath('session-memory-reload'), fullPage: true });

  // A second browser context on the same server shows the same.
  const second = await openSecondWindow(browser);
  try {
    await expectRemembered(second.page);

    // Both follow the session live: a completion in the first window's console reaches both (the
    // active inject-error rule fails every request that reaches blkdebug, reads too, as in QEMU).
    await timeline(second.page).getByRole('button', { name: 'Follow live' }).click();
    await expect(timeline(second.page).getByRole('button', { name: 'Follow live' })).toHaveAttribute('aria-pressed', 'true');
    await runCommand(page, 'aio_read -P 0x11 0 4k');
    await expect(log(page)).toContainText('readv failed: Input/output error');
    await expect(log(second.page)).toContainText('readv failed: Input/output error');
    await expect(timelineRows(second.page).filter({ hasText: 'read' }).filter({ hasText: 'errno 5 (EIO)' }).first()).toBeAttached();

    // A command typed in one window shows in the other's console as it runs, once in each.
    await runCommand(second.page, 'length');
    const typed = (p: Page) => log(p).locator('span.qio-input', { hasText: /^qemu-io> length\s*$/ });
    await expect(typed(page)).toHaveCount(1);
    await expect(typed(second.page)).toHaveCount(1);
    await expect(log(page)).toContainText(/qemu-io> length\n\d+(\.\d+)? [KMG]?i?B/);

    // Applying the edit in the second window: the first shows exactly that text after a reload.
    await rules(second.page).getByRole('button', { name: 'Apply rules' }).click();
    await expect(rules(second.page).locator('.rules-result')).toHaveText('Applied');
    await page.reload();
    await expect(rules(page).getByText('Matches the session')).toBeVisible();
    expect(await ruleText(page)).toBe(WRITTEN + UNAPPLIED);
    expect(second.errors, 'console errors in the second window').toEqual([]);
  } finally {
    await second.close();
  }
});

test('Clear in the console clears the session transcript: a reload starts from there', async ({ page }) => {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('blkdebug');
  await runCommand(page, 'write -P 0x33 0 512');
  await expect(log(page)).toContainText('wrote 512/512 bytes at offset 0');
  await page.reload();
  await expect(log(page)).toContainText('wrote 512/512 bytes at offset 0');
  await page.getByRole('region', { name: 'Console' }).getByRole('button', { name: 'Clear' }).click();
  await expect(log(page)).not.toContainText('qemu-io>');
  await runCommand(page, 'read -P 0x33 0 512');
  await expect(log(page)).toContainText('read 512/512 bytes at offset 0');
  await page.reload();
  await expect(log(page)).toContainText('qemu-io> read -P 0x33 0 512');
  await expect(log(page)).not.toContainText('qemu-io> write -P 0x33 0 512');
});
