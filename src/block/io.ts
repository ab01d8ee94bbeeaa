// The gateway (QEMU's block/io.c): every request to a node passes through here. It checks the
// request, pads unaligned requests with read-modify-write, splits by max-transfer, emulates FUA
// and write-zeroes fallbacks, tracks requests in flight, fires the generic debug events and
// reports each request to the graph's trace hook.
import type { BdrvChild } from './child';
import { setDirty } from './dirty-bitmap';
import {
  BDRV_BLOCK_ALLOCATED,
  BDRV_BLOCK_DATA,
  BDRV_BLOCK_EOF,
  BDRV_BLOCK_RAW,
  BDRV_BLOCK_ZERO,
  BDRV_REQ_COPY_ON_READ,
  BDRV_REQ_FUA,
  BDRV_REQ_INSPECT,
  BDRV_REQ_MAY_UNMAP,
  BDRV_REQ_NO_FALLBACK,
  type BlockStatus,
  type DriverInfo,
  type EventRequest,
  type PreallocMode,
} from './driver';
import { BlockError, EACCES, EINVAL, EIO, ENOMEDIUM, ENOTSUP, EPERM, QemuError, toErrno } from './errors';
import type { BlkdebugEvent } from './events';
import type { BlockNode, TrackedRequest } from './node';
import type { TraceOp } from './trace';

/** Largest byte count of one request (BDRV_REQUEST_MAX_BYTES: INT_MAX rounded down to 512). */
export const BDRV_REQUEST_MAX_BYTES = 2147483136;
/** BDRV_MAX_LENGTH: INT64_MAX rounded down to BDRV_MAX_ALIGNMENT (1 GiB). */
const BDRV_MAX_LENGTH = (1n << 63n) - (1n << 30n);
const INT64_MAX = 2 ** 63 - 1;
/** Bounce size for write-zeroes fallback and unlimited max-transfer splitting. */
const MAX_BOUNCE_BUFFER = 32768 << 9;

let zeroBuffer: Uint8Array | null = null;
/** One shared zeroed buffer for write-zeroes fallbacks: drivers never modify write buffers. */
function zeroes(bytes: number): Uint8Array {
  if (!zeroBuffer || zeroBuffer.length < bytes) zeroBuffer = new Uint8Array(Math.max(bytes, 65536));
  return zeroBuffer.subarray(0, bytes);
}

function asBlockError(e: unknown): Error {
  if (e instanceof BlockError || e instanceof QemuError) return e;
  const err = new BlockError(toErrno(e));
  (err as Error & { cause?: unknown }).cause = e;
  return err;
}

/** bdrv_check_qiov_request: negative or overflowing requests fail with EIO. */
function checkRequest(offset: number, bytes: number): void {
  if (offset < 0 || bytes < 0) throw new BlockError(EIO);
  // Exact only past 2^53, where a sum of doubles could round (a hostile image's metadata offsets).
  if (offset + bytes > 2 ** 53 && BigInt(offset) + BigInt(bytes) > BDRV_MAX_LENGTH) throw new BlockError(EIO);
}

// ---- events and tracing ---------------------------------------------------------------------

/** Deliver a debug event to the node (only nodes with debug hooks, i.e. blkdebug, consume it). */
export function bdrvDebugEvent(node: BlockNode, event: BlkdebugEvent, req?: EventRequest): Promise<void> {
  const trace = node.graph.trace;
  if (trace) trace({ kind: 'debug-event', node: node.nodeName, event });
  const debug = node.drv?.debug;
  return debug ? debug.debugEvent(event, req) : Promise.resolve();
}

/** Fire an event only when somebody listens: saves a promise per request on the hot path. */
export function fireDebugEvent(node: BlockNode, event: BlkdebugEvent, req?: EventRequest): Promise<void> | null {
  if (!wantsDebugEvent(node, event)) return null;
  return bdrvDebugEvent(node, event, req);
}

/** Whether announcing `event` to the node would reach anybody (trace hook or a rule). */
export function wantsDebugEvent(node: BlockNode, event: BlkdebugEvent): boolean {
  return node.graph.trace !== null || (node.drv.debug?.wants(event) ?? false);
}

async function traced<T>(node: BlockNode, op: TraceOp, offset: number, bytes: number, run: () => Promise<T>): Promise<T> {
  const trace = node.graph.trace;
  if (!trace) {
    node.incInFlight();
    try {
      return await run();
    } catch (e) {
      throw asBlockError(e);
    } finally {
      node.decInFlight();
    }
  }
  const id = node.graph.requestId();
  trace({ kind: 'request-start', id, node: node.nodeName, op, offset, bytes });
  node.incInFlight();
  let errno = 0;
  try {
    return await run();
  } catch (e) {
    const err = asBlockError(e);
    errno = toErrno(err);
    throw err;
  } finally {
    node.decInFlight();
    trace({ kind: 'request-done', id, node: node.nodeName, op, offset, bytes, errno });
  }
}

// ---- tracked requests (serialisation of read-modify-write) -------------------------------

function overlaps(a: TrackedRequest, offset: number, bytes: number): boolean {
  return a.offset < offset + bytes && offset < a.offset + a.bytes;
}

function findConflict(node: BlockNode, offset: number, bytes: number, serialising: boolean): TrackedRequest | null {
  for (const other of node.tracked) {
    if ((other.serialising || serialising) && overlaps(other, offset, bytes)) return other;
  }
  return null;
}

/**
 * Register a request; a request conflicts with an overlapping one when either is serialising
 * and then waits for it. Synchronous when there is no conflict (the common case).
 */
function beginRequest(node: BlockNode, offset: number, bytes: number, serialising: boolean): TrackedRequest | Promise<TrackedRequest> {
  if (findConflict(node, offset, bytes, serialising)) return waitAndBegin(node, offset, bytes, serialising);
  const req: TrackedRequest = { offset, bytes, serialising, waiters: null };
  node.tracked.add(req);
  return req;
}

async function waitAndBegin(node: BlockNode, offset: number, bytes: number, serialising: boolean): Promise<TrackedRequest> {
  for (let c = findConflict(node, offset, bytes, serialising); c; c = findConflict(node, offset, bytes, serialising)) {
    const conflict = c;
    await new Promise<void>((resolve) => (conflict.waiters ??= []).push(resolve));
  }
  const req: TrackedRequest = { offset, bytes, serialising, waiters: null };
  node.tracked.add(req);
  return req;
}

function endRequest(node: BlockNode, req: TrackedRequest): void {
  node.tracked.delete(req);
  if (req.waiters) for (const w of req.waiters) w();
}

// ---- read ---------------------------------------------------------------------------------

export function bdrvPreadv(child: BdrvChild, offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
  const node = child.node;
  checkRequest(offset, bytes);
  if (flags & BDRV_REQ_INSPECT) return inspectPreadv(node, offset, bytes, buf);
  return traced(node, 'read', offset, bytes, async () => {
    const align = node.limits.requestAlignment;
    const start = offset - (offset % align);
    const endRaw = offset + bytes;
    const end = endRaw % align === 0 ? endRaw : endRaw + align - (endRaw % align);
    if (start === offset && end === endRaw) {
      await alignedPreadv(node, offset, bytes, buf, flags);
      return;
    }
    // QEMU reads into the caller's buffer with padding around it (bdrv_pad_request): a driver
    // that leaves its buffer alone (null-co) leaves the caller's bytes, so the bounce starts so.
    const bounce = new Uint8Array(end - start);
    bounce.set(buf.subarray(0, bytes), offset - start);
    await alignedPreadv(node, start, end - start, bounce, flags);
    buf.set(bounce.subarray(offset - start, offset - start + bytes));
  });
}

/**
 * An inspection read (BDRV_REQ_INSPECT): the same padding, end-of-node zeroes and max-transfer
 * split as a guest read, but no trace events, no tracked request (it neither waits for a
 * serialising write parked at a breakpoint nor makes one wait) and no copy-on-read. It is only
 * counted in flight, so a drain before close waits for it.
 */
async function inspectPreadv(node: BlockNode, offset: number, bytes: number, buf: Uint8Array): Promise<void> {
  node.incInFlight();
  try {
    const align = node.limits.requestAlignment;
    const start = offset - (offset % align);
    const end = roundUp(offset + bytes, align);
    const padded = start !== offset || end !== offset + bytes;
    const target = padded ? new Uint8Array(end - start) : buf;
    const total = roundUp(node.totalBytes, 512);
    const readable = Math.max(0, Math.min(end - start, total - start));
    const maxTransfer = node.limits.maxTransfer || MAX_BOUNCE_BUFFER * 64;
    for (let done = 0; done < readable; ) {
      const n = Math.min(readable - done, maxTransfer);
      await node.drv.preadv(start + done, n, n === target.length ? target : target.subarray(done, done + n), BDRV_REQ_INSPECT);
      done += n;
    }
    if (readable < target.length) target.fill(0, readable);
    if (padded) buf.set(target.subarray(offset - start, offset - start + bytes));
  } catch (e) {
    throw asBlockError(e);
  } finally {
    node.decInFlight();
  }
}

/** bdrv_aligned_preadv: zero-fills beyond the end of the node, splits by max-transfer. */
async function alignedPreadv(node: BlockNode, offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
  const begun = beginRequest(node, offset, bytes, false);
  const tracked = begun instanceof Promise ? await begun : begun;
  try {
    const total = roundUp(node.totalBytes, 512);
    const readable = Math.max(0, Math.min(bytes, total - offset));
    if (flags & BDRV_REQ_COPY_ON_READ) {
      flags &= ~BDRV_REQ_COPY_ON_READ;
      const st = await bdrvIsAllocated(node, offset, bytes);
      if (!st.allocated || st.pnum !== bytes) {
        await copyOnReadv(node, offset, bytes, buf);
        return;
      }
    }
    const maxTransfer = node.limits.maxTransfer || MAX_BOUNCE_BUFFER * 64;
    let done = 0;
    while (done < readable) {
      const n = Math.min(readable - done, maxTransfer);
      await node.drv.preadv(offset + done, n, n === bytes ? buf : buf.subarray(done, done + n), flags);
      done += n;
    }
    if (readable < bytes) buf.fill(0, readable);
  } finally {
    endRequest(node, tracked);
  }
}

/**
 * bdrv_co_do_copy_on_readv: read whole clusters; those not allocated in the node are read from
 * below and written into it (zeroes as a zero write), then the caller's part is copied out.
 */
async function copyOnReadv(node: BlockNode, offset: number, bytes: number, buf: Uint8Array): Promise<void> {
  const info = await node.drv.getInfo().catch(() => null);
  const cluster = info?.clusterSize || node.limits.requestAlignment;
  let clusterOffset = offset - (offset % cluster);
  let clusterBytes = roundUp(offset + bytes, cluster) - clusterOffset;
  let skip = offset - clusterOffset;
  const maxTransfer = Math.min(node.limits.maxTransfer || BDRV_REQUEST_MAX_BYTES, BDRV_REQUEST_MAX_BYTES);
  let progress = 0;
  while (clusterBytes > 0) {
    let allocated: boolean;
    let pnum: number;
    try {
      const st = await bdrvIsAllocated(node, clusterOffset, Math.min(clusterBytes, maxTransfer));
      allocated = st.allocated;
      pnum = st.pnum;
    } catch {
      allocated = false;
      pnum = Math.min(clusterBytes, maxTransfer);
    }
    if (!allocated && pnum === 0) break;
    const want = Math.min(pnum - skip, bytes - progress);
    if (!allocated) {
      pnum = Math.min(pnum, MAX_BOUNCE_BUFFER);
      const bounce = new Uint8Array(pnum);
      await node.drv.preadv(clusterOffset, pnum, bounce, 0);
      const ev = fireDebugEvent(node, 'cor_write');
      if (ev) await ev;
      if (bounce.every((b) => b === 0)) await doPwriteZeroes(node, clusterOffset, pnum, 0);
      else await driverPwritev(node, clusterOffset, pnum, bounce, 0);
      buf.set(bounce.subarray(skip, skip + Math.min(pnum - skip, bytes - progress)), progress);
    } else if (want > 0) {
      await node.drv.preadv(offset + progress, want, buf.subarray(progress, progress + want), 0);
    }
    clusterOffset += pnum;
    clusterBytes -= pnum;
    progress += pnum - skip;
    skip = 0;
  }
}

// ---- write --------------------------------------------------------------------------------

function assertWritable(node: BlockNode): void {
  if (node.readOnly) throw new BlockError(EPERM);
}

export function bdrvPwritev(child: BdrvChild, offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
  const node = child.node;
  checkRequest(offset, bytes);
  assertWritable(node);
  return traced(node, 'write', offset, bytes, async () => {
    const align = node.limits.requestAlignment;
    if (offset % align === 0 && bytes % align === 0) {
      const begun = beginRequest(node, offset, bytes, false);
      const req = begun instanceof Promise ? await begun : begun;
      try {
        await alignedPwritev(node, offset, bytes, buf, flags);
      } finally {
        endRequest(node, req);
      }
      return;
    }
    await paddedPwritev(node, offset, bytes, buf, flags);
  });
}

/**
 * A driver zeroing its child (bdrv_co_pwrite_zeroes): a node opened with discard=ignore never
 * unmaps, so MAY_UNMAP is dropped here.
 */
export function bdrvPwriteZeroes(child: BdrvChild, offset: number, bytes: number, flags: number): Promise<void> {
  return bdrvZeroWrite(child, offset, bytes, child.node.flags.unmap ? flags : flags & ~BDRV_REQ_MAY_UNMAP);
}

/**
 * A zero write as the BlockBackend issues it (blk_co_pwrite_zeroes goes to bdrv_co_pwritev with
 * BDRV_REQ_ZERO_WRITE): MAY_UNMAP reaches the top node whatever its discard mode, so qcow2 frees
 * the clusters of `write -z -u` even under -d ignore / qemu-nbd's default --discard=ignore.
 */
export function bdrvZeroWrite(child: BdrvChild, offset: number, bytes: number, flags: number): Promise<void> {
  const node = child.node;
  checkRequest(offset, bytes);
  assertWritable(node);
  return traced(node, 'write-zeroes', offset, bytes, async () => {
    const align = node.limits.requestAlignment;
    if (offset % align === 0 && bytes % align === 0) {
      const req = await beginRequest(node, offset, bytes, false);
      try {
        await alignedPwritev(node, offset, bytes, null, flags);
      } finally {
        endRequest(node, req);
      }
      return;
    }
    await paddedPwritev(node, offset, bytes, null, flags);
  });
}

export function bdrvPwriteCompressed(child: BdrvChild, offset: number, bytes: number, buf: Uint8Array): Promise<void> {
  const node = child.node;
  checkRequest(offset, bytes);
  assertWritable(node);
  return traced(node, 'write-compressed', offset, bytes, async () => {
    const req = await beginRequest(node, offset, bytes, false);
    try {
      // Compressed writes fire neither pwritev nor pwritev_zero, only pwritev_done.
      let ok = false;
      try {
        await node.drv.pwriteCompressed(offset, bytes, buf);
        ok = true;
      } finally {
        const done = fireDebugEvent(node, 'pwritev_done');
        if (done) await done;
        finishWrite(node, offset, bytes, ok);
      }
    } finally {
      endRequest(node, req);
    }
  });
}

/**
 * An unaligned write: one serialising request over the aligned range; read the partial head and
 * tail blocks, merge, write back (bdrv_padding_rmw_read). A zero write keeps its aligned middle
 * a zero write and writes only the padded edges as data (bdrv_co_do_zero_pwritev).
 */
async function paddedPwritev(node: BlockNode, offset: number, bytes: number, buf: Uint8Array | null, flags: number): Promise<void> {
  const align = node.limits.requestAlignment;
  const end = offset + bytes;
  const start = offset - (offset % align);
  const alignedEnd = end % align === 0 ? end : end + align - (end % align);
  const req = await beginRequest(node, start, alignedEnd - start, true);
  try {
    const head = offset !== start;
    const tail = end !== alignedEnd;
    const paddedLen = alignedEnd - start;
    // Head and tail in one run of at most two blocks are read (and written) together.
    const merged = head && tail && paddedLen <= 2 * align;
    if (buf) {
      const bounce = new Uint8Array(paddedLen);
      // QEMU 7.2 ignores a failed padding read here and writes the block anyway (a blkdebug
      // rule on pwritev_rmw_* with once=on is used up by the read, and the write succeeds).
      await rmwRead(node, start, alignedEnd, head ? bounce : null, tail ? bounce.subarray(paddedLen - align) : null, merged).catch(
        () => undefined,
      );
      bounce.set(buf, offset - start);
      await alignedPwritev(node, start, paddedLen, bounce, flags);
      return;
    }
    // Zero write: both padding reads first, then the padded head as data, the aligned middle
    // as a zero write, the padded tail as data (bdrv_co_do_zero_pwritev).
    if (merged || paddedLen === align) {
      const bounce = new Uint8Array(paddedLen);
      await rmwRead(node, start, alignedEnd, head ? bounce : null, tail ? bounce.subarray(paddedLen - align) : null, merged);
      bounce.fill(0, offset - start, end - start);
      await alignedPwritev(node, start, paddedLen, bounce, flags & ~BDRV_REQ_MAY_UNMAP);
      return;
    }
    const headBlock = head ? new Uint8Array(align) : null;
    const tailBlock = tail ? new Uint8Array(align) : null;
    await rmwRead(node, start, alignedEnd, headBlock, tailBlock, false);
    let midStart = start;
    let midEnd = alignedEnd;
    if (headBlock) {
      headBlock.fill(0, offset - start);
      await alignedPwritev(node, start, align, headBlock, flags & ~BDRV_REQ_MAY_UNMAP);
      midStart = start + align;
    }
    if (tailBlock) midEnd = alignedEnd - align;
    if (midEnd > midStart) await alignedPwritev(node, midStart, midEnd - midStart, null, flags);
    if (tailBlock) {
      tailBlock.fill(0, 0, end - (alignedEnd - align));
      await alignedPwritev(node, alignedEnd - align, align, tailBlock, flags & ~BDRV_REQ_MAY_UNMAP);
    }
  } finally {
    endRequest(node, req);
  }
}

/**
 * bdrv_padding_rmw_read: read the partial head block into headBuf and the partial tail block
 * into tailBuf, firing the rmw events around each read. When merged, one read fills headBuf
 * with the whole padded run [start, end) (then tailBuf is a view of its end).
 */
async function rmwRead(node: BlockNode, start: number, end: number, headBuf: Uint8Array | null, tailBuf: Uint8Array | null, merged: boolean): Promise<void> {
  const align = node.limits.requestAlignment;
  if (headBuf) {
    const n = merged ? end - start : align;
    await fireAwait(node, 'pwritev_rmw_head');
    await fireAwait(node, merged ? 'pwritev_rmw_tail' : null);
    await rawRead(node, start, n, headBuf.subarray(0, n));
    await fireAwait(node, 'pwritev_rmw_after_head');
    await fireAwait(node, merged ? 'pwritev_rmw_after_tail' : null);
    if (merged) return;
  }
  if (tailBuf) {
    await fireAwait(node, 'pwritev_rmw_tail');
    await rawRead(node, end - align, align, tailBuf.subarray(0, align));
    await fireAwait(node, 'pwritev_rmw_after_tail');
  }
}

async function fireAwait(node: BlockNode, event: BlkdebugEvent | null, req?: EventRequest): Promise<void> {
  if (event === null) return;
  const p = fireDebugEvent(node, event, req);
  if (p) await p;
}

/** An aligned read inside an already tracked (serialising) request: no second tracking. */
async function rawRead(node: BlockNode, offset: number, bytes: number, buf: Uint8Array): Promise<void> {
  const total = roundUp(node.totalBytes, 512);
  const readable = Math.max(0, Math.min(bytes, total - offset));
  if (readable > 0) await node.drv.preadv(offset, readable, readable === bytes ? buf : buf.subarray(0, readable), 0);
  if (readable < bytes) buf.fill(0, readable);
}

/** bdrv_aligned_pwritev: events, the driver call (or write-zeroes), FUA emulation, generations. */
async function alignedPwritev(node: BlockNode, offset: number, bytes: number, buf: Uint8Array | null, flags: number): Promise<void> {
  const event = buf ? 'pwritev' : 'pwritev_zero';
  // Describe the request only when it will be seen (no object per write otherwise).
  const before = wantsDebugEvent(node, event) ? fireDebugEvent(node, event, { op: buf ? 'write' : 'write-zeroes', offset, bytes }) : null;
  if (before) await before;
  let ok = false;
  try {
    if (buf) await driverPwritev(node, offset, bytes, buf, flags);
    else await doPwriteZeroes(node, offset, bytes, flags);
    ok = true;
  } finally {
    const after = wantsDebugEvent(node, 'pwritev_done') ? fireDebugEvent(node, 'pwritev_done', { op: buf ? 'write' : 'write-zeroes', offset, bytes }) : null;
    if (after) await after;
    finishWrite(node, offset, bytes, ok);
  }
}

/** bdrv_co_write_req_finish: a new write generation; a successful write past the end grows the node. */
function finishWrite(node: BlockNode, offset: number, bytes: number, ok: boolean): void {
  node.writeGen++;
  if (ok && offset + bytes > node.totalBytes) {
    node.totalBytes = offset + bytes;
    for (const bm of node.dirtyBitmaps) bm.truncate(roundUp(node.totalBytes, 512));
  }
  // As QEMU, the range is marked even when the write failed (part of it may have reached the disk).
  if (node.dirtyBitmaps.length) setDirty(node.dirtyBitmaps, offset, bytes);
}

/** bdrv_driver_pwritev: split by max-transfer; emulate FUA with a flush when unsupported. */
async function driverPwritev(node: BlockNode, offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
  const drv = node.drv;
  const emulateFua = (flags & BDRV_REQ_FUA) !== 0 && (drv.supportedWriteFlags & BDRV_REQ_FUA) === 0;
  const passFlags = flags & drv.supportedWriteFlags;
  const maxTransfer = node.limits.maxTransfer;
  if (!maxTransfer || bytes <= maxTransfer) {
    await drv.pwritev(offset, bytes, buf, passFlags);
  } else {
    for (let done = 0; done < bytes; ) {
      const n = Math.min(bytes - done, maxTransfer);
      await drv.pwritev(offset + done, n, buf.subarray(done, done + n), passFlags);
      done += n;
    }
  }
  if (emulateFua) await bdrvFlush(node);
}

/**
 * bdrv_co_do_pwrite_zeroes: the driver's write-zeroes, or a zeroed buffer when it has none. An
 * unaligned head and tail go to the driver as separate requests that stay inside one alignment
 * unit (qcow2 zeroes whole clusters and answers ENOTSUP for partial ones).
 */
async function doPwriteZeroes(node: BlockNode, offset: number, bytes: number, flags: number): Promise<void> {
  const drv = node.drv;
  const zeroFlags = flags & ~BDRV_REQ_FUA & ~BDRV_REQ_NO_FALLBACK;
  const alignment = Math.max(node.limits.pwriteZeroesAlignment || 1, node.limits.requestAlignment);
  const maxZeroes = node.limits.maxPwriteZeroes || 2 ** 31 - node.limits.requestAlignment;
  const maxTransfer = Math.min(node.limits.maxTransfer || MAX_BOUNCE_BUFFER, MAX_BOUNCE_BUFFER);
  let head = offset % alignment;
  const tail = (offset + bytes) % alignment;
  let needFlush = false;
  while (bytes > 0) {
    let num = bytes;
    if (head) {
      num = Math.min(bytes, maxTransfer, alignment - head);
      head = (head + num) % alignment;
    } else if (tail && num > alignment) {
      num -= tail;
    }
    if (num > maxZeroes) num = maxZeroes;
    let unsupportedHere = false;
    try {
      await drv.pwriteZeroes(offset, num, zeroFlags & drv.supportedZeroFlags);
      if ((flags & BDRV_REQ_FUA) !== 0 && (drv.supportedZeroFlags & BDRV_REQ_FUA) === 0) needFlush = true;
    } catch (e) {
      if (!(e instanceof BlockError) || e.errno !== ENOTSUP || (flags & BDRV_REQ_NO_FALLBACK) !== 0) throw e;
      unsupportedHere = true;
    }
    if (unsupportedHere) {
      // Fallback: write a zeroed buffer, at most a bounce buffer (or max-transfer) at a time.
      if ((flags & BDRV_REQ_FUA) !== 0 && (drv.supportedWriteFlags & BDRV_REQ_FUA) === 0) needFlush = true;
      num = Math.min(num, maxTransfer);
      await drv.pwritev(offset, num, zeroes(num), flags & BDRV_REQ_FUA & drv.supportedWriteFlags);
    }
    offset += num;
    bytes -= num;
  }
  if (needFlush) await bdrvFlush(node);
}

// ---- discard ------------------------------------------------------------------------------

export function bdrvPdiscard(child: BdrvChild, offset: number, bytes: number): Promise<void> {
  const node = child.node;
  checkRequest(offset, bytes);
  assertWritable(node);
  // Discard is advisory: disabled (discard=ignore) means success without doing anything.
  if (!node.flags.unmap) return Promise.resolve();
  return traced(node, 'discard', offset, bytes, async () => {
    const req = await beginRequest(node, offset, bytes, false);
    try {
      await fragmentedPdiscard(node, offset, bytes);
    } finally {
      node.writeGen++;
      if (node.dirtyBitmaps.length) setDirty(node.dirtyBitmaps, offset, bytes);
      endRequest(node, req);
    }
  });
}

/**
 * bdrv_co_pdiscard's loop: discard is advisory, so everything goes down, but cut at alignment
 * boundaries: small requests up to the first boundary (sub-request_alignment bytes apart), the
 * aligned middle in max-discard pieces, then the unaligned tail. A driver refuses a piece it
 * cannot discard with ENOTSUP, which is skipped.
 */
async function fragmentedPdiscard(node: BlockNode, offset: number, bytes: number): Promise<void> {
  const reqAlign = node.limits.requestAlignment;
  const align = Math.max(node.limits.pdiscardAlignment, reqAlign);
  let head = offset % align;
  let tail = (offset + bytes) % align;
  const limit = node.limits.maxPdiscard || INT64_MAX;
  const maxPdiscard = limit - (limit % align);
  while (bytes > 0) {
    let num = bytes;
    if (head) {
      num = Math.min(bytes, align - head);
      if (num % reqAlign) num %= reqAlign;
      head = (head + num) % align;
    } else if (tail) {
      if (num > align) {
        num -= tail;
      } else if (tail % reqAlign && tail > reqAlign) {
        tail %= reqAlign;
        num -= tail;
      }
    }
    num = Math.min(num, maxPdiscard);
    try {
      await node.drv.pdiscard(offset, num);
    } catch (e) {
      if (!(e instanceof BlockError) || e.errno !== ENOTSUP) throw e;
    }
    offset += num;
    bytes -= num;
  }
}

// ---- flush --------------------------------------------------------------------------------

/**
 * bdrv_co_flush: flush_to_os then (if anything was written since the last flush and the node
 * may flush) flush_to_disk, both announced on the primary child; then every child that can be
 * written (the backing file is only read) is flushed. One flush at a time per node.
 */
export async function bdrvFlush(node: BlockNode): Promise<void> {
  if (!node.drv || node.readOnly) return;
  node.incInFlight();
  try {
    const currentGen = node.writeGen;
    // Flushes of a node queue up in order (QEMU's flush_queue): each waits for the one before.
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const previous = node.activeFlush;
    node.activeFlush = mine;
    if (previous) await previous;
    let ok = false;
    try {
      if (node.drv.flushesAllLayers) {
        // The driver's bdrv_co_flush writes back every layer itself: no events, no children.
        await node.drv.flushToDisk();
        ok = true;
        return;
      }
      const primary = node.primaryChild;
      const toOs = primary ? fireDebugEvent(primary.node, 'flush_to_os') : null;
      if (toOs) await toOs;
      await node.drv.flushToOs();
      if (!node.flags.noFlush && node.flushedGen !== currentGen) {
        const toDisk = primary ? fireDebugEvent(primary.node, 'flush_to_disk') : null;
        if (toDisk) await toDisk;
        await node.drv.flushToDisk();
      }
      let firstError: unknown = null;
      for (const child of node.children) {
        if (child.role === 'backing') continue;
        try {
          await bdrvFlush(child.node);
        } catch (e) {
          firstError ??= e;
        }
      }
      if (firstError) throw firstError;
      ok = true;
    } finally {
      if (ok) node.flushedGen = currentGen;
      if (node.activeFlush === mine) node.activeFlush = null;
      release();
    }
  } catch (e) {
    throw asBlockError(e);
  } finally {
    node.decInFlight();
  }
}

// ---- block status, length, truncate, vmstate ----------------------------------------------

/** bdrv_is_inserted: no node from here down has lost its driver. */
export function bdrvIsInserted(node: BlockNode): boolean {
  if (node.ejected) return false;
  for (const child of node.children) if (!bdrvIsInserted(child.node)) return false;
  return true;
}

export function bdrvGetLength(node: BlockNode): Promise<number> {
  return Promise.resolve(roundUp(node.totalBytes, 512));
}

export function roundUp(n: number, align: number): number {
  const r = n % align;
  return r === 0 ? n : n + align - r;
}

/**
 * bdrv_co_block_status: clamps to the end of the node, asks the driver over the aligned range,
 * follows BDRV_BLOCK_RAW down to the file, and marks data or zero ranges ALLOCATED.
 */
export async function bdrvBlockStatus(node: BlockNode, offset: number, bytes: number, wantZero: boolean, flags = 0): Promise<BlockStatus> {
  const total = roundUp(node.totalBytes, 512);
  if (offset >= total) return { status: BDRV_BLOCK_EOF, pnum: 0 };
  bytes = Math.min(bytes, total - offset);
  if (flags & BDRV_REQ_INSPECT) {
    // Inspection: the same answer, without trace events (see inspectPreadv).
    node.incInFlight();
    try {
      return await blockStatusOf(node, offset, bytes, wantZero, BDRV_REQ_INSPECT);
    } catch (e) {
      throw asBlockError(e);
    } finally {
      node.decInFlight();
    }
  }
  return traced(node, 'block-status', offset, bytes, () => blockStatusOf(node, offset, bytes, wantZero, 0));
}

async function blockStatusOf(node: BlockNode, offset: number, bytes: number, wantZero: boolean, flags: number): Promise<BlockStatus> {
  const total = roundUp(node.totalBytes, 512);
  const align = node.limits.requestAlignment;
  const alignedOffset = offset - (offset % align);
  const alignedBytes = roundUp(offset + bytes, align) - alignedOffset;
  const res = await node.drv.blockStatus(alignedOffset, alignedBytes, wantZero, flags);
  const skew = offset - alignedOffset;
  let pnum = Math.min(res.pnum - skew, bytes);
  if (pnum <= 0) pnum = Math.min(bytes, align);
  let status = res.status;
  let map = res.map !== undefined ? res.map + skew : undefined;
  let file = res.file;
  if (status & BDRV_BLOCK_RAW) {
    if (!file || map === undefined) throw new BlockError(EIO);
    const inner = await bdrvBlockStatus(file.node, map, pnum, wantZero, flags);
    status = inner.status;
    pnum = inner.pnum;
    map = inner.map;
    file = inner.file;
  } else if (status & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) {
    status |= BDRV_BLOCK_ALLOCATED;
  }
  if (offset + pnum === total) status |= BDRV_BLOCK_EOF;
  return { status, pnum, map, file };
}

/** bdrv_is_allocated: the top node only. */
export async function bdrvIsAllocated(node: BlockNode, offset: number, bytes: number): Promise<{ allocated: boolean; pnum: number }> {
  const res = await bdrvBlockStatus(node, offset, bytes, false);
  return { allocated: (res.status & BDRV_BLOCK_ALLOCATED) !== 0, pnum: res.pnum };
}

/**
 * bdrv_block_status_above(top, NULL): the first layer of the backing chain that has the range
 * (data or zero) answers; where no layer has it, or past a backing file's end, it reads as zero.
 */
export async function bdrvBlockStatusAbove(top: BlockNode, offset: number, bytes: number, wantZero: boolean): Promise<BlockStatus> {
  let n = bytes;
  for (let cur: BlockNode = top; ; ) {
    const st = await bdrvBlockStatus(cur, offset, n, wantZero);
    if (st.status & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) return { ...st, pnum: Math.min(st.pnum, n) };
    if (st.pnum > 0) n = Math.min(n, st.pnum);
    const backing = cur.children.find((c) => c.role === 'backing');
    if (!backing || offset >= roundUp(backing.node.totalBytes, 512)) return { status: BDRV_BLOCK_ZERO, pnum: n };
    cur = backing.node;
  }
}

export function bdrvTruncate(child: BdrvChild, offset: number, exact: boolean, prealloc: PreallocMode): Promise<void> {
  const node = child.node;
  if (offset < 0) return Promise.reject(new QemuError('Image size cannot be negative', EINVAL));
  if (node.readOnly) return Promise.reject(new QemuError('Image is read-only', EACCES));
  return traced(node, 'truncate', offset, 0, async () => {
    const req = await beginRequest(node, Math.min(offset, node.totalBytes), Number.MAX_SAFE_INTEGER - offset, true);
    try {
      await node.drv.truncate(offset, exact, prealloc);
      node.totalBytes = await node.drv.getLength();
      for (const bm of node.dirtyBitmaps) bm.truncate(roundUp(offset, 512));
      node.writeGen++;
      // Parents that follow this node's size (raw without size=, filters) see the new length.
      for (const other of node.graph.nodes) {
        if (other !== node && other.children.some((c) => c.node === node)) other.totalBytes = await other.drv.getLength();
      }
    } finally {
      endRequest(node, req);
    }
  });
}

/** bdrv_get_info: what `info` prints under the format name (null: the driver has none). */
export function bdrvGetInfo(node: BlockNode): Promise<DriverInfo | null> {
  if (node.ejected) return Promise.reject(new BlockError(ENOMEDIUM));
  return node.drv.getInfo();
}

export async function bdrvSaveVmstate(node: BlockNode, pos: number, bytes: number, buf: Uint8Array): Promise<void> {
  checkRequest(pos, bytes);
  node.incInFlight();
  try {
    await node.drv.saveVmstate(pos, bytes, buf);
  } catch (e) {
    throw asBlockError(e);
  } finally {
    node.decInFlight();
  }
}

export async function bdrvLoadVmstate(node: BlockNode, pos: number, bytes: number, buf: Uint8Array): Promise<void> {
  checkRequest(pos, bytes);
  node.incInFlight();
  try {
    await node.drv.loadVmstate(pos, bytes, buf);
  } catch (e) {
    throw asBlockError(e);
  } finally {
    node.decInFlight();
  }
}
