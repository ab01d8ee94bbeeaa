// The sector diff view's pure logic: hex rows, byte highlighting, the "Go to sector" syntax, the
// scaled scroll model (a multi-GiB image in an element browsers can lay out), the mismatch list
// and its navigation order, the bounded block cache and the hex text a copy produces.
import { ERRNO_NAMES, type ByteRange, type NodeSnapshot, type SessionSnapshot, type VerifyMismatchDto } from '../../../src/api';

export const SECTOR = 512;
export const ROW_BYTES = 16;
/**
 * Rows are fetched in aligned blocks of this size (8 sectors, 256 rows, about 12 screens). Small
 * on purpose: a jump waits for one block, and in web mode a 4 KiB readSectorPair answers in ~2 ms
 * where a 64 KiB one takes 20-70 ms.
 */
export const BLOCK_BYTES = 4 * 1024;
/** Blocks kept: 4 MiB of each side. */
export const CACHE_BLOCKS = 1024;
/** Blocks read ahead on each side of the visible ones. */
export const PREFETCH_BLOCKS = 2;
/**
 * The tallest scroll area we lay out. Browsers stop at ~33.5M px (Chromium) or less; beyond
 * this the scrollbar position is mapped to rows instead of pixels (see ScrollModel).
 */
export const MAX_SCROLL_PX = 8_000_000;

// ---- hex rows -----------------------------------------------------------------------------

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexByte(b: number): string {
  return HEX[b & 255];
}

/** Hex digits needed for any offset of an image of `length` bytes (at least 8). */
export function offsetDigits(length: number): number {
  return Math.max(8, Math.max(0, length - 1).toString(16).length);
}

export function formatOffset(offset: number, digits = 8): string {
  return offset.toString(16).padStart(digits, '0');
}

/** Printable ASCII as itself, anything else as '.'. */
export function asciiChar(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

export interface HexRow {
  offset: number;
  /** One two-digit cell per byte (fewer on a short last row). */
  hex: string[];
  ascii: string;
}

/** A row of `bytes` starting at index `from` (ROW_BYTES bytes at most) at absolute `offset`. */
export function formatRow(bytes: Uint8Array, from: number, offset: number, count = ROW_BYTES): HexRow {
  const hex: string[] = [];
  let ascii = '';
  const end = Math.min(bytes.length, from + count);
  for (let i = from; i < end; i++) {
    hex.push(HEX[bytes[i]]);
    ascii += asciiChar(bytes[i]);
  }
  return { offset, hex, ascii };
}

// ---- unreadable sides ---------------------------------------------------------------------

const ERRNO_BY_VALUE = new Map(ERRNO_NAMES.map((e) => [e.value, e.name]));

/** An errno as its name (5 -> "EIO"); one without a name as "errno N". */
export function errnoName(errno: number): string {
  return ERRNO_BY_VALUE.get(errno) ?? `errno ${errno}`;
}

/** What a byte of a side whose read failed shows: it is unknown, not zero. */
export const UNREADABLE_CELL = '??';
export const UNREADABLE_CHAR = '?';

/** A row of a side whose read failed: `count` unknown cells. */
export function unreadableRow(offset: number, count = ROW_BYTES): HexRow {
  return { offset, hex: new Array<string>(count).fill(UNREADABLE_CELL), ascii: UNREADABLE_CHAR.repeat(count) };
}

/** Which of `count` bytes from index `from` differ between the two sides. */
export function diffMask(a: Uint8Array, b: Uint8Array, from: number, count = ROW_BYTES): boolean[] {
  const out: boolean[] = [];
  for (let i = from; i < from + count; i++) {
    if (i >= a.length && i >= b.length) break;
    out.push(a[i] !== b[i]);
  }
  return out;
}

/** diffMask, except that nothing differs where a side is unreadable (its bytes are unknown). */
export function comparableMask(a: Uint8Array, b: Uint8Array, aErrno: number, bErrno: number, from: number, count = ROW_BYTES): boolean[] {
  const mask = diffMask(a, b, from, count);
  return aErrno || bErrno ? mask.fill(false) : mask;
}

/** A hexdump (`xxd`-like) of `bytes` read at absolute `offset`, one line per 16 bytes. */
export function hexDump(bytes: Uint8Array, offset: number, digits = 8): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += ROW_BYTES) {
    const row = formatRow(bytes, i, offset + i);
    lines.push(`${formatOffset(offset + i, digits)}: ${row.hex.join(' ').padEnd(ROW_BYTES * 3 - 1)}  ${row.ascii}`);
  }
  return lines.join('\n');
}

// ---- sizes and the "Go to sector" syntax --------------------------------------------------

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1 && v % 1 === 0) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

export const GOTO_HINT = 'a sector (8) or a byte offset (0x1000, 4096b, 4k, 1M, 2G)';

export type GoTo = { ok: true; offset: number; sector: number } | { ok: false; error: string };

const SUFFIX: Record<string, number> = { b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tib: 1024 ** 4 };

/**
 * Parse what the "Go to sector" box accepts: a decimal sector number (`8`); or a byte offset,
 * hexadecimal (`0x1000`) or decimal with a unit (`4096b`, `4k`, `1M`, `2G`, `1.5m`; binary units).
 * `length`: the image size; offsets at or past the end are refused.
 */
export function parseGoTo(text: string, length: number): GoTo {
  const t = text.trim().replace(/_/g, '').toLowerCase();
  if (!t) return { ok: false, error: 'Type a sector number or a byte offset.' };
  let offset: number;
  let m: RegExpMatchArray | null;
  if ((m = /^0x([0-9a-f]+)$/.exec(t))) {
    offset = parseInt(m[1], 16);
  } else if (/^\d+$/.test(t)) {
    offset = Number(t) * SECTOR;
  } else if ((m = /^(\d+(?:\.\d+)?)\s*(b|k|kib|m|mib|g|gib|t|tib)$/.exec(t))) {
    offset = Math.floor(Number(m[1]) * SUFFIX[m[2]]);
    if (m[2] === 'b' && m[1].includes('.')) return { ok: false, error: 'A byte offset is a whole number.' };
  } else {
    return { ok: false, error: `Not a sector or offset: "${text.trim()}". Use ${GOTO_HINT}.` };
  }
  if (!Number.isSafeInteger(offset)) return { ok: false, error: 'That offset is too large.' };
  if (offset >= length) {
    return { ok: false, error: `Past the end of the image (${Math.ceil(length / SECTOR)} sectors, ${formatSize(length)}).` };
  }
  return { ok: true, offset, sector: Math.floor(offset / SECTOR) };
}

// ---- the scaled scroll model --------------------------------------------------------------

/**
 * Maps a scroll position to the first visible row and back. Up to MAX_SCROLL_PX the scroll area
 * is exactly rows × rowHeight (1 px = 1 px); beyond, it is capped and scrollTop is spread
 * linearly over the rows (one pixel of scrollbar then covers several rows).
 */
export class ScrollModel {
  readonly scrollHeight: number;
  readonly visibleRows: number;
  readonly maxTopRow: number;
  readonly maxScroll: number;
  readonly scaled: boolean;

  constructor(
    readonly totalRows: number,
    readonly rowHeight: number,
    readonly viewportHeight: number,
    maxPx = MAX_SCROLL_PX,
  ) {
    this.visibleRows = Math.max(1, Math.floor(viewportHeight / rowHeight));
    const natural = totalRows * rowHeight;
    this.scaled = natural > maxPx;
    this.scrollHeight = Math.max(viewportHeight, Math.min(natural, maxPx));
    this.maxTopRow = Math.max(0, totalRows - this.visibleRows);
    this.maxScroll = Math.max(0, this.scrollHeight - viewportHeight);
  }

  clampRow(row: number): number {
    return Math.min(this.maxTopRow, Math.max(0, Math.round(row)));
  }

  /** The first visible row at this scrollTop. */
  rowAt(scrollTop: number): number {
    if (this.maxScroll <= 0) return 0;
    if (!this.scaled) return this.clampRow(Math.floor(scrollTop / this.rowHeight));
    return this.clampRow((Math.min(scrollTop, this.maxScroll) / this.maxScroll) * this.maxTopRow);
  }

  /** The scrollTop that shows `row` first. */
  scrollFor(row: number): number {
    const r = this.clampRow(row);
    if (!this.scaled) return r * this.rowHeight;
    return this.maxTopRow === 0 ? 0 : (r / this.maxTopRow) * this.maxScroll;
  }

  /** A top row that shows `row` about a third of the way down (for jumps). */
  topFor(row: number): number {
    return this.clampRow(row - Math.floor(this.visibleRows / 3));
  }
}

// ---- mismatches ---------------------------------------------------------------------------

export interface MismatchEntry {
  key: string;
  source: 'blkverify' | 'diff';
  /** Where to jump (sector-aligned start of the first differing sector). */
  offset: number;
  bytes: number;
  label: string;
  detail: string;
  /** blkverify only. */
  mismatch?: VerifyMismatchDto;
}

/** A hex offset with a 0x prefix. */
export const hex0x = (n: number) => `0x${n.toString(16)}`;

function rangeText(offset: number, bytes: number): string {
  const first = Math.floor(offset / SECTOR);
  const last = Math.floor((offset + Math.max(bytes, 1) - 1) / SECTOR);
  return `${hex0x(offset)} +${formatSize(bytes)} · sector${first === last ? ` ${first}` : `s ${first}–${last}`}`;
}

export function verifyEntry(m: VerifyMismatchDto): MismatchEntry {
  let offset = m.offset;
  let bytes = m.bytes;
  if (m.sectors.length > 0) {
    const first = m.sectors[0];
    const last = m.sectors[m.sectors.length - 1];
    offset = first.offset;
    bytes = last.offset + last.bytes - first.offset;
  } else if (m.firstMismatch !== null) {
    offset = m.firstMismatch - (m.firstMismatch % SECTOR);
    bytes = SECTOR;
  }
  const side = (errno: number) => (errno ? errnoName(errno) : 'ok');
  const what = m.kind === 'contents' ? 'contents differ' : `return value (test ${side(m.testErrno)}, raw ${side(m.rawErrno)})`;
  // A failed side is named with its errno: its bytes were never read, so they are not "different".
  const failed = [m.rawErrno ? `raw ${errnoName(m.rawErrno)}` : '', m.testErrno ? `test ${errnoName(m.testErrno)}` : ''].filter(Boolean).join(', ');
  return {
    key: `v:${m.node}:${m.id}`,
    source: 'blkverify',
    offset,
    bytes,
    label: `#${m.id} ${m.op} ${rangeText(offset, bytes)}${failed ? ` · ${failed}` : ''}`,
    detail: `${what}; request ${hex0x(m.offset)} +${m.bytes} on ${m.node}. ${m.message}`,
    mismatch: m,
  };
}

export function diffEntry(r: ByteRange): MismatchEntry {
  return { key: `d:${r.offset}`, source: 'diff', offset: r.offset, bytes: r.bytes, label: `diff ${rangeText(r.offset, r.bytes)}`, detail: 'found by the whole-image compare' };
}

/** Sorted by offset, merging ranges that touch or overlap. */
export function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((x, y) => x.offset - y.offset);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.bytes) {
      last.bytes = Math.max(last.bytes, r.offset + r.bytes - last.offset);
    } else out.push({ offset: r.offset, bytes: r.bytes });
  }
  return out;
}

/** Entries in navigation order: by offset, blkverify before diff, then by key. */
export function sortEntries(entries: readonly MismatchEntry[]): MismatchEntry[] {
  return [...entries].sort((x, y) => x.offset - y.offset || (x.source === y.source ? 0 : x.source === 'blkverify' ? -1 : 1) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/**
 * The entry Next (dir 1) or Previous (dir -1) goes to: from the selected entry its neighbour;
 * with none selected, the first entry at or after the cursor (Next) or the last before it
 * (Previous). null at either end.
 */
export function stepMismatch(entries: readonly MismatchEntry[], selectedKey: string | null, cursor: number, dir: 1 | -1): number | null {
  if (entries.length === 0) return null;
  const at = selectedKey === null ? -1 : entries.findIndex((e) => e.key === selectedKey);
  if (at >= 0) {
    const next = at + dir;
    return next >= 0 && next < entries.length ? next : null;
  }
  if (dir === 1) {
    const i = entries.findIndex((e) => e.offset >= cursor);
    return i >= 0 ? i : null;
  }
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i].offset < cursor) return i;
  return null;
}

// ---- the bounded block cache --------------------------------------------------------------

/** A least-recently-used map of at most `capacity` entries. */
export class BlockCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Look without refreshing the entry's age. */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Drop every entry whose key `drop` accepts. */
  deleteWhere(drop: (key: string) => boolean): number {
    let n = 0;
    for (const k of [...this.map.keys()]) {
      if (drop(k)) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.map.clear();
  }
}

/** Indices of the BLOCK_BYTES blocks covering [offset, offset+bytes) of an image of `length`. */
export function blocksFor(offset: number, bytes: number, length: number, blockBytes = BLOCK_BYTES): number[] {
  const end = Math.min(offset + bytes, length);
  if (end <= offset) return [];
  const out: number[] = [];
  for (let b = Math.floor(offset / blockBytes); b * blockBytes < end; b++) out.push(b);
  return out;
}

// ---- the node tree ------------------------------------------------------------------------

export interface NodeChoice {
  name: string;
  driver: string;
  length: number;
}

/** Every node of the open image, top first, each once. */
export function listNodes(snapshot: SessionSnapshot | null): NodeChoice[] {
  const out: NodeChoice[] = [];
  const seen = new Set<string>();
  const walk = (n: NodeSnapshot) => {
    if (seen.has(n.name)) return;
    seen.add(n.name);
    out.push({ name: n.name, driver: n.driver, length: n.length });
    for (const c of n.children) walk(c.node);
  };
  if (snapshot?.image) walk(snapshot.image.root);
  return out;
}

/** What the view compares: a blkverify node's two children, or two nodes by name. */
export type PairChoice = { kind: 'blkverify'; node: string; a: string; b: string } | { kind: 'nodes'; a: string; b: string };

export function choosePair(snapshot: SessionSnapshot | null, pickA: string, pickB: string): PairChoice | null {
  if (pickA && pickB) return { kind: 'nodes', a: pickA, b: pickB };
  const v = snapshot?.blkverify[0];
  if (!v) return null;
  return { kind: 'blkverify', node: v.node, a: v.raw, b: v.test };
}

/** The bytes the view spans: the longer side. */
export function pairLength(nodes: readonly NodeChoice[], pair: PairChoice | null): number {
  if (!pair) return 0;
  const len = (n: string) => nodes.find((x) => x.name === n)?.length ?? 0;
  return Math.max(len(pair.a), len(pair.b));
}
