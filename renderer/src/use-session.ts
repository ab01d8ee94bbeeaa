// Connects the store to the engine: subscribes to event batches (console output, blkdebug
// activity, graph changes) and takes a fresh snapshot when they may have changed what the views
// show, at most one snapshot call at a time. Returns the console's run().
import { useCallback, useEffect, useMemo } from 'react';
import type { BlkstudioApi, EventBatch, SessionEvent } from '../../src/api';
import { logEvents } from './events/event-log';
import { useSessionStore } from './session-store';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Events after which the snapshot (rules' hits, state, parked requests, graph) is stale. */
const STALE_AFTER = new Set<SessionEvent['type']>([
  'graph-changed',
  'state-changed',
  'rule-matched',
  'error-injected',
  'request-suspended',
  'request-resumed',
  'rules-replaced',
  'breakpoints-changed',
  'events-summarized',
]);

/** One snapshot call in flight at most; asks made meanwhile are folded into one more call. */
function snapshotRefresher(api: BlkstudioApi): () => void {
  let running = false;
  let again = false;
  const go = () => {
    running = true;
    again = false;
    api.snapshot().then(
      (snap) => useSessionStore.getState().setSnapshot(snap),
      (err: unknown) => useSessionStore.getState().setError(message(err)),
    ).finally(() => {
      running = false;
      if (again) go();
    });
  };
  return () => {
    if (running) again = true;
    else go();
  };
}

export function useSession(api: BlkstudioApi): { run: (line: string) => Promise<void>; refresh: () => void } {
  const refresh = useMemo(() => snapshotRefresher(api), [api]);

  useEffect(() => {
    const onBatch = (batch: EventBatch) => {
      logEvents(batch.events);
      const store = useSessionStore.getState();
      let stale = false;
      for (const e of batch.events) {
        if (STALE_AFTER.has(e.type)) stale = true;
        if (e.type === 'console') store.append(e.stream, e.text);
        else if (e.type === 'state-changed') store.stateChanged(e.node, e.from, e.to, e.at);
        else if (e.type === 'rules-replaced') store.rulesReplaced();
        else if (e.type === 'graph-changed') store.imageChanged();
      }
      if (stale) refresh();
    };
    const stop = api.onEvents(onBatch);
    refresh();
    return stop;
  }, [api, refresh]);

  const run = useCallback(
    async (line: string) => {
      const store = useSessionStore.getState();
      store.append('input', `qemu-io> ${line}`);
      try {
        const result = await api.run(line);
        if (result.stdout) store.append('stdout', result.stdout);
        if (result.stderr) store.append('stderr', result.stderr);
      } catch (err) {
        store.append('stderr', message(err));
      }
      refresh();
    },
    [api, refresh],
  );

  return { run, refresh };
}
