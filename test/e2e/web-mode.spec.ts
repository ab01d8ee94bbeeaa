// The renderer in web mode, served by `blkstudio --web` (the same path `npm start` takes
// when Electron is missing).
import { ENGINE_DRIVERS, HTTP_ROUTES } from '../../src/api';
import { expect, test } from './guard';
import { PACKAGE, screenshotPath } from './project';

test('shows the name, version and engine drivers', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('blkstudio');
  await expect(page.getByRole('heading', { level: 1, name: 'blkstudio' })).toBeVisible();
  await expect(page.getByLabel('Version')).toHaveText(`v${PACKAGE.version}`);
  await page.getByText('Engine', { exact: true }).click();
  await expect(page.getByRole('list', { name: 'Engine drivers' }).getByRole('listitem')).toHaveText([...ENGINE_DRIVERS]);
  await expect(page.getByLabel('Transport')).toHaveText('Web mode (WebSocket)');
  await expect(page.getByRole('status')).toHaveText(
    `${PACKAGE.name} ${PACKAGE.version} · ${ENGINE_DRIVERS.length} drivers · Web mode (WebSocket)`,
  );
  await page.screenshot({ path: screenshotPath('web'), fullPage: true });
});

test('every control has an accessible name', async ({ page }) => {
  await page.goto('/');
  await page.getByText('Engine', { exact: true }).click();
  await expect(page.getByRole('list', { name: 'Engine drivers' })).toBeVisible();
  // Visible ones: Monaco keeps hidden, unnamed hover widgets in the page.
  const controls = page.locator('button, input, select, textarea, a[href], [role="button"], [tabindex]').filter({ visible: true });
  const count = await controls.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) await expect(controls.nth(i)).toHaveAccessibleName(/\S/);
});

test('Reload asks the server again', async ({ page }) => {
  let calls = 0;
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === HTTP_ROUTES.appInfo) calls++;
  });
  await page.goto('/');
  await page.getByText('Engine', { exact: true }).click();
  const reload = page.getByRole('button', { name: 'Reload' });
  await expect(reload).toBeEnabled();
  const before = calls;
  await reload.click();
  await expect(reload).toBeEnabled();
  await expect(page.getByRole('list', { name: 'Engine drivers' }).getByRole('listitem')).toHaveCount(ENGINE_DRIVERS.length);
  expect(calls).toBe(before + 1);
});

test('a failing engine call is shown, not swallowed', async ({ page, guard }) => {
  guard.allowConsoleError(/status of 500/);
  await page.route(`**${HTTP_ROUTES.appInfo}`, (route) => route.fulfill({ status: 500, body: '{"error":"boom"}' }));
  await page.goto('/');
  await expect(page.getByRole('alert').filter({ hasText: 'Could not reach the engine' })).toHaveText(`Could not reach the engine: GET ${HTTP_ROUTES.appInfo} failed: HTTP 500`);
});
