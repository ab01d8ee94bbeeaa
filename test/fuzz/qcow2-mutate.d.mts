// Types for qcow2-mutate.mjs.

export interface Patch {
  at: number;
  hex: string;
}
export interface Qcow2Base {
  id: string;
  size: number;
  weight: number;
  qemuHangsReadOnly?: boolean;
  selfBacking?: string;
  images: unknown[];
}
export interface Qcow2Layout {
  cs: number;
  fileSize: number;
  [key: string]: unknown;
}
export interface BuiltBase {
  base: Qcow2Base;
  files: Record<string, Buffer>;
  layout: Qcow2Layout;
}
export interface Qcow2FuzzCase {
  n: number;
  seed: number;
  baseId: string;
  mutations: string[];
  patches: Patch[];
  files: Record<string, Buffer>;
  roArgv: string[];
  rwArgv: string[];
  qemuHangsReadOnly: boolean;
  summary: string;
}

export const IMAGE: string;
export const BASES: Qcow2Base[];
export function prng(seed: number): { next(): number; int(lo: number, hi: number): number; pick<T>(xs: T[]): T; chance(p: number): boolean };
export function caseSeed(seed: number, n: number): number;
export function buildBases(): Map<string, BuiltBase>;
export function parseHeader(b: Buffer): Record<string, number | bigint>;
export function parseLayout(b: Buffer): Qcow2Layout;
export function applyPatches(buf: Buffer, patches: Patch[]): Buffer;
export function generateCase(seed: number, n: number, bases: Map<string, BuiltBase>): Qcow2FuzzCase;
export function sha256(buf: Buffer): string;
