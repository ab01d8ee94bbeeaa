import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appPaths, isTrustedUrl, windowOptions } from '../../../main/window';

describe('windowOptions', () => {
  it('isolates the renderer: context isolation, sandbox, no node integration', () => {
    const prefs = windowOptions('/x/preload/index.js').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/x/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('titles the window blkstudio', () => {
    expect(windowOptions('/p').title).toBe('blkstudio');
  });

  it('gives the window the app icon when there is one', () => {
    expect(windowOptions('/p', '/proj/assets/icon-512.png').icon).toBe('/proj/assets/icon-512.png');
    expect(windowOptions('/p')).not.toHaveProperty('icon');
  });
});

describe('appPaths', () => {
  it('points at electron-vite outputs next to out/main', () => {
    expect(appPaths('/proj/out/main')).toEqual({
      preload: '/proj/out/preload/index.js',
      rendererIndex: '/proj/out/renderer/index.html',
      icon: '/proj/assets/icon-512.png',
    });
  });
});

describe('the app icon', () => {
  it('is in the repo where appPaths looks for it from the built out/main', () => {
    const icon = appPaths(resolve(__dirname, '../../../out/main')).icon;
    expect(readFileSync(icon).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('isTrustedUrl', () => {
  const index = '/proj/out/renderer/index.html';
  const url = pathToFileURL(index).href;

  it('trusts only our renderer page, ignoring query and hash', () => {
    expect(isTrustedUrl(url, index)).toBe(true);
    expect(isTrustedUrl(`${url}?a=1#top`, index)).toBe(true);
  });

  it.each([undefined, '', 'not a url', 'https://evil.example/', 'file:///etc/passwd', 'file:///proj/out/renderer/other.html', 'http://127.0.0.1/'])(
    'refuses %j',
    (other) => expect(isTrustedUrl(other, index)).toBe(false),
  );
});
