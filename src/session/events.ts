// The session's event stream. The serialisable types are the API contract's (src/api/events.ts);
// the session produces exactly these.
import type { EventBatch, SessionEvent } from '../api/events';

export type { EventBatch, InFlightRequest, RequestOp, RequestRange, SessionEvent } from '../api/events';

export type BatchListener = (batch: EventBatch) => void;

/**
 * Events a flood may fold into counters. Everything else (errors, injected errors, suspensions,
 * state changes, inject and suspend rule hits, console output, graph changes) is always delivered
 * one by one.
 */
export function isCoalescable(e: SessionEvent): boolean {
  switch (e.type) {
    case 'request-start':
    case 'debug-event':
      return true;
    case 'request-done':
      return e.errno === 0;
    case 'rule-matched':
      return e.ruleKind === 'set-state';
    default:
      return false;
  }
}
