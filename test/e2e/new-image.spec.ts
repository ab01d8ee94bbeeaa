// New image…: a qcow2 image made in the background and opened; a big raw image with full
// preallocation cancelled halfway, leaving no file behind. The real engine makes the files.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_TOKEN, screenshotPath } from './project';

const dir = mkdtempSync(join(tmpdir(), 'blkstudio-e2e-new-'));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openForm(page: Page) {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  await page.getByText('New image…').click();
  return page.getByRole('form', { name: 'New image' });
}

test('makes a qcow2 image and opens it', async ({ page }) => {
  const form = await openForm(page);
  const file = join(dir, 'made.qcow2');
  await form.getByLabel('File name').fill(file);
  await form.getByLabel('Format').selectOption('qcow2');
  await form.getByLabel('Size', { exact: true }).fill('256M');
  await form.getByRole('button', { name: 'Create image' }).click();
  await expect(form.getByRole('status')).toHaveText(`Made ${file} and opened it.`);
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('qcow2');
  // -U: the app holds the image open and locked, as a running QEMU would.
  expect(spawnSync('qemu-img', ['check', '-U', file], { encoding: 'utf8' }).stdout).toContain('No errors were found on the image.');
  await page.screenshot({ path: screenshotPath('new-image'), fullPage: true });
});

test('cancels a long preallocation and leaves no file', async ({ page }) => {
  const form = await openForm(page);
  const file = join(dir, 'big.raw');
  await form.getByLabel('File name').fill(file);
  await form.getByLabel('Format').selectOption('raw');
  await form.getByLabel('Size', { exact: true }).fill('64G');
  await form.getByLabel('Preallocation').selectOption('full');
  await form.getByRole('button', { name: 'Create image' }).click();
  await expect(form.getByRole('progressbar', { name: 'Creating image' })).toBeVisible();
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form.getByRole('status')).toHaveText('Cancelled; the half-made file was removed.');
  expect(existsSync(file)).toBe(false);
});

test('refuses an existing file and a bad size, inline', async ({ page }) => {
  const form = await openForm(page);
  await form.getByLabel('File name').fill(join(dir, 'x.qcow2'));
  await form.getByLabel('Size', { exact: true }).fill('lots');
  await form.getByRole('button', { name: 'Create image' }).click();
  await expect(form.getByRole('alert')).toContainText('Size: a number with an optional suffix');
  await form.getByLabel('Size', { exact: true }).fill('1M');
  const mine = join(dir, 'mine.qcow2');
  writeFileSync(mine, 'precious');
  await form.getByLabel('File name').fill(mine);
  await form.getByRole('button', { name: 'Create image' }).click();
  await expect(form.getByRole('status')).toContainText('exists already');
  expect(readFileSync(mine, 'utf8')).toBe('precious');
});
