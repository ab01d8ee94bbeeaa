// Loads the electron-vite OUTPUT (out/main/index.js, out/preload/index.js) in node with a fake
// `electron` injected through Module._load, since the real binary is not available here.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_GLOBAL, CHANNELS, ENGINE_DRIVERS } from '../../../src/api';
import { FakeIpcMain } from './fake-ipc';

const ROOT = resolve(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'out', 'main', 'index.js');
const PRELOAD = join(ROOT, 'out', 'preload', 'index.js');
const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html');
const requireCjs = createRequire(__filename);

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Loader };

/** Requires `file` fresh with `electron` replaced by `fake`; returns the module ids the file itself asked for. */
function loadWithFakeElectron(file: string, fake: unknown): string[] {
  const requested: string[] = [];
  const original = moduleInternals._load;
  moduleInternals._load = function (request, parent, isMain) {
    if ((parent as { filename?: string } | null)?.filename === file) requested.push(request);
    return request === 'electron' ? fake : original.call(this, request, parent, isMain);
  };
  try {
    delete requireCjs.cache[file];
    requireCjs(file);
  } finally {
    moduleInternals._load = original;
  }
  return requested;
}

type Listener = (...args: unknown[]) => unknown;

function fakeMainElectron() {
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const appListeners = new Map<string, Listener[]>();
  const windows: FakeWindow[] = [];
  const ipcMain = new FakeIpcMain();
  const permissionHandler = vi.fn();

  class FakeWindow {
    static getAllWindows = () => windows;
    readonly once = vi.fn();
    readonly on = vi.fn();
    readonly show = vi.fn();
    readonly loadFile = vi.fn(async () => undefined);
    constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
      windows.push(this);
    }
  }

  const electron = {
    app: {
      whenReady: () => readyPromise,
      enableSandbox: vi.fn(),
      getName: () => 'blkstudio',
      getVersion: () => '9.8.7',
      quit: vi.fn(),
      on: (event: string, fn: Listener) => void appListeners.set(event, [...(appListeners.get(event) ?? []), fn]),
    },
    BrowserWindow: FakeWindow,
    ipcMain,
    session: { defaultSession: { setPermissionRequestHandler: permissionHandler } },
  };
  return { electron, ready, windows, ipcMain, appListeners, permissionHandler };
}

beforeAll(() => {
  // Self-sufficient when run on its own; `npm test` has built already.
  if (!existsSync(MAIN) || !existsSync(PRELOAD) || !existsSync(RENDERER_INDEX)) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'pipe' });
  }
}, 120_000);

describe('out/main/index.js', () => {
  it('registers the IPC channels and opens one secure window only once the app is ready', async () => {
    const fake = fakeMainElectron();
    loadWithFakeElectron(MAIN, fake.electron);
    expect(fake.electron.app.enableSandbox).toHaveBeenCalled();
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.windows).toHaveLength(0);

    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    expect([...fake.ipcMain.handlers.keys()]).toEqual(Object.values(CHANNELS));

    const win = fake.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    const preload = win.options.webPreferences?.preload;
    expect(preload).toBe(PRELOAD);
    expect(existsSync(preload!)).toBe(true);
    expect(win.loadFile).toHaveBeenCalledWith(RENDERER_INDEX);
    expect(existsSync(RENDERER_INDEX)).toBe(true);
  });

  it('answers app:info for our page only, with app name and version', async () => {
    const fake = fakeMainElectron();
    loadWithFakeElectron(MAIN, fake.electron);
    fake.ready();
    await vi.waitFor(() => expect(fake.ipcMain.handlers.size).toBeGreaterThan(0));
    const page = pathToFileURL(RENDERER_INDEX).href;
    await expect(fake.ipcMain.invoke(CHANNELS.appInfo, page)).resolves.toEqual({
      ok: true,
      value: { name: 'blkstudio', version: '9.8.7', engine: { drivers: [...ENGINE_DRIVERS] } },
    });
    await expect(fake.ipcMain.invoke(CHANNELS.appInfo, 'https://evil.example/')).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await expect(fake.ipcMain.invoke(CHANNELS.appInfo, page, 1)).resolves.toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'appInfo takes no arguments, got 1' } });
  });

  it('denies new windows, foreign navigation and permission requests', async () => {
    const fake = fakeMainElectron();
    loadWithFakeElectron(MAIN, fake.electron);
    fake.ready();
    await vi.waitFor(() => expect(fake.permissionHandler).toHaveBeenCalled());

    const decide = fake.permissionHandler.mock.calls[0]![0] as (wc: unknown, perm: string, cb: (ok: boolean) => void) => void;
    const granted = vi.fn();
    decide({}, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);

    const contentsListeners = new Map<string, Listener>();
    let openHandler: Listener | undefined;
    const contents = { setWindowOpenHandler: (fn: Listener) => (openHandler = fn), on: (e: string, fn: Listener) => void contentsListeners.set(e, fn) };
    for (const fn of fake.appListeners.get('web-contents-created') ?? []) fn({}, contents);
    expect(openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });

    const navigate = contentsListeners.get('will-navigate')!;
    const away = { preventDefault: vi.fn() };
    navigate(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const home = { preventDefault: vi.fn() };
    navigate(home, pathToFileURL(RENDERER_INDEX).href);
    expect(home.preventDefault).not.toHaveBeenCalled();
  });
});

describe('out/preload/index.js', () => {
  it('requires nothing but electron (a sandboxed preload cannot) and exposes the API', async () => {
    const exposeInMainWorld = vi.fn();
    const invoke = vi.fn(async () => 'answer');
    const requested = loadWithFakeElectron(PRELOAD, { contextBridge: { exposeInMainWorld }, ipcRenderer: { invoke } });
    expect(requested).toEqual(['electron']);
    expect(exposeInMainWorld).toHaveBeenCalledOnce();
    const [key, api] = exposeInMainWorld.mock.calls[0]! as unknown as [string, { appInfo(): Promise<unknown> }];
    expect(key).toBe(API_GLOBAL);
    await expect(api.appInfo()).resolves.toBe('answer');
    expect(invoke).toHaveBeenCalledWith(CHANNELS.appInfo);
  });
});
