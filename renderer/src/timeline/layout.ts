// Where things are on the timeline's canvas: one row per lane (node), ordered as the node tree
// (root first, depth first) and then the nodes only the events named; in each row a band of
// markers above a band of request bars. Pure.
import type { NodeSnapshot } from '../../../src/api';

export const AXIS_HEIGHT = 22;
export const ROW_HEIGHT = 32;
export const LABEL_WIDTH = 132;
/** Marker band (debug and blkdebug events) and bar band (requests, summaries), relative to the row top. */
export const MARK_TOP = 3;
export const MARK_HEIGHT = 10;
export const BAR_TOP = 15;
export const BAR_HEIGHT = 13;

/** Node names of the tree, depth first (a shared node once). */
export function treeOrder(root: NodeSnapshot | null | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (n: NodeSnapshot) => {
    if (seen.has(n.name)) return;
    seen.add(n.name);
    out.push(n.name);
    for (const c of n.children) walk(c.node);
  };
  if (root) walk(root);
  return out;
}

/** Drivers by node name. */
export function treeDrivers(root: NodeSnapshot | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (n: NodeSnapshot) => {
    if (out.has(n.name)) return;
    out.set(n.name, n.driver);
    for (const c of n.children) walk(c.node);
  };
  if (root) walk(root);
  return out;
}

/**
 * The rows to draw: the tree's nodes that have a lane first (in tree order), then the other lanes
 * in first-seen order; `only` keeps one node. Returns lane numbers, and row per lane (-1: hidden).
 */
export function laneRows(lanes: readonly string[], tree: readonly string[], only: string | null = null): { order: number[]; rowOf: Int16Array } {
  const index = new Map(lanes.map((name, i) => [name, i]));
  const order: number[] = [];
  const placed = new Set<number>();
  for (const name of tree) {
    const i = index.get(name);
    if (i !== undefined && !placed.has(i)) {
      order.push(i);
      placed.add(i);
    }
  }
  for (let i = 0; i < lanes.length; i++) if (!placed.has(i)) order.push(i);
  const kept = only === null ? order : order.filter((i) => lanes[i] === only);
  const rowOf = new Int16Array(Math.max(1, lanes.length)).fill(-1);
  kept.forEach((lane, row) => (rowOf[lane] = row));
  return { order: kept, rowOf };
}

export const rowTop = (row: number): number => AXIS_HEIGHT + row * ROW_HEIGHT;

/** The row at canvas y (-1: the axis or below the rows). */
export function rowAt(y: number, rows: number): number {
  if (y < AXIS_HEIGHT) return -1;
  const row = Math.floor((y - AXIS_HEIGHT) / ROW_HEIGHT);
  return row < rows ? row : -1;
}

export const canvasHeight = (rows: number): number => AXIS_HEIGHT + Math.max(rows, 2) * ROW_HEIGHT + 4;
