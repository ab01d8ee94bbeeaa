import { describe, expect, it } from 'vitest';
import type { EventBatch, EventHistoryPage, EventHistoryRequest, SessionEvent, TranscriptDto } from '../../../../src/api';
import { transcriptLines } from '../../../../renderer/src/console/transcript';
import { BatchGate, fetchEventHistory, replayable } from '../../../../renderer/src/events/history-restore';
import { draftOf } from '../../../../renderer/src/rules/draft';
import { EventHistory } from '../../../../src/session/event-history';

const ev = (at: number): SessionEvent => ({ type: 'debug-event', at, node: 'n', event: 'write_aio' });
const batch = (seq: number, events: SessionEvent[]): EventBatch => ({ seq, at: seq, events, summarized: false });

describe('restoring a window from the session', () => {
  it('fetches every page of the history', async () => {
    const h = new EventHistory(100);
    for (let i = 1; i <= 25; i++) h.record(batch(i, [ev(i)]));
    const asked: Array<EventHistoryRequest | undefined> = [];
    const api = {
      eventHistory: (req?: EventHistoryRequest): Promise<EventHistoryPage> => {
        asked.push(req);
        return Promise.resolve(h.page({ ...req, limit: 10 }));
      },
    };
    const got = await fetchEventHistory(api);
    expect(got.events.map((e) => ('at' in e ? e.at : null))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(got.batchSeq).toBe(25);
    expect(asked.map((r) => r?.after)).toEqual([0, 10, 20]);
  });

  it('replays the mismatches of the image open now only', () => {
    const mismatch = (id: number): SessionEvent => ({
      type: 'verify-mismatch',
      at: id,
      mismatch: { node: 'v', id, kind: 'contents', op: 'read', offset: 0, bytes: 512, firstMismatch: 0, testErrno: 0, rawErrno: 0, message: 'm', sectors: [], window: null },
    });
    const open = (at: number): SessionEvent => ({ type: 'graph-changed', at, open: true });
    const events = [open(0), mismatch(1), ev(2), { type: 'graph-changed', at: 3, open: false } as SessionEvent, open(4), mismatch(1)];
    expect(replayable(events)).toEqual([open(0), ev(2), events[3], open(4), mismatch(1)]);
    expect(replayable([mismatch(1), ev(2)])).toEqual([mismatch(1), ev(2)]);
  });

  it('holds the stream back until the history is in, then lets it all through in order', () => {
    const gate = new BatchGate();
    expect(gate.offer(batch(1, [ev(1)]))).toBeNull();
    expect(gate.offer(batch(2, [ev(2)]))).toBeNull();
    expect(gate.isOpen).toBe(false);
    expect(gate.open().map((b) => b.seq)).toEqual([1, 2]);
    expect(gate.offer(batch(3, [ev(3)]))?.seq).toBe(3);
    expect(gate.open()).toEqual([]);
  });

  it('shows the transcript as the console did: prompts before commands, output as printed', () => {
    const t: TranscriptDto = {
      omitted: 0,
      batchSeq: 3,
      entries: [
        { id: 1, kind: 'input', text: 'write 0 512', at: 1 },
        { id: 2, kind: 'stdout', text: 'wrote 512/512 bytes at offset 0\n512 bytes, 1 ops\n', at: 2 },
        { id: 3, kind: 'stderr', text: 'command "x" not found\n', at: 3 },
      ],
    };
    expect(transcriptLines(t)).toEqual([
      { kind: 'input', text: 'qemu-io> write 0 512' },
      { kind: 'stdout', text: 'wrote 512/512 bytes at offset 0\n512 bytes, 1 ops\n' },
      { kind: 'stderr', text: 'command "x" not found\n' },
    ]);
  });

  it('keeps as a draft only text that differs from what the session runs', () => {
    expect(draftOf('a', 'a')).toBeNull();
    expect(draftOf('a\n', 'a')).toBe('a\n');
    expect(draftOf('  \n', null)).toBeNull();
    expect(draftOf('# x', null)).toBe('# x');
  });
});
