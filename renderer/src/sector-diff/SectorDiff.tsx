// The sector diff: two synchronised hex columns (a blkverify node's raw reference A and test
// image B by default, or any two nodes), virtualised over the whole image with a scaled scroll
// model; the mismatching ranges from blkverify (recorded and live) and from a whole-image compare;
// Next/Previous, Go to sector, an overview strip, copy as hex and the sector's last writes. Its
// reads are inspection: the engine serves them without touching the fault stack.
//
// This file puts the pieces together: the pure logic is sector-diff-model.ts, the state lives in
// hooks (use-navigation: scrolling, cursor and jumps; use-block-cache: the bytes; use-mismatches:
// blkverify's and the compare's ranges; use-event-feed: what each event batch brings;
// use-last-writes), the views are HexPane, Toolbar, PairHeader, ComparePanel, MismatchList,
// LastWrites and Overview.
//
// Benchmark hook: after a jump (Go to, Next/Previous, list, overview), once the target's rows are
// painted with data, the panel gets data-jump-ms (milliseconds from the jump request to the paint
// after those rows rendered, one decimal) and data-jump-offset (the byte offset jumped to), and
// window.__blkstudioDiffJumpMs holds the same number (and a performance measure 'sector-diff jump'
// is recorded). Jumps are timed from the click/Enter handler, so they include the block read.
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useApi } from '../api-context';
import { useSessionStore } from '../session-store';
import { copyText } from './clipboard';
import { ComparePanel } from './ComparePanel';
import { HexPane, type SideInfo } from './HexPane';
import { LastWrites } from './LastWrites';
import { MismatchList } from './MismatchList';
import { Overview } from './Overview';
import { PairHeader } from './PairHeader';
import { Toolbar } from './Toolbar';
import { message, readRange, useBlockCache } from './use-block-cache';
import { useEventFeed } from './use-event-feed';
import { useLastWrites } from './use-last-writes';
import { MAX_DIFF_RANGES, useMismatches } from './use-mismatches';
import { useNavigation } from './use-navigation';
import { ROW_BYTES, SECTOR, choosePair, errnoName, hex0x, hexDump, listNodes, offsetDigits, pairLength, stepMismatch, type MismatchEntry } from './sector-diff-model';
import './sector-diff.css';

declare global {
  interface Window {
    /** Milliseconds the last sector-diff jump took to paint (see SectorDiff.tsx). */
    __blkstudioDiffJumpMs?: number;
  }
}

export function SectorDiff() {
  const api = useApi();
  const snapshot = useSessionStore((s) => s.snapshot);
  const imageSeq = useSessionStore((s) => s.imageSeq);

  // ---- which two sides ----------------------------------------------------------------------
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
  const blkverifyNode = pair?.kind === 'blkverify' ? pair.node : null;

  // ---- state --------------------------------------------------------------------------------
  const panelRef = useRef<HTMLElement>(null);
  const nav = useNavigation(length, pairKey, panelRef);
  const blocks = useBlockCache(api, pair, pairKey, length, nav.viewOffset, nav.viewBytes);
  const mismatches = useMismatches(api, pair, pairKey, length, imageSeq);
  const sectorOffset = nav.cursor - (nav.cursor % SECTOR);
  const lastWrites = useLastWrites(pair !== null, sectorOffset);
  useEventFeed({
    mismatches: mismatches.addMismatches,
    diff: mismatches.addDiffEvents,
    writes: (written, all) => {
      blocks.dropWritten(written, all);
      lastWrites.bump();
    },
  });
  useEffect(() => nav.rowsPainted(blocks.rowsReady));

  // The sides by name: the files under them (from the engine), the node ids second.
  const sides = useMemo((): { a: SideInfo; b: SideInfo } | null => {
    if (!pair) return null;
    const verify = blkverifyNode ? snapshot?.blkverify.find((v) => v.node === blkverifyNode) : undefined;
    const labelA = blocks.labels?.a ?? verify?.rawLabel ?? pair.a;
    const labelB = blocks.labels?.b ?? verify?.testLabel ?? pair.b;
    return { a: { label: labelA, node: pair.a }, b: { label: labelB, node: pair.b } };
  }, [pair, blkverifyNode, snapshot, blocks.labels]);

  // ---- selection and navigation -------------------------------------------------------------
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  useEffect(() => setSelectedKey(null), [pairKey]);
  const { entries } = mismatches;
  const jumpTo = nav.jumpTo;
  const goTo = useCallback(
    (offset: number) => {
      setSelectedKey(null);
      jumpTo(offset);
    },
    [jumpTo],
  );
  const selectEntry = useCallback(
    (e: MismatchEntry) => {
      setSelectedKey(e.key);
      jumpTo(e.offset);
    },
    [jumpTo],
  );
  const step = (dir: 1 | -1) => {
    const i = stepMismatch(entries, selectedKey, nav.cursor, dir);
    if (i !== null) selectEntry(entries[i]);
  };
  const canStep = (dir: 1 | -1) => stepMismatch(entries, selectedKey, nav.cursor, dir) !== null;

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const tag = (e.target as HTMLElement).tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const row = Math.floor(nav.cursor / ROW_BYTES);
    const inHex = e.target === nav.scrollRef.current;
    const page = nav.model.visibleRows;
    if (e.key === 'F8' || e.key === 'n' || e.key === 'N' || e.key === 'p' || e.key === 'P') {
      const back = e.key === 'p' || e.key === 'P' || (e.key === 'F8' && e.shiftKey);
      step(back ? -1 : 1);
    } else if (inHex && e.key === 'ArrowDown') nav.moveCursor(row + 1, e.shiftKey);
    else if (inHex && e.key === 'ArrowUp') nav.moveCursor(row - 1, e.shiftKey);
    else if (inHex && e.key === 'PageDown') nav.moveCursor(row + page, e.shiftKey);
    else if (inHex && e.key === 'PageUp') nav.moveCursor(row - page, e.shiftKey);
    else if (inHex && e.key === 'Home') goTo(0);
    else if (inHex && e.key === 'End') goTo(Math.max(0, length - 1));
    else return;
    e.preventDefault();
  };

  // ---- copy as hex --------------------------------------------------------------------------
  const [copyStatus, setCopyStatus] = useState<string | null>(null);
  const copyRange = async (offset: number, bytes: number, what: string) => {
    if (!pair || !sides) return;
    const len = Math.min(bytes, length - offset, 1024 * 1024);
    try {
      const r = await readRange(api, pair, offset, len);
      const range = `${hex0x(offset)}..${hex0x(offset + len - 1)}`;
      const title = what.includes(range) ? what : `${what} (${range})`;
      // An unreadable side is said so, not dumped as the zeroes it was answered with.
      const dump = (name: 'A' | 'B', side: SideInfo, bytes: Uint8Array, errno: number) => {
        const head = `# ${name} ${side.node}${side.label !== side.node ? ` (${side.label})` : ''}: ${title}`;
        return errno ? [`${head}: unreadable, ${errnoName(errno)}`] : [head, hexDump(bytes, offset, digits)];
      };
      const text = [...dump('A', sides.a, r.a, r.aErrno), ...dump('B', sides.b, r.b, r.bErrno), ''].join('\n');
      await copyText(text);
      setCopyStatus(`Copied ${what} as hex (${len} bytes of each side).`);
    } catch (err) {
      setCopyStatus(`Copy failed: ${message(err)}`);
    }
  };

  const keysHintId = `${useId()}-keys`;
  const selectedEntry = entries.find((e) => e.key === selectedKey) ?? null;

  return (
    <section className="panel sd" aria-label="Sector diff" ref={panelRef} onKeyDown={onKeyDown}>
      <PairHeader pair={pair} sides={sides} length={length} nodes={nodes} hasBlkverify={hasBlkverify} pickA={pickA} pickB={pickB} onPickA={setPickA} onPickB={setPickB} />

      {!pair || !sides ? (
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
          <Toolbar length={length} onGoTo={goTo} onStep={step} canStep={canStep} />

          <Overview length={length} ranges={entries} selected={selectedEntry} viewOffset={nav.viewOffset} viewBytes={nav.viewBytes} cursor={nav.cursor} onJump={goTo} />

          <div className="sd-main">
            <HexPane nav={nav} sides={sides} length={length} digits={digits} blockAt={blocks.blockAt} readError={blocks.readError} keysHintId={keysHintId} />

            <aside className="sd-side">
              <ComparePanel m={mismatches} />
              <MismatchList entries={entries} selectedKey={selectedKey} onSelect={selectEntry} blkverify={blkverifyNode !== null} diffRangesFull={mismatches.diffRanges.length >= MAX_DIFF_RANGES} />

              <div className="sd-copy">
                <button type="button" className="sd-btn" onClick={() => void copyRange(sectorOffset, SECTOR, `sector ${sectorOffset / SECTOR}`)}>
                  Copy sector as hex
                </button>
                <button type="button" className="sd-btn" onClick={() => void copyRange(nav.selStart, nav.selEnd - nav.selStart, `rows ${hex0x(nav.selStart)}..${hex0x(nav.selEnd - 1)}`)}>
                  Copy selection as hex
                </button>
              </div>
              {copyStatus && (
                <p className="sd-note muted" role="status">
                  {copyStatus}
                </p>
              )}

              <LastWrites sectorOffset={sectorOffset} sector={sectorOffset / SECTOR} writes={lastWrites.writes} />
            </aside>
          </div>
        </>
      )}
    </section>
  );
}
