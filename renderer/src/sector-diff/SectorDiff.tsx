// The sector diff: two synchronised hex columns (a blkverify node's raw reference A and test
// image B by default, or any two nodes), virtualised over the whole image with a scaled scroll
// model; the mismatching ranges from blkverify (recorded and live) and from a whole-image compare;
// Next/Previous, Go to sector, an overview strip, copy as hex and the sector's last writes.
//
// Benchmark hook: after a jump (Go to, Next/Previous, list, overview), once the target's rows are
// painted with data, the panel gets data-jump-ms (milliseconds from the jump request to the paint
// after those rows rendered, one decimal) and data-jump-offset (the byte offset jumped to), and
// window.__blkstudioDiffJumpMs holds the same number (and a performance measure 'sector-diff jump'
// is recorded). Jumps are timed from the click/Enter handler, so they include the block read.
import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { BlkstudioApi, ByteRange, SessionEvent, VerifyMismatchDto } from '../../../src/api';
import { fromBase64 } from '../../../src/common/base64';
import { useApi } from '../api-context';
import { eventLog, useEventLogVersion } from '../events/event-log';
import { useSessionStore } from '../session-store';
import {
  BLOCK_BYTES,
  BlockCache,
  CACHE_BLOCKS,
  GOTO_HINT,
  PREFETCH_BLOCKS,
  ROW_BYTES,
  SECTOR,
  ScrollModel,
  blocksFor,
  choosePair,
  diffEntry,
  diffMask,
  formatOffset,
  formatRow,
  formatSize,
  hex0x,
  hexDump,
  listNodes,
  mergeRanges,
  offsetDigits,
  pairLength,
  parseGoTo,
  sortEntries,
  stepMismatch,
  verifyEntry,
  type MismatchEntry,
  type PairChoice,
} from './sector-diff-model';
import { Overview } from './Overview';
import './sector-diff.css';

declare global {
  interface Window {
    /** Milliseconds the last sector-diff jump took to paint (see SectorDiff.tsx). */
    __blkstudioDiffJumpMs?: number;
  }
}

const ROW_HEIGHT = 18;
const DEFAULT_VIEWPORT = 22 * ROW_HEIGHT;
/** Mismatch list items rendered at most (navigation still covers them all). */
const LIST_LIMIT = 2000;
/** Compare ranges kept (the overview and navigation cover these; the status line has the total). */
const MAX_DIFF_RANGES = 100_000;
const WRITE_OPS = new Set(['write', 'write-zeroes', 'write-compressed', 'discard']);

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

interface Block {
  offset: number;
  a: Uint8Array;
  b: Uint8Array;
  aErrno: number;
  bErrno: number;
}

interface DiffState {
  diffId: number | null;
  status: 'starting' | 'running' | 'complete' | 'cancelled' | 'failed';
  done: number;
  total: number;
  mismatchedBytes: number;
  message?: string;
}

const selector = (pair: PairChoice) => (pair.kind === 'blkverify' ? { node: pair.node } : { a: pair.a, b: pair.b });

async function copyText(text: string): Promise<void> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return;
    }
  } catch {
    // fall through to the textarea fallback (no permission, insecure context)
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('the clipboard is not available');
}

/** Read [offset, offset+bytes) of both sides in MAX-sized calls. */
async function readRange(api: BlkstudioApi, pair: PairChoice, offset: number, bytes: number): Promise<Block> {
  const r = await api.readSectorPair({ ...selector(pair), offset, bytes });
  return { offset, a: fromBase64(r.a), b: fromBase64(r.b), aErrno: r.aErrno, bErrno: r.bErrno };
}

export function SectorDiff() {
  const api = useApi();
  const snapshot = useSessionStore((s) => s.snapshot);
  const imageSeq = useSessionStore((s) => s.imageSeq);

  const nodes = useMemo(() => listNodes(snapshot), [snapshot]);
  const [pickA, setPickA] = useState('');
  const [pickB, setPickB] = useState('');
  // A picked node that the open image no longer has is forgotten.
  useEffect(() => {
    if (!snapshot) return;
    if (pickA && !nodes.some((n) => n.name === pickA)) setPickA('');
    if (pickB && !nodes.some((n) => n.name === pickB)) setPickB('');
  }, [snapshot, nodes, pickA, pickB]);
  const pair = useMemo(() => choosePair(snapshot, pickA, pickB), [snapshot, pickA, pickB]);
  const length = useMemo(() => pairLength(nodes, pair), [nodes, pair]);
  const pairKey = pair ? `${imageSeq}|${pair.kind === 'blkverify' ? pair.node : ''}|${pair.a}|${pair.b}` : '';
  const digits = offsetDigits(length);
  const hasBlkverify = (snapshot?.blkverify.length ?? 0) > 0;

  // ---- viewport and scroll model ----------------------------------------------------------
  const scrollRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLElement>(null);
  const [viewportHeight, setViewportHeight] = useState(DEFAULT_VIEWPORT);
  const totalRows = Math.ceil(length / ROW_BYTES);
  const model = useMemo(() => new ScrollModel(totalRows, ROW_HEIGHT, viewportHeight), [totalRows, viewportHeight]);
  const [topRow, setTopRow] = useState(0);
  const [cursor, setCursor] = useState(0);
  const [anchor, setAnchor] = useState(0);
  const expectedScroll = useRef<number | null>(null);
  const modelRef = useRef(model);
  modelRef.current = model;
  const topRef = useRef(topRow);
  topRef.current = topRow;

  const scrollToRow = useCallback((row: number) => {
    const m = modelRef.current;
    const top = m.clampRow(row);
    setTopRow(top);
    const el = scrollRef.current;
    if (el) {
      const st = m.scrollFor(top);
      expectedScroll.current = st;
      el.scrollTop = st;
    }
  }, []);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewportHeight(el.clientHeight || DEFAULT_VIEWPORT));
    ro.observe(el);
    // The wheel moves by rows in both scroll models (a scaled scrollbar pixel spans many rows).
    const onWheel = (e: WheelEvent) => {
      if (e.deltaY === 0) return;
      e.preventDefault();
      const rows = e.deltaMode === 1 ? e.deltaY : e.deltaMode === 2 ? e.deltaY * modelRef.current.visibleRows : e.deltaY / ROW_HEIGHT;
      scrollToRow(topRef.current + (rows > 0 ? Math.max(1, Math.round(rows)) : Math.min(-1, Math.round(rows))));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      ro.disconnect();
      el.removeEventListener('wheel', onWheel);
    };
  }, [scrollToRow, pairKey]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const st = el.scrollTop;
    if (expectedScroll.current !== null && Math.abs(st - expectedScroll.current) < 2) {
      expectedScroll.current = null;
      return;
    }
    expectedScroll.current = null;
    setTopRow(model.rowAt(st));
  };

  // A new pair or image: back to the top.
  useEffect(() => {
    setTopRow(0);
    setCursor(0);
    setAnchor(0);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [pairKey]);

  // ---- blocks: fetched for the visible rows, kept in a bounded cache -------------------------
  const cache = useRef(new BlockCache<Block>(CACHE_BLOCKS));
  const pending = useRef(new Set<string>());
  const [blocksVersion, setBlocksVersion] = useState(0);
  const [readError, setReadError] = useState<string | null>(null);
  const blockKey = (k: string, index: number) => `${k}#${index}`;

  const visibleRows = Math.min(model.visibleRows, Math.max(0, totalRows - topRow));
  const viewOffset = topRow * ROW_BYTES;
  const viewBytes = visibleRows * ROW_BYTES;

  useEffect(() => {
    if (!pair || length === 0) return;
    const key = pairKey;
    // The visible blocks first; once they are in, a few either side so scrolling finds its rows
    // ready (a jump never waits behind read-ahead).
    const wanted = blocksFor(viewOffset, viewBytes, length);
    const visibleIn = wanted.every((i) => cache.current.has(blockKey(key, i)));
    if (wanted.length > 0 && visibleIn) {
      const first = wanted[0];
      const last = wanted[wanted.length - 1];
      for (let i = 1; i <= PREFETCH_BLOCKS; i++) {
        if ((last + i) * BLOCK_BYTES < length) wanted.push(last + i);
        if (first - i >= 0) wanted.push(first - i);
      }
    }
    for (const index of wanted) {
      const k = blockKey(key, index);
      if (cache.current.has(k) || pending.current.has(k)) continue;
      pending.current.add(k);
      const offset = index * BLOCK_BYTES;
      readRange(api, pair, offset, Math.min(BLOCK_BYTES, length - offset)).then(
        (block) => {
          if (pending.current.delete(k)) cache.current.set(k, block);
          setReadError(null);
          setBlocksVersion((v) => v + 1);
        },
        (err: unknown) => {
          pending.current.delete(k);
          setReadError(message(err));
        },
      );
    }
  }, [api, pair, pairKey, length, viewOffset, viewBytes, blocksVersion]);

  useEffect(() => {
    cache.current.clear();
    pending.current.clear();
  }, [pairKey]);

  // ---- mismatches: blkverify (listed, then live) and the whole-image compare -----------------
  const [verify, setVerify] = useState<Map<string, VerifyMismatchDto>>(() => new Map());
  const [diffRanges, setDiffRanges] = useState<ByteRange[]>([]);
  const [diff, setDiff] = useState<DiffState | null>(null);
  const diffRef = useRef<DiffState | null>(null);
  diffRef.current = diff;
  const orphanDiffEvents = useRef<SessionEvent[]>([]);
  const lastSeq = useRef(eventLog.last());
  const [writesVersion, setWritesVersion] = useState(0);

  const blkverifyNode = pair?.kind === 'blkverify' ? pair.node : null;

  useEffect(() => {
    setVerify(new Map());
    if (!blkverifyNode) return;
    let live = true;
    api.listMismatches({ node: blkverifyNode }).then(
      (list) => {
        if (!live) return;
        setVerify((old) => {
          const next = new Map(old);
          for (const m of list) next.set(`${m.node}:${m.id}`, m);
          return next;
        });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, blkverifyNode, imageSeq]);

  useEffect(() => {
    setDiffRanges([]);
    setDiff(null);
    orphanDiffEvents.current = [];
  }, [pairKey]);

  const applyDiffEvent = useCallback((e: SessionEvent, ranges: ByteRange[]) => {
    if (e.type === 'diff-progress') {
      ranges.push(...e.ranges);
      setDiff((d) => (d && d.diffId === e.diffId ? { ...d, status: 'running', done: e.done, total: e.total } : d));
    } else if (e.type === 'diff-done') {
      setDiff((d) => (d && d.diffId === e.diffId ? { ...d, status: e.status, done: e.done, total: e.total, mismatchedBytes: e.mismatchedBytes, message: e.message } : d));
    }
  }, []);

  // Read what arrived with each batch, outside React's render: the view re-renders only when a
  // batch brought mismatches, compare chunks or writes (a flood of reads costs no render).
  const readNewEvents = () => {
    const from = Math.max(lastSeq.current + 1, eventLog.first());
    const to = eventLog.last();
    lastSeq.current = to;
    if (to < from) return;
    const mismatches: VerifyMismatchDto[] = [];
    const ranges: ByteRange[] = [];
    // Blocks written in this batch (first and last index of each write); dropped once, below.
    const written: number[] = [];
    let wroteUnknown = false;
    const current = diffRef.current;
    for (let seq = from; seq <= to; seq++) {
      const e = eventLog.event(seq);
      if (!e) continue;
      if (e.type === 'verify-mismatch') mismatches.push(e.mismatch);
      else if (e.type === 'diff-progress' || e.type === 'diff-done') {
        if (current?.diffId === e.diffId) applyDiffEvent(e, ranges);
        else if (current && current.diffId === null) orphanDiffEvents.current.push(e);
      } else if (e.type === 'request-done' && WRITE_OPS.has(e.op)) {
        written.push(Math.floor(e.offset / BLOCK_BYTES), Math.floor((e.offset + Math.max(1, e.bytes) - 1) / BLOCK_BYTES));
      } else if (e.type === 'requests-summarized' && WRITE_OPS.has(e.op)) {
        wroteUnknown = true;
      }
    }
    const wrote = wroteUnknown || written.length > 0;
    if (wroteUnknown) {
      cache.current.clear();
      pending.current.clear();
    } else if (written.length > 0) {
      const hit = (k: string) => {
        const i = Number(k.slice(k.lastIndexOf('#') + 1));
        for (let w = 0; w < written.length; w += 2) if (i >= written[w]! && i <= written[w + 1]!) return true;
        return false;
      };
      cache.current.deleteWhere(hit);
      // A read in flight may predate the write: its answer is dropped and the block read again.
      for (const k of [...pending.current]) if (hit(k)) pending.current.delete(k);
    }
    if (mismatches.length > 0) {
      setVerify((old) => {
        const next = new Map(old);
        for (const m of mismatches) next.set(`${m.node}:${m.id}`, m);
        return next;
      });
    }
    if (ranges.length > 0) setDiffRanges((old) => mergeRanges([...old, ...ranges]).slice(0, MAX_DIFF_RANGES));
    if (wrote) {
      setWritesVersion((v) => v + 1);
      setBlocksVersion((v) => v + 1);
    }
  };
  const readNewRef = useRef(readNewEvents);
  readNewRef.current = readNewEvents;
  useEffect(() => useEventLogVersion.subscribe(() => readNewRef.current()), []);

  const entries = useMemo(() => {
    const list: MismatchEntry[] = [];
    for (const m of verify.values()) if (m.node === blkverifyNode) list.push(verifyEntry(m));
    for (const r of diffRanges) list.push(diffEntry(r));
    return sortEntries(list);
  }, [verify, diffRanges, blkverifyNode]);

  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  useEffect(() => setSelectedKey(null), [pairKey]);

  // ---- jumps (timed for the benchmark) ------------------------------------------------------
  const jump = useRef<{ start: number; offset: number } | null>(null);

  const jumpTo = useCallback(
    (offset: number, keepSelection = false) => {
      const m = modelRef.current;
      const row = Math.floor(offset / ROW_BYTES);
      jump.current = { start: performance.now(), offset };
      if (!keepSelection) setSelectedKey(null);
      setCursor(row * ROW_BYTES);
      setAnchor(row * ROW_BYTES);
      scrollToRow(m.topFor(row));
    },
    [scrollToRow],
  );

  const selectEntry = useCallback(
    (e: MismatchEntry) => {
      setSelectedKey(e.key);
      jumpTo(e.offset, true);
    },
    [jumpTo],
  );

  const step = useCallback(
    (dir: 1 | -1) => {
      const i = stepMismatch(entries, selectedKey, cursor, dir);
      if (i !== null) selectEntry(entries[i]);
    },
    [entries, selectedKey, cursor, selectEntry],
  );
  const canStep = (dir: 1 | -1) => stepMismatch(entries, selectedKey, cursor, dir) !== null;

  const rowsReady = useMemo(() => {
    if (!pair || visibleRows === 0) return false;
    return blocksFor(viewOffset, viewBytes, length).every((i) => cache.current.peek(blockKey(pairKey, i)) !== undefined);
    // blocksVersion: the cache changed.
  }, [pair, pairKey, viewOffset, viewBytes, length, visibleRows, blocksVersion]);

  useEffect(() => {
    const j = jump.current;
    if (!j || !rowsReady) return;
    jump.current = null;
    // The frame with these rows is painted right after this animation frame's callbacks.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const end = performance.now();
        const ms = Math.round((end - j.start) * 10) / 10;
        performance.measure('sector-diff jump', { start: j.start, end });
        window.__blkstudioDiffJumpMs = ms;
        panelRef.current?.setAttribute('data-jump-ms', String(ms));
        panelRef.current?.setAttribute('data-jump-offset', String(j.offset));
      }, 0),
    );
  });

  // ---- go to --------------------------------------------------------------------------------
  const [goto, setGoto] = useState('');
  const [gotoError, setGotoError] = useState<string | null>(null);
  const gotoHintId = useId();
  const gotoErrorId = useId();
  const submitGoto = (e: FormEvent) => {
    e.preventDefault();
    const r = parseGoTo(goto, length);
    if (!r.ok) return setGotoError(r.error);
    setGotoError(null);
    jumpTo(r.offset);
  };

  // ---- the whole-image compare ------------------------------------------------------------
  const [diffError, setDiffError] = useState<string | null>(null);
  const startDiff = async () => {
    if (!pair) return;
    setDiffError(null);
    setDiffRanges([]);
    orphanDiffEvents.current = [];
    const starting: DiffState = { diffId: null, status: 'starting', done: 0, total: length, mismatchedBytes: 0 };
    diffRef.current = starting;
    setDiff(starting);
    try {
      const started = await api.startDiff(selector(pair));
      const d: DiffState = { diffId: started.diffId, status: 'running', done: 0, total: started.total, mismatchedBytes: 0 };
      diffRef.current = d;
      setDiff(d);
      // Chunks that arrived before the reply.
      const ranges: ByteRange[] = [];
      for (const e of orphanDiffEvents.current) if ('diffId' in e && e.diffId === started.diffId) applyDiffEvent(e, ranges);
      orphanDiffEvents.current = [];
      if (ranges.length > 0) setDiffRanges((old) => mergeRanges([...old, ...ranges]).slice(0, MAX_DIFF_RANGES));
    } catch (err) {
      setDiff(null);
      setDiffError(message(err));
    }
  };
  const cancelDiff = async () => {
    const id = diff?.diffId;
    if (id === null || id === undefined) return;
    try {
      await api.cancelDiff({ diffId: id });
    } catch (err) {
      setDiffError(message(err));
    }
  };
  const diffRunning = diff !== null && (diff.status === 'running' || diff.status === 'starting');
  const diffPct = diff && diff.total > 0 ? Math.floor((diff.done / diff.total) * 100) : diff?.status === 'complete' ? 100 : 0;

  // ---- cursor, selection, copy, last writes -------------------------------------------------
  const selStart = Math.min(cursor, anchor);
  const selEnd = Math.max(cursor, anchor) + ROW_BYTES;
  const sectorOffset = cursor - (cursor % SECTOR);
  const [copyStatus, setCopyStatus] = useState<string | null>(null);

  const copyRange = async (offset: number, bytes: number, what: string) => {
    if (!pair) return;
    const len = Math.min(bytes, length - offset, 1024 * 1024);
    try {
      const r = await readRange(api, pair, offset, len);
      const range = `${hex0x(offset)}..${hex0x(offset + len - 1)}`;
      const title = what.includes(range) ? what : `${what} (${range})`;
      const text = [`# A ${pair.a}: ${title}`, hexDump(r.a, offset, digits), `# B ${pair.b}: ${title}`, hexDump(r.b, offset, digits), ''].join('\n');
      await copyText(text);
      setCopyStatus(`Copied ${what} as hex (${len} bytes of each side).`);
    } catch (err) {
      setCopyStatus(`Copy failed: ${message(err)}`);
    }
  };

  const lastWrites = useMemo(
    () => (pair ? eventLog.lastWritesTo(sectorOffset, SECTOR, 8) : []),
    // writesVersion: the log gained writes.
    [pair, sectorOffset, writesVersion],
  );

  const moveCursor = (row: number, extend: boolean) => {
    const m = modelRef.current;
    const r = Math.min(Math.max(0, row), Math.max(0, totalRows - 1));
    setCursor(r * ROW_BYTES);
    if (!extend) setAnchor(r * ROW_BYTES);
    if (r < topRow) scrollToRow(r);
    else if (r >= topRow + m.visibleRows) scrollToRow(r - m.visibleRows + 1);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const tag = (e.target as HTMLElement).tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const row = Math.floor(cursor / ROW_BYTES);
    const inHex = e.target === scrollRef.current;
    if (e.key === 'F8' || e.key === 'n' || e.key === 'N' || e.key === 'p' || e.key === 'P') {
      const back = e.key === 'p' || e.key === 'P' || (e.key === 'F8' && e.shiftKey);
      step(back ? -1 : 1);
    } else if (inHex && e.key === 'ArrowDown') moveCursor(row + 1, e.shiftKey);
    else if (inHex && e.key === 'ArrowUp') moveCursor(row - 1, e.shiftKey);
    else if (inHex && e.key === 'PageDown') moveCursor(row + model.visibleRows, e.shiftKey);
    else if (inHex && e.key === 'PageUp') moveCursor(row - model.visibleRows, e.shiftKey);
    else if (inHex && e.key === 'Home') jumpTo(0);
    else if (inHex && e.key === 'End') jumpTo(Math.max(0, length - 1));
    else return;
    e.preventDefault();
  };

  const onRowClick = (e: MouseEvent, offset: number) => {
    setCursor(offset);
    if (!e.shiftKey) setAnchor(offset);
    scrollRef.current?.focus({ preventScroll: true });
  };

  // ---- rows ---------------------------------------------------------------------------------
  const rows = [];
  let sideErrno = { a: 0, b: 0 };
  for (let i = 0; i < visibleRows; i++) {
    const row = topRow + i;
    const offset = row * ROW_BYTES;
    const count = Math.min(ROW_BYTES, length - offset);
    const block = cache.current.peek(blockKey(pairKey, Math.floor(offset / BLOCK_BYTES)));
    const classes = ['sd-row'];
    if (offset % SECTOR === 0) classes.push('sd-sector');
    if (offset >= selStart && offset < selEnd) classes.push('sd-selected');
    if (offset === cursor) classes.push('sd-cursor');
    if (!block) {
      rows.push(
        <div key={row} className={`${classes.join(' ')} sd-loading`} data-offset={offset} style={{ height: ROW_HEIGHT }}>
          <span className="sd-secno">{offset % SECTOR === 0 ? offset / SECTOR : ''}</span>
          <span className="sd-off">{formatOffset(offset, digits)}</span>
          <span className="sd-wait">reading…</span>
        </div>,
      );
      continue;
    }
    if (block.aErrno) sideErrno = { ...sideErrno, a: block.aErrno };
    if (block.bErrno) sideErrno = { ...sideErrno, b: block.bErrno };
    const at = offset - block.offset;
    const mask = diffMask(block.a, block.b, at, count);
    const ra = formatRow(block.a, at, offset, count);
    const rb = formatRow(block.b, at, offset, count);
    const differs = mask.some(Boolean);
    if (differs) classes.push('sd-rowdiff');
    const side = (r: typeof ra, name: 'a' | 'b') => (
      <>
        <span className={`sd-hex sd-hex-${name}`}>
          {r.hex.map((h, j) => (
            <span key={j} className={mask[j] ? 'sd-d' : undefined}>
              {h}
            </span>
          ))}
        </span>
        <span className={`sd-ascii sd-ascii-${name}`}>
          {[...r.ascii].map((c, j) => (
            <span key={j} className={mask[j] ? 'sd-d' : undefined}>
              {c}
            </span>
          ))}
        </span>
      </>
    );
    rows.push(
      <div key={row} className={classes.join(' ')} data-offset={offset} data-differs={differs || undefined} style={{ height: ROW_HEIGHT }} onClick={(e) => onRowClick(e, offset)}>
        <span className="sd-secno" title={offset % SECTOR === 0 ? `sector ${offset / SECTOR}` : undefined}>
          {offset % SECTOR === 0 ? offset / SECTOR : ''}
        </span>
        <span className="sd-off">{formatOffset(offset, digits)}</span>
        {side(ra, 'a')}
        <span className="sd-gap" />
        {side(rb, 'b')}
      </div>,
    );
  }

  // ---- render -------------------------------------------------------------------------------
  const nodeOptions = nodes.map((n) => (
    <option key={n.name} value={n.name}>
      {n.name} ({n.driver}, {formatSize(n.length)})
    </option>
  ));
  const shown = entries.slice(0, LIST_LIMIT);
  const selectedEntry = entries.find((e) => e.key === selectedKey) ?? null;
  const overviewRanges = entries;

  return (
    <section className="panel sd" aria-label="Sector diff" ref={panelRef} onKeyDown={onKeyDown}>
      <div className="sd-head">
        <h2 className="panel-title">Sector diff</h2>
        {pair && (
          <span className="sd-pair muted">
            {pair.kind === 'blkverify' ? `blkverify ${pair.node}: ` : ''}A <code>{pair.a}</code> vs B <code>{pair.b}</code> · {formatSize(length)} · {Math.ceil(length / SECTOR)} sectors
          </span>
        )}
        <span className="sd-spacer" />
        <label className="sd-field">
          <span>Side A</span>
          <select aria-label="Side A" value={pickA} onChange={(e) => setPickA(e.target.value)} disabled={nodes.length === 0}>
            <option value="">{hasBlkverify ? 'blkverify raw' : 'choose a node'}</option>
            {nodeOptions}
          </select>
        </label>
        <label className="sd-field">
          <span>Side B</span>
          <select aria-label="Side B" value={pickB} onChange={(e) => setPickB(e.target.value)} disabled={nodes.length === 0}>
            <option value="">{hasBlkverify ? 'blkverify test' : 'choose a node'}</option>
            {nodeOptions}
          </select>
        </label>
      </div>

      {!pair ? (
        <div className="sd-empty">
          {!snapshot?.image ? (
            <p>No image is open. Open one with a blkverify node to compare its raw reference with its test image.</p>
          ) : (
            <p>
              This image has no blkverify node. Open <code>blkverify:RAW:TEST</code> (or{' '}
              <code>{'json:{"driver":"raw","file":{"driver":"blkverify","mode":"record","raw":{…},"test":{…}}}'}</code>) to see its mismatches live, or pick two nodes as Side A and Side B above to compare
              them.
            </p>
          )}
          {(pickA || pickB) && !(pickA && pickB) && <p className="muted">Pick both sides to compare two nodes.</p>}
        </div>
      ) : (
        <>
          <div className="sd-toolbar">
            <form className="sd-goto" onSubmit={submitGoto} noValidate>
              <label>
                <span>Go to sector</span>
                <input
                  aria-label="Go to sector"
                  aria-describedby={gotoError ? gotoErrorId : gotoHintId}
                  aria-invalid={gotoError ? true : undefined}
                  placeholder="8 or 0x1000"
                  title={GOTO_HINT}
                  value={goto}
                  onChange={(e) => {
                    setGoto(e.target.value);
                    setGotoError(null);
                  }}
                  spellCheck={false}
                  autoComplete="off"
                />
              </label>
              <button type="submit" className="sd-btn">
                Go
              </button>
              <span id={gotoHintId} className="sd-hint">
                {GOTO_HINT}
              </span>
            </form>
            <span className="sd-spacer" />
            <button type="button" className="sd-btn" onClick={() => step(-1)} disabled={!canStep(-1)} title="previous mismatch (p, Shift+F8)">
              Previous mismatch
            </button>
            <button type="button" className="sd-btn" onClick={() => step(1)} disabled={!canStep(1)} title="next mismatch (n, F8)">
              Next mismatch
            </button>
          </div>
          {gotoError && (
            <p id={gotoErrorId} className="sd-error" role="alert">
              {gotoError}
            </p>
          )}

          <Overview length={length} ranges={overviewRanges} selected={selectedEntry} viewOffset={viewOffset} viewBytes={viewBytes} cursor={cursor} onJump={(o) => jumpTo(o)} />

          <div className="sd-main">
            <div className="sd-hexpane">
              <div className="sd-row sd-colhead" aria-hidden="true">
                <span className="sd-secno">sect</span>
                <span className="sd-off">offset</span>
                <span className="sd-hex" title={pair.a}>
                  A: {pair.a}
                  {sideErrno.a ? ` (errno ${sideErrno.a})` : ''}
                </span>
                <span className="sd-ascii">ASCII</span>
                <span className="sd-gap" />
                <span className="sd-hex" title={pair.b}>
                  B: {pair.b}
                  {sideErrno.b ? ` (errno ${sideErrno.b})` : ''}
                </span>
                <span className="sd-ascii">ASCII</span>
              </div>
              <div
                className="sd-scroll"
                ref={scrollRef}
                onScroll={onScroll}
                tabIndex={0}
                role="group"
                aria-label="Hex rows"
                aria-roledescription="hex view"
                aria-describedby={`${gotoHintId}-keys`}
                data-scaled={model.scaled || undefined}
                data-top-offset={viewOffset}
              >
                <div className="sd-rows" style={{ height: viewportHeight }}>
                  {rows}
                </div>
                <div style={{ height: Math.max(0, model.scrollHeight - viewportHeight) }} />
              </div>
              <p id={`${gotoHintId}-keys`} className="sd-hint sd-keys">
                Click a row (Shift+click to extend); ↑/↓, PgUp/PgDn, Home/End move; n / F8 next mismatch, p / Shift+F8 previous.
                {readError && <span className="sd-error"> Read failed: {readError}</span>}
              </p>
            </div>

            <aside className="sd-side">
              <div className="sd-compare">
                <button type="button" className="sd-btn sd-primary" onClick={() => void startDiff()} disabled={diffRunning}>
                  Compare whole image
                </button>
                {diffRunning && (
                  <button type="button" className="sd-btn" onClick={() => void cancelDiff()} disabled={diff?.diffId === null}>
                    Cancel
                  </button>
                )}
              </div>
              {diff && (
                <div className="sd-progress-line">
                  <div className="sd-progress" role="progressbar" aria-label="Compare progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={diffPct}>
                    <div className="sd-progress-fill" style={{ width: `${diffPct}%` }} />
                  </div>
                  <span className="sd-diffstatus" aria-label="Compare status">
                    {diff.status === 'starting' && 'starting…'}
                    {diff.status === 'running' && `${diffPct}% of ${formatSize(diff.total)}`}
                    {diff.status === 'complete' && `complete: ${diff.mismatchedBytes === 0 ? 'identical' : `${formatSize(diff.mismatchedBytes)} differ`}`}
                    {diff.status === 'cancelled' && `cancelled at ${diffPct}%`}
                    {diff.status === 'failed' && `failed: ${diff.message ?? 'unknown error'}`}
                  </span>
                </div>
              )}
              {diffError && (
                <p className="sd-error" role="alert">
                  {diffError}
                </p>
              )}

              <h3 className="sd-subtitle">
                Mismatches <span className="muted">({entries.length})</span>
              </h3>
              {entries.length === 0 ? (
                <p className="muted sd-note">{blkverifyNode ? 'None recorded yet. Read through the blkverify node (e.g. read 0 64k in the console) or compare the whole image.' : 'None found yet. Compare the whole image to list them.'}</p>
              ) : null}
              <ul className="sd-list" aria-label="Mismatches">
                {shown.map((e) => (
                  <li key={e.key} className={e.key === selectedKey ? 'sd-current' : undefined}>
                    <button type="button" className={`sd-item sd-item-${e.source}`} aria-current={e.key === selectedKey ? 'true' : undefined} title={e.detail} onClick={() => selectEntry(e)}>
                      {e.label}
                    </button>
                  </li>
                ))}
              </ul>
              {entries.length > shown.length && <p className="muted sd-note">{entries.length - shown.length} more (Next mismatch reaches them).</p>}
              {diffRanges.length >= MAX_DIFF_RANGES && <p className="muted sd-note">The compare found more ranges than the first {MAX_DIFF_RANGES.toLocaleString('en')} kept here.</p>}

              <div className="sd-copy">
                <button type="button" className="sd-btn" onClick={() => void copyRange(sectorOffset, SECTOR, `sector ${sectorOffset / SECTOR}`)}>
                  Copy sector as hex
                </button>
                <button type="button" className="sd-btn" onClick={() => void copyRange(selStart, selEnd - selStart, `rows ${hex0x(selStart)}..${hex0x(selEnd - 1)}`)}>
                  Copy selection as hex
                </button>
              </div>
              {copyStatus && (
                <p className="sd-note muted" role="status">
                  {copyStatus}
                </p>
              )}

              <h3 className="sd-subtitle">
                Last writes to sector {sectorOffset / SECTOR} <span className="muted">({hex0x(sectorOffset)})</span>
              </h3>
              {lastWrites.length === 0 ? (
                <p className="muted sd-note">No write to this sector in the event log.</p>
              ) : (
                <table className="sd-writes" aria-label="Last writes">
                  <thead>
                    <tr>
                      <th scope="col">At</th>
                      <th scope="col">Node</th>
                      <th scope="col">Op</th>
                      <th scope="col">Range</th>
                      <th scope="col">Result</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lastWrites.map((w) => (
                      <tr key={w.seq}>
                        <td>{(w.at / 1000).toFixed(3)} s</td>
                        <td>{w.node}</td>
                        <td>{w.op}</td>
                        <td>
                          {hex0x(w.offset)} +{w.bytes}
                        </td>
                        <td className={w.errno ? 'sd-errno' : undefined}>{w.errno ? `errno ${w.errno}` : 'ok'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </aside>
          </div>
        </>
      )}
    </section>
  );
}
