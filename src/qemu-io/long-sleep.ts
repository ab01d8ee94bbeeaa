/** setTimeout's largest delay (a signed 32-bit millisecond count); longer ones fire at once. */
export const MAX_TIMER_MS = 0x7fffffff;

/** Sleep `ms` milliseconds through a timer that cannot wait longer than MAX_TIMER_MS: chain them. */
export async function sleepChained(sleep: (ms: number) => Promise<void>, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= MAX_TIMER_MS) await sleep(Math.min(left, MAX_TIMER_MS));
}
