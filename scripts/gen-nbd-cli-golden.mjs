#!/usr/bin/env node
// Regenerates test/nbd/golden/cli/<case>.json from the REAL qemu-nbd 7.2 (QEMU_NBD=path to
// override): for each command line of test/nbd/cli-cases.mjs, its args, stdout, stderr and exit
// status. Review the diff before committing: goldens are qemu-nbd's behaviour, never ours.
//   node scripts/gen-nbd-cli-golden.mjs [NAME...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCaseDir, mask, NBD_CLI_CASES, substitute } from '../test/nbd/cli-cases.mjs';

const QEMU_NBD = process.env.QEMU_NBD ?? 'qemu-nbd';
const version = spawnSync(QEMU_NBD, ['-V'], { encoding: 'utf8' });
if (version.status !== 0 || !/^qemu-nbd 7\.2\./.test(version.stdout)) {
  console.error(`gen-nbd-cli-golden: need qemu-nbd 7.2 (${QEMU_NBD}): ${version.stdout ?? version.error}`);
  process.exit(1);
}
const out = join(import.meta.dirname, '..', 'test', 'nbd', 'golden', 'cli');
mkdirSync(out, { recursive: true });
const names = process.argv.slice(2);
for (const c of NBD_CLI_CASES) {
  if (names.length && !names.some((n) => c.name.includes(n))) continue;
  const dir = makeCaseDir();
  try {
    // Every case must fail or finish at once; a server that starts serving is a bad case.
    const r = spawnSync(QEMU_NBD, substitute(c.args, dir), { cwd: dir, encoding: 'latin1', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error || r.status === null) throw new Error(`${c.name}: qemu-nbd did not exit (${r.error ?? r.signal})`);
    const golden = { args: c.args, stdout: mask(r.stdout, dir), stderr: mask(r.stderr, dir), status: r.status };
    writeFileSync(join(out, `${c.name}.json`), `${JSON.stringify(golden, null, 2)}\n`);
    console.error(`${c.name}: status ${r.status}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
