// Loads the electron-vite OUTPUT (out/main/index.js, out/preload/index.js) in node with a fake
// `electron` injected through Module._load, since the real binary is not available here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Module, { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_GLOBAL, CHANNELS, ENGINE_DRIVERS } from '../../../src/api';
import { FakeIpcMain } from './fake-ipc';

const ROOT = resolve(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'out', 'main', 'index.js');
const PRELOAD = join(ROOT, 'out', 'preload', 'index.js');
const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html');
const requireCjs = createRequire(__filename);
const USER_DATA = join(tmpdir(), `blkstudio-bundle-test-${process.pid}`);

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

function fakeMainElectron(options: { lock?: boolean } = {}) {
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const appListeners = new Map<string, Listener[]>();
  const windows: FakeWindow[] = [];
  const ipcMain = new FakeIpcMain();
  const permissionHandler = vi.fn();
  const permissionCheckHandler = vi.fn();

  class FakeWindow {
    static getAllWindows = () => windows;
    readonly once = vi.fn();
    readonly on = vi.fn();
    readonly show = vi.fn();
    readonly loadFile = vi.fn(async () => undefined);
    readonly isMinimized = vi.fn(() => true);
    readonly isDestroyed = vi.fn(() => false);
    readonly restore = vi.fn();
    readonly focus = vi.fn();
    constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
      windows.push(this);
    }
  }

  const electron = {
    app: {
      whenReady: vi.fn(() => readyPromise),
      requestSingleInstanceLock: vi.fn(() => options.lock ?? true),
      getPath: vi.fn((name: string) => join(USER_DATA, name)),
      enableSandbox: vi.fn(),
      getName: () => 'blkstudio',
      getVersion: () => '9.8.7',
      quit: vi.fn(),
      on: (event: string, fn: Listener) => void appListeners.set(event, [...(appListeners.get(event) ?? []), fn]),
    },
    BrowserWindow: FakeWindow,
    ipcMain,
    session: { defaultSession: { setPermissionRequestHandler: permissionHandler, setPermissionCheckHandler: permissionCheckHandler } },
    Menu: {
      buildFromTemplate: vi.fn((template: Electron.MenuItemConstructorOptions[]) => ({ template })),
      setApplicationMenu: vi.fn(),
    },
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn() },
  };
  const fake = { electron, ready, windows, ipcMain, appListeners, permissionHandler, permissionCheckHandler };
  fakes.push(fake);
  return fake;
}

/** Every fake app made here: each loaded main opened a session (the demo workspace's files). */
const fakes: Array<{ appListeners: Map<string, Listener[]> }> = [];

beforeAll(() => {
  // Self-sufficient when run on its own; `npm test` has built already.
  if (!existsSync(MAIN) || !existsSync(PRELOAD) || !existsSync(RENDERER_INDEX)) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'pipe' });
  }
}, 120_000);

afterAll(async () => {
  // Quit every app, as Electron would: main closes its session, which removes its files.
  for (const f of fakes) for (const fn of f.appListeners.get('will-quit') ?? []) fn();
  await new Promise((r) => setTimeout(r, 200));
  rmSync(USER_DATA, { recursive: true, force: true });
});

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
    // The window icon is the repo's assets/icon-512.png.
    expect(win.options.icon).toMatch(/assets[/\\]icon-512\.png$/);
    expect(existsSync(win.options.icon as string)).toBe(true);
  });

  it('answers app:info for our page only, with app name and version', async () => {
    const fake = fakeMainElectron();
    loadWithFakeElectron(MAIN, fake.electron);
    fake.ready();
    await vi.waitFor(() => expect(fake.ipcMain.handlers.size).toBeGreaterThan(0));
    const page = pathToFileURL(RENDERER_INDEX).href;
    await expect(fake.ipcMain.invoke(CHANNELS.appInfo, page)).resolves.toEqual({
      ok: true,
      value: { name: 'blkstudio', version: '9.8.7', engine: { drivers: [...ENGINE_DRIVERS], commands: expect.arrayContaining([expect.objectContaining({ name: 'aio_write' })]) } },
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
    const check = fake.permissionCheckHandler.mock.calls[0]![0] as (wc: unknown, perm: string) => boolean;
    expect(check({}, 'media')).toBe(false);

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
    const redirected = { preventDefault: vi.fn() };
    contentsListeners.get('will-redirect')!(redirected, 'https://evil.example/');
    expect(redirected.preventDefault).toHaveBeenCalled();
  });
});

describe('out/main/index.js: one instance and the application menu', () => {
  it('requests the single-instance lock at load and focuses the window on a second launch', async () => {
    const fake = fakeMainElectron();
    loadWithFakeElectron(MAIN, fake.electron);
    expect(fake.electron.app.requestSingleInstanceLock).toHaveBeenCalledOnce();
    expect(fake.electron.app.quit).not.toHaveBeenCalled();
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const second = fake.appListeners.get('second-instance') ?? [];
    expect(second).toHaveLength(1);
    second[0]!({}, ['blkstudio'], '/');
    const win = fake.windows[0]!;
    expect(win.restore).toHaveBeenCalledOnce();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalledOnce();
  });

  it('quits at once, without registering IPC or opening a window, when another instance holds the lock', async () => {
    const fake = fakeMainElectron({ lock: false });
    loadWithFakeElectron(MAIN, fake.electron);
    expect(fake.electron.app.quit).toHaveBeenCalledOnce();
    expect(fake.electron.app.whenReady).not.toHaveBeenCalled();
    expect(fake.electron.app.enableSandbox).not.toHaveBeenCalled();
    fake.ready();
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.windows).toHaveLength(0);
  });

  it('sets the application menu (File, Edit, Help) once ready', async () => {
    const fake = fakeMainElectron();
    loadWithFakeElectron(MAIN, fake.electron);
    expect(fake.electron.Menu.setApplicationMenu).not.toHaveBeenCalled();
    fake.ready();
    await vi.waitFor(() => expect(fake.electron.Menu.setApplicationMenu).toHaveBeenCalledOnce());
    const template = fake.electron.Menu.buildFromTemplate.mock.calls[0]![0];
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&Help']);
    expect(fake.electron.Menu.setApplicationMenu).toHaveBeenCalledWith({ template });
    const file = template[0]!.submenu as Electron.MenuItemConstructorOptions[];
    expect(file.map((i) => i.label).filter(Boolean)).toEqual(['Open Image…', 'Open Recent', 'Open Rules…', 'Save Rules…', 'Quit']);
    expect(fake.electron.app.getPath).toHaveBeenCalledWith('userData');

    // Help → About shows a native message box (no external URL).
    const help = template[2]!.submenu as Electron.MenuItemConstructorOptions[];
    (help.find((i) => i.label === 'About blkstudio')!.click as unknown as () => void)();
    await vi.waitFor(() => expect(fake.electron.dialog.showMessageBox).toHaveBeenCalledOnce());
    expect(fake.electron.dialog.showMessageBox.mock.calls[0]).toContainEqual(expect.objectContaining({ title: 'About blkstudio', message: 'blkstudio 9.8.7' }));
  });
});

describe('out/main/index.js: File menu', () => {
  it('Open Image… opens the chosen file in the session, remembers it in userData and lists it under Open Recent', async () => {
    const image = join(USER_DATA, 'menu-disk.raw');
    mkdirSync(USER_DATA, { recursive: true });
    writeFileSync(image, Buffer.alloc(64 * 1024));
    const fake = fakeMainElectron();
    fake.electron.dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: [image] });
    loadWithFakeElectron(MAIN, fake.electron);
    fake.ready();
    await vi.waitFor(() => expect(fake.electron.Menu.setApplicationMenu).toHaveBeenCalledOnce());
    const file = fake.electron.Menu.buildFromTemplate.mock.calls[0]![0][0]!.submenu as Electron.MenuItemConstructorOptions[];
    (file.find((i) => i.label === 'Open Image…')!.click as unknown as () => void)();

    // The menu is rebuilt with the image under Open Recent, and the IPC snapshot shows it open.
    await vi.waitFor(() => expect(fake.electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(2));
    expect(fake.electron.dialog.showOpenDialog).toHaveBeenCalledOnce();
    const rebuilt = fake.electron.Menu.buildFromTemplate.mock.calls[1]![0][0]!.submenu as Electron.MenuItemConstructorOptions[];
    const recent = rebuilt.find((i) => i.label === 'Open Recent')!.submenu as Electron.MenuItemConstructorOptions[];
    expect(recent[0]).toMatchObject({ label: '&1 menu-disk.raw', toolTip: image });
    expect(JSON.parse(readFileSync(join(USER_DATA, 'userData', 'recent-files.json'), 'utf8')).recent[0]).toBe(image);
    const snapshot = await fake.ipcMain.invoke(CHANNELS.snapshot, pathToFileURL(RENDERER_INDEX).href);
    expect(JSON.stringify(snapshot)).toContain('menu-disk.raw');
  });
});

describe('out/main/index.js: the demo workspace', () => {
  it('runs the demo steps, each verified, and plants the demo again over IPC', async () => {
    const fake = fakeMainElectron();
    loadWithFakeElectron(MAIN, fake.electron);
    fake.ready();
    await vi.waitFor(() => expect(fake.electron.Menu.setApplicationMenu).toHaveBeenCalledOnce());
    const page = pathToFileURL(RENDERER_INDEX).href;
    const runs = (await fake.ipcMain.invoke(CHANNELS.runWorkspaceSteps, page)) as { ok: boolean; value: Array<{ result: { state: string } }> };
    expect(runs.ok).toBe(true);
    expect(runs.value.map((r) => r.result.state)).toEqual(Array(7).fill('done'));
    await expect(fake.ipcMain.invoke(CHANNELS.resetWorkspace, page)).resolves.toMatchObject({ ok: true, value: { progress: { run: 2, autoRun: false } } });
    await expect(fake.ipcMain.invoke(CHANNELS.runWorkspaceStep, page, { index: 99 })).resolves.toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: 'the workspace has no step 100' } });
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
