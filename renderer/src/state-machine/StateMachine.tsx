// The "State machine" panel: the blkdebug state machine of one node, live. States, set-state
// edges and inject-error/breakpoint badges come from the session snapshot; the current state
// follows the event stream; selecting an edge or badge selects its rule in the editor/builder.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useSessionStore } from '../session-store';
import { useRulesStore } from '../rules/rules-store';
import { buildStateGraph, itemsAtLine, stateId, takenEdges } from './graph-model';
import { layoutKey, layoutStateGraph } from './layout';
import { editorLines } from './rule-lines';
import { canvasMeasure } from './measure';
import { StateGraphView, type TransitionMark } from './StateGraphView';
import { useViewport } from './use-viewport';
import './state-machine.css';

function Panel({ children, tools }: { children: ReactNode; tools?: ReactNode }) {
  return (
    <section className="panel sm-panel" aria-label="State machine">
      <div className="sm-head">
        <h2 className="panel-title">State machine</h2>
        {tools}
      </div>
      {children}
    </section>
  );
}

export function StateMachine() {
  const snapshot = useSessionStore((s) => s.snapshot);
  const [chosen, setChosen] = useState<string | null>(null);

  if (!snapshot) {
    return (
      <Panel>
        <p className="muted sm-empty">Waiting for the session…</p>
      </Panel>
    );
  }
  if (snapshot.blkdebug.length === 0) {
    return (
      <Panel>
        <p className="muted sm-empty">
          Open an image under blkdebug, e.g. <code>blkdebug::disk.raw</code>, to see its state machine.
        </p>
      </Panel>
    );
  }
  const nodes = snapshot.blkdebug.map((b) => b.node);
  const node = chosen !== null && nodes.includes(chosen) ? chosen : nodes[0]!;
  return <NodeMachine key={node} node={node} nodes={nodes} onChoose={setChosen} />;
}

function NodeMachine({ node, nodes, onChoose }: { node: string; nodes: string[]; onChoose(node: string): void }) {
  const bd = useSessionStore((s) => s.snapshot?.blkdebug.find((b) => b.node === node));
  const live = useSessionStore((s) => s.liveState[node]);
  const lastTransition = useSessionStore((s) => s.lastTransition);
  const selectedLine = useRulesStore((s) => s.selectedLine);
  // The editor's sections (the last parse, even while a newer one is pending: lines move little).
  const sections = useRulesStore((s) => s.lint?.sections ?? null);
  const select = useRulesStore((s) => s.select);

  const current = live ?? bd?.state ?? 1;
  // Spent once rules keep their place in the text too.
  const lines = useMemo(() => (bd ? editorLines([...bd.rules, ...(bd.spent ?? [])], sections) : undefined), [bd, sections]);
  const graph = useMemo(() => buildStateGraph(bd ?? { rules: [], activeRuleIds: [] }, current, lines), [bd, current, lines]);
  const key = layoutKey(graph);
  // Relayout when the structure (or a counter's width) changes, not on every hit.
  const layout = useMemo(() => layoutStateGraph(graph, canvasMeasure), [key]);
  const structure = useMemo(() => graph.nodes.map((n) => n.id).join(',') + '|' + graph.edges.map((e) => e.id).join(','), [graph]);
  const viewport = useViewport(layout, structure);
  const selected = useMemo(() => itemsAtLine(graph, selectedLine), [graph, selectedLine]);

  // Animate only transitions seen while this view is up, on this node.
  const mountedSeq = useRef(lastTransition?.seq ?? 0);
  const fresh = lastTransition && lastTransition.seq > mountedSeq.current && lastTransition.node === node ? lastTransition : null;
  const transition: TransitionMark | null = fresh
    ? { seq: fresh.seq, edgeIds: takenEdges(graph, fresh.from, fresh.to).map((e) => e.id), nodeId: stateId(fresh.to) }
    : null;

  // Drop the effect layer once it has played (~600 ms), so later renders do not replay it.
  const [played, setPlayed] = useState(0);
  const freshSeq = fresh?.seq ?? 0;
  useEffect(() => {
    if (!freshSeq) return;
    const timer = setTimeout(() => setPlayed(freshSeq), 700);
    return () => clearTimeout(timer);
  }, [freshSeq]);

  const ruleCount = bd?.rules.length ?? 0;
  const spentCount = (bd?.spent ?? []).filter((r) => r.kind === 'inject-error' && r.spentBy === 'once').length;
  const tools = (
    <div className="sm-tools">
      {nodes.length > 1 && (
        <label className="sm-node-select">
          blkdebug node
          <select value={node} onChange={(e) => onChoose(e.target.value)}>
            {nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      )}
      <span className="sm-summary" title="The state blkdebug is in now, and how many rules it has">
        now <strong>{current}</strong> · {ruleCount} rule{ruleCount === 1 ? '' : 's'}
        {spentCount > 0 && ` · ${spentCount} spent`}
      </span>
      <span className="sm-zoom" role="group" aria-label="Zoom">
        <button type="button" aria-label="Zoom out" title="Zoom out" onClick={viewport.zoomOut}>
          −
        </button>
        <button type="button" aria-label="Zoom in" title="Zoom in" onClick={viewport.zoomIn}>
          +
        </button>
        <button type="button" aria-label="Fit" title="Fit the whole graph" aria-pressed={viewport.fitted} onClick={viewport.fit}>
          Fit
        </button>
      </span>
    </div>
  );

  return (
    <Panel tools={tools}>
      <div className="sm-body">
        <StateGraphView
          graph={graph}
          layout={layout}
          selected={selected}
          transition={transition && transition.seq !== played ? transition : null}
          viewport={viewport}
          onSelectLine={select}
        />
        {ruleCount === 0 && spentCount === 0 && <p className="sm-hint">No rules yet: blkdebug stays in state 1. Apply set-state rules to add transitions.</p>}
      </div>
    </Panel>
  );
}
