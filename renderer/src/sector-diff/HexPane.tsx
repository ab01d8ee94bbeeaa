// The two synchronised hex columns: a column head naming each side (its file, then its node id)
// and the virtualised rows. A side whose read failed shows ?? cells, greyed, with the errno
// name: its bytes are unknown, so they are never highlighted as differing.
import type { MouseEvent } from 'react';
import type { Block } from './use-block-cache';
import type { Navigation } from './use-navigation';
import { ROW_HEIGHT } from './use-navigation';
import { ROW_BYTES, SECTOR, comparableMask, errnoName, formatOffset, formatRow, unreadableRow, type HexRow } from './sector-diff-model';

export interface SideInfo {
  /** What the side is: the base name of its file (`reference.raw`), else the node id. */
  label: string;
  node: string;
}

interface HexPaneProps {
  nav: Navigation;
  sides: { a: SideInfo; b: SideInfo };
  length: number;
  digits: number;
  blockAt(offset: number): Block | undefined;
  readError: string | null;
  keysHintId: string;
}

function SideHead({ name, side, errno }: { name: 'A' | 'B'; side: SideInfo; errno: number }) {
  return (
    <span className="sd-hex sd-sidehead" title={`${side.label} (node ${side.node})${errno ? `: unreadable, ${errnoName(errno)}` : ''}`}>
      {name}: <span className="sd-label">{side.label}</span>
      {side.label !== side.node && <span className="sd-node"> {side.node}</span>}
      {errno ? <span className="sd-unreadable-badge"> unreadable: {errnoName(errno)}</span> : null}
    </span>
  );
}

function SideCells({ row, mask, name, errno }: { row: HexRow; mask: boolean[]; name: 'a' | 'b'; errno: number }) {
  const cls = (j: number) => (errno ? 'sd-u' : mask[j] ? 'sd-d' : undefined);
  return (
    <>
      <span className={`sd-hex sd-hex-${name}${errno ? ' sd-unreadable' : ''}`} title={errno ? `unreadable: ${errnoName(errno)}` : undefined}>
        {row.hex.map((h, j) => (
          <span key={j} className={cls(j)}>
            {h}
          </span>
        ))}
      </span>
      <span className={`sd-ascii sd-ascii-${name}${errno ? ' sd-unreadable' : ''}`}>
        {[...row.ascii].map((c, j) => (
          <span key={j} className={cls(j)}>
            {c}
          </span>
        ))}
      </span>
    </>
  );
}

export function HexPane({ nav, sides, length, digits, blockAt, readError, keysHintId }: HexPaneProps) {
  const { topRow, visibleRows, selStart, selEnd, cursor, model, viewportHeight, viewOffset } = nav;
  const rows = [];
  // The errno of each side in the rows shown (the column head names it).
  const sideErrno = { a: 0, b: 0 };
  for (let i = 0; i < visibleRows; i++) {
    const row = topRow + i;
    const offset = row * ROW_BYTES;
    const count = Math.min(ROW_BYTES, length - offset);
    const block = blockAt(offset);
    const classes = ['sd-row'];
    if (offset % SECTOR === 0) classes.push('sd-sector');
    if (offset >= selStart && offset < selEnd) classes.push('sd-selected');
    if (offset === cursor) classes.push('sd-cursor');
    const secno = offset % SECTOR === 0 ? offset / SECTOR : '';
    if (!block) {
      rows.push(
        <div key={row} className={`${classes.join(' ')} sd-loading`} data-offset={offset} style={{ height: ROW_HEIGHT }}>
          <span className="sd-secno">{secno}</span>
          <span className="sd-off">{formatOffset(offset, digits)}</span>
          <span className="sd-wait">reading…</span>
        </div>,
      );
      continue;
    }
    if (block.aErrno) sideErrno.a = block.aErrno;
    if (block.bErrno) sideErrno.b = block.bErrno;
    const at = offset - block.offset;
    const mask = comparableMask(block.a, block.b, block.aErrno, block.bErrno, at, count);
    const ra = block.aErrno ? unreadableRow(offset, count) : formatRow(block.a, at, offset, count);
    const rb = block.bErrno ? unreadableRow(offset, count) : formatRow(block.b, at, offset, count);
    const differs = mask.some(Boolean);
    if (differs) classes.push('sd-rowdiff');
    const unreadable = `${block.aErrno ? 'a' : ''}${block.bErrno ? 'b' : ''}` || undefined;
    rows.push(
      <div
        key={row}
        className={classes.join(' ')}
        data-offset={offset}
        data-differs={differs || undefined}
        data-unreadable={unreadable}
        style={{ height: ROW_HEIGHT }}
        onClick={(e: MouseEvent) => nav.pointAt(offset, e.shiftKey)}
      >
        <span className="sd-secno" title={secno !== '' ? `sector ${secno}` : undefined}>
          {secno}
        </span>
        <span className="sd-off">{formatOffset(offset, digits)}</span>
        <SideCells row={ra} mask={mask} name="a" errno={block.aErrno} />
        <span className="sd-gap" />
        <SideCells row={rb} mask={mask} name="b" errno={block.bErrno} />
      </div>,
    );
  }

  return (
    <div className="sd-hexpane">
      <div className="sd-hexwide">
        <div className="sd-row sd-colhead">
          <span className="sd-secno">sect</span>
          <span className="sd-off">offset</span>
          <SideHead name="A" side={sides.a} errno={sideErrno.a} />
          <span className="sd-ascii">ASCII</span>
          <span className="sd-gap" />
          <SideHead name="B" side={sides.b} errno={sideErrno.b} />
          <span className="sd-ascii">ASCII</span>
        </div>
        <div
          className="sd-scroll"
          ref={nav.scrollRef}
          onScroll={nav.onScroll}
          tabIndex={0}
          role="group"
          aria-label="Hex rows"
          aria-roledescription="hex view"
          aria-describedby={keysHintId}
          data-scaled={model.scaled || undefined}
          data-top-offset={viewOffset}
        >
          <div className="sd-rows" style={{ height: viewportHeight }}>
            {rows}
          </div>
          <div style={{ height: Math.max(0, model.scrollHeight - viewportHeight) }} />
        </div>
      </div>
      <p id={keysHintId} className="sd-hint sd-keys">
        Click a row (Shift+click to extend); ↑/↓, PgUp/PgDn, Home/End move; n / F8 next mismatch, p / Shift+F8 previous.
        {readError && <span className="sd-error"> Read failed: {readError}</span>}
      </p>
    </div>
  );
}
