#!/usr/bin/env node
// `npm test`: type check, lint, build, Electron security check, unit + golden + differential tests (vitest), browser e2e
// (Playwright). Every step runs even after a failure so every report exists; the closing line
// comes from scripts/test-summary.mjs and is the last thing printed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const REPORTS = join(ROOT, 'reports');

// kind 'check': a failure counts as one failed test; kind 'runner': writes reports/<name>.json.
const STEPS = [
  { name: 'typecheck', kind: 'check', cmd: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', kind: 'check', cmd: ['npm', 'run', '--silent', 'lint'] },
  { name: 'build', kind: 'check', cmd: ['npm', 'run', '--silent', 'build'] },
  // After the build, so the built renderer page's CSP is checked too.
  { name: 'electron-security', kind: 'check', cmd: ['node', 'scripts/electron-security-check.mjs'] },
  { name: 'vitest', kind: 'runner', cmd: ['npx', 'vitest', 'run'] },
  { name: 'playwright', kind: 'runner', cmd: ['npx', 'playwright', 'test'] },
];

rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });

const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', ELECTRON_SKIP_BINARY_DOWNLOAD: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '0' };
const results = [];
for (const step of STEPS) {
  const started = Date.now();
  console.log(`\n=== ${step.name}: ${step.cmd.join(' ')}`);
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = run.status ?? (run.error ? 127 : 1);
  const ok = code === 0;
  results.push({ name: step.name, kind: step.kind, ok, code, seconds: (Date.now() - started) / 1000 });
  console.log(`=== ${step.name}: ${ok ? 'ok' : `FAILED (exit ${code}${run.error ? `, ${run.error.message}` : ''})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
writeFileSync(join(REPORTS, 'steps.json'), JSON.stringify(results, null, 2) + '\n');

console.log('\n=== summary');
for (const r of results) console.log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.seconds.toFixed(1)} s)`);
const summary = spawnSync(process.execPath, [join(ROOT, 'scripts', 'test-summary.mjs')], { cwd: ROOT, stdio: 'inherit' });
process.exit(summary.status ?? 1);
