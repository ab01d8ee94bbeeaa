import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, sleepChained } from '../../../src/qemu-io/long-sleep';

describe('sleepChained', () => {
  it('splits a sleep longer than one timer into timers that add up to it', async () => {
    const timers: number[] = [];
    await sleepChained(async (ms) => { timers.push(ms); }, 3_000_000_000);
    expect(timers.every((ms) => ms > 0 && ms <= MAX_TIMER_MS)).toBe(true);
    expect(timers.reduce((a, b) => a + b, 0)).toBe(3_000_000_000);
    expect(timers).toHaveLength(2);
  });

  it('uses one timer for a short sleep and none for zero', async () => {
    const timers: number[] = [];
    await sleepChained(async (ms) => { timers.push(ms); }, 1.5);
    await sleepChained(async (ms) => { timers.push(ms); }, 0);
    expect(timers).toEqual([1.5]);
  });
});
