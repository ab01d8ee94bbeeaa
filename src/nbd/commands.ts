// The transmission phase's commands (nbd_handle_request): each runs through the export's block
// backend, so rules, breakpoints, blkverify and the trace see them like console requests.
import { BDRV_BLOCK_DATA, BDRV_BLOCK_ZERO, BDRV_REQ_FUA, BDRV_REQ_MAY_UNMAP, BDRV_REQ_NO_FALLBACK, bdrvBlockStatusAbove, bdrvIsAllocated, strerror, toErrno } from '../block/index';
import type { BlockBackend, BlockNode } from '../block/index';
import {
  NBD_CMD_BLOCK_STATUS,
  NBD_CMD_CACHE,
  NBD_CMD_FLAG_DF,
  NBD_CMD_FLAG_FAST_ZERO,
  NBD_CMD_FLAG_FUA,
  NBD_CMD_FLAG_NO_HOLE,
  NBD_CMD_FLAG_REQ_ONE,
  NBD_CMD_FLUSH,
  NBD_CMD_READ,
  NBD_CMD_TRIM,
  NBD_CMD_WRITE,
  NBD_CMD_WRITE_ZEROES,
  NBD_MAX_BLOCK_STATUS_EXTENTS,
  NBD_META_ID_ALLOCATION_DEPTH,
  NBD_META_ID_BASE_ALLOCATION,
  NBD_REPLY_FLAG_DONE,
  NBD_REPLY_TYPE_BLOCK_STATUS,
  NBD_REPLY_TYPE_ERROR,
  NBD_REPLY_TYPE_NONE,
  NBD_REPLY_TYPE_OFFSET_DATA,
  NBD_REPLY_TYPE_OFFSET_HOLE,
  NBD_STATE_HOLE,
  NBD_STATE_ZERO,
  nbdErrno,
} from './protocol';
import type { MetaContexts } from './negotiate';
import { chunkHeader, simpleReply, utf8 } from './wire';

export interface NbdRequest {
  flags: number;
  type: number;
  /** The client's 8-byte handle, echoed in replies. */
  handle: Uint8Array;
  from: number;
  len: number;
  /** WRITE payload. */
  data: Uint8Array | null;
}

/** What a command needs of its connection. */
export interface CommandContext {
  blk: BlockBackend;
  structuredReply: boolean;
  meta: MetaContexts;
  send(bytes: Uint8Array): void;
  allocate(bytes: number): Uint8Array;
}

/** Sending failed or QEMU gives up on the client after this request: disconnect with the message. */
export class DisconnectClient extends Error {}

/** The errno of a failed command, for the statistics; 0 on success. */
export type CommandResult = number;

/** nbd_send_generic_reply: a simple reply, or a structured error chunk with a message. */
export function sendGeneric(ctx: CommandContext, handle: Uint8Array, errno: number, message: string): void {
  if (ctx.structuredReply && errno !== 0) sendStructuredError(ctx, handle, errno, message);
  else ctx.send(simpleReply(nbdErrno(errno), handle));
}

function sendStructuredError(ctx: CommandContext, handle: Uint8Array, errno: number, message: string): void {
  const msg = utf8(message);
  const { buf, view } = chunkHeader(NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_ERROR, handle, 6 + msg.length, 6 + msg.length);
  view.setUint32(20, nbdErrno(errno));
  view.setUint16(24, msg.length);
  buf.set(msg, 26);
  ctx.send(buf);
}

function sendData(ctx: CommandContext, handle: Uint8Array, offset: number, data: Uint8Array, final: boolean): void {
  const { buf, view } = chunkHeader(final ? NBD_REPLY_FLAG_DONE : 0, NBD_REPLY_TYPE_OFFSET_DATA, handle, 8 + data.length, 8);
  view.setBigUint64(20, BigInt(offset));
  ctx.send(buf);
  ctx.send(data);
}

function sendHole(ctx: CommandContext, handle: Uint8Array, offset: number, length: number, final: boolean): void {
  const { buf, view } = chunkHeader(final ? NBD_REPLY_FLAG_DONE : 0, NBD_REPLY_TYPE_OFFSET_HOLE, handle, 12, 12);
  view.setBigUint64(20, BigInt(offset));
  view.setUint32(28, length);
  ctx.send(buf);
}

async function attempt(run: () => Promise<unknown>): Promise<number> {
  try {
    await run();
    return 0;
  } catch (e) {
    return toErrno(e);
  }
}

/** Run one request and send its reply. Resolves to its errno (0: success). */
export async function handleCommand(ctx: CommandContext, req: NbdRequest): Promise<CommandResult> {
  const blk = ctx.blk;
  const handle = req.handle;
  let errno: number;
  switch (req.type) {
    case NBD_CMD_CACHE: {
      // A prefetch: read the range and throw the data away (QEMU reads with COPY_ON_READ|PREFETCH).
      errno = req.len === 0 ? 0 : await attempt(() => blk.pread(req.from, req.len, ctx.allocate(req.len)));
      sendGeneric(ctx, handle, errno, 'caching data failed');
      return errno;
    }
    case NBD_CMD_READ:
      return read(ctx, req);
    case NBD_CMD_WRITE:
      errno = await attempt(() => blk.pwrite(req.from, req.len, req.data!, req.flags & NBD_CMD_FLAG_FUA ? BDRV_REQ_FUA : 0));
      sendGeneric(ctx, handle, errno, 'writing to file failed');
      return errno;
    case NBD_CMD_WRITE_ZEROES: {
      let flags = 0;
      if (req.flags & NBD_CMD_FLAG_FUA) flags |= BDRV_REQ_FUA;
      if (!(req.flags & NBD_CMD_FLAG_NO_HOLE)) flags |= BDRV_REQ_MAY_UNMAP;
      if (req.flags & NBD_CMD_FLAG_FAST_ZERO) flags |= BDRV_REQ_NO_FALLBACK;
      errno = await attempt(() => blk.pwriteZeroes(req.from, req.len, flags));
      sendGeneric(ctx, handle, errno, 'writing to file failed');
      return errno;
    }
    case NBD_CMD_FLUSH:
      errno = await attempt(() => blk.flush());
      sendGeneric(ctx, handle, errno, 'flush failed');
      return errno;
    case NBD_CMD_TRIM:
      errno = await attempt(async () => {
        await blk.pdiscard(req.from, req.len);
        if (req.flags & NBD_CMD_FLAG_FUA) await blk.flush();
      });
      sendGeneric(ctx, handle, errno, 'discard failed');
      return errno;
    case NBD_CMD_BLOCK_STATUS:
      return blockStatus(ctx, req);
    default:
      sendGeneric(ctx, handle, 22, `invalid request type (${req.type}) received`);
      return 22;
  }
}

async function read(ctx: CommandContext, req: NbdRequest): Promise<CommandResult> {
  const blk = ctx.blk;
  const handle = req.handle;
  if (req.flags & NBD_CMD_FLAG_FUA) {
    const errno = await attempt(() => blk.flush());
    if (errno) {
      sendGeneric(ctx, handle, errno, 'flush failed');
      return errno;
    }
  }
  const data = ctx.allocate(req.len);
  if (ctx.structuredReply && !(req.flags & NBD_CMD_FLAG_DF) && req.len) return sparseRead(ctx, req, data);
  const errno = await attempt(() => blk.pread(req.from, req.len, data));
  if (errno) {
    sendGeneric(ctx, handle, errno, 'reading from file failed');
    return errno;
  }
  if (!ctx.structuredReply) {
    ctx.send(simpleReply(0, handle));
    if (req.len) ctx.send(data);
  } else if (req.len) {
    sendData(ctx, handle, req.from, data, true);
  } else {
    ctx.send(chunkHeader(NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_NONE, handle, 0).buf);
  }
  return 0;
}

/**
 * nbd_co_send_sparse_read: zero ranges go out as holes without being read (so a read rule is not
 * hit there), the rest is read and sent range by range. As in qemu-nbd 7.2, a read that fails
 * here drops the client instead of sending an error chunk.
 */
async function sparseRead(ctx: CommandContext, req: NbdRequest, data: Uint8Array): Promise<CommandResult> {
  const blk = ctx.blk;
  const handle = req.handle;
  let progress = 0;
  while (progress < req.len) {
    const at = req.from + progress;
    let status: number;
    let pnum: number;
    try {
      ({ status, pnum } = await bdrvBlockStatusAbove(blk.root, at, req.len - progress, true));
    } catch (e) {
      const errno = toErrno(e);
      sendStructuredError(ctx, handle, errno, `unable to check for holes: ${strerror(errno)}`);
      return errno;
    }
    pnum = Math.min(pnum, req.len - progress);
    const final = progress + pnum === req.len;
    if (status & BDRV_BLOCK_ZERO) {
      sendHole(ctx, handle, at, pnum, final);
    } else {
      const part = data.subarray(progress, progress + pnum);
      const errno = await attempt(() => blk.pread(at, pnum, part));
      if (errno) throw new DisconnectClient(`Failed to send reply: reading from file failed: ${strerror(errno)}`);
      sendData(ctx, handle, at, part, final);
    }
    progress += pnum;
  }
  return 0;
}

async function blockStatus(ctx: CommandContext, req: NbdRequest): Promise<CommandResult> {
  const handle = req.handle;
  if (!req.len) {
    sendGeneric(ctx, handle, 22, 'need non-zero length');
    return 22;
  }
  if (!ctx.meta.count) {
    sendGeneric(ctx, handle, 22, 'CMD_BLOCK_STATUS not negotiated');
    return 22;
  }
  const maxExtents = req.flags & NBD_CMD_FLAG_REQ_ONE ? 1 : NBD_MAX_BLOCK_STATUS_EXTENTS;
  let remaining = ctx.meta.count;
  let result = 0;
  const contexts: Array<[number, (node: BlockNode, offset: number, bytes: number) => Promise<{ flags: number; pnum: number }>]> = [];
  if (ctx.meta.baseAllocation) contexts.push([NBD_META_ID_BASE_ALLOCATION, baseAllocation]);
  if (ctx.meta.allocationDepth) contexts.push([NBD_META_ID_ALLOCATION_DEPTH, allocationDepth]);
  for (const [id, probe] of contexts) {
    const last = --remaining === 0;
    const extents: number[] = [];
    let offset = req.from;
    let bytes = req.len;
    try {
      while (bytes > 0) {
        const { flags, pnum } = await probe(ctx.blk.root, offset, bytes);
        const n = Math.min(pnum, bytes);
        if (!addExtent(extents, n, flags, maxExtents)) break;
        offset += n;
        bytes -= n;
      }
    } catch (e) {
      const errno = toErrno(e);
      // QEMU's error chunk always ends the reply.
      sendStructuredError(ctx, handle, errno, "can't get block status");
      return errno;
    }
    const body = extents.length * 4;
    const { buf, view } = chunkHeader(last ? NBD_REPLY_FLAG_DONE : 0, NBD_REPLY_TYPE_BLOCK_STATUS, handle, 4 + body, 4 + body);
    view.setUint32(20, id);
    for (let i = 0; i < extents.length; i++) view.setUint32(24 + i * 4, extents[i]!);
    ctx.send(buf);
    result = 0;
  }
  return result;
}

/** nbd_extent_array_add: merge with the previous extent of the same flags; false when full. */
function addExtent(extents: number[], length: number, flags: number, max: number): boolean {
  if (!length) return true;
  const n = extents.length;
  if (n > 0 && extents[n - 1] === flags && extents[n - 2]! + length <= 0xffffffff) {
    extents[n - 2] = extents[n - 2]! + length;
    return true;
  }
  if (n / 2 >= max) return false;
  extents.push(length, flags);
  return true;
}

async function baseAllocation(node: BlockNode, offset: number, bytes: number): Promise<{ flags: number; pnum: number }> {
  const st = await bdrvBlockStatusAbove(node, offset, bytes, true);
  return { flags: (st.status & BDRV_BLOCK_DATA ? 0 : NBD_STATE_HOLE) | (st.status & BDRV_BLOCK_ZERO ? NBD_STATE_ZERO : 0), pnum: st.pnum };
}

/** qemu:allocation-depth: 0 where no layer has the range, else the 1-based layer that has it. */
async function allocationDepth(node: BlockNode, offset: number, bytes: number): Promise<{ flags: number; pnum: number }> {
  let depth = 1;
  let n = bytes;
  for (let cur: BlockNode | undefined = node; cur; depth++) {
    const st = await bdrvIsAllocated(cur, offset, n);
    if (st.pnum > 0) n = Math.min(n, st.pnum);
    if (st.allocated) return { flags: depth, pnum: n };
    cur = cur.children.find((c) => c.role === 'backing')?.node;
  }
  return { flags: 0, pnum: n };
}
