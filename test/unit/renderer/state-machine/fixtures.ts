// Rule snapshots as the engine reports them, for the state machine view's tests.
import type { RuleSnapshot } from '../../../../src/api';

let nextId = 1;

export function setState(event: string, state: number, newState: number, line?: number, hits = 0): RuleSnapshot {
  return { id: nextId++, kind: 'set-state', event, state, newState, hits, source: { origin: 'config', ...(line !== undefined ? { line } : {}) } };
}

export function injectError(event: string, state: number, errno = 5, line?: number, extra: Partial<RuleSnapshot> = {}): RuleSnapshot {
  return {
    id: nextId++,
    kind: 'inject-error',
    event,
    state,
    errno,
    hits: 0,
    injected: 0,
    offset: -1,
    once: false,
    immediately: false,
    iotypes: ['read', 'write', 'write-zeroes', 'discard', 'flush'],
    source: { origin: 'config', ...(line !== undefined ? { line } : {}) },
    ...extra,
  };
}

export function breakpoint(event: string, tag: string): RuleSnapshot {
  return { id: nextId++, kind: 'suspend', event, state: 0, hits: 0, tag, source: { origin: 'breakpoint' } };
}
