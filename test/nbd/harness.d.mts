// Types for harness.mjs.
import type { ChildProcess } from 'node:child_process';
import type { NbdCase } from './cases.mjs';

export interface ClientRecord { argv: string[]; status: number | string; stdout: string; stderr: string }
export interface CaseRecord {
  server: { args: string[]; persistent: boolean; status: number | null; signal: string | null; stdout: string; stderr: string };
  clients: ClientRecord[];
  images: Record<string, string | null>;
}
export interface ServerExit { status: number | null; signal: string | null; stdout: string; stderr: string }
export interface StartedServer { child: ChildProcess; exited: Promise<ServerExit>; stop(ms?: number): Promise<ServerExit>; alive(): boolean; label: string }
export interface RunResult { stdout: string; stderr: string; status: number | null; signal: string | null; timedOut: boolean }

export const NBD_DIR: string;
export const REPO_ROOT: string;
export const NBD_GOLDEN_DIR: string;
export const BLKSTUDIO_BIN: string;
export const CLIENTS: string[];
export function nbdEnv(): NodeJS.ProcessEnv;
export function missingClients(extra?: string[]): string | null;
export function serverCommand(side: 'qemu' | 'ours'): { file: string; prefix: string[]; label: string };
export function oursProblem(): string | null;
export function loadNbdCases(): Promise<NbdCase[]>;
export function freePort(): Promise<number>;
export function run(file: string, args: string[], opts?: { cwd?: string; stdin?: string | Buffer; timeoutMs?: number }): Promise<RunResult>;
export function startServer(side: 'qemu' | 'ours', args: string[], opts: { cwd: string; sock: string | null; port: number; timeoutMs?: number }): Promise<StartedServer>;
export function maskText(text: string, where: { dir: string; port?: number }): string;
export function runNbdCase(testCase: NbdCase, side: 'qemu' | 'ours'): Promise<CaseRecord>;
export function goldenFile(name: string): string;
