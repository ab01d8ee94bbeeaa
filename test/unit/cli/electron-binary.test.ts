import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseLaunchMode, findElectronBinary, type ProbeIO } from '../../../src/cli/electron-binary';

const ROOT = '/proj';
const PKG = '/proj/node_modules/electron';

function io(files: Record<string, string>, opts: { installed?: boolean; env?: Record<string, string> } = {}): ProbeIO {
  return {
    resolve: (id) => {
      if (id !== 'electron' || opts.installed === false) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      return `${PKG}/index.js`;
    },
    exists: (p) => p in files,
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT ${p}`);
      return files[p]!;
    },
    env: opts.env ?? {},
  };
}

describe('findElectronBinary', () => {
  it('reports a missing electron package', () => {
    expect(findElectronBinary(ROOT, io({}, { installed: false }))).toEqual({ found: false, reason: 'the electron package is not installed' });
  });

  it('reports a package whose binary was never downloaded (no path.txt)', () => {
    const probe = findElectronBinary(ROOT, io({ [`${PKG}/index.js`]: '' }));
    expect(probe).toEqual({ found: false, reason: 'the electron package has no binary (it was never downloaded)' });
  });

  it('reports a path.txt pointing at a binary that is gone', () => {
    const probe = findElectronBinary(ROOT, io({ [`${PKG}/index.js`]: '', [`${PKG}/path.txt`]: 'electron' }));
    expect(probe).toEqual({ found: false, reason: `the Electron binary ${PKG}/dist/electron does not exist` });
  });

  it('finds the downloaded binary', () => {
    const probe = findElectronBinary(ROOT, io({ [`${PKG}/index.js`]: '', [`${PKG}/path.txt`]: 'electron\n', [`${PKG}/dist/electron`]: '' }));
    expect(probe).toEqual({ found: true, binary: `${PKG}/dist/electron` });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron/index.js', () => {
    const files = { [`${PKG}/index.js`]: '', '/opt/electron/electron': '' };
    expect(findElectronBinary(ROOT, io(files, { env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' } }))).toEqual({ found: true, binary: '/opt/electron/electron' });
  });

  it('probes the real node_modules without trying to download (and agrees with the disk)', () => {
    const started = Date.now();
    const probe = findElectronBinary(resolve(__dirname, '..', '..', '..'));
    expect(Date.now() - started).toBeLessThan(200);
    if (!probe.found) expect(probe.reason).toMatch(/electron/i);
  });
});

describe('chooseLaunchMode', () => {
  const found = { found: true as const, binary: '/e/electron' };
  const missing = { found: false as const, reason: 'x' };
  const display = { DISPLAY: ':0' };

  it('launches Electron when the binary exists and there is a display', () => {
    expect(chooseLaunchMode({ forceWeb: false, probe: found, platform: 'linux', env: display })).toEqual({ mode: 'electron', binary: '/e/electron' });
    expect(chooseLaunchMode({ forceWeb: false, probe: found, platform: 'darwin', env: {} })).toEqual({ mode: 'electron', binary: '/e/electron' });
  });

  it('falls back to web mode without a binary, saying why', () => {
    expect(chooseLaunchMode({ forceWeb: false, probe: missing, platform: 'linux', env: display })).toEqual({
      mode: 'web',
      reason: 'Electron is not installed on this machine (no binary)',
    });
  });

  it('falls back to web mode on Linux without a display', () => {
    const mode = chooseLaunchMode({ forceWeb: false, probe: found, platform: 'linux', env: {} });
    expect(mode).toMatchObject({ mode: 'web', reason: expect.stringContaining('no display') });
  });

  it('uses web mode when asked, with no excuse to print', () => {
    expect(chooseLaunchMode({ forceWeb: true, probe: found, platform: 'linux', env: display })).toEqual({ mode: 'web', reason: undefined });
  });
});
