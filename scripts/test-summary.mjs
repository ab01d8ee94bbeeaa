#!/usr/bin/env node
// Prints the closing line `N passed, N failed, N skipped` from reports/vitest.json,
// reports/playwright.json and reports/steps.json (the steps scripts/test.mjs ran; a failed
// typecheck, lint or build counts as one failed test),
// and exits 1 if anything failed. A missing or unreadable report counts as one failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPORTS = join(import.meta.dirname, '..', 'reports');

function readJson(name) {
  try {
    return JSON.parse(readFileSync(join(REPORTS, name), 'utf8'));
  } catch {
    return undefined;
  }
}

const ROOT = join(import.meta.dirname, '..');
const relative = (file) => (typeof file === 'string' && file.startsWith(ROOT) ? file.slice(ROOT.length + 1) : String(file));
const firstLine = (text) => String(text ?? '').split('\n')[0].slice(0, 300);

/** Vitest's JSON (Jest format). A file that failed to load has no failed test but a failed status. */
export function countVitest(report) {
  if (!report) return { passed: 0, failed: 1, skipped: 0, notes: ['reports/vitest.json is missing'] };
  const brokenFiles = (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  const failed = (report.numFailedTests ?? 0) + brokenFiles.length;
  // Named here, next to the closing line, because CI shows only the end of the output.
  const failedTests = (report.testResults ?? []).flatMap((f) =>
    (f.assertionResults ?? [])
      .filter((a) => a.status === 'failed')
      .map((a) => `vitest: FAILED ${relative(f.name)} > ${a.fullName ?? a.title}: ${firstLine((a.failureMessages ?? [])[0])}`),
  );
  return {
    passed: report.numPassedTests ?? 0,
    failed: failed === 0 && report.success === false ? 1 : failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    notes: brokenFiles.map((f) => `vitest: ${f.name} failed to run: ${firstLine(f.message)}`).concat(failedTests),
  };
}

/** Playwright's JSON: stats.expected/unexpected/flaky/skipped; top-level errors (e.g. webServer) count too. */
export function countPlaywright(report) {
  if (!report) return { passed: 0, failed: 1, skipped: 0, notes: ['reports/playwright.json is missing'] };
  const s = report.stats ?? {};
  const errors = report.errors ?? [];
  return {
    passed: (s.expected ?? 0) + (s.flaky ?? 0),
    failed: (s.unexpected ?? 0) + errors.length,
    skipped: s.skipped ?? 0,
    notes: errors.map((e) => `playwright: ${(e.message ?? String(e)).split('\n')[0]}`),
  };
}

/** A failing typecheck/lint/build counts as one failed test; a passing one adds nothing. */
export function countSteps(steps) {
  const failed = (steps ?? []).filter((s) => s.kind === 'check' && !s.ok);
  return { passed: 0, failed: failed.length, skipped: 0, notes: failed.map((s) => `${s.name} failed (exit ${s.code})`) };
}

export function summarize({ steps, vitest, playwright }) {
  const runners = { vitest: countVitest(vitest), playwright: countPlaywright(playwright) };
  const parts = [countSteps(steps), ...Object.values(runners)];
  // A runner that exited non-zero while its report shows no failure still failed (e.g. unhandled errors).
  const unexplained = (steps ?? []).filter((s) => s.kind === 'runner' && !s.ok && runners[s.name]?.failed === 0);
  const sum = (key) => parts.reduce((n, p) => n + p[key], 0);
  return {
    passed: sum('passed'),
    failed: sum('failed') + unexplained.length,
    skipped: sum('skipped'),
    notes: parts.flatMap((p) => p.notes).concat(unexplained.map((s) => `${s.name} exited ${s.code} without a failing test in its report`)),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = summarize({
    steps: readJson('steps.json'),
    vitest: readJson('vitest.json'),
    playwright: readJson('playwright.json'),
  });
  for (const note of result.notes) console.log(`  - ${note}`);
  console.log(`${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
  process.exit(result.failed > 0 ? 1 : 0);
}
