// The Electron main process: lifecycle, one window, IPC. Logic lives in ipc.ts/window.ts and
// the host handlers so this file stays a few lines of wiring.
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { createApiHandlers } from '../src/host/api-handlers';
import { openNodeSession } from '../src/host/node-session';
import { forwardEvents, registerIpc } from './ipc';
import { appPaths, isTrustedUrl, windowOptions } from './window';

const paths = appPaths(__dirname);

app.enableSandbox();

let mainWindow: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(paths.preload));
  mainWindow = win;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(paths.rendererIndex);
  return win;
}

// No new windows, no navigation away from our page: the renderer only ever shows our UI.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url, paths.rendererIndex)) event.preventDefault();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

void app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const engine = await openNodeSession();
  app.on('will-quit', () => void engine.close());
  forwardEvents((fn) => engine.subscribe(fn), () => mainWindow?.webContents ?? null);
  const handlers = createApiHandlers({ name: app.getName(), version: app.getVersion() }, engine);
  registerIpc(ipcMain, handlers, (event) => isTrustedUrl(event.senderFrame?.url, paths.rendererIndex));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});
