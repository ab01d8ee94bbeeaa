// blkdebug's rule engine (blkdebug_co_debug_event, rule_check, the breakpoint calls), kept apart
// from the driver so it can be observed and driven: current state, rules with hit counts,
// suspended requests, atomic rule-set replacement and one structured event stream.
import { BlockError, ENOENT } from '../../errors';
import { parseBlkdebugEvent, type BlkdebugEvent } from '../../events';
import { runUntilBlocked } from '../../coroutine-enter';
import { IO_TYPES, type InjectErrorRule, type IoType, type Rule, type RuleSpec, type SuspendRule } from './rules';

/** A request parked at a breakpoint. */
export interface SuspendedRequest {
  tag: string;
  event: BlkdebugEvent;
  /** The request that fired the event, when the event came from a request (see currentRequest). */
  request: RequestInfo | null;
  /** Engine clock (ms) when it was parked. */
  since: number;
  /** Resumes the request (enters it again). */
  resume(): void;
}

export interface RequestInfo {
  op: string;
  offset: number;
  bytes: number;
}

/** Everything the engine does, in order, for timelines and live views. */
export type BlkdebugEngineEvent =
  | { type: 'event-fired'; event: BlkdebugEvent; stateBefore: number; stateAfter: number }
  | { type: 'rule-matched'; ruleId: number; event: BlkdebugEvent }
  | { type: 'error-injected'; ruleId: number; errno: number; iotype: IoType; offset: number; bytes: number }
  | { type: 'state-changed'; from: number; to: number }
  | { type: 'request-suspended'; tag: string; event: BlkdebugEvent; request: RequestInfo | null }
  | { type: 'request-resumed'; tag: string }
  | { type: 'rules-replaced'; count: number }
  /** A breakpoint was set or removed (`break`, `remove_break`); one that fires goes away with request-suspended. */
  | { type: 'breakpoints-changed'; tag: string };

/** Why a rule left the rule list while the session kept a record of it. */
export type SpentReason = 'once' | 'fired' | 'removed';

/**
 * A rule QEMU removed (a `once` inject-error rule that failed a request, a breakpoint that fired,
 * a breakpoint dropped by remove_break), kept with its final counts for the views. Nothing here
 * is evaluated again: QEMU's rule list is unchanged by keeping the record.
 */
export interface SpentRule {
  rule: Rule;
  reason: SpentReason;
  /** Engine clock (ms) when it was removed (0 without a clock). */
  at: number;
}

/** The spent records kept per engine, newest kept (a loop of breakpoints must not grow without end). */
export const MAX_SPENT_RULES = 100;

export interface EngineHooks {
  /** printf to qemu-io's stdout ("blkdebug: Suspended request 'A'"). */
  print(text: string): void;
  /** A millisecond clock for "time parked"; optional. */
  now?(): number;
}

export class BlkdebugEngine {
  /** The state machine's state; starts at 1 (state 0 in a rule means "any"). */
  state = 1;
  private readonly rules = new Map<BlkdebugEvent, Rule[]>();
  /** Inject rules armed by the last event that matched any: checked by every request. */
  private activeRules: InjectErrorRule[] = [];
  /** Most recent first (QEMU's suspended_reqs is LIFO). */
  private readonly suspended: SuspendedRequest[] = [];
  private nextId = 1;
  private readonly listeners = new Set<(e: BlkdebugEngineEvent) => void>();
  /** Rules removed by `once`, a fired breakpoint or remove_break, oldest first (see SpentRule). */
  private spent: SpentRule[] = [];
  /** The request currently announcing events, so suspensions can say what they parked. */
  currentRequest: RequestInfo | null = null;

  constructor(private readonly hooks: EngineHooks) {}

  // ---- rule set --------------------------------------------------------------------------

  /** add_rule: the newest rule of an event is considered first (QLIST_INSERT_HEAD). */
  addRule(spec: RuleSpec | Omit<SuspendRule, 'id' | 'hits'>): Rule {
    const rule = { ...spec, id: this.nextId++, hits: 0, ...(spec.kind === 'inject-error' ? { injected: 0 } : {}) } as Rule;
    let list = this.rules.get(rule.event);
    if (!list) this.rules.set(rule.event, (list = []));
    list.unshift(rule);
    return rule;
  }

  /** Every rule, per event in evaluation order (newest first), events in enum order. */
  listRules(): Rule[] {
    return [...this.rules.values()].flat();
  }

  /**
   * The rules QEMU has removed since the rule set was last replaced, oldest first; breakpoints'
   * records survive a replacement, as live breakpoints do.
   */
  spentRules(): readonly SpentRule[] {
    return this.spent;
  }

  private markSpent(rule: Rule, reason: SpentReason): void {
    this.spent.push({ rule, reason, at: this.hooks.now?.() ?? 0 });
    if (this.spent.length > MAX_SPENT_RULES) this.spent.splice(0, this.spent.length - MAX_SPENT_RULES);
  }

  activeRuleIds(): number[] {
    return this.activeRules.map((r) => r.id);
  }

  /**
   * Swap the whole rule set in one step (between two events, so no event sees half of it).
   * Breakpoints and suspended requests stay; the state is kept unless resetState. The records of
   * spent file rules go with the rule set they belonged to; those of spent breakpoints stay.
   */
  replaceRules(specs: readonly RuleSpec[], resetState = false): void {
    const breakpoints = this.listRules().filter((r) => r.kind === 'suspend');
    this.spent = this.spent.filter((s) => s.rule.kind === 'suspend');
    this.rules.clear();
    this.activeRules = [];
    for (const spec of specs) this.addRule(spec);
    // Re-insert breakpoints in their old order so they are still evaluated first.
    for (const bp of [...breakpoints].reverse()) {
      const list = this.rules.get(bp.event) ?? [];
      list.unshift(bp);
      this.rules.set(bp.event, list);
    }
    if (resetState) this.setState(1);
    this.emit({ type: 'rules-replaced', count: specs.length });
  }

  setState(to: number): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.emit({ type: 'state-changed', from, to });
  }

  private removeRule(rule: Rule): void {
    const list = this.rules.get(rule.event);
    if (!list) return;
    const i = list.indexOf(rule);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.rules.delete(rule.event);
  }

  // ---- events ----------------------------------------------------------------------------

  /** True when the engine has any rule for this event (lets the driver skip the slow path). */
  hasRules(event: BlkdebugEvent): boolean {
    return this.rules.has(event);
  }

  /**
   * blkdebug_co_debug_event: every rule of the event is judged against the state at entry;
   * inject rules (re)arm the active set, set-state rules pick the new state (the first defined
   * wins), breakpoints park the request. The new state is committed once, then the request
   * waits for every breakpoint that caught it.
   */
  debugEvent(event: BlkdebugEvent): Promise<void> {
    const list = this.rules.get(event);
    const stateBefore = this.state;
    if (!list) {
      if (this.listeners.size > 0) this.emit({ type: 'event-fired', event, stateBefore, stateAfter: stateBefore });
      return Promise.resolve();
    }
    let newState = this.state;
    let injectMatched = false;
    const parked: Promise<void>[] = [];
    for (const rule of [...list]) {
      if (rule.state !== 0 && rule.state !== stateBefore) continue;
      rule.hits++;
      this.emit({ type: 'rule-matched', ruleId: rule.id, event });
      switch (rule.kind) {
        case 'inject-error':
          if (!injectMatched) {
            this.activeRules = [];
            injectMatched = true;
          }
          this.activeRules.unshift(rule);
          break;
        case 'set-state':
          newState = rule.newState;
          break;
        case 'suspend':
          this.removeRule(rule);
          this.markSpent(rule, 'fired');
          parked.push(this.park(rule.tag, event));
          break;
      }
    }
    this.setState(newState);
    if (this.listeners.size > 0) this.emit({ type: 'event-fired', event, stateBefore, stateAfter: newState });
    if (parked.length === 0) return Promise.resolve();
    return Promise.all(parked).then(() => undefined);
  }

  private park(tag: string, event: BlkdebugEvent): Promise<void> {
    return new Promise<void>((resolve) => {
      const req: SuspendedRequest = { tag, event, request: this.currentRequest, since: this.hooks.now?.() ?? 0, resume: resolve };
      this.suspended.unshift(req);
      this.hooks.print(`blkdebug: Suspended request '${tag}'\n`);
      this.emit({ type: 'request-suspended', tag, event, request: req.request });
    });
  }

  /**
   * rule_check: the first active rule that covers the request and its I/O type fails it.
   * Returns the errno to fail with, or 0 to pass the request through. `once` rules are used up.
   */
  ruleCheck(offset: number, bytes: number, iotype: number): InjectErrorRule | null {
    const active = this.activeRules;
    if (active.length === 0) return null;
    let hit: InjectErrorRule | null = null;
    for (const rule of active) {
      const covers = rule.offset === -1 || (bytes !== 0 && rule.offset >= offset && rule.offset < offset + bytes);
      if (covers && rule.iotypeMask & (1 << iotype)) {
        hit = rule;
        break;
      }
    }
    if (!hit || hit.errno === 0) return null;
    if (hit.once) {
      this.activeRules = active.filter((r) => r !== hit);
      this.removeRule(hit);
      this.markSpent(hit, 'once');
    }
    hit.injected++;
    this.emit({ type: 'error-injected', ruleId: hit.id, errno: hit.errno, iotype: IO_TYPES[iotype], offset, bytes });
    return hit;
  }

  // ---- breakpoints -------------------------------------------------------------------------

  /** blkdebug_debug_breakpoint: a one-shot suspend rule in any state; unknown event = ENOENT. */
  breakpoint(eventName: string, tag: string): void {
    const event = parseBlkdebugEvent(eventName);
    if (!event) throw new BlockError(ENOENT);
    this.addRule({ kind: 'suspend', event, state: 0, tag, source: { origin: 'breakpoint' } });
    this.emit({ type: 'breakpoints-changed', tag });
  }

  /** resume_req_by_tag(all=false): the most recently parked request with the tag. */
  resume(tag: string): void {
    const i = this.suspended.findIndex((r) => r.tag === tag);
    if (i < 0) throw new BlockError(ENOENT);
    this.resumeAt(i);
  }

  private resumeAt(i: number): void {
    const [req] = this.suspended.splice(i, 1);
    this.hooks.print(`blkdebug: Resuming request '${req.tag}'\n`);
    this.emit({ type: 'request-resumed', tag: req.tag });
    req.resume();
  }

  /**
   * blkdebug_debug_remove_breakpoint: drop the tag's untriggered breakpoints, resume all its
   * parked requests. Quirk kept from QEMU 6.1+: the result is ENOENT unless a breakpoint rule
   * was removed, even when requests were resumed.
   */
  removeBreakpoint(tag: string): void {
    const removed = this.removeSuspendRules(tag);
    for (let i = this.suspended.findIndex((r) => r.tag === tag); i >= 0; i = this.suspended.findIndex((r) => r.tag === tag)) {
      this.resumeAt(i);
    }
    if (!removed) throw new BlockError(ENOENT);
  }

  /**
   * remove_break as qemu-io runs it: each resumed request is entered before the next is resumed,
   * so one that fails at once (immediately=on) reports between the "Resuming request" lines.
   */
  async removeBreakpointEntering(tag: string): Promise<void> {
    const removed = this.removeSuspendRules(tag);
    for (let i = this.suspended.findIndex((r) => r.tag === tag); i >= 0; i = this.suspended.findIndex((r) => r.tag === tag)) {
      this.resumeAt(i);
      await runUntilBlocked();
    }
    if (!removed) throw new BlockError(ENOENT);
  }

  private removeSuspendRules(tag: string): boolean {
    let removed = false;
    for (const rule of this.listRules()) {
      if (rule.kind === 'suspend' && rule.tag === tag) {
        this.removeRule(rule);
        this.markSpent(rule, 'removed');
        removed = true;
      }
    }
    if (removed) this.emit({ type: 'breakpoints-changed', tag });
    return removed;
  }

  isSuspended(tag: string): boolean {
    return this.suspended.some((r) => r.tag === tag);
  }

  /** Parked requests, most recent first. */
  suspendedRequests(): readonly SuspendedRequest[] {
    return this.suspended;
  }

  /** Resume every parked request (most recent first). Returns how many. */
  resumeAll(): number {
    const n = this.suspended.length;
    while (this.suspended.length > 0) this.resumeAt(0);
    return n;
  }

  // ---- observation -------------------------------------------------------------------------

  /** Somebody watches the event stream: every event must go through the engine. */
  get observed(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: (e: BlkdebugEngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: BlkdebugEngineEvent): void {
    for (const l of this.listeners) l(e);
  }
}

export type { IoType };
