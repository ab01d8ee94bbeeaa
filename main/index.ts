// The Electron main process: lifecycle, one window, IPC, the menu. Logic lives in ipc.ts,
// window.ts, menu.ts, actions.ts, recent.ts and single-instance.ts and the host handlers, so
// this file stays wiring.
import { app, BrowserWindow, dialog, ipcMain, Menu, session, type MessageBoxOptions } from 'electron';
import { readFile, writeFile } from 'node:fs/promises';
import { createApiHandlers } from '../src/host/api-handlers';
import { openAppSession } from '../src/host/node-session';
import { createShellActions, type Dialogs } from './actions';
import { forwardEvents, registerIpc } from './ipc';
import { menuTemplate } from './menu';
import { addRecent, clearRecent, loadRecent, recentFilePath } from './recent';
import { claimSingleInstance } from './single-instance';
import { appPaths, isTrustedUrl, windowOptions } from './window';

const paths = appPaths(__dirname);

let mainWindow: BrowserWindow | null = null;

// A second launch hands over to the first (which comes forward) and quits.
if (claimSingleInstance(app, () => mainWindow)) startApp();

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(paths.preload, paths.icon));
  mainWindow = win;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(paths.rendererIndex);
  return win;
}

/** Electron's native dialogs, attached to the main window when there is one. */
function electronDialogs(): Dialogs {
  const parent = () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null);
  return {
    async open(options) {
      const opts = { title: options.title, filters: options.filters, properties: ['openFile' as const] };
      const win = parent();
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async save(options) {
      const win = parent();
      const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return r.canceled ? null : (r.filePath ?? null);
    },
    async message(options) {
      const opts: MessageBoxOptions = { ...options, buttons: ['OK'] };
      const win = parent();
      await (win ? dialog.showMessageBox(win, opts) : dialog.showMessageBox(opts));
    },
  };
}

function startApp(): void {
  app.enableSandbox();

  // No new windows, no navigation away from our page: the renderer only ever shows our UI.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedUrl(url, paths.rendererIndex)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isTrustedUrl(url, paths.rendererIndex)) event.preventDefault();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    const engine = await openAppSession();
    app.on('will-quit', () => void engine.close());
    forwardEvents((fn) => engine.subscribe(fn), () => mainWindow?.webContents ?? null);
    const info = { name: app.getName(), version: app.getVersion() };
    const handlers = createApiHandlers(info, engine);
    registerIpc(ipcMain, handlers, (event) => isTrustedUrl(event.senderFrame?.url, paths.rendererIndex));

    const recentFile = recentFilePath(app.getPath('userData'));
    const setMenu = () => Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, loadRecent(recentFile), info.name)));
    const actions = createShellActions({
      dialogs: electronDialogs(),
      files: { read: (p) => readFile(p, 'utf8'), write: (p, text) => writeFile(p, text) },
      handlers,
      recent: { list: () => loadRecent(recentFile), add: (p) => addRecent(recentFile, p), clear: () => clearRecent(recentFile) },
      refreshMenu: setMenu,
      log: (stream, text) => (stream === 'stdout' ? console.log(text.trimEnd()) : console.error(text.trimEnd())),
      app: info,
      quit: () => app.quit(),
      exportRules: () => {
        try {
          // The text as the user wrote and applied it (or the rule file opened), else the engine's rendering.
          return engine.rulesText().applied ?? engine.exportRules();
        } catch {
          return null; // no blkdebug node in the open image
        }
      },
    });
    setMenu();

    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
}
