// Types for blkdebug-gen.mjs.
import type { IoCase } from '../iotests/cases.mjs';

export function prng(seed: number): { next(): number; int(lo: number, hi: number): number; pick<T>(xs: T[]): T; chance(p: number): boolean };
export function caseSeed(seed: number, n: number): number;
export function generateCase(seed: number, n: number): IoCase & { rules: string | null; form: string; summary: string };
