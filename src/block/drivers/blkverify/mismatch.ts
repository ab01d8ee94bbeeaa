// What blkverify found: a read whose data (or a request whose return value) differs between the
// test image and the raw reference. QEMU prints one line and exits; in record mode we keep each
// mismatch, with both buffers, for the app's hex diff view.

export type MismatchKind = 'contents' | 'return-value';

export interface VerifyMismatch {
  /** 1, 2, 3 ... per blkverify node. */
  id: number;
  kind: MismatchKind;
  op: 'read' | 'write';
  /** The request as it reached blkverify (after the block layer's alignment). */
  offset: number;
  bytes: number;
  /** Contents mismatches: the absolute offset of the first differing byte. */
  firstMismatch?: number;
  /** What each side returned: 0 or a positive errno. */
  testErrno: number;
  rawErrno: number;
  /** Contents mismatches: copies of what each side read (`bytes` long). */
  test?: Uint8Array;
  raw?: Uint8Array;
}

/** QEMU's line for a mismatch (blkverify_err), without the trailing newline. */
export function mismatchMessage(m: VerifyMismatch): string {
  const what = m.kind === 'contents' ? `contents mismatch at offset ${m.firstMismatch}` : `return value mismatch ${-m.testErrno} != ${-m.rawErrno}`;
  return `blkverify: ${m.op} offset=${m.offset} bytes=${m.bytes} ${what}`;
}

export type MismatchListener = (m: VerifyMismatch) => void;

/** The mismatches of one node, newest last; the oldest go once `limit` are kept. */
export class MismatchLog {
  private readonly kept: VerifyMismatch[] = [];
  private readonly listeners = new Set<MismatchListener>();
  private nextId = 1;
  /** Every mismatch ever recorded, including those no longer kept. */
  total = 0;

  constructor(private readonly limit = 1000) {}

  record(m: Omit<VerifyMismatch, 'id'>): VerifyMismatch {
    const full = { ...m, id: this.nextId++ };
    this.kept.push(full);
    if (this.kept.length > this.limit) this.kept.shift();
    this.total++;
    for (const l of this.listeners) l(full);
    return full;
  }

  list(): readonly VerifyMismatch[] {
    return this.kept;
  }

  get(id: number): VerifyMismatch | undefined {
    return this.kept.find((m) => m.id === id);
  }

  clear(): void {
    this.kept.length = 0;
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: MismatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
