// The session's blkverify and sector-diff side: recorded mismatches on the event stream, the
// same range read from two nodes, and whole-image diffs streamed as chunks with progress and
// cancellation. What the app's hex diff view is built on.
import {
  BdrvChild,
  CompareReadError,
  CompareStatusError,
  diffChildren,
  findBlkverifyNodes,
  mismatchMessage,
  nodesBelow,
  readSectorPair,
  scanUnits,
  type BlkverifyNode,
  type BlockBackend,
  type BlockNode,
  type VerifyMismatch,
} from '../block/index';
import { errnoName } from '../block/errors';
import { toBase64 } from '../common/base64';
import type { BytesEqual } from '../common/first-difference';
import type { ByteRange, DiffRequest, DiffStarted, MismatchRequest, PairSelector, SectorPair, SectorPairRequest, VerifyMismatchDto } from '../api/dto';
import { MAX_PAIR_BYTES } from '../api/dto';
import type { BlkverifySnapshot } from '../api/snapshot';
import type { SessionEvent } from './events';
import { SessionError } from './session-error';

const SECTOR = 512;
/** The part of a mismatch an event carries: enough sectors for a hex view to open on. */
const WINDOW_BYTES = 4096;
const MAX_SECTOR_RANGES = 256;

interface Pair {
  a: BdrvChild;
  b: BdrvChild;
}

/** The differing sectors of two equally long buffers read at `offset`, merged (at most `limit` ranges). */
export function differingSectors(offset: number, a: Uint8Array, b: Uint8Array, limit = MAX_SECTOR_RANGES): ByteRange[] {
  const out: ByteRange[] = [];
  scanUnits(a, b, offset, a.length, SECTOR, undefined, (s) => {
    const last = out[out.length - 1];
    if (last && last.offset + last.bytes === s) last.bytes += SECTOR;
    else if (out.length === limit) return false;
    else out.push({ offset: s, bytes: SECTOR });
    return true;
  });
  return out;
}

/**
 * What a side is, for a view to name it by: the base name of the file at the bottom of its
 * primary chain (qcow2 -> blkdebug -> file gives `test.qcow2`), else the node's driver.
 */
export function sideLabel(node: BlockNode): string {
  let n = node;
  for (let below = n.primaryChild?.node; below; below = n.primaryChild?.node) n = below;
  if (n.driver.formatName !== 'file' || n.filename.startsWith('json:')) return n.driver.formatName;
  const name = n.filename.startsWith('file:') ? n.filename.slice('file:'.length) : n.filename;
  return name.split('/').filter(Boolean).pop() ?? n.driver.formatName;
}

/** Both buffers of [offset, offset+bytes) within a recorded contents mismatch. */
function mismatchPair(node: BlkverifyNode, m: VerifyMismatch, offset: number, bytes: number): SectorPair {
  const raw = m.raw ?? new Uint8Array(m.bytes);
  const test = m.test ?? new Uint8Array(m.bytes);
  const from = offset - m.offset;
  return {
    aNode: node.raw.node.nodeName,
    bNode: node.test.node.nodeName,
    offset,
    bytes,
    a: toBase64(raw.subarray(from, from + bytes)),
    b: toBase64(test.subarray(from, from + bytes)),
    aErrno: m.rawErrno,
    bErrno: m.testErrno,
    aLabel: sideLabel(node.raw.node),
    bLabel: sideLabel(node.test.node),
  };
}

export function mismatchDto(node: BlkverifyNode, m: VerifyMismatch): VerifyMismatchDto {
  let window: SectorPair | null = null;
  let sectors: ByteRange[] = [];
  if (m.kind === 'contents' && m.raw && m.test && m.firstMismatch !== undefined) {
    sectors = differingSectors(m.offset, m.raw, m.test);
    const start = Math.max(m.offset, m.firstMismatch - (m.firstMismatch % SECTOR));
    const end = Math.min(m.offset + m.bytes, start + WINDOW_BYTES);
    window = mismatchPair(node, m, start, end - start);
  }
  return {
    node: node.node,
    id: m.id,
    kind: m.kind,
    op: m.op,
    offset: m.offset,
    bytes: m.bytes,
    firstMismatch: m.firstMismatch ?? null,
    testErrno: m.testErrno,
    rawErrno: m.rawErrno,
    message: mismatchMessage(m),
    sectors,
    window,
  };
}

export class SectorDiffs {
  private blk: BlockBackend | null = null;
  private unsubscribe: Array<() => void> = [];
  private readonly running = new Map<number, { aborted: boolean }>();
  private nextDiffId = 1;

  constructor(
    private readonly emit: (e: SessionEvent) => void,
    private readonly now: () => number,
    /** The host's memcmp (BlockHost.bytesEqual), so a diff compares at native speed. */
    private readonly bytesEqual?: BytesEqual,
  ) {}

  /** Follow a newly opened image (null: none); diffs of the old one are cancelled. */
  attach(blk: BlockBackend | null): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    for (const token of this.running.values()) token.aborted = true;
    this.blk = blk;
    if (!blk) return;
    for (const v of findBlkverifyNodes(blk.root)) {
      this.unsubscribe.push(v.mismatches.subscribe((m) => this.emit({ type: 'verify-mismatch', at: this.now(), mismatch: mismatchDto(v, m) })));
    }
  }

  snapshot(): BlkverifySnapshot[] {
    if (!this.blk) return [];
    return findBlkverifyNodes(this.blk.root).map((v) => ({
      node: v.node,
      mode: v.mode,
      raw: v.raw.node.nodeName,
      test: v.test.node.nodeName,
      mismatches: v.mismatches.total,
      rawLabel: sideLabel(v.raw.node),
      testLabel: sideLabel(v.test.node),
    }));
  }

  private root(): BlockNode {
    if (!this.blk) throw new SessionError('NO_IMAGE', 'no image is open');
    return this.blk.root;
  }

  private verifier(node?: string): BlkverifyNode {
    const all = findBlkverifyNodes(this.root());
    const found = node === undefined ? all[0] : all.find((v) => v.node === node);
    if (!found) throw new SessionError('NO_BLKVERIFY', node === undefined ? 'the image has no blkverify node' : `no blkverify node named '${node}'`);
    return found;
  }

  /** An edge to read a node through: one the graph has, else a new parentless one (like a BlockBackend's). */
  private edgeTo(name: string): BdrvChild {
    const root = this.root();
    if (root.nodeName === name) return new BdrvChild('diff', root, 'root', null);
    for (const n of nodesBelow(root)) {
      const edge = n.children.find((c) => c.node.nodeName === name);
      if (edge) return edge;
    }
    throw new SessionError('NO_SUCH_NODE', `no node named '${name}'`);
  }

  private pair(sel: PairSelector): Pair {
    if (sel.a !== undefined || sel.b !== undefined) {
      if (sel.a === undefined || sel.b === undefined) throw new SessionError('NO_SUCH_NODE', 'give both nodes a and b, or neither');
      return { a: this.edgeTo(sel.a), b: this.edgeTo(sel.b) };
    }
    const v = this.verifier(sel.node);
    return { a: v.raw, b: v.test };
  }

  async readSectorPair(req: SectorPairRequest): Promise<SectorPair> {
    const { a, b } = this.pair(req);
    if (req.bytes < 1 || req.bytes > MAX_PAIR_BYTES) throw new SessionError('BAD_RANGE', `read at most ${MAX_PAIR_BYTES} bytes at once`);
    const r = await readSectorPair(a, b, req.offset, req.bytes);
    return {
      aNode: a.node.nodeName,
      bNode: b.node.nodeName,
      offset: req.offset,
      bytes: req.bytes,
      a: toBase64(r.a),
      b: toBase64(r.b),
      aErrno: r.aErrno,
      bErrno: r.bErrno,
      aLabel: sideLabel(a.node),
      bLabel: sideLabel(b.node),
    };
  }

  listMismatches(node?: string): VerifyMismatchDto[] {
    const v = this.verifier(node);
    return v.mismatches.list().map((m) => mismatchDto(v, m));
  }

  readMismatch(req: MismatchRequest): SectorPair {
    const v = this.verifier(req.node);
    const m = v.mismatches.get(req.id);
    if (!m) throw new SessionError('NO_SUCH_MISMATCH', `no mismatch ${req.id} is kept on '${v.node}'`);
    const offset = req.offset ?? m.offset;
    const bytes = req.bytes ?? Math.min(m.bytes, MAX_PAIR_BYTES);
    if (offset < m.offset || offset + bytes > m.offset + m.bytes || bytes > MAX_PAIR_BYTES) {
      throw new SessionError('BAD_RANGE', `the mismatch covers ${m.offset}..${m.offset + m.bytes}`);
    }
    return mismatchPair(v, m, offset, bytes);
  }

  /** Start a diff; its chunks come as diff-progress events and its end as diff-done. */
  async startDiff(req: DiffRequest): Promise<DiffStarted> {
    const { a, b } = this.pair(req);
    const length = Math.max(await a.getLength(), await b.getLength());
    const start = Math.min(req.start ?? 0, length);
    const end = Math.min(req.end ?? length, length);
    if (end < start) throw new SessionError('BAD_RANGE', 'end lies before start');
    const diffId = this.nextDiffId++;
    const token = { aborted: false };
    this.running.set(diffId, token);
    void this.runDiff(diffId, a, b, start, end, token);
    return { diffId, aNode: a.node.nodeName, bNode: b.node.nodeName, total: end - start, aLabel: sideLabel(a.node), bLabel: sideLabel(b.node) };
  }

  cancelDiff(diffId: number): boolean {
    const token = this.running.get(diffId);
    if (!token) return false;
    token.aborted = true;
    return true;
  }

  /** Cancel every running diff (the image goes away). */
  cancelAll(): void {
    for (const token of this.running.values()) token.aborted = true;
  }

  private async runDiff(diffId: number, a: BdrvChild, b: BdrvChild, start: number, end: number, token: { aborted: boolean }): Promise<void> {
    let done = 0;
    let total = end - start;
    let mismatchedBytes = 0;
    try {
      for await (const chunk of diffChildren(a, b, { start, end, signal: token, bytesEqual: this.bytesEqual })) {
        done = chunk.done;
        total = chunk.total;
        for (const r of chunk.ranges) mismatchedBytes += r.bytes;
        this.emit({ type: 'diff-progress', at: this.now(), diffId, done, total, ranges: chunk.ranges.map((r) => ({ offset: r.offset, bytes: r.bytes })) });
      }
      const status = token.aborted ? 'cancelled' : 'complete';
      this.emit({ type: 'diff-done', at: this.now(), diffId, status, done, total, mismatchedBytes });
    } catch (e) {
      // A side that cannot be read is named, with where and the errno (what the view shows).
      const side = (s: 'a' | 'b') => sideLabel((s === 'a' ? a : b).node);
      const message =
        e instanceof CompareReadError
          ? `${side(e.side)} unreadable at offset ${e.offset}: ${errnoName(e.errno)}`
          : e instanceof CompareStatusError
            ? `block status of ${side(e.side)} failed: ${errnoName(e.errno)}`
            : e instanceof Error
              ? e.message
              : String(e);
      this.emit({ type: 'diff-done', at: this.now(), diffId, status: 'failed', done, total, mismatchedBytes, message });
    } finally {
      this.running.delete(diffId);
    }
  }
}
