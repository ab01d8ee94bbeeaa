// Connects the store to the engine: subscribes to event batches (console output, graph changes)
// and takes a fresh snapshot when the graph may have changed. Returns the console's run().
import { useCallback, useEffect } from 'react';
import type { BlkstudioApi, EventBatch } from '../../src/api';
import { useSessionStore } from './session-store';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function useSession(api: BlkstudioApi): { run: (line: string) => Promise<void> } {
  const refresh = useCallback(() => {
    api.snapshot().then(
      (snap) => useSessionStore.getState().setSnapshot(snap),
      (err: unknown) => useSessionStore.getState().setError(message(err)),
    );
  }, [api]);

  useEffect(() => {
    const onBatch = (batch: EventBatch) => {
      const store = useSessionStore.getState();
      let changed = false;
      for (const e of batch.events) {
        if (e.type === 'console') store.append(e.stream, e.text);
        else if (e.type === 'graph-changed') changed = true;
      }
      if (changed) refresh();
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

  return { run };
}
