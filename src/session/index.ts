// The session facade: what hosts (Electron main, the web server) use of the engine.
export { Session, type ApplyRulesOptions, type OpenSpec, type RunResult, type SessionOptions } from './session';
export { SessionError, type SessionErrorCode } from './session-error';
export type { Clock, SessionEnv, Timer, TimerHandle } from './env';
export type { BatcherOptions } from './event-batcher';
export { isCoalescable, type BatchListener, type EventBatch, type InFlightRequest, type RequestOp, type RequestRange, type SessionEvent } from './events';
export type { BlkdebugSnapshot, ChildSnapshot, ImageSnapshot, NodeSnapshot, RuleSnapshot, SessionSnapshot, SuspendedSnapshot } from './snapshot';
export type { ConfigDiagnostic } from '../block/index';
