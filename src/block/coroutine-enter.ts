// QEMU enters a coroutine synchronously: it runs until it waits for real I/O (or a timer) before
// the caller goes on. Our requests are promise chains, so the same point is reached once the
// microtask queue has run dry; a fixed number of turns is far more than any chain here needs.

/** Microtask turns after which a request that did no I/O has certainly settled. */
export const IMMEDIATE_TURNS = 64;

/** Let freshly started or resumed work run until it waits for real I/O (qemu_coroutine_enter). */
export async function runUntilBlocked(): Promise<void> {
  for (let i = 0; i < IMMEDIATE_TURNS; i++) await null;
}
