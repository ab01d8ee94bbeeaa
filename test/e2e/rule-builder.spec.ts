// The rule builder against the real engine: rules added, edited, moved and deleted with the form
// show up as rows that come from the engine's parse of the rule text; breakpoints go to the live
// session and come back through its snapshot.
import type { Page } from '@playwright/test';
import type { SessionSnapshot } from '../../src/api';
import { callEngine, freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, screenshotPath } from './project';

const builder = (page: Page) => page.getByRole('region', { name: 'Rule builder' });
const rows = (page: Page) => builder(page).getByRole('listbox', { name: 'Rule list' }).getByRole('option');

async function open(page: Page) {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(builder(page).getByText('New rule')).toBeVisible();
  await expect(builder(page).getByText('No rules yet')).toBeVisible();
}

async function suspendRules(): Promise<Array<{ event: string; tag?: string }>> {
  const snap = await callEngine<SessionSnapshot>('snapshot');
  return snap.blkdebug.flatMap((b) => b.rules.filter((r) => r.kind === 'suspend').map((r) => ({ event: r.event, tag: r.tag })));
}

test('add, edit, move and delete rules with the form', async ({ page }) => {
  await open(page);
  const b = builder(page);

  // An inject-error rule.
  await b.getByLabel('Action', { exact: true }).selectOption('inject-error');
  await b.getByLabel('Event', { exact: true }).fill('write');
  const suggestions = page.getByRole('listbox', { name: 'Suggestions' });
  await expect(suggestions.getByRole('option').first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('rule-builder-events') });
  await suggestions.getByRole('option', { name: /^write_aio/ }).click();
  await expect(b.getByLabel('Event', { exact: true })).toHaveValue('write_aio');
  await b.getByLabel('State', { exact: true }).fill('2');
  await b.getByLabel('Errno', { exact: true }).selectOption({ label: 'ENOSPC (28)' });
  await b.getByLabel('Once', { exact: true }).check();
  await page.screenshot({ path: screenshotPath('rule-builder-form') });
  await b.getByRole('button', { name: 'Add rule' }).click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).nth(0)).toHaveAccessibleName('inject-error write_aio · state 2 · ENOSPC (28) · once');

  // A set-state rule.
  await b.getByLabel('Action', { exact: true }).selectOption('set-state');
  await b.getByLabel('State', { exact: true }).fill('1');
  await b.getByLabel('New state', { exact: true }).fill('2');
  await b.getByRole('button', { name: 'Add rule' }).click();
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).nth(1)).toHaveAccessibleName('set-state write_aio · 1 → 2');

  // Edit a value of the selected rule: typed fields change the text on Enter.
  await rows(page).nth(1).click();
  await expect(rows(page).nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(b.getByText(/Rule at line \d+/)).toBeVisible();
  await expect(b.getByLabel('New state', { exact: true })).toHaveValue('2');
  await b.getByLabel('New state', { exact: true }).fill('3');
  await b.getByLabel('New state', { exact: true }).press('Enter');
  await expect(rows(page).nth(1)).toHaveAccessibleName('set-state write_aio · 1 → 3');

  // Selects change the text at once.
  await rows(page).nth(0).click();
  await b.getByLabel('Errno', { exact: true }).selectOption({ label: 'EIO (5)' });
  await expect(rows(page).nth(0)).toHaveAccessibleName('inject-error write_aio · state 2 · EIO (5) · once');
  await b.getByLabel('Once', { exact: true }).uncheck();
  await expect(rows(page).nth(0)).toHaveAccessibleName('inject-error write_aio · state 2 · EIO (5)');

  // Move the set-state rule up: it stays selected.
  await rows(page).nth(1).click();
  await b.getByRole('button', { name: 'Move up' }).click();
  await expect(rows(page).nth(0)).toHaveAccessibleName('set-state write_aio · 1 → 3');
  await expect(rows(page).nth(0)).toHaveAttribute('aria-selected', 'true');
  await expect(rows(page).nth(1)).toHaveAccessibleName('inject-error write_aio · state 2 · EIO (5)');
  await expect(b.getByRole('button', { name: 'Move up' })).toBeDisabled();
  await page.screenshot({ path: screenshotPath('rule-builder-list') });

  // Delete the inject-error rule.
  await rows(page).nth(1).click();
  await b.getByRole('button', { name: 'Delete rule' }).click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).nth(0)).toHaveAccessibleName('set-state write_aio · 1 → 3');
  await expect(b.getByText('New rule')).toBeVisible();

  // An invalid value stays as written, marked with the engine's message.
  await rows(page).nth(0).click();
  const state = b.getByLabel('State', { exact: true });
  await state.fill('two');
  await state.press('Enter');
  await expect(rows(page).nth(0)).toHaveAccessibleName('set-state write_aio · two → 3');
  await expect(state).toHaveValue('two');
  await expect(state).toHaveAttribute('aria-invalid', 'true');
  await expect(state).toHaveAttribute('title', /state/);
  await page.screenshot({ path: screenshotPath('rule-builder-invalid') });
});

test('breakpoints go to the live session', async ({ page }) => {
  await open(page);
  const b = builder(page);
  await b.getByLabel('Action', { exact: true }).selectOption('break');
  await expect(b.getByLabel('State', { exact: true })).toHaveCount(0);
  await b.getByLabel('Event', { exact: true }).fill('write_aio');
  await b.getByLabel('Tag', { exact: true }).fill('A');
  await b.getByRole('button', { name: 'Add rule' }).click();

  await expect.poll(suspendRules).toEqual([{ event: 'write_aio', tag: 'A' }]);
  const row = rows(page).filter({ hasText: 'break write_aio · tag A' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('live');

  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(b.getByText('Live breakpoint A')).toBeVisible();
  await page.screenshot({ path: screenshotPath('rule-builder-break') });
  await b.getByRole('button', { name: 'Delete rule' }).click();
  await expect.poll(suspendRules).toEqual([]);
  await expect(rows(page)).toHaveCount(0);
});

test('hit counts show when the text is the applied one', async ({ page }) => {
  await open(page);
  // Rules applied from outside while the builder holds nothing unapplied are loaded into it.
  await callEngine('applyRules', { text: '[set-state]\nevent = "write_aio"\nstate = "1"\nnew_state = "2"\n' });
  const exported = await callEngine<string>('exportRules');
  await callEngine('applyRules', { text: exported });
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).nth(0)).toHaveAccessibleName('set-state write_aio · 1 → 2, 0 hits');
  await callEngine('run', 'write 0 512');
  await expect(rows(page).nth(0)).toHaveAccessibleName('set-state write_aio · 1 → 2, 1 hit');
});

test('rapid changes wait for fresh parses and keep the selection on the moved rule', async ({ page }) => {
  await open(page);
  const b = builder(page);
  for (const event of ['read_aio', 'write_aio', 'flush_to_disk']) {
    await b.getByLabel('Event', { exact: true }).fill(event);
    await b.getByRole('button', { name: 'Add rule' }).click();
    await expect(rows(page).filter({ hasText: `inject-error ${event}` })).toHaveCount(1);
  }
  await rows(page).nth(2).click();
  // Two moves and two edits without waiting for the engine's parse in between.
  await b.getByRole('button', { name: 'Move up' }).click();
  await b.getByRole('button', { name: 'Move up' }).click();
  await b.getByLabel('Errno', { exact: true }).selectOption({ label: 'EROFS (30)' });
  await b.getByLabel('Immediately', { exact: true }).check();
  await expect(rows(page).nth(0)).toHaveAccessibleName('inject-error flush_to_disk · EROFS (30) · immediately');
  await expect(rows(page).nth(0)).toHaveAttribute('aria-selected', 'true');
  await expect(rows(page).nth(1)).toHaveAccessibleName('inject-error read_aio · EIO (5)');
  await expect(rows(page).nth(2)).toHaveAccessibleName('inject-error write_aio · EIO (5)');
});
