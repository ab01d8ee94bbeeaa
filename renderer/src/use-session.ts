// Connects the store to the engine: first brings back what the session remembers (the console
// transcript and the recent events, for a reload or a second window), then follows the event
// batches (console output, blkdebug activity, graph changes) and takes a fresh snapshot when they
// may have changed what the views show, at most one snapshot call at a time. Returns the
// console's run().
import { useCallback, useEffect, useMemo } from 'react';
import type { BlkstudioApi, EventBatch, SessionEvent } from '../../src/api';
import { transcriptLines, PROMPT } from './console/transcript';
import { logEvents } from './events/event-log';
import { BatchGate, fetchEventHistory, replayable } from './events/history-restore';
import { useSessionStore, type SessionState } from './session-store';

/** This window, as named in the console-command events of the lines it runs (it shows their replies itself). */
const WINDOW_ORIGIN = `window-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** A command line (null: already shown) and what it printed, into the console. */
function appendRun(store: Pick<SessionState, 'append'>, line: string | null, stdout: string, stderr: string): void {
  if (line !== null) store.append('input', PROMPT + line);
  if (stdout) store.append('stdout', stdout);
  if (stderr) store.append('stderr', stderr);
}

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
  'workspace-changed',
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
    let live = true;
    // What the restored state already holds: batches up to these seqs are not applied again.
    let historyCut = 0;
    let transcriptCut = 0;
    const gate = new BatchGate();
    const handle = (batch: EventBatch) => {
      const fresh = batch.seq > historyCut;
      if (fresh) logEvents(batch.events);
      const store = useSessionStore.getState();
      let stale = false;
      for (const e of batch.events) {
        if (STALE_AFTER.has(e.type)) stale = true;
        if (e.type === 'console') {
          if (batch.seq > transcriptCut) store.append(e.stream, e.text);
        } else if (e.type === 'console-command') {
          // Another window's command (or a demo step): shown as this console would have.
          if (batch.seq > transcriptCut && e.origin !== WINDOW_ORIGIN) appendRun(store, e.line, e.stdout, e.stderr);
        } else if (!fresh) continue;
        else if (e.type === 'state-changed') store.stateChanged(e.node, e.from, e.to, e.at);
        else if (e.type === 'rules-replaced') store.rulesReplaced();
        else if (e.type === 'graph-changed') store.imageChanged();
      }
      if (stale) refresh();
    };
    const stop = api.onEvents((batch) => {
      const now = gate.offer(batch);
      if (now) handle(now);
    });
    void (async () => {
      try {
        const [transcript, history] = await Promise.all([api.consoleTranscript(), fetchEventHistory(api)]);
        if (!live) return;
        useSessionStore.getState().setLines(transcriptLines(transcript));
        logEvents(replayable(history.events));
        transcriptCut = transcript.batchSeq;
        historyCut = history.batchSeq;
      } catch {
        // A host that cannot say (or no session): the window starts from the stream.
      }
      if (!live) return;
      for (const b of gate.open()) handle(b);
    })();
    refresh();
    return () => {
      live = false;
      stop();
    };
  }, [api, refresh]);

  const run = useCallback(
    async (line: string) => {
      const store = useSessionStore.getState();
      store.append('input', PROMPT + line);
      try {
        const result = await api.run(line, { origin: WINDOW_ORIGIN });
        appendRun(store, null, result.stdout, result.stderr);
      } catch (err) {
        store.append('stderr', message(err));
      }
      refresh();
    },
    [api, refresh],
  );

  return { run, refresh };
}
