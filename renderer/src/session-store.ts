// The session's state as the UI shows it: console lines, the last snapshot and what the event
// stream says between snapshots (state transitions, rule replacements). Written by the event
// subscription and the console's own calls (see use-session.ts).
import { create } from 'zustand';
import type { SessionSnapshot } from '../../src/api';

export type LineKind = 'input' | 'stdout' | 'stderr' | 'info';

export interface ConsoleLine {
  id: number;
  kind: LineKind;
  text: string;
}

/** A state-machine transition seen on the event stream (for the view's animation). */
export interface Transition {
  seq: number;
  node: string;
  from: number;
  to: number;
  at: number;
}

/** Older lines are dropped beyond this. */
export const MAX_CONSOLE_LINES = 2000;

export interface SessionState {
  lines: ConsoleLine[];
  snapshot: SessionSnapshot | null;
  error: string | null;
  /** performance.now() in this window when the snapshot arrived (to age parked times live). */
  snapshotReceivedAt: number;
  /** The current state per blkdebug node, from state-changed events (ahead of the snapshot). */
  liveState: Record<string, number>;
  lastTransition: Transition | null;
  /** Bumps on each rules-replaced event. */
  rulesReplacedSeq: number;
  /** Bumps when an image is opened or closed. */
  imageSeq: number;
  append(kind: LineKind, text: string): void;
  /** Replace every line (the session's transcript, on connecting); the last MAX_CONSOLE_LINES stay. */
  setLines(entries: ReadonlyArray<{ kind: LineKind; text: string }>): void;
  clearLines(): void;
  setSnapshot(snapshot: SessionSnapshot): void;
  setError(message: string | null): void;
  stateChanged(node: string, from: number, to: number, at: number): void;
  rulesReplaced(): void;
  imageChanged(): void;
}

let nextId = 1;

/** A piece of output as the console's lines (a final newline ends the last line, it adds none). */
const splitLines = (text: string): string[] => text.replace(/\n$/, '').split('\n');

export const useSessionStore = create<SessionState>()((set) => ({
  lines: [],
  snapshot: null,
  error: null,
  snapshotReceivedAt: 0,
  liveState: {},
  lastTransition: null,
  rulesReplacedSeq: 0,
  imageSeq: 0,
  append: (kind, text) =>
    set((s) => {
      const added = splitLines(text).map((t) => ({ id: nextId++, kind, text: t }));
      return { lines: [...s.lines, ...added].slice(-MAX_CONSOLE_LINES) };
    }),
  setLines: (entries) =>
    set({
      lines: entries
        .flatMap((e) => splitLines(e.text).map((t) => ({ id: nextId++, kind: e.kind, text: t })))
        .slice(-MAX_CONSOLE_LINES),
    }),
  clearLines: () => set({ lines: [] }),
  setSnapshot: (snapshot) =>
    set({
      snapshot,
      error: null,
      snapshotReceivedAt: performance.now(),
      liveState: Object.fromEntries(snapshot.blkdebug.map((b) => [b.node, b.state])),
    }),
  setError: (error) => set({ error }),
  stateChanged: (node, from, to, at) =>
    set((s) => ({
      liveState: { ...s.liveState, [node]: to },
      lastTransition: { seq: (s.lastTransition?.seq ?? 0) + 1, node, from, to, at },
    })),
  rulesReplaced: () => set((s) => ({ rulesReplacedSeq: s.rulesReplacedSeq + 1 })),
  imageChanged: () => set((s) => ({ imageSeq: s.imageSeq + 1 })),
}));
