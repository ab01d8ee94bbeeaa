// Finds a usable Electron binary without `require('electron')`, which in plain node tries to
// download the binary and throws when the network is closed (toolchain.md §1).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ProbeIO {
  /** Resolves a module id from the project root, like require.resolve. Throws when missing. */
  resolve(id: string, projectRoot: string): string;
  exists(path: string): boolean;
  readFile(path: string): string;
  env: Record<string, string | undefined>;
}

export const nodeProbeIO: ProbeIO = {
  resolve: (id, projectRoot) => createRequire(join(projectRoot, 'package.json')).resolve(id),
  exists: existsSync,
  readFile: (path) => readFileSync(path, 'utf8'),
  env: process.env,
};

export type ElectronProbe = { found: true; binary: string } | { found: false; reason: string };

/** Mirrors electron/index.js's lookup (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH) minus the download. */
export function findElectronBinary(projectRoot: string, io: ProbeIO = nodeProbeIO): ElectronProbe {
  let entry: string;
  try {
    entry = io.resolve('electron', projectRoot);
  } catch {
    return { found: false, reason: 'the electron package is not installed' };
  }
  if (!io.exists(entry)) return { found: false, reason: `${entry} does not exist` };

  const packageDir = dirname(entry);
  const pathFile = join(packageDir, 'path.txt');
  const relative = io.exists(pathFile) ? io.readFile(pathFile).trim() : '';
  const override = io.env.ELECTRON_OVERRIDE_DIST_PATH;

  let binary: string;
  if (override) binary = join(override, relative || 'electron');
  else if (relative) binary = join(packageDir, 'dist', relative);
  else return { found: false, reason: 'the electron package has no binary (it was never downloaded)' };

  if (!io.exists(binary)) return { found: false, reason: `the Electron binary ${binary} does not exist` };
  return { found: true, binary };
}

export type LaunchMode = { mode: 'electron'; binary: string } | { mode: 'web'; reason: string | undefined };

/** Electron when it is installed and can open a window; web mode otherwise, or when asked for. */
export function chooseLaunchMode(opts: { forceWeb: boolean; probe: ElectronProbe; platform: string; env: Record<string, string | undefined> }): LaunchMode {
  if (opts.forceWeb) return { mode: 'web', reason: undefined };
  if (!opts.probe.found) return { mode: 'web', reason: 'Electron is not installed on this machine (no binary)' };
  if (opts.platform === 'linux' && !opts.env.DISPLAY && !opts.env.WAYLAND_DISPLAY) {
    return { mode: 'web', reason: 'there is no display (DISPLAY is not set) to open the Electron window on' };
  }
  return { mode: 'electron', binary: opts.probe.binary };
}
