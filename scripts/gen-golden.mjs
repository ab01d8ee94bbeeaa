#!/usr/bin/env node
// Regenerates test/iotests/golden/<case>.out from the REAL qemu-io 7.2 (`npm run golden`).
// Review the diff before committing: goldens are QEMU's behaviour, never our own output.
//
//   node scripts/gen-golden.mjs              write every golden, delete goldens of removed cases
//   node scripts/gen-golden.mjs NAME...      only the cases whose names contain NAME
//   node scripts/gen-golden.mjs --check      run every case twice and report cases whose masked
//                                            output differs between runs (i.e. racy cases); writes nothing
//   node scripts/gen-golden.mjs --print NAME print the transcripts instead of writing them

import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkQemuIoVersion, GOLDEN_DIR, goldenPath, lineDiff, loadCases, renderTranscript, runCase } from '../test/iotests/harness.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const print = args.includes('--print');
const names = args.filter((a) => !a.startsWith('--'));

const version = checkQemuIoVersion();
if (!version.ok) {
  console.error(`gen-golden: ${version.message}`);
  process.exit(1);
}
console.error(`gen-golden: using ${version.path} (qemu-io ${version.version})`);

const all = await loadCases();
const seen = new Set();
for (const c of all) {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(c.name)) throw new Error(`bad case name ${JSON.stringify(c.name)} (use [a-z0-9.-])`);
  if (seen.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
  seen.add(c.name);
}
const selected = names.length ? all.filter((c) => names.some((n) => c.name.includes(n))) : all;
if (selected.length === 0) {
  console.error('gen-golden: no case matches');
  process.exit(1);
}

mkdirSync(GOLDEN_DIR, { recursive: true });
let written = 0;
let unchanged = 0;
let racy = 0;

// Two at a time (runCase's process limiter), in order of the list for stable console output.
const results = await Promise.all(
  selected.map(async (c) => {
    const first = renderTranscript(c, await runCase(c, 'qemu'));
    const second = check ? renderTranscript(c, await runCase(c, 'qemu')) : null;
    return { c, first, second };
  }),
);

for (const { c, first, second } of results) {
  if (check) {
    if (first !== second) {
      racy++;
      console.log(`RACY ${c.name}\n${lineDiff(first, second, { labelA: 'run 1', labelB: 'run 2' })}\n`);
    }
    continue;
  }
  if (print) {
    process.stdout.write(first + '\n');
    continue;
  }
  const p = goldenPath(c);
  if (existsSync(p) && readFileSync(p, 'utf8') === first) {
    unchanged++;
    continue;
  }
  writeFileSync(p, first);
  written++;
  console.log(`wrote ${p}`);
}

if (check) {
  console.log(`gen-golden --check: ${selected.length} cases, ${racy} racy`);
  process.exit(racy ? 1 : 0);
}
if (!print && names.length === 0) {
  const wanted = new Set(all.map((c) => `${c.name}.out`));
  for (const f of readdirSync(GOLDEN_DIR)) {
    if (f.endsWith('.out') && !wanted.has(f)) {
      unlinkSync(join(GOLDEN_DIR, f));
      console.log(`removed stale ${f}`);
    }
  }
}
if (!print) console.log(`gen-golden: ${selected.length} cases, ${written} written, ${unchanged} unchanged`);
