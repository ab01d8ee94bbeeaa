/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The rule editor from the keyboard: leaving it (Esc then Tab, Ctrl+M, the hint's toggle), a
// section header completion that leaves the next line to the user, and the "did you mean" quick
// fix for a misspelt event, key and errno name. Against the real engine's diagnostics.
import type { Page } from '@playwright/test';
import { freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, screenshotPath } from './project';

const rulesPanel = (page: Page) => page.getByRole('region', { name: 'Rules', exact: true });
const ruleFile = (page: Page) => rulesPanel(page).getByRole('textbox', { name: 'Rule file' });
const focused = (page: Page) => page.locator(':focus');

async function openEditor(page: Page) {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  const panel = rulesPanel(page);
  // Monaco is its own ~7 MB chunk, loaded on demand: give it time on a busy machine.
  await expect(panel.locator('.monaco-editor')).toBeVisible({ timeout: 20_000 });
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

const TYPO = '[inject-error]\nevent = "wirte_aio"';

test('the hint says how to leave the editor, and Esc then Tab, Ctrl+M or the toggle move focus on', async ({ page }) => {
  const panel = await openEditor(page);
  await setEditorText(page, TYPO);
  const problem = panel.getByRole('list', { name: 'Problems' }).getByRole('button', { name: '2:10 invalid parameter value: wirte_aio' });
  await expect(problem).toBeVisible();

  // The hint is on screen and is the editor's description for a screen reader.
  const hint = panel.getByRole('note', { name: 'Editor keys' });
  await expect(hint).toBeVisible();
  await expect(hint).toContainText('Tab: indent · Esc then Tab, or Ctrl+M: move focus');
  await expect(ruleFile(page)).toBeFocused();
  await expect(ruleFile(page)).toHaveAccessibleDescription('Tab: indent · Esc then Tab, or Ctrl+M: move focus');
  await page.screenshot({ path: screenshotPath('rules-editor-keys-hint') });

  // Tab indents as in any code editor.
  await page.keyboard.press('Home');
  await page.keyboard.press('Tab');
  await expect(ruleFile(page)).toBeFocused();
  await expect.poll(() => editorText(page)).toBe('[inject-error]\n    event = "wirte_aio"');
  await page.keyboard.press('ControlOrMeta+z');
  await expect.poll(() => editorText(page)).toBe(TYPO);
  // The engine has parsed the text again (the problem is at 2:10 once more).
  await expect(problem).toBeVisible();

  // Esc then Tab: on to the next control, the problem below the editor; the text is unchanged.
  await page.keyboard.press('Escape');
  await expect(hint).toContainText('Tab: move focus (after Esc)');
  await page.keyboard.press('Tab');
  await expect(problem).toBeFocused();
  await expect(focused(page)).toHaveAccessibleName('2:10 invalid parameter value: wirte_aio');
  await expect.poll(() => editorText(page)).toBe(TYPO);

  // Back into the editor (Enter on the problem): Tab indents again, the Esc was for one Tab.
  await page.keyboard.press('Enter');
  await expect(ruleFile(page)).toBeFocused();
  await expect(hint).toContainText('Tab: indent');
  // Esc, then typing on: Tab indents.
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowRight');
  await expect(hint).toContainText('Tab: indent');
  await page.keyboard.press('Tab');
  await expect(ruleFile(page)).toBeFocused();
  await expect.poll(() => editorText(page)).not.toBe(TYPO);
  await page.keyboard.press('ControlOrMeta+z');
  await expect.poll(() => editorText(page)).toBe(TYPO);
  // The engine has parsed the text again (the problem is at 2:10 once more).
  await expect(problem).toBeVisible();

  // Shift+Tab after Esc goes back to the hint's toggle, before the editor.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  const toggle = hint.getByRole('button', { name: 'Tab moves focus' });
  await expect(toggle).toBeFocused();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');

  // Ctrl+M in the editor: Tab moves focus until Ctrl+M again, as VS Code's "Tab moves focus".
  await ruleFile(page).focus();
  await page.keyboard.press('Control+m');
  await expect(hint).toContainText('Tab: move focus · Ctrl+M: Tab indents again');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Tab');
  await expect(problem).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(ruleFile(page)).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(problem).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(ruleFile(page)).toBeFocused();
  await page.keyboard.press('Control+m');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('Tab');
  await expect(ruleFile(page)).toBeFocused();
  await expect.poll(() => editorText(page)).not.toBe(TYPO);
  await page.keyboard.press('ControlOrMeta+z');
  await expect.poll(() => editorText(page)).toBe(TYPO);
  // The engine has parsed the text again (the problem is at 2:10 once more).
  await expect(problem).toBeVisible();

  // The toggle does the same with a click (or Space), for mouse and keyboard users alike.
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await ruleFile(page).focus();
  await page.keyboard.press('Tab');
  await expect(problem).toBeFocused();
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(hint).toContainText('Tab: indent');

  // One mode, whichever way it is switched: on with the toggle, off with Ctrl+M, Tab indents.
  await toggle.click();
  await ruleFile(page).focus();
  await page.keyboard.press('Control+m');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('Tab');
  await expect(ruleFile(page)).toBeFocused();
  await expect.poll(() => editorText(page)).not.toBe(TYPO);
});

test('accepting a section header completion leaves the next typed line exactly as typed', async ({ page }) => {
  await openEditor(page);
  await setEditorText(page, '');
  const suggest = page.locator('.suggest-widget');

  await page.keyboard.type('[inj');
  const option = suggest.getByRole('option', { name: /\[inject-error\]/ });
  await expect(option).toBeVisible();
  await page.keyboard.press('Enter');
  await expect.poll(() => editorText(page)).toBe('[inject-error]');
  await expect(suggest).toBeHidden();

  await page.keyboard.press('Enter');
  await page.keyboard.type('event = "read_aio"');
  await expect.poll(() => editorText(page)).toBe('[inject-error]\nevent = "read_aio"');
  // Nothing is left over to take the next line either.
  await page.keyboard.press('Escape');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('errno = "28"');
  await expect.poll(() => editorText(page)).toBe('[inject-error]\nevent = "read_aio"\nerrno = "28"');
  await expect(rulesPanel(page).getByRole('list', { name: 'Problems' }).getByRole('listitem')).toHaveCount(0);
});

/** Put the cursor in `word` (on the line's text) and open the quick fixes with Ctrl+. */
async function openQuickFix(page: Page, word: string) {
  await rulesPanel(page).locator('.view-line span', { hasText: new RegExp(`^${word}$`) }).click();
  await page.keyboard.press('Control+.');
}

test('a misspelt event, key or errno name offers "did you mean" as a quick fix that replaces the word', async ({ page }) => {
  const panel = await openEditor(page);
  await setEditorText(page, '[inject-error]\nevent = "wirte_aio"\nerrnoo = "EIOO"\n');
  const problems = panel.getByRole('list', { name: 'Problems' }).getByRole('listitem');
  // The Problems list keeps the engine's (QEMU's) messages; the squiggle's hover adds the hint.
  await expect(problems).toHaveText(['2:10 invalid parameter value: wirte_aio', "3:1 Invalid parameter 'errnoo'"]);
  await panel.locator('.view-line span', { hasText: /^wirte_aio$/ }).hover();
  await expect(page.locator('.monaco-hover').filter({ visible: true })).toContainText("invalid parameter value: wirte_aio; did you mean 'write_aio'?");

  // The event: Ctrl+. lists the fix; Enter applies it.
  await openQuickFix(page, 'wirte_aio');
  const fix = page.getByRole('option', { name: 'did you mean write_aio?' });
  await expect(fix).toBeVisible();
  await page.screenshot({ path: screenshotPath('rules-editor-quick-fix') });
  await page.keyboard.press('Enter');
  await expect.poll(() => editorText(page)).toBe('[inject-error]\nevent = "write_aio"\nerrnoo = "EIOO"\n');
  await expect(problems).toHaveText(["3:1 Invalid parameter 'errnoo'"]);

  // The key, with the mouse this time.
  await openQuickFix(page, 'errnoo');
  await page.getByRole('option', { name: 'did you mean errno?' }).click();
  await expect.poll(() => editorText(page)).toBe('[inject-error]\nevent = "write_aio"\nerrno = "EIOO"\n');
  await expect(problems).toHaveText(["3:10 Parameter 'errno' expects a number"]);

  // The errno name: QEMU takes a number, so the fix writes EIO's.
  await openQuickFix(page, 'EIOO');
  await page.getByRole('option', { name: 'did you mean 5 (EIO)?' }).click();
  await expect.poll(() => editorText(page)).toBe('[inject-error]\nevent = "write_aio"\nerrno = "5"\n');
  await expect(problems).toHaveCount(0);
  await expect(panel.locator('.squiggly-error')).toHaveCount(0);

  // Each fix is one undo step.
  await page.keyboard.press('Control+z');
  await expect.poll(() => editorText(page)).toBe('[inject-error]\nevent = "write_aio"\nerrno = "EIOO"\n');
});
