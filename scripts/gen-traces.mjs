#!/usr/bin/env node
// Regenerates test/trace/golden/<scenario>.json from the REAL qemu-io 7.2 (blkdebug event traces,
// see test/trace/driver.mjs). Review the diff before committing.
//
//   node scripts/gen-traces.mjs              write every golden, delete goldens of removed scenarios
//   node scripts/gen-traces.mjs NAME...      only the scenarios whose names contain NAME
//   node scripts/gen-traces.mjs --check      run every scenario three times, report differences (writes nothing)
//   node scripts/gen-traces.mjs --print      print the traces instead of writing them

import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as harness from '../test/iotests/harness.mjs';
import { runScenario, TRACE_GOLDEN_DIR, traceText } from '../test/trace/driver.mjs';
import { scenarios } from '../test/trace/scenarios.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const print = args.includes('--print');
const names = args.filter((a) => !a.startsWith('--'));

const version = harness.checkQemuIoVersion();
if (!version.ok) {
  console.error(`gen-traces: ${version.message}`);
  process.exit(1);
}
console.error(`gen-traces: using ${version.path} (qemu-io ${version.version})`);

const selected = names.length ? scenarios.filter((s) => names.some((n) => s.name.includes(n))) : scenarios;
if (selected.length === 0) {
  console.error('gen-traces: no scenario matches');
  process.exit(1);
}
mkdirSync(TRACE_GOLDEN_DIR, { recursive: true });

let written = 0;
let unchanged = 0;
let unstable = 0;
for (const s of selected) {
  const trace = await runScenario(harness, s, 'qemu');
  const text = traceText(trace);
  if (check) {
    for (let i = 0; i < 2; i++) {
      const again = traceText(await runScenario(harness, s, 'qemu'));
      if (again !== text) {
        unstable++;
        console.log(`UNSTABLE ${s.name}\n${harness.lineDiff(text, again, { labelA: 'run 1', labelB: `run ${i + 2}` })}\n`);
        break;
      }
    }
    continue;
  }
  if (print) {
    console.log(`# ${s.name}: ${s.description}\n${text}\n`);
    continue;
  }
  const json = `${JSON.stringify({ ...trace, qemuIo: version.version }, null, 2)}\n`;
  const p = join(TRACE_GOLDEN_DIR, `${s.name}.json`);
  if (existsSync(p) && readFileSync(p, 'utf8') === json) {
    unchanged++;
    continue;
  }
  writeFileSync(p, json);
  written++;
  console.log(`wrote ${p}`);
}
if (check) {
  console.log(`gen-traces --check: ${selected.length} scenarios, ${unstable} unstable`);
  process.exit(unstable ? 1 : 0);
}
if (!print && names.length === 0) {
  const wanted = new Set(scenarios.map((s) => `${s.name}.json`));
  for (const f of readdirSync(TRACE_GOLDEN_DIR)) {
    if (f.endsWith('.json') && !wanted.has(f)) {
      unlinkSync(join(TRACE_GOLDEN_DIR, f));
      console.log(`removed stale ${f}`);
    }
  }
}
if (!print) console.log(`gen-traces: ${selected.length} scenarios, ${written} written, ${unchanged} unchanged`);
