// Places a StateGraph with dagre (left to right): node boxes sized by their content (title and
// badges), edge labels as dagre label nodes (so parallel edges and self-loops get room of their
// own), and each edge's route as an SVG path. Pure: text widths come from a `measure` function
// (canvas in the browser, an estimate in tests).
import dagre from '@dagrejs/dagre';
import type { StateGraph } from './graph-model';

export type FontRole = 'title' | 'note' | 'mono';

/** Text width in px for one of the view's fonts. */
export type Measure = (text: string, font: FontRole) => number;

/** The CSS fonts the SVG uses, for canvas measuring (keep in step with state-machine.css). */
export const FONTS: Record<FontRole, string> = {
  title: `600 13px system-ui, 'DejaVu Sans', 'Liberation Sans', sans-serif`,
  note: `11px system-ui, 'DejaVu Sans', 'Liberation Sans', sans-serif`,
  mono: `12px 'DejaVu Sans Mono', 'Liberation Mono', monospace`,
};

const CHAR_WIDTH: Record<FontRole, number> = { title: 8.2, note: 6.6, mono: 7.3 };

/** A generous estimate (no DOM): per-character widths a little over DejaVu's. */
export const estimateWidth: Measure = (text, font) => [...text].length * CHAR_WIDTH[font];

export const GEOMETRY = {
  padX: 10,
  padY: 8,
  headerH: 20,
  /** Room left of the title for the current-state dot. */
  dotW: 14,
  minNodeW: 104,
  badgeH: 20,
  badgeGap: 4,
  badgeTop: 6,
  /** Left of a badge's text: the armed marker. */
  badgeLead: 16,
  badgePadR: 8,
  countGap: 10,
  labelH: 20,
  labelPadX: 7,
};

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface NodeLayout extends Box {
  id: string;
  /** Badge boxes in the node's coordinates (top-left of the node = 0,0), in badge order. */
  badges: Box[];
}

export interface EdgeLayout {
  id: string;
  from: string;
  to: string;
  points: Point[];
  /** The SVG path (a B-spline through the points, from the source's border to the target's). */
  path: string;
  /** The label box (absolute). */
  label: Box;
}

export interface GraphLayout {
  nodes: Record<string, NodeLayout>;
  edges: Record<string, EdgeLayout>;
  width: number;
  height: number;
}

const f1 = (n: number) => Math.round(n * 10) / 10;

/** d3's curveBasis as a path: starts at the first point, ends at the last. */
export function basisPath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const p = points.map((q) => ({ x: f1(q.x), y: f1(q.y) }));
  if (p.length <= 2) return `M${p[0]!.x},${p[0]!.y}` + (p[1] ? `L${p[1].x},${p[1].y}` : '');
  let d = `M${p[0]!.x},${p[0]!.y}`;
  let [x0, y0] = [p[0]!.x, p[0]!.y];
  let [x1, y1] = [p[1]!.x, p[1]!.y];
  const curve = (x: number, y: number) => {
    d += `C${f1((2 * x0 + x1) / 3)},${f1((2 * y0 + y1) / 3)},${f1((x0 + 2 * x1) / 3)},${f1((y0 + 2 * y1) / 3)},${f1((x0 + 4 * x1 + x) / 6)},${f1((y0 + 4 * y1 + y) / 6)}`;
    [x0, y0, x1, y1] = [x1, y1, x, y];
  };
  d += `L${f1((5 * x0 + x1) / 6)},${f1((5 * y0 + y1) / 6)}`;
  for (let i = 2; i < p.length; i++) curve(p[i]!.x, p[i]!.y);
  curve(x1, y1);
  d += `L${x1},${y1}`;
  return d;
}

/**
 * A self-loop (set-state from a state to itself): dagre puts its label next to the node; the loop
 * leaves the node's facing side, runs through the label and comes back with the arrow.
 */
export function selfLoopRoute(node: Box, label: Box): Point[] {
  const cx = node.x + node.width / 2;
  const lcx = label.x + label.width / 2;
  const lcy = label.y + label.height / 2;
  const below = lcy >= node.y + node.height;
  const above = lcy <= node.y;
  if (below || above) {
    const y0 = below ? node.y + node.height : node.y;
    const span = Math.min(node.width * 0.3, 40);
    const out = { x: cx + span, y: y0 };
    const back = { x: cx - span, y: y0 };
    return [out, { x: Math.max(label.x + label.width, out.x + 8), y: lcy }, { x: lcx, y: lcy }, { x: Math.min(label.x, back.x - 8), y: lcy }, back];
  }
  // Beside the node (label to its right or left).
  const right = lcx >= cx;
  const x0 = right ? node.x + node.width : node.x;
  const span = Math.min(node.height * 0.3, 12);
  const tip = right ? label.x + label.width : label.x;
  return [{ x: x0, y: node.y + node.height / 2 - span }, { x: tip, y: label.y }, { x: lcx, y: lcy }, { x: tip, y: label.y + label.height }, { x: x0, y: node.y + node.height / 2 + span }];
}

/** Width of one badge row (marker, text, counters). */
export function badgeWidth(text: string, counts: string, measure: Measure): number {
  const g = GEOMETRY;
  return g.badgeLead + measure(text, 'mono') + (counts ? g.countGap + measure(counts, 'mono') : 0) + g.badgePadR;
}

export function labelWidth(text: string, counts: string, measure: Measure): number {
  return 2 * GEOMETRY.labelPadX + measure(`${text} ${counts}`, 'mono');
}

/** Lay the graph out left to right. */
export function layoutStateGraph(graph: StateGraph, measure: Measure = estimateWidth): GraphLayout {
  const g0 = GEOMETRY;
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 64, edgesep: 14, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));

  const sizes = new Map<string, { width: number; height: number; badges: Box[] }>();
  for (const node of graph.nodes) {
    const header = g0.dotW + measure(node.title, 'title') + (node.note ? 12 + measure(node.note, 'note') : 0);
    const widths = node.badges.map((b) => badgeWidth(b.text, b.counts, measure));
    const inner = Math.max(header, ...widths, g0.minNodeW - 2 * g0.padX);
    const width = Math.ceil(inner + 2 * g0.padX);
    const badges: Box[] = node.badges.map((_, i) => ({
      x: g0.padX,
      y: g0.padY + g0.headerH + g0.badgeTop + i * (g0.badgeH + g0.badgeGap),
      width: width - 2 * g0.padX,
      height: g0.badgeH,
    }));
    const height = g0.padY * 2 + g0.headerH + (badges.length ? g0.badgeTop + badges.length * (g0.badgeH + g0.badgeGap) - g0.badgeGap : 0);
    sizes.set(node.id, { width, height, badges });
    g.setNode(node.id, { width, height });
  }
  for (const edge of graph.edges) {
    g.setEdge(edge.from, edge.to, { width: Math.ceil(labelWidth(edge.text, edge.counts, measure)), height: g0.labelH, labelpos: 'c' }, edge.id);
  }

  dagre.layout(g);

  const nodes: Record<string, NodeLayout> = {};
  for (const node of graph.nodes) {
    const n = g.node(node.id) as { x: number; y: number; width: number; height: number };
    const size = sizes.get(node.id)!;
    nodes[node.id] = { id: node.id, x: n.x - size.width / 2, y: n.y - size.height / 2, width: size.width, height: size.height, badges: size.badges };
  }
  const edges: Record<string, EdgeLayout> = {};
  for (const edge of graph.edges) {
    const e = g.edge({ v: edge.from, w: edge.to, name: edge.id }) as { points?: Point[]; x?: number; y?: number; width: number; height: number };
    let points = (e.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    const lx = e.x ?? points[Math.floor(points.length / 2)]?.x ?? 0;
    const ly = e.y ?? points[Math.floor(points.length / 2)]?.y ?? 0;
    const label = { x: lx - e.width / 2, y: ly - e.height / 2, width: e.width, height: e.height };
    if (edge.from === edge.to) points = selfLoopRoute(nodes[edge.from]!, label);
    edges[edge.id] = { id: edge.id, from: edge.from, to: edge.to, points, path: basisPath(points), label };
  }
  const gl = g.graph() as { width?: number; height?: number };
  return { nodes, edges, width: gl.width ?? 0, height: gl.height ?? 0 };
}

/** What the layout depends on (not hit counts' values, only their widths): relayout when it changes. */
export function layoutKey(graph: StateGraph): string {
  return JSON.stringify([
    graph.nodes.map((n) => [n.id, n.title, n.note, n.badges.map((b) => [b.id, b.text, b.counts.length])]),
    graph.edges.map((e) => [e.id, e.from, e.to, e.text, e.counts.length]),
  ]);
}

export function boxesOverlap(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}
