// The fixed-newstyle handshake (nbd_negotiate_options): option haggling until EXPORT_NAME or GO.
// Replies, error texts and when the connection is dropped follow qemu-nbd 7.2.
import type { ExportInfo } from './export-info';
import {
  NBD_FLAG_C_FIXED_NEWSTYLE,
  NBD_FLAG_C_NO_ZEROES,
  NBD_FLAG_FIXED_NEWSTYLE,
  NBD_FLAG_NO_ZEROES,
  NBD_FLAG_SEND_DF,
  NBD_INFO_BLOCK_SIZE,
  NBD_INFO_DESCRIPTION,
  NBD_INFO_EXPORT,
  NBD_INFO_NAME,
  NBD_INIT_MAGIC,
  NBD_MAX_BUFFER_SIZE,
  NBD_MAX_STRING_SIZE,
  NBD_META_ID_ALLOCATION_DEPTH,
  NBD_META_ID_BASE_ALLOCATION,
  NBD_OPT_ABORT,
  NBD_OPT_EXPORT_NAME,
  NBD_OPT_GO,
  NBD_OPT_INFO,
  NBD_OPT_LIST,
  NBD_OPT_LIST_META_CONTEXT,
  NBD_OPT_SET_META_CONTEXT,
  NBD_OPT_STARTTLS,
  NBD_OPT_STRUCTURED_REPLY,
  NBD_OPTS_MAGIC,
  NBD_REP_ACK,
  NBD_REP_ERR_BLOCK_SIZE_REQD,
  NBD_REP_ERR_INVALID,
  NBD_REP_ERR_POLICY,
  NBD_REP_ERR_TLS_REQD,
  NBD_REP_ERR_UNKNOWN,
  NBD_REP_ERR_UNSUP,
  NBD_REP_INFO,
  NBD_REP_META_CONTEXT,
  NBD_REP_SERVER,
  optName,
} from './protocol';
import { StreamEnded, type ByteReader } from './reader';
import type { NbdTransport } from './transport';
import { bytesToBinaryString, utf8ToBinaryString } from '../common/binary-string';
import { be32, bytesOf, concatBytes, optionReply, utf8 } from './wire';

/** Ends the handshake without a reply (QEMU's return -EINVAL/-EIO); the message is what qemu-nbd logs. */
export class HandshakeFailed extends Error {}

export interface MetaContexts {
  baseAllocation: boolean;
  allocationDepth: boolean;
  count: number;
}

export interface Negotiated {
  /** 'abort': NBD_OPT_ABORT (a clean goodbye, nothing logged). */
  outcome: 'go' | 'abort';
  exportName: string;
  structuredReply: boolean;
  meta: MetaContexts;
}

interface State {
  reader: ByteReader;
  transport: NbdTransport;
  info: ExportInfo;
  tlsRequired: boolean;
  tlsActive: boolean;
  option: number;
  /** Bytes of the current option not read yet. */
  optlen: number;
  structuredReply: boolean;
  meta: MetaContexts;
  /** The export's name as bytes (a binary string). */
  exportName: string;
}

/** A name's bytes as a binary string (one char per byte), compared byte for byte as QEMU's strcmp does. */
function cString(bytes: Uint8Array): string {
  return bytesToBinaryString(bytes);
}

/** The handshake up to transmission. Throws HandshakeFailed or StreamEnded. */
export async function negotiate(reader: ByteReader, transport: NbdTransport, info: ExportInfo, tlsRequired: boolean): Promise<Negotiated> {
  const greeting = new Uint8Array(18);
  const gv = new DataView(greeting.buffer);
  gv.setBigUint64(0, NBD_INIT_MAGIC);
  gv.setBigUint64(8, NBD_OPTS_MAGIC);
  gv.setUint16(16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
  transport.write(greeting);

  const s: State = { reader, transport, info, tlsRequired, tlsActive: false, option: 0, optlen: 0, structuredReply: false, meta: { baseAllocation: false, allocationDepth: false, count: 0 }, exportName: utf8ToBinaryString(info.spec.name) };
  let flags = view(await readOrFail(reader, 4, 'flags')).getUint32(0);
  const fixedNewstyle = (flags & NBD_FLAG_C_FIXED_NEWSTYLE) !== 0;
  const noZeroes = (flags & NBD_FLAG_C_NO_ZEROES) !== 0;
  flags &= ~(NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES);
  if (flags !== 0) throw new HandshakeFailed(`Unknown client flags 0x${(flags >>> 0).toString(16)} received`);

  for (;;) {
    const head = view(await readOrFail(reader, 16, 'opts magic'));
    if (head.getBigUint64(0) !== NBD_OPTS_MAGIC) throw new HandshakeFailed('Bad magic received');
    const option = head.getUint32(8);
    const length = head.getUint32(12);
    s.option = option;
    s.optlen = length;
    if (length > NBD_MAX_BUFFER_SIZE) throw new HandshakeFailed(`len (${length} ) is larger than max len (${NBD_MAX_BUFFER_SIZE})`);

    if (s.tlsRequired && !s.tlsActive) {
      if (!fixedNewstyle) throw new HandshakeFailed(`Unsupported option 0x${option.toString(16)}`);
      switch (option) {
        case NBD_OPT_STARTTLS:
          if (length) await rejectLength(s, true);
          await startTls(s);
          break;
        case NBD_OPT_EXPORT_NAME:
          throw new HandshakeFailed(`Option 0x${option.toString(16)} not permitted before TLS`);
        default:
          await drop(s, NBD_REP_ERR_TLS_REQD, `Option 0x${option.toString(16)} not permitted before TLS`);
          if (option === NBD_OPT_ABORT) return done(s, 'abort', '');
      }
      continue;
    }
    if (!fixedNewstyle) {
      if (option === NBD_OPT_EXPORT_NAME) return exportName(s, noZeroes);
      throw new HandshakeFailed(`Unsupported option ${option} (${optName(option)})`);
    }
    switch (option) {
      case NBD_OPT_LIST:
        if (length) await rejectLength(s, false);
        else {
          const name = utf8(info.spec.name);
          const desc = utf8(info.spec.description ?? '');
          reply(s, NBD_REP_SERVER, concatBytes([be32(name.length), name, desc]));
          reply(s, NBD_REP_ACK);
        }
        break;
      case NBD_OPT_ABORT:
        reply(s, NBD_REP_ACK);
        return done(s, 'abort', '');
      case NBD_OPT_EXPORT_NAME:
        return exportName(s, noZeroes);
      case NBD_OPT_INFO:
      case NBD_OPT_GO: {
        const name = await handleInfo(s);
        if (name !== null && option === NBD_OPT_GO) return done(s, 'go', info.spec.name);
        break;
      }
      case NBD_OPT_STARTTLS:
        if (length) await rejectLength(s, false);
        else if (s.tlsRequired) sendError(s, NBD_REP_ERR_INVALID, 'TLS already enabled');
        else sendError(s, NBD_REP_ERR_POLICY, 'TLS not configured');
        break;
      case NBD_OPT_STRUCTURED_REPLY:
        if (length) await rejectLength(s, false);
        else if (s.structuredReply) sendError(s, NBD_REP_ERR_INVALID, 'structured reply already negotiated');
        else {
          reply(s, NBD_REP_ACK);
          s.structuredReply = true;
        }
        break;
      case NBD_OPT_LIST_META_CONTEXT:
      case NBD_OPT_SET_META_CONTEXT:
        await handleMeta(s);
        break;
      default:
        await drop(s, NBD_REP_ERR_UNSUP, `Unsupported option ${option} (${optName(option)})`);
    }
  }
}

function done(s: State, outcome: 'go' | 'abort', exportName: string): Negotiated {
  return { outcome, exportName, structuredReply: s.structuredReply, meta: s.meta };
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** nbd_read with a description: the message QEMU gives a short read. */
async function readOrFail(reader: ByteReader, n: number, what: string): Promise<Uint8Array> {
  try {
    return await reader.read(n);
  } catch (e) {
    if (e instanceof StreamEnded) throw new HandshakeFailed(`Failed to read ${what}: Unexpected end-of-file before all data were read`);
    throw e;
  }
}

function reply(s: State, type: number, payload?: Uint8Array): void {
  s.transport.write(optionReply(s.option, type, payload));
}

/** `message` is a binary string (it may quote the client's bytes). */
function sendError(s: State, type: number, message: string): void {
  reply(s, type, bytesOf(message));
}

/** nbd_opt_drop: skip what is left of the option, then reply with an error. */
async function drop(s: State, type: number, message: string): Promise<void> {
  const n = s.optlen;
  s.optlen = 0;
  await s.reader.skip(n).catch(rethrowAsFailed);
  sendError(s, type, message);
}

function rethrowAsFailed(e: unknown): never {
  if (e instanceof StreamEnded) throw new HandshakeFailed('Unexpected end-of-file before all data were read');
  throw e;
}

async function invalid(s: State, message: string): Promise<void> {
  await drop(s, NBD_REP_ERR_INVALID, message);
}

async function rejectLength(s: State, fatal: boolean): Promise<void> {
  const message = `option '${optName(s.option)}' has unexpected length`;
  await invalid(s, message);
  if (fatal) throw new HandshakeFailed(message);
}

/** Signals that the option was fully answered with an error (QEMU's nbd_opt_read returning 0). */
class OptionAnswered extends Error {}

/** nbd_opt_read: bytes of the option's payload, checking the declared length first. */
async function optRead(s: State, n: number, checkNul: boolean): Promise<Uint8Array> {
  if (n > s.optlen) {
    await invalid(s, `Inconsistent lengths in option ${optName(s.option)}`);
    throw new OptionAnswered();
  }
  s.optlen -= n;
  const bytes = await s.reader.read(n).catch(rethrowAsFailed);
  if (checkNul && bytes.includes(0)) {
    await invalid(s, `Unexpected embedded NUL in option ${optName(s.option)}`);
    throw new OptionAnswered();
  }
  return bytes;
}

async function optRead32(s: State): Promise<number> {
  const b = await optRead(s, 4, false);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

async function optReadName(s: State): Promise<{ name: string; bytes: Uint8Array }> {
  const len = await optRead32(s);
  if (len > NBD_MAX_STRING_SIZE) {
    await invalid(s, `Invalid name length: ${len}`);
    throw new OptionAnswered();
  }
  const bytes = Uint8Array.from(await optRead(s, len, true));
  return { name: cString(bytes), bytes };
}

/** nbd_sanitize_name: names in error replies are cut at 80 characters. */
function sanitize(name: string): string {
  return name.length < 80 ? name : `${name.slice(0, 80)}...`;
}

/** NBD_OPT_EXPORT_NAME: no way to report an error but dropping the connection. */
async function exportName(s: State, noZeroes: boolean): Promise<Negotiated> {
  if (s.optlen > NBD_MAX_STRING_SIZE) throw new HandshakeFailed('Bad length received');
  const bytes = await readOrFail(s.reader, s.optlen, 'export name');
  s.optlen = 0;
  const nul = bytes.indexOf(0);
  const name = cString(nul >= 0 ? bytes.subarray(0, nul) : bytes);
  if (name !== s.exportName) throw new HandshakeFailed('export not found');
  const out = new Uint8Array(noZeroes ? 10 : 134);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(s.info.size));
  v.setUint16(8, exportFlags(s));
  s.transport.write(out);
  return done(s, 'go', s.info.spec.name);
}

function exportFlags(s: State): number {
  return s.info.flags | (s.structuredReply ? NBD_FLAG_SEND_DF : 0);
}

function sendInfo(s: State, type: number, payload: Uint8Array): void {
  const out = new Uint8Array(2 + payload.length);
  new DataView(out.buffer).setUint16(0, type);
  out.set(payload, 2);
  reply(s, NBD_REP_INFO, out);
}

/** NBD_OPT_INFO / NBD_OPT_GO. Returns the export name once acknowledged, null otherwise. */
async function handleInfo(s: State): Promise<string | null> {
  let name: string;
  let nameBytes: Uint8Array;
  let sendName = false;
  let blockSize = false;
  try {
    ({ name, bytes: nameBytes } = await optReadName(s));
    const b = await optRead(s, 2, false);
    let requests = (b[0]! << 8) | b[1]!;
    while (requests--) {
      const r = await optRead(s, 2, false);
      const req = (r[0]! << 8) | r[1]!;
      if (req === NBD_INFO_NAME) sendName = true;
      else if (req === NBD_INFO_BLOCK_SIZE) blockSize = true;
    }
  } catch (e) {
    if (e instanceof OptionAnswered) return null;
    throw e;
  }
  if (s.optlen) {
    await rejectLength(s, false);
    return null;
  }
  const info = s.info;
  if (name !== s.exportName) {
    sendError(s, NBD_REP_ERR_UNKNOWN, `export '${sanitize(name)}' not present`);
    return null;
  }
  if (sendName) sendInfo(s, NBD_INFO_NAME, nameBytes);
  if (info.spec.description !== undefined) sendInfo(s, NBD_INFO_DESCRIPTION, utf8(info.spec.description));
  const sizes = new Uint8Array(12);
  const sv = new DataView(sizes.buffer);
  const minimum = s.option === NBD_OPT_INFO || blockSize ? info.alignment : 1;
  sv.setUint32(0, minimum);
  sv.setUint32(4, Math.max(4096, minimum));
  sv.setUint32(8, info.maxTransfer);
  sendInfo(s, NBD_INFO_BLOCK_SIZE, sizes);
  const exp = new Uint8Array(10);
  const ev = new DataView(exp.buffer);
  ev.setBigUint64(0, BigInt(info.size));
  ev.setUint16(8, exportFlags(s));
  sendInfo(s, NBD_INFO_EXPORT, exp);
  if (s.option === NBD_OPT_INFO && !blockSize && info.alignment > 1) {
    sendError(s, NBD_REP_ERR_BLOCK_SIZE_REQD, 'request NBD_INFO_BLOCK_SIZE to use this export');
    return null;
  }
  reply(s, NBD_REP_ACK);
  return name;
}

/** STARTTLS: acknowledge, then the host upgrades the stream; a failed handshake drops the client. */
async function startTls(s: State): Promise<void> {
  reply(s, NBD_REP_ACK);
  if (!s.transport.startTls) throw new HandshakeFailed('TLS is not available on this connection');
  try {
    await s.transport.startTls();
  } catch (e) {
    throw new HandshakeFailed(e instanceof Error ? e.message : String(e));
  }
  s.tlsActive = true;
}

/** NBD_OPT_LIST_META_CONTEXT / NBD_OPT_SET_META_CONTEXT. */
async function handleMeta(s: State): Promise<void> {
  const list = s.option === NBD_OPT_LIST_META_CONTEXT;
  if (!list && !s.structuredReply) {
    await invalid(s, `request option '${optName(s.option)}' when structured reply is not negotiated`);
    return;
  }
  // SET replaces what was negotiated, even when it then fails.
  const meta: MetaContexts = { baseAllocation: false, allocationDepth: false, count: 0 };
  if (!list) s.meta = meta;
  try {
    const { name } = await optReadName(s);
    if (name !== s.exportName) {
      await drop(s, NBD_REP_ERR_UNKNOWN, `export '${sanitize(name)}' not present`);
      return;
    }
    const queries = await optRead32(s);
    if (list && queries === 0) {
      meta.baseAllocation = true;
      meta.allocationDepth = s.info.spec.allocationDepth;
    } else {
      for (let i = 0; i < queries; i++) {
        const len = await optRead32(s);
        if (len > NBD_MAX_STRING_SIZE) {
          if (len > s.optlen) {
            await invalid(s, `Inconsistent lengths in option ${optName(s.option)}`);
            return;
          }
          s.optlen -= len;
          await s.reader.skip(len).catch(rethrowAsFailed);
          continue;
        }
        query(s, meta, cString(await optRead(s, len, true)), list);
      }
    }
  } catch (e) {
    if (e instanceof OptionAnswered) return;
    throw e;
  }
  let count = 0;
  if (meta.baseAllocation) {
    sendContext(s, 'base:allocation', list ? 0 : NBD_META_ID_BASE_ALLOCATION);
    count++;
  }
  if (meta.allocationDepth) {
    sendContext(s, 'qemu:allocation-depth', list ? 0 : NBD_META_ID_ALLOCATION_DEPTH);
    count++;
  }
  reply(s, NBD_REP_ACK);
  meta.count = count;
}

/** One query: base:allocation, qemu:allocation-depth, or the empty namespace forms LIST accepts. */
function query(s: State, meta: MetaContexts, q: string, list: boolean): void {
  if (q.startsWith('base:')) {
    const rest = q.slice(5);
    if ((rest === '' && list) || rest === 'allocation') meta.baseAllocation = true;
  } else if (q.startsWith('qemu:')) {
    const rest = q.slice(5);
    if ((rest === '' && list) || rest === 'allocation-depth') meta.allocationDepth = s.info.spec.allocationDepth;
  }
}

function sendContext(s: State, context: string, id: number): void {
  const name = utf8(context);
  reply(s, NBD_REP_META_CONTEXT, concatBytes([be32(id), name]));
}
