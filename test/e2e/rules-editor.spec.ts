/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The Monaco rule editor against the real engine: the engine's diagnostics as squiggles and a
// Problems list, Apply (button and Ctrl+S) changing the session's rules, completion from the
// blkdebug catalogue, and opening and saving rule files. The guard fixture fails any test in
// which a request leaves localhost or the console shows an error.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { SessionSnapshot } from '../../src/api';
import { callEngine, freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, screenshotPath } from './project';

const rulesPanel = (page: Page) => page.getByRole('region', { name: 'Rules', exact: true });

async function openEditor(page: Page) {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  const panel = rulesPanel(page);
  // Monaco is its own ~7 MB chunk, loaded on demand: give it time on a busy machine.
  await expect(panel.locator('.monaco-editor')).toBeVisible({ timeout: 20_000 });
  // The session's (empty) rules have been loaded into the editor.
  await expect(panel.getByText('Matches the session')).toBeVisible();
  return panel;
}

/** Replace the editor's whole text as if pasted (no auto-closing quotes). */
async function setEditorText(page: Page, text: string) {
  await rulesPanel(page).locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

/** The text Monaco shows, line by line in order. */
async function editorText(page: Page): Promise<string> {
  return rulesPanel(page)
    .locator('.monaco-editor .view-lines')
    .evaluate((el) =>
      [...el.querySelectorAll<HTMLElement>('.view-line')]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
        .join('\n'),
    );
}

async function sessionRules() {
  const snap = await callEngine<SessionSnapshot>('snapshot');
  return snap.blkdebug[0]!.rules.map((r) => ({ kind: r.kind, event: r.event, state: r.state, errno: r.errno, newState: r.newState }));
}

const RULES_WITH_TYPO = `[set-state]
event = "write_aio"
state = "1"
new_state = "2"

[inject-error]
event = "wirte_aio"
state = "2"
errno = "5"
`;

test('a typo in an event name is marked under the value, Apply refuses it, and Ctrl+S applies the fix', async ({ page }) => {
  const panel = await openEditor(page);
  await setEditorText(page, RULES_WITH_TYPO);

  // The engine's parse: one problem at 7:10, squiggled under exactly `wirte_aio`.
  const problems = panel.getByRole('list', { name: 'Problems' }).getByRole('listitem');
  await expect(problems).toHaveText(['7:10 invalid parameter value: wirte_aio']);
  const squiggle = panel.locator('.squiggly-error');
  await expect(squiggle).toHaveCount(1);
  const value = panel.locator('.view-line span', { hasText: /^wirte_aio$/ });
  const [sq, val] = [await squiggle.boundingBox(), await value.boundingBox()];
  expect(sq && val).toBeTruthy();
  expect(Math.abs(sq!.x - val!.x)).toBeLessThan(2);
  expect(Math.abs(sq!.width - val!.width)).toBeLessThan(2);
  expect(Math.abs(sq!.y - val!.y)).toBeLessThan(4);
  await expect(panel.getByText('Modified, not applied')).toBeVisible();

  // Apply reports the problem; the session keeps its (no) rules.
  await panel.getByRole('button', { name: 'Apply rules' }).click();
  await expect(panel.locator('.rules-result')).toHaveText('1 problem');
  await expect(problems).toHaveText(['7:10 invalid parameter value: wirte_aio']);
  expect(await sessionRules()).toEqual([]);
  await page.screenshot({ path: screenshotPath('rules-editor-typo') });

  // Clicking the problem puts the cursor on it; select the word, fix it, Ctrl+S.
  await problems.first().click();
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.keyboard.insertText('write_aio');
  await expect(problems).toHaveCount(0);
  await expect(squiggle).toHaveCount(0);
  await page.keyboard.press('Control+s');
  await expect(panel.locator('.rules-result')).toHaveText('Applied');
  await expect(panel.getByText('Modified, not applied')).toHaveCount(0);
  await expect
    .poll(sessionRules)
    .toEqual([
      { kind: 'set-state', event: 'write_aio', state: 1, errno: undefined, newState: 2 },
      { kind: 'inject-error', event: 'write_aio', state: 2, errno: 5, newState: undefined },
    ]);
  expect(await editorText(page)).toBe(RULES_WITH_TYPO.replace('wirte_aio', 'write_aio'));

  // One Ctrl+Z undoes the fix (typing is undoable like any edit).
  await page.keyboard.press('Control+z');
  await expect(problems).toHaveText(['7:10 invalid parameter value: wirte_aio']);
});

test('completion offers event names with their docs and errno names that insert numbers', async ({ page }) => {
  const panel = await openEditor(page);
  await setEditorText(page, '[inject-error]\n');
  const suggest = page.locator('.suggest-widget');

  // The attribute names of [inject-error], then the events inside event = "...".
  await page.keyboard.type('ev');
  await expect(suggest.getByRole('option').first()).toContainText('event');
  await page.keyboard.press('Enter');
  await expect(suggest.getByRole('option').first()).toContainText('l1_update');
  await page.keyboard.type('write_a');
  const option = suggest.getByRole('option', { name: /write_aio/ });
  await expect(option).toContainText('A format driver (raw, qcow2) writes guest data to its file.');
  await page.screenshot({ path: screenshotPath('rules-editor-completion') });
  await page.keyboard.press('Enter');
  await expect(suggest).toBeHidden();

  // errno: the common ones first, labelled by name, inserting the number.
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('errn');
  await expect(suggest.getByRole('option').first()).toContainText('errno');
  await page.keyboard.press('Enter');
  await expect(suggest.getByRole('option').first()).toContainText('EIO (5)');
  await expect(suggest.getByRole('option').nth(1)).toContainText('ENOSPC (28)');
  await page.keyboard.type('ENOSPC');
  await expect(suggest.getByRole('option').first()).toContainText('ENOSPC (28)');
  await page.keyboard.press('Enter');
  await expect.poll(() => editorText(page)).toBe('[inject-error]\nevent = "write_aio"\nerrno = "28"');

  await page.keyboard.press('Control+s');
  await expect(panel.locator('.rules-result')).toHaveText('Applied');
  await expect.poll(sessionRules).toEqual([{ kind: 'inject-error', event: 'write_aio', state: 0, errno: 28, newState: undefined }]);

  // Hover explains errno numbers and events.
  await panel.locator('.view-line span', { hasText: /^28$/ }).hover();
  await expect(page.locator('.monaco-hover').filter({ visible: true })).toContainText('ENOSPC (28): No space left on device');
  await panel.locator('.view-line span', { hasText: /^write_aio$/ }).hover();
  await expect(page.locator('.monaco-hover').filter({ visible: true })).toContainText('A format driver (raw, qcow2) writes guest data to its file.');
});

test('Open rules… loads a file without applying it; Save rules… downloads the same text', async ({ page }) => {
  const panel = await openEditor(page);
  const file = '# from disk\n[inject-error]\nevent = "flush_to_disk"\nerrno = "28"\nonce = "on"\n';
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), panel.getByRole('button', { name: 'Open rules…' }).click()]);
  await chooser.setFiles({ name: 'enospc.cfg', mimeType: 'text/plain', buffer: Buffer.from(file) });
  await expect.poll(() => editorText(page)).toBe(file);
  await expect(panel.getByText('Modified, not applied')).toBeVisible();
  expect(await sessionRules()).toEqual([]);

  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Save rules…' }).click()]);
  expect(download.suggestedFilename()).toBe('rules.cfg');
  expect(readFileSync(await download.path(), 'utf8')).toBe(file);

  // Loading a file is one undo step in the editor.
  await panel.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+z');
  await expect.poll(() => editorText(page)).toBe('');
  await expect(panel.getByText('Matches the session')).toBeVisible();
});

test('every control of the editor has an accessible name', async ({ page }) => {
  const panel = await openEditor(page);
  await setEditorText(page, '[inject-error]\nevent = "wirte_aio"\n');
  await expect(panel.getByRole('list', { name: 'Problems' }).getByRole('listitem')).toHaveCount(1);
  await expect(panel.getByRole('textbox', { name: 'Rule file' })).toBeFocused();
  // The check of web-mode.spec.ts, on the panel once Monaco is up; Monaco keeps hidden (display:
  // none) hover widgets with tabindex in the DOM, which have no accessible name by definition.
  const controls = panel.locator('button, input, select, textarea, a[href], [role="button"], [tabindex]').filter({ visible: true });
  const count = await controls.count();
  expect(count).toBeGreaterThan(5);
  for (let i = 0; i < count; i++) await expect(controls.nth(i)).toHaveAccessibleName(/\S/);
});

test('"Reset state on apply" puts the state machine back to state 1', async ({ page }) => {
  const panel = await openEditor(page);
  await setEditorText(page, '[set-state]\nevent = "write_aio"\nstate = "1"\nnew_state = "2"\n');
  const apply = panel.getByRole('button', { name: 'Apply rules' });
  await apply.click();
  await expect(panel.locator('.rules-result')).toHaveText('Applied');
  await callEngine('run', 'write 0 4k');
  const state = async () => (await callEngine<SessionSnapshot>('snapshot')).blkdebug[0]!.state;
  expect(await state()).toBe(2);
  await apply.click();
  await expect(panel.locator('.rules-result')).toHaveText('Applied');
  expect(await state()).toBe(2);
  await panel.getByRole('checkbox', { name: 'Reset state on apply' }).check();
  await apply.click();
  await expect.poll(state).toBe(1);
});
