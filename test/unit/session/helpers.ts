// Shared pieces of the session tests: real and fake clocks/timers, the iotests timing mask, and
// an event collector.
import type { Session } from '../../../src/session/index';
import type { EventBatch, SessionEnv, SessionEvent, Timer } from '../../../src/session/index';

export const realTimer: Timer = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function realEnv(extra: Partial<SessionEnv> = {}): SessionEnv {
  return { clock: { now: () => performance.now() }, timer: realTimer, ...extra };
}

/** A clock and timers that move only when the test says so. */
export class FakeTime implements Timer {
  now = 0;
  private seq = 0;
  private timers: Array<{ id: number; at: number; fn: () => void }> = [];
  readonly clock = { now: () => this.now };

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ id, at: this.now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Move the clock, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }
}

// tests/qemu-iotests/common.filter `_filter_qemu_io`: the timing figures of report lines.
const IOTESTS_RE = /[0-9]* ops; [0-9/:. sec]* \([0-9/.inf]* [EPTGMKiBbytes]*\/sec and [0-9/.inf]* ops\/sec\)/;
export function mask(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(IOTESTS_RE, 'X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)'))
    .join('\n');
}

export interface Collected {
  batches: EventBatch[];
  events(): SessionEvent[];
  console(): string;
  stop(): void;
}

export function collect(session: Session): Collected {
  const batches: EventBatch[] = [];
  const stop = session.subscribe((b) => batches.push(b));
  return {
    batches,
    events: () => batches.flatMap((b) => b.events),
    console: () =>
      batches
        .flatMap((b) => b.events)
        .map((e) => (e.type === 'console' ? e.text : ''))
        .join(''),
    stop,
  };
}

export async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
