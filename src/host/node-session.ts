// A Session on the real machine: host files, performance.now and Node timers.
import type { OpenImageRequest } from '../api';
import { Session, type SessionEnv } from '../session/index';
import { NodeBlockHost } from './node-block-host';

export function nodeSessionEnv(): SessionEnv {
  return {
    clock: { now: () => performance.now() },
    timer: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
  };
}

/** Opens a session with `image` (none: no image until openImage). */
export function openNodeSession(image?: OpenImageRequest): Promise<Session> {
  return Session.open(new NodeBlockHost(), image ?? null, nodeSessionEnv());
}
