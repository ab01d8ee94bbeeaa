// A Session on the real machine: host files, performance.now and Node timers.
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenImageRequest } from '../api';
import { Session, type SessionEnv } from '../session/index';
import { createDemoWorkspace, plantDemoFiles } from './demo-workspace';
import { createImageFile } from './image-create';
import { NodeBlockHost } from './node-block-host';

export function nodeSessionEnv(): SessionEnv {
  return {
    createImageFile,
    clock: { now: () => performance.now() },
    timer: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
  };
}

/** Size of the scratch image a session gets when it is given none. */
export const SCRATCH_IMAGE_SIZE = 64 << 20;

/**
 * A fresh temporary directory, removed by remove() (a session's close) or at process exit,
 * whichever comes first: test runners end their workers without running exit handlers.
 */
export function temporaryDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => {
    process.removeListener('exit', remove);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', remove);
  return { dir, remove };
}

/** A sparse raw scratch image in `dir`: something to run commands against before the user opens an image of their own. */
export function createScratchImage(dir: string): string {
  const file = join(dir, 'scratch.raw');
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, SCRATCH_IMAGE_SIZE);
  } finally {
    closeSync(fd);
  }
  return file;
}

/**
 * Opens a session with `image`, or when given none with a scratch raw image under a rule-less
 * blkdebug node (`-f raw blkdebug::scratch.raw`), so rules and breakpoints work at once. The
 * scratch image goes when the session closes.
 */
export function openNodeSession(image?: OpenImageRequest): Promise<Session> {
  const scratch = image ? null : temporaryDir('blkstudio-scratch-');
  return Session.open(new NodeBlockHost(), image ?? null, {
    ...nodeSessionEnv(),
    scratchImage: async () => ({ filename: `blkdebug::${createScratchImage(scratch!.dir)}`, format: 'raw' }),
    onClosed: scratch?.remove,
  });
}

/** What the app opens at start: `image` when given, else the first-run demo workspace. */
export async function openAppSession(image?: OpenImageRequest): Promise<Session> {
  if (image) return openNodeSession(image);
  const tmp = temporaryDir('blkstudio-demo-');
  const demo = await createDemoWorkspace(tmp.dir);
  return Session.open(new NodeBlockHost(), demo.open, {
    ...nodeSessionEnv(),
    workspace: demo.info,
    // Run the demo again: the same files, written afresh over the ones the last run changed.
    replantWorkspace: () => plantDemoFiles(tmp.dir),
    onClosed: tmp.remove,
  });
}
