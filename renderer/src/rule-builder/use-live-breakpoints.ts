// The live breakpoints the builder lists after the text's rules (suspend rules of the session,
// not part of the file): which one is selected, and replacing or removing it through the API.
import { useMemo, useState } from 'react';
import type { BlkstudioApi, SessionSnapshot } from '../../../src/api';
import { useSessionStore } from '../session-store';
import type { Breakpoint } from './RuleList';

export interface LiveBreakpoints {
  breakpoints: Breakpoint[];
  /** The selected breakpoint while it is still set. */
  selected: Breakpoint | null;
  select(b: Breakpoint | null): void;
  /** Replace the selected breakpoint with one on another event or tag (remove_break, then break). */
  replace(event: string, tag: string): Promise<void>;
  /** remove_break of the selected breakpoint's tag. */
  remove(): Promise<void>;
}

export function useLiveBreakpoints(api: BlkstudioApi, snapshot: SessionSnapshot | null): LiveBreakpoints {
  const [selectedId, setSelectedId] = useState<{ node: string; id: number } | null>(null);
  const breakpoints: Breakpoint[] = useMemo(
    () => (snapshot?.blkdebug ?? []).flatMap((b) => b.rules.filter((r) => r.kind === 'suspend').map((rule) => ({ node: b.node, rule }))),
    [snapshot],
  );
  const selected = selectedId ? (breakpoints.find((b) => b.node === selectedId.node && b.rule.id === selectedId.id) ?? null) : null;

  return {
    breakpoints,
    selected,
    select: (b) => setSelectedId(b ? { node: b.node, id: b.rule.id } : null),
    replace: async (event, tag) => {
      if (!selected) return;
      await api.removeBreakpoint({ tag: selected.rule.tag ?? '', node: selected.node });
      await api.setBreakpoint({ event, tag, node: selected.node });
      const snap = await api.snapshot();
      useSessionStore.getState().setSnapshot(snap);
      const fresh = snap.blkdebug.find((b) => b.node === selected.node)?.rules.find((r) => r.kind === 'suspend' && r.tag === tag && r.event === event);
      setSelectedId(fresh ? { node: selected.node, id: fresh.id } : null);
    },
    remove: async () => {
      if (!selected) return;
      await api.removeBreakpoint({ tag: selected.rule.tag ?? '', node: selected.node });
      setSelectedId(null);
    },
  };
}
