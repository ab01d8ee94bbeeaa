// Emulates Electron's process split in chromium: the BUILT preload (out/preload/index.js) runs
// in the page under a `require('electron')` shim whose ipcRenderer.invoke reaches the real
// registerIpc() handlers in this node process (toolchain.md §2/§3).
import type { IpcMainInvokeEvent } from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { CHANNELS, ENGINE_DRIVERS, HTTP_ROUTES } from '../../src/api';
import { createApiHandlers } from '../../src/host/api-handlers';
import { openNodeSession } from '../../src/host/node-session';
import type { Session } from '../../src/session/index';
import { readPackageMeta } from '../../src/host/package-meta';
import { registerIpc, type SenderCheck } from '../../main/ipc';
import { expect, test } from './guard';
import { PACKAGE, PROJECT_ROOT, screenshotPath } from './project';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

let session: Session;
test.beforeAll(async () => {
  session = await openNodeSession();
});
test.afterAll(() => session.close());

function preloadScript(): string {
  const preload = readFileSync(join(PROJECT_ROOT, 'out', 'preload', 'index.js'), 'utf8');
  // What a sandboxed preload sees: require() that knows only 'electron'.
  return `(() => {
    const electron = {
      contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze(api) }) },
      ipcRenderer: { invoke: (channel, ...args) => window.__blkstudioInvoke(channel, args), on: () => {}, removeListener: () => {} },
    };
    const require = (id) => {
      if (id !== 'electron') throw new Error('a sandboxed preload cannot require ' + id);
      return electron;
    };
    const module = { exports: {} };
    (function (require, module, exports) {\n${preload}\n})(require, module, module.exports);
  })();`;
}

async function bridge(page: Page, isTrustedSender?: SenderCheck): Promise<string[]> {
  const handlers = new Map<string, Handler>();
  registerIpc({ handle: (channel: string, fn: Handler) => void handlers.set(channel, fn) }, createApiHandlers(readPackageMeta(PROJECT_ROOT), session), isTrustedSender);
  const invoked: string[] = [];
  await page.exposeFunction('__blkstudioInvoke', async (channel: string, args: unknown[]) => {
    invoked.push(channel);
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: { url: page.url() } } as IpcMainInvokeEvent, ...args);
  });
  await page.addInitScript({ content: preloadScript() });
  return invoked;
}

test('the built preload connects the renderer to the main-process handlers', async ({ page }) => {
  const httpCalls: string[] = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/api/')) httpCalls.push(req.url());
  });
  const invoked = await bridge(page);
  await page.goto('/');

  await expect(page.getByLabel('Transport')).toHaveText('Electron IPC');
  await expect(page.getByLabel('Version')).toHaveText(`v${PACKAGE.version}`);
  await page.getByText('Engine', { exact: true }).click();
  await expect(page.getByRole('list', { name: 'Engine drivers' }).getByRole('listitem')).toHaveText([...ENGINE_DRIVERS]);
  expect(invoked).toContain(CHANNELS.appInfo);
  expect(httpCalls, `IPC mode must not fall back to ${HTTP_ROUTES.appInfo}`).toEqual([]);
  // The exposed API cannot be patched by page scripts.
  expect(await page.evaluate(() => Object.isFrozen((globalThis as { blkstudio?: object }).blkstudio))).toBe(true);
  await page.screenshot({ path: screenshotPath('ipc'), fullPage: true });
});

test('main refuses calls from an untrusted sender and the UI says so', async ({ page }) => {
  await bridge(page, () => false);
  await page.goto('/');
  // The app's own banner (Monaco, once loaded, adds empty role=alert live regions of its own).
  await expect(page.getByRole('alert').filter({ hasText: 'Could not reach the engine' })).toContainText('app:info: call refused from an untrusted frame');
});

test('main validates payloads that bypass the preload', async ({ page }) => {
  await bridge(page);
  await page.goto('/');
  await expect(page.getByLabel('Transport')).toHaveText('Electron IPC');
  const error = await page.evaluate(() =>
    (globalThis as unknown as { __blkstudioInvoke(c: string, a: unknown[]): Promise<unknown> })
      .__blkstudioInvoke('app:info', [{ evil: true }])
      .then((r) => JSON.stringify(r), (e: Error) => e.message),
  );
  expect(JSON.parse(error)).toEqual({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'appInfo takes no arguments, got 1' } });
});
