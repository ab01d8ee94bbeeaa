// The trace hook: every request that passes the gateway is reported here (start and end), and so
// is every debug event. The app's timeline and in-flight list are fed from it.
import type { BlkdebugEvent } from './events';

export type TraceOp = 'read' | 'write' | 'write-zeroes' | 'write-compressed' | 'discard' | 'flush' | 'block-status' | 'truncate';

export type TraceEvent =
  | { kind: 'request-start'; id: number; node: string; op: TraceOp; offset: number; bytes: number }
  | { kind: 'request-done'; id: number; node: string; op: TraceOp; offset: number; bytes: number; errno: number }
  | { kind: 'debug-event'; node: string; event: BlkdebugEvent };

export type TraceHook = (ev: TraceEvent) => void;
