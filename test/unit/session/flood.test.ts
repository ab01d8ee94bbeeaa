// 100,000 requests through the block backend: the event stream stays at ~60 batches a second
// (simulated time) with counters instead of single events, and an injected error in the middle
// still arrives on its own.
import { describe, expect, it } from 'vitest';
import { Session, type EventBatch, type SessionEvent } from '../../../src/session/index';
import { MemoryHost } from '../block/memory-host';
import { FakeTime, realEnv } from './helpers';

const NULL_UNDER_BLKDEBUG = 'json:{"driver":"raw","file":{"driver":"blkdebug","image":{"driver":"null-co"}}}';

describe('Session event stream under a flood', () => {
  it('sends at most ~60 batches per simulated second and keeps errors', async () => {
    const time = new FakeTime();
    const s = await Session.open(new MemoryHost(), { filename: NULL_UNDER_BLKDEBUG }, { ...realEnv(), batchClock: time.clock, batchTimer: time });
    const batches: EventBatch[] = [];
    s.subscribe((b) => batches.push(b));
    const root = s.snapshot().image!.root.name;
    const blk = s.backend!;
    const buf = new Uint8Array(512);

    const TOTAL = 100_000;
    const PER_MS = 100; // 100 requests per simulated millisecond: 100,000 in one second
    let failed = 0;
    for (let i = 0; i < TOTAL; i += PER_MS) {
      if (i === TOTAL / 2) {
        expect(s.applyRules(undefined, '[inject-error]\nevent = "read_aio"\nonce = "on"\nerrno = "28"\n')).toEqual([]);
      }
      const results = await Promise.allSettled(Array.from({ length: PER_MS }, (_, j) => blk.pread(((i + j) % 1000) * 512, 512, buf)));
      failed += results.filter((r) => r.status === 'rejected').length;
      time.advance(1);
    }
    time.advance(100);
    expect(failed).toBe(1);

    // Rate: at most 61 batches in any simulated second (one per 1/60 s, both ends included).
    for (const b of batches) {
      expect(batches.filter((o) => o.at >= b.at && o.at < b.at + 1000).length).toBeLessThanOrEqual(61);
    }
    expect(batches.length).toBeLessThanOrEqual(62);
    expect(batches.some((b) => b.summarized)).toBe(true);

    const events: SessionEvent[] = batches.flatMap((b) => b.events);
    // Every request of the root node is accounted for: one by one or in counters.
    let single = 0;
    let counted = 0;
    for (const e of events) {
      if (e.type === 'request-done' && e.node === root) single++;
      if (e.type === 'requests-summarized' && e.node === root) {
        expect(e.op).toBe('read');
        counted += e.count - e.errors;
      }
    }
    expect(single + counted).toBe(TOTAL);
    // The injected error is delivered individually, with the rule that caused it.
    expect(events.filter((e) => e.type === 'request-done' && e.errno !== 0 && e.node === root)).toEqual([
      expect.objectContaining({ type: 'request-done', op: 'read', errno: 28, bytes: 512 }),
    ]);
    expect(events.filter((e) => e.type === 'error-injected')).toEqual([expect.objectContaining({ errno: 28, iotype: 'read' })]);
    expect(events.filter((e) => e.type === 'rules-replaced')).toHaveLength(1);
    // Batches are small and plain data.
    for (const b of batches) expect(b.events.length).toBeLessThan(2000);
    expect(JSON.parse(JSON.stringify(batches))).toEqual(batches);
    expect(s.snapshot().inFlight).toEqual([]);
    await s.close();
  });
});
