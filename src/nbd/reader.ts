// The input side of a connection: bytes arrive in chunks (host pushes), the protocol code reads
// exact lengths. A read inside one chunk is a view of it (no copy); one spanning chunks copies.

/** The peer closed the stream. `partial`: in the middle of the bytes being read. */
export class StreamEnded extends Error {
  constructor(readonly partial: boolean) {
    super(partial ? 'Unexpected end-of-file before all data were read' : 'end of stream');
  }
}

export class ByteReader {
  private chunks: Uint8Array[] = [];
  /** Read position in chunks[0]. */
  private head = 0;
  private available = 0;
  private ended = false;
  private waiter: (() => void) | null = null;

  constructor(
    /** Called when buffered input goes above / back under the high-water mark. */
    private readonly flow?: { pause(): void; resume(): void },
    private readonly highWater = 64 * 1024 * 1024,
  ) {}

  private paused = false;

  push(chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
    if (!this.paused && this.available > this.highWater && this.flow) {
      this.paused = true;
      this.flow.pause();
    }
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Exactly n bytes. Rejects StreamEnded (partial when some of them came). */
  async read(n: number): Promise<Uint8Array> {
    while (this.available < n) {
      if (this.ended) throw new StreamEnded(this.available > 0);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.take(n);
  }

  /** Drop n bytes (an option's payload QEMU skips), without holding them all. */
  async skip(n: number): Promise<void> {
    while (n > 0) {
      if (this.available === 0) {
        if (this.ended) throw new StreamEnded(true);
        await new Promise<void>((resolve) => (this.waiter = resolve));
        continue;
      }
      const step = Math.min(n, this.available);
      this.take(step, true);
      n -= step;
    }
  }

  private take(n: number, discard = false): Uint8Array {
    this.available -= n;
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first && first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
    } else {
      out = discard ? EMPTY : new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const step = Math.min(n - at, c.length - this.head);
        if (!discard) out.set(c.subarray(this.head, this.head + step), at);
        at += step;
        this.head += step;
        if (this.head === c.length) {
          this.chunks.shift();
          this.head = 0;
        }
      }
    }
    if (this.paused && this.available <= this.highWater / 2) {
      this.paused = false;
      this.flow?.resume();
    }
    return out;
  }
}

const EMPTY = new Uint8Array(0);
