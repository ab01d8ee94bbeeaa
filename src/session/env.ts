// What a session needs from the machine besides files: a clock and timers. Hosts pass real ones
// (performance.now, setTimeout); tests pass fakes so they control time. Keeps src/session free
// of node:* and DOM types.
import type { CreateImageRequest } from '../api/dto';
import type { JobControl } from './jobs';

/** A monotonic clock in milliseconds (fractions allowed). */
export interface Clock {
  now(): number;
}

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** One-shot timers. */
export interface Timer {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface SessionEnv {
  /** Stamps on events, "parked for" times, and qemu-io's CLOCK_MONOTONIC. */
  clock: Clock;
  /** qemu-io's sleeps and main-loop turns. */
  timer: Timer;
  /** qemu-io's CLOCK_REALTIME in ms (the `sleep` command); default Date.now(). */
  wallClock?(): number;
  /**
   * Event batching may run on its own clock and timer (tests simulate seconds of a flood in an
   * instant); default: clock and timer above.
   */
  batchClock?: Clock;
  batchTimer?: Timer;
  /**
   * Make a new image file (never over an existing one), reporting progress and stopping when
   * control.aborted, leaving no file behind then or on failure. Absent: createImage is refused.
   */
  createImageFile?(req: CreateImageRequest, control: JobControl): Promise<void>;
}
