// Types for scripts/test-summary.mjs, so its unit test type-checks.
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  notes: string[];
}
export interface Step {
  name: string;
  kind: 'check' | 'runner';
  ok: boolean;
  code: number;
}
export function countVitest(report: unknown): Counts;
export function countPlaywright(report: unknown): Counts;
export function countSteps(steps: Step[] | undefined): Counts;
export function summarize(input: { steps?: Step[]; vitest?: unknown; playwright?: unknown }): Counts;
