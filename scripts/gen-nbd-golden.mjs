#!/usr/bin/env node
// Writes test/nbd/golden/<case>.json for every case of test/nbd/cases.mjs by running it against
// the REAL qemu-nbd 7.2 (and the real clients), and test/nbd/golden/hostile.json from
// test/nbd/hostile-cases.mjs (raw-socket clients). Never run against our server.
//   NBD_ONLY=name node scripts/gen-nbd-golden.mjs      only some cases
import { mkdirSync, writeFileSync } from 'node:fs';
import { goldenFile, loadNbdCases, missingClients, NBD_GOLDEN_DIR, runNbdCase } from '../test/nbd/harness.mjs';
import { runHostile } from '../test/nbd/hostile-cases.mjs';

const problem = missingClients();
if (problem) {
  console.error(`gen-nbd-golden: ${problem}`);
  process.exit(1);
}
mkdirSync(NBD_GOLDEN_DIR, { recursive: true });
const cases = await loadNbdCases();
await Promise.all(
  cases.map(async (c) => {
    const r = await runNbdCase(c, 'qemu');
    writeFileSync(goldenFile(c.name), JSON.stringify(r, null, 2) + '\n');
    console.log(`${c.name}: server exit ${r.server.status ?? r.server.signal}, clients ${r.clients.map((x) => x.status).join(' ')}`);
  }),
);
if (!process.env.NBD_ONLY) {
  const h = await runHostile('qemu');
  writeFileSync(goldenFile('hostile'), JSON.stringify(h, null, 2) + '\n');
  console.log(`hostile: ${h.cases.length} cases, server alive at the end: ${h.aliveAtEnd}`);
}
