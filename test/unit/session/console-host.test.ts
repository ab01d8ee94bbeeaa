// The session's qemu-io host: its sleep on the host's timers, which (like Node's setTimeout)
// fire at once for a delay past 2^31-1 ms, so `sleep 3000000000` returned immediately.
import { describe, expect, it } from 'vitest';
import { ConsoleHost } from '../../../src/session/console-host';
import type { Timer } from '../../../src/session/index';
import { MemoryHost } from '../block/memory-host';
import { FakeTime } from './helpers';

/** FakeTime with Node's rule for delays that do not fit a 32-bit signed int: they become 1 ms. */
function nodeRules(time: FakeTime): Timer {
  return {
    setTimeout: (fn, ms) => time.setTimeout(fn, ms > 0x7fffffff ? 1 : ms),
    clearTimeout: (h) => time.clearTimeout(h),
  };
}

const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the session console host', () => {
  it('sleeps 3,000,000,000 ms, not 1 ms, on a timer that takes at most 2^31-1', async () => {
    const time = new FakeTime();
    const host = new ConsoleHost({ clock: time.clock, timer: nodeRules(time) }, new MemoryHost(), () => {});
    let done = false;
    void host.sleep(3_000_000_000).then(() => (done = true));
    time.advance(1000);
    await settled();
    expect(done).toBe(false);
    time.advance(2_999_997_000);
    await settled();
    expect(done).toBe(false);
    time.advance(2000);
    await settled();
    expect(done).toBe(true);
  });

  it('sleeps a short delay on one timer', async () => {
    const time = new FakeTime();
    const host = new ConsoleHost({ clock: time.clock, timer: nodeRules(time) }, new MemoryHost(), () => {});
    let done = false;
    void host.sleep(50).then(() => (done = true));
    time.advance(49);
    await settled();
    expect(done).toBe(false);
    time.advance(1);
    await settled();
    expect(done).toBe(true);
  });
});
