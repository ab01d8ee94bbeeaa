/// <reference lib="dom" />
// The path end to end in web mode: the console's commands go over the WebSocket to the session
// the server opened on a raw image, and qemu-io's output comes back.
import { freshSession } from './engine';
import { expect, test } from './guard';
import { E2E_IMAGE } from './image';
import { E2E_TOKEN, screenshotPath } from './project';

test('runs qemu-io commands in the console and shows their output', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  const tree = page.getByRole('list', { name: 'Node tree' });
  await expect(tree).toContainText('raw');
  await expect(tree).toContainText(E2E_IMAGE);

  const command = page.getByRole('textbox', { name: 'qemu-io command' });
  const log = page.getByRole('log', { name: 'Console output' });
  await command.fill('write -P 0xab 0 4k');
  await command.press('Enter');
  await expect(log).toContainText('wrote 4096/4096 bytes at offset 0');
  await command.fill('read -P 0xab 0 4k');
  await command.press('Enter');
  await expect(log).toContainText('read 4096/4096 bytes at offset 0');
  await expect(log).not.toContainText('Pattern verification failed');
  await page.screenshot({ path: screenshotPath('console'), fullPage: true });
});

test('without the token the page still loads but the session is refused', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText('Session unavailable: open the URL blkstudio printed')).toBeVisible();
});

test('the command line recalls history and completes command names', async ({ page }) => {
  await freshSession();
  await page.goto(`/?token=${E2E_TOKEN}`);
  await page.evaluate(() => localStorage.removeItem('blkstudio.console.history'));
  await page.reload();
  const command = page.getByRole('textbox', { name: 'qemu-io command' });
  const log = page.getByRole('log', { name: 'Console output' });
  const hint = page.getByLabel('Command hint');
  await expect(page.getByRole('list', { name: 'Node tree' })).toContainText('raw');

  // History: Up/Down walk it, the typed draft comes back, and it survives a reload.
  await command.fill('write -P 0x5a 0 512');
  await command.press('Enter');
  await expect(log).toContainText('wrote 512/512 bytes at offset 0');
  await command.fill('read -P 0x5a 0 512');
  await command.press('Enter');
  await expect(log).toContainText('read 512/512 bytes at offset 0');
  await command.fill('len');
  await command.press('ArrowUp');
  await expect(command).toHaveValue('read -P 0x5a 0 512');
  await command.press('ArrowUp');
  await expect(command).toHaveValue('write -P 0x5a 0 512');
  await command.press('ArrowUp');
  await expect(command).toHaveValue('write -P 0x5a 0 512');
  await command.press('ArrowDown');
  await command.press('ArrowDown');
  await expect(command).toHaveValue('len');
  await page.reload();
  await command.press('ArrowUp');
  await expect(command).toHaveValue('read -P 0x5a 0 512');

  // Completion: a unique prefix completes, an ambiguous one extends, a second Tab lists.
  await command.fill('bre');
  await command.press('Tab');
  await expect(command).toHaveValue('break ');
  await expect(command).toBeFocused();
  await expect(hint).toHaveText('break event tag -- sets a breakpoint on event and tags the stopped request as tag');
  await command.fill('ai');
  await command.press('Tab');
  await expect(command).toHaveValue('aio_');
  await command.press('Tab');
  await expect(log).toContainText(/aio_flush\s+aio_read\s+aio_write/);
  await expect(command).toHaveValue('aio_');
  await command.press('w');
  await command.press('Tab');
  await expect(command).toHaveValue('aio_write ');
  await expect(hint).toHaveText(/^aio_write \[.*\] off len.* -- asynchronously writes a number of bytes$/);
  await command.pressSequentially('4096 512');
  await command.press('Enter');
  await expect(log).toContainText('wrote 512/512 bytes at offset 4096');
  await command.fill('wri');
  await command.press('Tab');
  await expect(command).toHaveValue('write');
  await expect(hint).toHaveText(/^write \[-[a-zA-Z]+\] \[-P pattern.*\] off len -- writes a number of bytes at a specified offset$/);
  await page.screenshot({ path: screenshotPath('console-completion') });

  // Errors in the error colour; Clear empties the log.
  await command.fill('nosuchcommand 1');
  await command.press('Enter');
  const errLine = log.locator('.qio-stderr').first();
  await expect(errLine).toHaveText('command "nosuchcommand" not found');
  expect(await errLine.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 123, 114)');
  await page.getByRole('region', { name: 'Console' }).getByRole('button', { name: 'Clear' }).click();
  await expect(log).not.toContainText('qemu-io>');
});
