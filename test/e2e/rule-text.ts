// Reading and writing the rule editor's text the way a user does: select all and type (paste)
// into Monaco, and "Save rules…" to get the exact text back as a download.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

export async function setRuleText(page: Page, text: string): Promise<void> {
  const rules = page.getByRole('region', { name: 'Rules' });
  await rules.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText arrives as one input, like a paste: Monaco does not auto-close quotes in it.
  await page.keyboard.insertText(text);
}

export async function ruleText(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('region', { name: 'Rules' }).getByRole('button', { name: 'Save rules…' }).click()]);
  return readFileSync(await download.path(), 'utf8');
}
