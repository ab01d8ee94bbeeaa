// The panel's head: which two sides are compared (named by their files, node ids secondary),
// and the Side A / Side B pickers for comparing any two nodes.
import type { SideInfo } from './HexPane';
import { SECTOR, formatSize, type NodeChoice, type PairChoice } from './sector-diff-model';

interface PairHeaderProps {
  pair: PairChoice | null;
  sides: { a: SideInfo; b: SideInfo } | null;
  length: number;
  nodes: readonly NodeChoice[];
  hasBlkverify: boolean;
  pickA: string;
  pickB: string;
  onPickA(name: string): void;
  onPickB(name: string): void;
}

function Side({ side }: { side: SideInfo }) {
  return (
    <>
      <code className="sd-label">{side.label}</code>
      {side.label !== side.node && <span className="sd-node"> ({side.node})</span>}
    </>
  );
}

export function PairHeader({ pair, sides, length, nodes, hasBlkverify, pickA, pickB, onPickA, onPickB }: PairHeaderProps) {
  const options = nodes.map((n) => (
    <option key={n.name} value={n.name}>
      {n.name} ({n.driver}, {formatSize(n.length)})
    </option>
  ));
  return (
    <div className="sd-head">
      <h2 className="panel-title">Sector diff</h2>
      {pair && sides && (
        <span className="sd-pair muted">
          {pair.kind === 'blkverify' ? `blkverify ${pair.node}: ` : ''}A <Side side={sides.a} /> vs B <Side side={sides.b} /> · {formatSize(length)} · {Math.ceil(length / SECTOR)} sectors
        </span>
      )}
      <span className="sd-spacer" />
      <label className="sd-field">
        <span>Side A</span>
        <select aria-label="Side A" value={pickA} onChange={(e) => onPickA(e.target.value)} disabled={nodes.length === 0}>
          <option value="">{hasBlkverify ? 'blkverify raw' : 'choose a node'}</option>
          {options}
        </select>
      </label>
      <label className="sd-field">
        <span>Side B</span>
        <select aria-label="Side B" value={pickB} onChange={(e) => onPickB(e.target.value)} disabled={nodes.length === 0}>
          <option value="">{hasBlkverify ? 'blkverify test' : 'choose a node'}</option>
          {options}
        </select>
      </label>
    </div>
  );
}
