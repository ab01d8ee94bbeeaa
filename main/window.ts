// Window options and file locations, kept apart from index.ts so they are testable without Electron.
import type { BrowserWindowConstructorOptions } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AppPaths {
  preload: string;
  rendererIndex: string;
  /** The window icon (Linux and Windows; macOS takes the bundle's). */
  icon: string;
}

/** Where electron-vite puts the preload and renderer, relative to the built out/main; the icon is the repo's assets/. */
export function appPaths(mainDir: string): AppPaths {
  return {
    preload: join(mainDir, '..', 'preload', 'index.js'),
    rendererIndex: join(mainDir, '..', 'renderer', 'index.html'),
    icon: join(mainDir, '..', '..', 'assets', 'icon-512.png'),
  };
}

export function windowOptions(preload: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    ...(icon === undefined ? {} : { icon }),
    width: 1100,
    height: 720,
    minWidth: 640,
    minHeight: 420,
    title: 'blkstudio',
    show: false, // shown on ready-to-show, so no white flash
    backgroundColor: '#14161a',
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** True only for our own renderer page (query and hash ignored). */
export function isTrustedUrl(url: string | undefined, rendererIndex: string): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  parsed.search = '';
  parsed.hash = '';
  return parsed.href === pathToFileURL(rendererIndex).href;
}
