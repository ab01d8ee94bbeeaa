// Types for driver.mjs.
import type { TraceScenario, TraceSession } from './scenarios.mjs';

export interface Command {
  file: string;
  prefix: string[];
  argv0: string | undefined;
}
export interface TracedOp {
  op: string;
  events: string[];
  result: string;
}
export interface SessionTrace {
  args: string[];
  setup: string[];
  ops: TracedOp[];
  stderr: string;
  exit: number | null;
}
export interface Trace {
  scenario: string;
  description: string;
  sessions: SessionTrace[];
}

export const TRACE_DIR: string;
export const REPO_ROOT: string;
export const TRACE_GOLDEN_DIR: string;
export function loadEvents(): string[];
export function nativeCommand(path: string): Command;
export function runSession(
  command: Command,
  session: TraceSession,
  opts?: { cwd?: string; env?: NodeJS.ProcessEnv; events?: string[]; opTimeoutMs?: number; pokeMs?: number },
): Promise<SessionTrace>;
export function formatOp(o: TracedOp): string;
export function traceCommand(harness: typeof import('../iotests/harness.mjs'), tool: 'qemu' | 'ours'): Command;
export function runScenario(harness: typeof import('../iotests/harness.mjs'), scenario: TraceScenario, tool: 'qemu' | 'ours', options?: { opTimeoutMs?: number; pokeMs?: number }): Promise<Trace>;
export function comparable(trace: Trace): { args: string[]; setup: string[]; ops: TracedOp[]; stderr: string; exit: number | null }[];
export function traceText(trace: Trace): string;
