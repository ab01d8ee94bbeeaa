// The blkdebug state machine of one node as a graph (pure; no React, no layout): states as
// nodes, set-state rules as edges, inject-error rules and breakpoints as badges of the state
// they apply in. Rules with state 0 apply in every state and hang off a separate "Any state" node.
// Inject-error rules QEMU removed after they fired (once=on) stay as greyed "spent" badges.
import { ERRNO_NAMES, type BlkdebugSnapshot, type RuleSnapshot } from '../../../src/api';

export const ANY_ID = 'any';
export const INITIAL_STATE = 1;

export const stateId = (state: number): string => `s${state}`;

/** What every drawn rule (edge or badge) carries. */
export interface RuleItem {
  /** Unique in the graph: `r<rule id>`. */
  id: string;
  ruleId: number;
  kind: RuleSnapshot['kind'];
  event: string;
  /** Header line of the rule's section in the editor's text (see rule-lines.ts); null: none. */
  line: number | null;
  hits: number;
  /** inject-error: requests failed. */
  injected?: number;
  /** An inject-error rule armed by the last matching event (activeRuleIds). */
  active: boolean;
  /** Used up (a once rule that failed a request): no longer in blkdebug's rule list. */
  spent: boolean;
  /** Accessible name, e.g. `set-state write_aio: 1 → 2`, `inject-error write_aio in state 2`. */
  name: string;
  /** The visible text, e.g. `EIO on write_aio` or `write_aio`. */
  text: string;
  /** The visible counters, e.g. `×3` or `×3 · 1 failed`. */
  counts: string;
  /** A longer description (tooltip). */
  detail: string;
}

export interface Badge extends RuleItem {
  kind: 'inject-error' | 'suspend';
}

export interface StateEdge extends RuleItem {
  kind: 'set-state';
  from: string;
  to: string;
  /** null: from the Any node (state 0). */
  fromState: number | null;
  toState: number;
}

export interface StateNode {
  id: string;
  /** null: the Any node. */
  state: number | null;
  /** Accessible name and title: `State 2`, `Any state`. */
  title: string;
  /** A short note under the title: `initial`, `every state`. */
  note: string;
  current: boolean;
  badges: Badge[];
  /** The source lines of this node's rules (badges and outgoing edges), first in the file first. */
  ruleLines: number[];
}

export interface StateGraph {
  nodes: StateNode[];
  edges: StateEdge[];
  current: number;
}

const ERRNO_BY_VALUE = new Map(ERRNO_NAMES.map((e) => [e.value, e]));

export function errnoName(errno: number): string {
  return ERRNO_BY_VALUE.get(errno)?.name ?? `errno ${errno}`;
}

function errnoDetail(errno: number): string {
  if (errno === 0) return 'errno 0: the request succeeds without doing the I/O';
  const e = ERRNO_BY_VALUE.get(errno);
  return e ? `errno ${errno} (${e.name}: ${e.message})` : `errno ${errno}`;
}

const where = (state: number) => (state === 0 ? 'any state' : `state ${state}`);
const times = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The qualifiers of an inject-error rule beyond event, state and errno (once, sector, iotype). */
export function injectQualifiers(rule: RuleSnapshot): string[] {
  const q: string[] = [];
  if (rule.once) q.push('once');
  if (rule.immediately) q.push('immediately');
  if (rule.offset !== undefined && rule.offset >= 0) q.push(`sector ${Math.floor(rule.offset / 512)}`);
  const defaultTypes = ['read', 'write', 'write-zeroes', 'discard', 'flush'];
  if (rule.iotypes && !(rule.iotypes.length === defaultTypes.length && defaultTypes.every((t) => rule.iotypes!.includes(t)))) {
    q.push(rule.iotypes.join('+'));
  }
  return q;
}

/** Rule id → line to select; without one, each rule's source line. */
export type LineMap = ReadonlyMap<number, number>;

function ruleItem(rule: RuleSnapshot, active: boolean, lines?: LineMap, spent = false): Omit<RuleItem, 'name' | 'text' | 'counts' | 'detail'> {
  return {
    id: `r${rule.id}`,
    ruleId: rule.id,
    kind: rule.kind,
    event: rule.event,
    line: (lines ? lines.get(rule.id) : rule.source.line) ?? null,
    hits: rule.hits,
    ...(rule.kind === 'inject-error' ? { injected: rule.injected ?? 0 } : {}),
    active,
    spent,
  };
}

function badgeFor(rule: RuleSnapshot, active: boolean, lines?: LineMap, spent = false): Badge {
  const base = ruleItem(rule, active, lines, spent);
  if (rule.kind === 'suspend') {
    const tag = rule.tag ?? '';
    return {
      ...base,
      kind: 'suspend',
      name: `break ${rule.event} · ${tag}${rule.state === 0 ? '' : ` in state ${rule.state}`}`,
      text: `break ${rule.event} · ${tag}`,
      counts: '',
      detail: `Breakpoint '${tag}' on ${rule.event} in ${where(rule.state)}: parks the next request that fires it (then goes away).`,
    };
  }
  const errno = rule.errno ?? 5;
  const injected = rule.injected ?? 0;
  const q = injectQualifiers(rule);
  if (spent) {
    return {
      ...base,
      kind: 'inject-error',
      name: `inject-error ${rule.event} in ${where(rule.state)}${q.length ? ` (${q.join(', ')})` : ''}, spent: ${times(rule.hits, 'hit')}, ${injected} injected`,
      text: `${errnoName(errno)} on ${rule.event}${q.length ? ` · ${q.join(' · ')}` : ''}`,
      counts: `spent · ×${rule.hits} · ${injected} failed`,
      detail:
        `inject-error on ${rule.event} in ${where(rule.state)}: ${errnoDetail(errno)}` +
        `${q.length ? `; ${q.join(', ')}` : ''}. Spent: blkdebug removed it after it failed a request (once). ` +
        `Matched ${times(rule.hits, 'time')}, failed ${times(injected, 'request')}; applying the rules again brings it back.`,
    };
  }
  return {
    ...base,
    kind: 'inject-error',
    name: `inject-error ${rule.event} in ${where(rule.state)}${q.length ? ` (${q.join(', ')})` : ''}`,
    text: `${errnoName(errno)} on ${rule.event}${q.length ? ` · ${q.join(' · ')}` : ''}`,
    counts: `×${rule.hits}${injected > 0 ? ` · ${injected} failed` : ''}`,
    detail:
      `inject-error on ${rule.event} in ${where(rule.state)}: ${errnoDetail(errno)}` +
      `${q.length ? `; ${q.join(', ')}` : ''}. Matched ${times(rule.hits, 'time')}, failed ${times(injected, 'request')}` +
      `${active ? '; armed: the next matching request fails' : ''}.`,
  };
}

function edgeFor(rule: RuleSnapshot, lines?: LineMap): StateEdge {
  const to = rule.newState ?? 0;
  const fromState = rule.state === 0 ? null : rule.state;
  return {
    ...ruleItem(rule, false, lines),
    kind: 'set-state',
    from: fromState === null ? ANY_ID : stateId(fromState),
    to: stateId(to),
    fromState,
    toState: to,
    name: `set-state ${rule.event}: ${fromState === null ? 'any' : fromState} → ${to}`,
    text: rule.event,
    counts: `×${rule.hits}`,
    detail: `set-state on ${rule.event}: ${fromState === null ? 'from any state' : `from state ${fromState}`} to state ${to}. Fired ${times(rule.hits, 'time')}.`,
  };
}

/**
 * The graph of one blkdebug node; `current` is the state to mark (the live one); `lines` where
 * each rule is in the editor's text (default: its source line).
 */
export function buildStateGraph(bd: Pick<BlkdebugSnapshot, 'rules' | 'activeRuleIds' | 'spent'>, current: number, lines?: LineMap): StateGraph {
  const active = new Set(bd.activeRuleIds);
  const states = new Set<number>([INITIAL_STATE, current]);
  const edges: StateEdge[] = [];
  const badges = new Map<string, Badge[]>();
  let needAny = false;

  for (const rule of bd.rules) {
    if (rule.state !== 0) states.add(rule.state);
    else needAny = true;
    if (rule.kind === 'set-state') {
      // new_state 0 is legal (only state-0 rules match there): it is drawn as "State 0".
      states.add(rule.newState ?? 0);
      edges.push(edgeFor(rule, lines));
    } else {
      const owner = rule.state === 0 ? ANY_ID : stateId(rule.state);
      const list = badges.get(owner) ?? [];
      list.push(badgeFor(rule, active.has(rule.id), lines));
      badges.set(owner, list);
    }
  }
  // Spent once rules stay where they were, greyed; spent breakpoints belong to the breakpoint list.
  for (const rule of bd.spent ?? []) {
    if (rule.kind !== 'inject-error' || rule.spentBy !== 'once') continue;
    if (rule.state !== 0) states.add(rule.state);
    else needAny = true;
    const owner = rule.state === 0 ? ANY_ID : stateId(rule.state);
    const list = badges.get(owner) ?? [];
    list.push(badgeFor(rule, false, lines, true));
    badges.set(owner, list);
  }

  const byLine = (a: { line: number | null; ruleId: number }, b: { line: number | null; ruleId: number }) =>
    (a.line ?? Infinity) - (b.line ?? Infinity) || a.ruleId - b.ruleId;
  edges.sort(byLine);

  const nodeFor = (id: string, state: number | null): StateNode => {
    const own = (badges.get(id) ?? []).sort(byLine);
    const lines = [...own, ...edges.filter((e) => e.from === id)]
      .map((r) => r.line)
      .filter((l): l is number => l !== null)
      .sort((a, b) => a - b);
    return {
      id,
      state,
      title: state === null ? 'Any state' : `State ${state}`,
      note: state === null ? 'every state' : state === INITIAL_STATE ? 'initial' : '',
      current: state === current,
      badges: own,
      ruleLines: lines,
    };
  };

  const nodes: StateNode[] = [];
  if (needAny) nodes.push(nodeFor(ANY_ID, null));
  for (const s of [...states].sort((a, b) => a - b)) nodes.push(nodeFor(stateId(s), s));
  return { nodes, edges, current };
}

/** The edges a transition from → to took: the state's own set-state rules, else state-0 ones. */
export function takenEdges(graph: StateGraph, from: number, to: number): StateEdge[] {
  const own = graph.edges.filter((e) => e.fromState === from && e.toState === to);
  return own.length > 0 ? own : graph.edges.filter((e) => e.fromState === null && e.toState === to);
}

/** The rule (edge or badge) ids whose section header is `line`. */
export function itemsAtLine(graph: StateGraph, line: number | null): Set<string> {
  const ids = new Set<string>();
  if (line === null) return ids;
  for (const e of graph.edges) if (e.line === line) ids.add(e.id);
  for (const n of graph.nodes) for (const b of n.badges) if (b.line === line) ids.add(b.id);
  return ids;
}
