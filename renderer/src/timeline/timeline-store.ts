// What the timeline points other views at: the parked request a request-suspended marker names
// (the Suspended requests panel can highlight the row with this node and tag). Rules are
// selected through the rules store (select(line)), like the state machine view does.
import { create } from 'zustand';

export interface SuspendedFocus {
  node: string;
  tag: string;
  /** Bumps on every focus, so a view can tell a fresh request from an old one. */
  seq: number;
}

export interface TimelineLinks {
  focusedSuspended: SuspendedFocus | null;
  focusSuspended(node: string, tag: string): void;
  clearSuspended(): void;
}

export const useTimelineStore = create<TimelineLinks>()((set) => ({
  focusedSuspended: null,
  focusSuspended: (node, tag) => set((s) => ({ focusedSuspended: { node, tag, seq: (s.focusedSuspended?.seq ?? 0) + 1 } })),
  clearSuspended: () => set({ focusedSuspended: null }),
}));
