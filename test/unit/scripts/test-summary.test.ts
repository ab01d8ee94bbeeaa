import { describe, expect, it } from 'vitest';
import { summarize, type Step } from '../../../scripts/test-summary.mjs';

const ok = (name: string, kind: Step['kind']): Step => ({ name, kind, ok: true, code: 0 });
const bad = (name: string, kind: Step['kind'], code = 1): Step => ({ name, kind, ok: false, code });
const allSteps = [ok('typecheck', 'check'), ok('lint', 'check'), ok('build', 'check'), ok('vitest', 'runner'), ok('playwright', 'runner')];

const vitest = (passed: number, failed: number, pending = 0, files: unknown[] = []) => ({
  success: failed === 0,
  numPassedTests: passed,
  numFailedTests: failed,
  numPendingTests: pending,
  numTodoTests: 0,
  testResults: files,
});
const playwright = (expected: number, unexpected: number, skipped = 0, errors: unknown[] = []) => ({
  stats: { expected, unexpected, flaky: 0, skipped },
  errors,
});

describe('summarize', () => {
  it('adds up both reports', () => {
    expect(summarize({ steps: allSteps, vitest: vitest(10, 2, 1), playwright: playwright(5, 1, 2) })).toMatchObject({ passed: 15, failed: 3, skipped: 3 });
  });

  it('counts each failed typecheck/lint/build as one failure', () => {
    const steps = [bad('typecheck', 'check', 2), ok('lint', 'check'), bad('build', 'check'), ok('vitest', 'runner'), ok('playwright', 'runner')];
    const result = summarize({ steps, vitest: vitest(4, 0), playwright: playwright(3, 0) });
    expect(result).toMatchObject({ passed: 7, failed: 2, skipped: 0 });
    expect(result.notes).toEqual(['typecheck failed (exit 2)', 'build failed (exit 1)']);
  });

  it('names each failed vitest test with the first line of its message', () => {
    const file = { name: `${process.cwd()}/test/x.test.ts`, status: 'failed', assertionResults: [
      { status: 'passed', fullName: 'x works' },
      { status: 'failed', fullName: 'x > times out', failureMessages: ['Error: Test timed out in 30000ms.\nmore'] },
    ] };
    const result = summarize({ steps: allSteps, vitest: vitest(1, 1, 0, [file]), playwright: playwright(0, 0) });
    expect(result.notes).toEqual(['vitest: FAILED test/x.test.ts > x > times out: Error: Test timed out in 30000ms.']);
  });

  it('counts a missing report as a failure', () => {
    const result = summarize({ steps: allSteps, vitest: undefined, playwright: playwright(3, 0) });
    expect(result).toMatchObject({ passed: 3, failed: 1 });
    expect(result.notes).toContain('reports/vitest.json is missing');
  });

  it('counts a test file that failed to load and a Playwright global error', () => {
    const broken = { name: '/x/broken.test.ts', status: 'failed', message: 'SyntaxError: nope', assertionResults: [] };
    const result = summarize({ steps: allSteps, vitest: vitest(1, 0, 0, [broken]), playwright: playwright(0, 0, 0, [{ message: 'Timed out waiting 30000ms from config.webServer.' }]) });
    expect(result.failed).toBe(2);
  });

  it('fails a runner that exited non-zero with a clean report', () => {
    const steps = [...allSteps.slice(0, 3), bad('vitest', 'runner'), ok('playwright', 'runner')];
    const result = summarize({ steps, vitest: { ...vitest(3, 0), success: true }, playwright: playwright(1, 0) });
    expect(result).toMatchObject({ passed: 4, failed: 1 });
  });
});
