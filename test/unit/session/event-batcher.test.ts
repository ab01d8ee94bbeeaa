import { describe, expect, it } from 'vitest';
import { EventBatcher } from '../../../src/session/event-batcher';
import type { EventBatch, SessionEvent } from '../../../src/session/index';
import { decodeUtf8 } from '../../../src/session/utf8';
import { FakeTime } from './helpers';

function setup(maxDetailedEvents = 10) {
  const time = new FakeTime();
  const b = new EventBatcher(time.clock, time, () => ({ total: 2, list: (n) => [{ id: 7, node: 'n', op: 'read' as const, offset: 0, bytes: 1, started: 0 }].slice(0, n) }), { maxDetailedEvents });
  const batches: EventBatch[] = [];
  b.subscribe((x) => batches.push(x));
  return { time, b, batches };
}

const start = (id: number): SessionEvent => ({ type: 'request-start', at: 0, id, node: 'n', op: 'read', offset: 0, bytes: 512 });
const done = (id: number, errno = 0): SessionEvent => ({ type: 'request-done', at: 0, id, node: 'n', op: 'read', offset: 0, bytes: 512, errno });

describe('EventBatcher', () => {
  it('sends small batches as they are, at most every 1/60 s', () => {
    const { time, b, batches } = setup();
    b.push(start(1));
    time.advance(0);
    expect(batches).toEqual([{ seq: 1, at: 0, events: [start(1)], summarized: false }]);
    b.push(done(1));
    time.advance(10);
    expect(batches).toHaveLength(1);
    time.advance(7);
    expect(batches).toHaveLength(2);
    expect(batches[1]).toMatchObject({ seq: 2, events: [done(1)], summarized: false });
  });

  it('folds a flood into counters and keeps the events that matter', () => {
    const { time, b, batches } = setup();
    const console: SessionEvent = { type: 'console', at: 0, stream: 'stdout', text: 'x\n' };
    for (let i = 0; i < 50; i++) {
      b.push(start(i));
      if (i === 20) b.push(console);
      b.push(done(i, i === 30 ? 5 : 0));
      b.push({ type: 'debug-event', at: 0, node: 'n', event: 'read_aio' });
    }
    time.advance(20);
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch.summarized).toBe(true);
    expect(batch.events).toEqual([
      console,
      done(30, 5),
      { type: 'requests-summarized', node: 'n', op: 'read', count: 50, bytes: 50 * 512, errors: 1, started: 50 },
      { type: 'events-summarized', node: 'n', kind: 'debug-event', event: 'read_aio', count: 50 },
      { type: 'requests-in-flight', at: 0, total: 2, requests: [{ id: 7, node: 'n', op: 'read', offset: 0, bytes: 1, started: 0 }] },
    ]);
    // The next batch starts afresh.
    b.push(start(99));
    time.advance(20);
    expect(batches[1]).toMatchObject({ summarized: false, events: [start(99)] });
  });

  it('buffers nothing without listeners and stops after dispose', () => {
    const time = new FakeTime();
    const b = new EventBatcher(time.clock, time, () => ({ total: 0, list: () => [] }));
    b.push(start(1));
    const got: EventBatch[] = [];
    b.subscribe((x) => got.push(x));
    time.advance(100);
    expect(got).toEqual([]);
    b.push(start(2));
    b.dispose();
    time.advance(100);
    expect(got).toEqual([]);
  });
});

describe('decodeUtf8', () => {
  it('decodes UTF-8 and replaces invalid bytes', () => {
    expect(decodeUtf8(new TextEncoder().encode('wrote ä € 😀\n'))).toBe('wrote ä € 😀\n');
    expect(decodeUtf8(new Uint8Array([0x61, 0xff, 0x62, 0xc3]))).toBe('a\ufffdb\ufffd');
    expect(decodeUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe('\ufffd\ufffd\ufffd');
  });
});
