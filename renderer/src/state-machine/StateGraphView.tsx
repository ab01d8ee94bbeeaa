// The laid-out state machine as SVG: edges (set-state rules) with arrowheads and labels, state
// boxes with their inject-error / breakpoint badges, the current state highlighted and a short
// glow/pulse when a transition happens. Every state, edge and badge is a focusable button.
import type { KeyboardEvent, ReactNode } from 'react';
import type { Badge, StateEdge, StateGraph, StateNode } from './graph-model';
import { GEOMETRY, type GraphLayout } from './layout';
import type { Viewport } from './use-viewport';

export interface TransitionMark {
  seq: number;
  /** The edges that took the transition and the state it arrived in. */
  edgeIds: string[];
  nodeId: string;
}

interface Props {
  graph: StateGraph;
  layout: GraphLayout;
  selected: ReadonlySet<string>;
  transition: TransitionMark | null;
  viewport: Viewport;
  onSelectLine(line: number): void;
}

const cls = (...names: Array<string | false | null | undefined>) => names.filter(Boolean).join(' ');

function activateOn(e: KeyboardEvent, run: () => void) {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    run();
  }
}

/** A focusable SVG group that acts as a button. */
function SvgButton({ name, className, onActivate, current, selected, title, transform, children }: {
  name: string;
  className: string;
  onActivate(): void;
  current?: boolean;
  selected?: boolean;
  title: string;
  transform?: string;
  children: ReactNode;
}) {
  return (
    <g
      role="button"
      tabIndex={0}
      aria-label={name}
      aria-current={current ? 'true' : undefined}
      data-selected={selected ? 'true' : undefined}
      className={cls('sm-item', className, selected && 'is-selected')}
      transform={transform}
      onClick={onActivate}
      onKeyDown={(e) => activateOn(e, onActivate)}
    >
      <title>{title}</title>
      {children}
    </g>
  );
}

function EdgeView({ edge, layout, selected, onSelectLine }: { edge: StateEdge; layout: GraphLayout; selected: boolean; onSelectLine(line: number): void }) {
  const e = layout.edges[edge.id];
  if (!e) return null;
  const { label } = e;
  const g = GEOMETRY;
  return (
    <SvgButton
      name={edge.name}
      className={cls('sm-edge', edge.fromState === null && 'is-any', edge.hits > 0 && 'is-fired')}
      selected={selected}
      title={edge.detail}
      onActivate={() => edge.line !== null && onSelectLine(edge.line)}
    >
      <path className="sm-edge-hit" d={e.path} />
      <path className="sm-edge-line" d={e.path} markerEnd={selected ? 'url(#sm-arrow-selected)' : 'url(#sm-arrow)'} />
      <g transform={`translate(${label.x},${label.y})`}>
        <rect className="sm-edge-label" width={label.width} height={label.height} rx={4} />
        <text className="sm-mono" x={g.labelPadX} y={label.height / 2} dominantBaseline="central">
          <tspan className="sm-edge-event">{edge.text}</tspan>
          <tspan className="sm-count">{` ${edge.counts}`}</tspan>
        </text>
      </g>
    </SvgButton>
  );
}

function BadgeView({ badge, box, selected, onSelectLine }: { badge: Badge; box: { x: number; y: number; width: number; height: number }; selected: boolean; onSelectLine(line: number): void }) {
  const g = GEOMETRY;
  return (
    <SvgButton
      name={badge.name}
      className={cls('sm-badge', `is-${badge.kind}`, badge.active && 'is-armed', badge.injected ? 'is-injected' : false, badge.spent && 'is-spent')}
      selected={selected}
      title={badge.detail}
      transform={`translate(${box.x},${box.y})`}
      onActivate={() => badge.line !== null && onSelectLine(badge.line)}
    >
      <rect className="sm-badge-box" width={box.width} height={box.height} rx={4} />
      {badge.kind === 'suspend' ? (
        <rect className="sm-badge-mark" x={5} y={box.height / 2 - 4} width={8} height={8} rx={1} />
      ) : (
        <circle className="sm-badge-mark" cx={9} cy={box.height / 2} r={3.5} />
      )}
      <text className="sm-mono sm-badge-text" x={g.badgeLead} y={box.height / 2} dominantBaseline="central">
        {badge.text}
      </text>
      {badge.counts && (
        <text className="sm-mono sm-count" x={box.width - g.badgePadR} y={box.height / 2} dominantBaseline="central" textAnchor="end">
          {badge.counts}
        </text>
      )}
    </SvgButton>
  );
}

function NodeView({ node, layout, selected, onSelectLine }: { node: StateNode; layout: GraphLayout; selected: ReadonlySet<string>; onSelectLine(line: number): void }) {
  const n = layout.nodes[node.id];
  if (!n) return null;
  const g = GEOMETRY;
  const titleY = g.padY + g.headerH / 2;
  const first = node.ruleLines[0];
  const rules = node.ruleLines.length;
  const title =
    `${node.title}${node.current ? ' (current)' : ''}${node.note && node.state !== null ? ` · ${node.note}` : ''}` +
    (node.state === null ? ': rules with state 0 apply in every state' : '') +
    (rules ? `. Click to select its first rule (${rules} rule${rules === 1 ? '' : 's'} here).` : '.');
  return (
    <g className={cls('sm-node', node.state === null && 'is-any', node.current && 'is-current')} transform={`translate(${n.x},${n.y})`}>
      <SvgButton
        name={node.title}
        className="sm-state"
        current={node.current}
        title={title}
        onActivate={() => first !== undefined && onSelectLine(first)}
      >
        <rect className="sm-node-box" width={n.width} height={n.height} rx={7} />
        {node.state !== null && <circle className="sm-node-dot" cx={g.padX + 4} cy={titleY} r={4} />}
        <text className="sm-node-title" x={node.state === null ? g.padX : g.padX + g.dotW} y={titleY} dominantBaseline="central">
          {node.title}
        </text>
        {node.note && (
          <text className="sm-node-note" x={n.width - g.padX} y={titleY} dominantBaseline="central" textAnchor="end">
            {node.note}
          </text>
        )}
      </SvgButton>
      {node.badges.map((b, i) => (
        <BadgeView key={b.id} badge={b} box={n.badges[i]!} selected={selected.has(b.id)} onSelectLine={onSelectLine} />
      ))}
    </g>
  );
}

export function StateGraphView({ graph, layout, selected, transition, viewport, onSelectLine }: Props) {
  const { view } = viewport;
  const glowNode = transition ? layout.nodes[transition.nodeId] : undefined;
  return (
    <svg
      ref={viewport.ref}
      className={cls('sm-canvas', viewport.dragging && 'is-dragging')}
      viewBox={`${view.x} ${view.y} ${view.w} ${view.h}`}
      preserveAspectRatio="xMidYMid meet"
      role="group"
      aria-label="State diagram"
      onPointerDown={viewport.onPointerDown}
      onPointerMove={viewport.onPointerMove}
      onPointerUp={viewport.onPointerUp}
      onPointerCancel={viewport.onPointerUp}
      onClickCapture={(e) => {
        if (viewport.consumeDrag()) e.stopPropagation();
      }}
    >
      <defs>
        <marker id="sm-arrow" viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
          <path className="sm-arrow" d="M0,1 L9,5 L0,9 z" />
        </marker>
        <marker id="sm-arrow-selected" viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
          <path className="sm-arrow is-selected" d="M0,1 L9,5 L0,9 z" />
        </marker>
      </defs>
      <g className="sm-edges">
        {graph.edges.map((e) => (
          <EdgeView key={e.id} edge={e} layout={layout} selected={selected.has(e.id)} onSelectLine={onSelectLine} />
        ))}
      </g>
      <g className="sm-nodes">
        {graph.nodes.map((n) => (
          <NodeView key={n.id} node={n} layout={layout} selected={selected} onSelectLine={onSelectLine} />
        ))}
      </g>
      {transition && (
        <g className="sm-fx" aria-hidden="true">
          {transition.edgeIds.map((id) => {
            const e = layout.edges[id];
            return e ? <path key={`${id}-${transition.seq}`} className="sm-glow" d={e.path} /> : null;
          })}
          {glowNode && (
            <rect
              key={`pulse-${transition.seq}`}
              className="sm-pulse"
              x={glowNode.x}
              y={glowNode.y}
              width={glowNode.width}
              height={glowNode.height}
              rx={7}
            />
          )}
        </g>
      )}
    </svg>
  );
}
