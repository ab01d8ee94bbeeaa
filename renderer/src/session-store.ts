// The session's state as the UI shows it: console lines and the last snapshot. Written by the
// event subscription and the console's own calls (see use-session.ts).
import { create } from 'zustand';
import type { SessionSnapshot } from '../../src/api';

export type LineKind = 'input' | 'stdout' | 'stderr' | 'info';

export interface ConsoleLine {
  id: number;
  kind: LineKind;
  text: string;
}

/** Older lines are dropped beyond this. */
export const MAX_CONSOLE_LINES = 2000;

export interface SessionState {
  lines: ConsoleLine[];
  snapshot: SessionSnapshot | null;
  error: string | null;
  append(kind: LineKind, text: string): void;
  setSnapshot(snapshot: SessionSnapshot): void;
  setError(message: string | null): void;
}

let nextId = 1;

export const useSessionStore = create<SessionState>()((set) => ({
  lines: [],
  snapshot: null,
  error: null,
  append: (kind, text) =>
    set((s) => {
      const added = text
        .replace(/\n$/, '')
        .split('\n')
        .map((t) => ({ id: nextId++, kind, text: t }));
      return { lines: [...s.lines, ...added].slice(-MAX_CONSOLE_LINES) };
    }),
  setSnapshot: (snapshot) => set({ snapshot, error: null }),
  setError: (error) => set({ error }),
}));
