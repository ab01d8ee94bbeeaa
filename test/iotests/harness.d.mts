// Types for harness.mjs (plain ESM so scripts/gen-golden.mjs can use it without a TS loader).
import type { IoCase } from './cases.mjs';

export interface ImageResult {
  sha256: string;
  size: number;
  bytes: Buffer | null;
}
export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}
export interface CheckResult {
  stdout: Buffer;
  stderr: Buffer;
  status: number | string | null;
}
export interface CaseResult extends RunResult {
  images: Record<string, ImageResult>;
  data: Record<string, { sha256: string; size: number } | { error: string }>;
  checks: Record<string, CheckResult>;
  dir: string;
}

export const IOTESTS_DIR: string;
export const REPO_ROOT: string;
export const GOLDEN_DIR: string;
export const BLKSTUDIO_IO_BIN: string;
export const BLKSTUDIO_IO_BUNDLE: string;
export const RUN_TIMEOUT_MS: number;

export function findQemuIo(): string | null;
export function findQemuImg(): string | null;
export function checkQemuIoVersion(): { ok: true; version: string; path: string } | { ok: false; message: string };
export function blkstudioIoCommand(): { file: string; prefix: string[]; label: string; argv0: string | undefined };
export function blkstudioIoProblem(): string | null;
export function childEnv(): NodeJS.ProcessEnv;
export function loadCases(): Promise<IoCase[]>;
export function parseSize(text: string): number;
export function materialize(spec: unknown): Buffer;
export function prepareScratch(testCase: IoCase, label?: string): string;
export function prepareScratchAsync(testCase: IoCase, label?: string): Promise<string>;
export function removeScratch(dir: string): void;
export function runProgram(
  file: string,
  args: string[],
  opts?: { cwd?: string; stdin?: string; timeoutMs?: number; argv0?: string },
): Promise<RunResult>;
export function createLimiter(n: number): <T>(task: () => T | Promise<T>) => Promise<T>;
export const limitProcesses: <T>(task: () => T | Promise<T>) => Promise<T>;
export function runCase(testCase: IoCase, tool: 'qemu' | 'ours'): Promise<CaseResult>;
export function maskOutput(output: Buffer | string): Buffer;
export function shellQuote(word: string): string;
export function showBytes(buf: Buffer | string): string;
export function renderTranscript(testCase: IoCase, result: CaseResult): string;
export function goldenPath(testCase: IoCase): string;
export function lineDiff(a: string, b: string, opts?: { labelA?: string; labelB?: string; context?: number }): string;
export function firstDifference(a: Buffer | null, b: Buffer | null): string;
export function compareRuns(testCase: IoCase, qemu: CaseResult, ours: CaseResult): string | null;
/** Absolute path of an executable on PATH, or null. */
export function which(name: string): string | null;
/** A private copy of out/cli in dir; returns the bundle `bin/blkstudio img` runs. */
export function snapshotImgCli(dir: string): string;
