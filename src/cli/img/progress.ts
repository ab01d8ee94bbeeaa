// qemu-img's progress meter (util/qemu-progress.c) for -p: "    (P/100%)\r" lines on stdout,
// printed when the float percentage moves by more than min_skip, and at 0 and 100. The sums
// are single-precision floats as in C, so the printed steps match QEMU's exactly.

const f = Math.fround;

export class QemuProgress {
  private current = 0;
  private lastPrint = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly minSkip: number,
    private readonly print: (text: string) => void,
  ) {}

  /** qemu_progress_print(delta, max). */
  advance(delta: number, max: number): void {
    if (!this.enabled) return;
    let current = max === 0 ? f(delta) : f(this.current + f(f(f(delta) / 100) * max));
    if (current > 100) current = 100;
    this.current = current;
    const skip = f(this.minSkip);
    if (current > f(this.lastPrint + skip) || current < f(this.lastPrint - skip) || current === 0 || current === 100) {
      this.lastPrint = current;
      this.print(`    (${formatFixed2(current)}/100%)\r`);
    }
  }

  /** The percentage step of `bytes` out of `base` as img_compare computes it: (float)bytes / base * 100. */
  advanceBytes(bytes: number, base: number): void {
    this.advance(f(f(f(bytes) / f(base)) * 100), 100);
  }

  /** qemu_progress_end. */
  end(): void {
    if (this.enabled) this.print('\n');
  }
}

/** printf("%3.2f"): like toFixed(2), but exact ties round to even as glibc does. */
export function formatFixed2(x: number): string {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  // x * 100 is exact for the floats we print only when it is a tie; check with the inverse.
  if (scaled - floor === 0.5 && (floor + 0.5) / 100 === x && floor % 2 === 0) return (floor / 100).toFixed(2);
  return x.toFixed(2).padStart(4, ' ');
}
