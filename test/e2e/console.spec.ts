// The path end to end in web mode: the console's commands go over the WebSocket to the session
// the server opened on a raw image, and qemu-io's output comes back.
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
