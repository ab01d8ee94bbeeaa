// Differential fuzzer for blkdebug: random rule sets and random qemu-io scripts (see
// blkdebug-gen.mjs), each run through the real qemu-io 7.2 and through blkstudio-io with the
// iotests harness (fresh scratch dir, pipes, LC_ALL=C, masked timings). stdout, stderr, exit
// status and the image bytes must be identical.
//
//   FUZZ_SEED=N       seed of the run (default 20261122; CI uses the default)
//   FUZZ_CASES=N      number of cases (default 300)
//   FUZZ_SELFCHECK=1  run qemu-io against itself (validates that the generator only produces
//                     deterministic cases; must be 100% green)
//   FUZZ_ONLY=3,17    only these case numbers (for replaying a failure)
//
// A differing case is written to test/fuzz/failures/<seed>-<n>/ (rule file, argv, stdin, both
// outputs, the comparison report, the input files and a replay.sh that re-runs both binaries).
import { chmodSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { generateCase } from './blkdebug-gen.mjs';
import {
  BLKSTUDIO_IO_BIN,
  blkstudioIoCommand,
  blkstudioIoProblem,
  checkQemuIoVersion,
  compareRuns,
  findQemuIo,
  maskOutput,
  prepareScratch,
  removeScratch,
  runCase,
  shellQuote,
} from '../iotests/harness.mjs';
import type { CaseResult } from '../iotests/harness.mjs';
import type { IoCase } from '../iotests/cases.mjs';

const FUZZ_DIR = dirname(fileURLToPath(import.meta.url));
const FAILURES_DIR = join(FUZZ_DIR, 'failures');
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES = Number(process.env.FUZZ_CASES ?? 300);
const SELFCHECK = process.env.FUZZ_SELFCHECK === '1';
const ONLY = (process.env.FUZZ_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map(Number);
const CASE_TIMEOUT_MS = 60_000;

type FuzzCase = IoCase & { rules: string | null; form: string; summary: string };

function writeFailure(n: number, testCase: FuzzCase, qemu: CaseResult, ours: CaseResult, report: string): string {
  const dir = join(FAILURES_DIR, `${SEED}-${n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The inputs exactly as a run sees them (image + rules file), made by the harness itself.
  const scratch = prepareScratch(testCase, 'fuzz-input');
  cpSync(scratch, join(dir, 'input'), { recursive: true });
  removeScratch(scratch);
  if (testCase.rules !== null) writeFileSync(join(dir, 'rules.conf'), testCase.rules);
  writeFileSync(join(dir, 'argv.txt'), testCase.argv.map((a) => `${a}\n`).join(''));
  if (testCase.stdin !== undefined) writeFileSync(join(dir, 'stdin.txt'), testCase.stdin);
  writeFileSync(join(dir, 'case.json'), JSON.stringify(testCase, null, 2) + '\n');
  writeFileSync(join(dir, 'qemu.stdout'), qemu.stdout);
  writeFileSync(join(dir, 'qemu.stderr'), qemu.stderr);
  writeFileSync(join(dir, 'ours.stdout'), ours.stdout);
  writeFileSync(join(dir, 'ours.stderr'), ours.stderr);
  writeFileSync(join(dir, 'report.txt'), `${testCase.summary}\nqemu-io exit ${qemu.status}, blkstudio-io exit ${ours.status}\n\n${report}\n`);
  const ourCmd = blkstudioIoCommand();
  const ourArgv = process.env.BLKSTUDIO_IO ? [process.env.BLKSTUDIO_IO] : ['node', BLKSTUDIO_IO_BIN];
  const args = testCase.argv.map(shellQuote).join(' ');
  const stdinRedir = testCase.stdin !== undefined ? ' < "$here/stdin.txt"' : ' < /dev/null';
  const script = `#!/bin/sh
# Replays fuzz case ${n} of seed ${SEED} (${testCase.summary}).
# Runs qemu-io and blkstudio-io (${ourCmd.label}) each in a fresh copy of input/ and diffs
# the masked outputs; writes replay-{qemu,ours}.{stdout,stderr,status} and the images next to this file.
here=$(cd "$(dirname "$0")" && pwd)
QEMU_IO=\${QEMU_IO:-${shellQuote(findQemuIo() ?? 'qemu-io')}}
run() {
  tool=$1; shift
  d=$(mktemp -d)
  cp -R "$here/input/." "$d/"
  (cd "$d" && LC_ALL=C LANG=C "$@" ${args}${stdinRedir} > "$here/replay-$tool.stdout" 2> "$here/replay-$tool.stderr"; echo $? > "$here/replay-$tool.status")
  cp "$d/d.raw" "$here/replay-$tool.d.raw"
  rm -rf "$d"
}
run qemu "$QEMU_IO"
run ours ${ourArgv.map(shellQuote).join(' ')}
mask='s/[0-9]* ops; [0-9/:. sec]* ([0-9/.inf]* [EPTGMKiBbytes]*\\/sec and [0-9/.inf]* ops\\/sec)/X ops; XX:XX:XX.X (XXX YYY\\/sec and XXX ops\\/sec)/'
status=0
for s in stdout stderr; do
  sed "$mask" "$here/replay-qemu.$s" > "$here/replay-qemu.$s.masked"
  sed "$mask" "$here/replay-ours.$s" > "$here/replay-ours.$s.masked"
  diff -u "$here/replay-qemu.$s.masked" "$here/replay-ours.$s.masked" || status=1
done
diff -u "$here/replay-qemu.status" "$here/replay-ours.status" || status=1
cmp "$here/replay-qemu.d.raw" "$here/replay-ours.d.raw" || status=1
[ $status = 0 ] && echo "replay: identical"
exit $status
`;
  writeFileSync(join(dir, 'replay.sh'), script);
  chmodSync(join(dir, 'replay.sh'), 0o755);
  return dir;
}

const version = checkQemuIoVersion();
const problem = SELFCHECK ? null : blkstudioIoProblem();
const numbers = ONLY.length ? ONLY : Array.from({ length: CASES }, (_, i) => i);
const cases = numbers.map((n) => [n, generateCase(SEED, n) as FuzzCase] as const);

if (!version.ok || problem) {
  describe('blkdebug fuzz', () => {
    it('has qemu-io 7.2 and a built blkstudio-io', () => {
      throw new Error(!version.ok ? version.message : (problem ?? ''));
    });
  });
} else {
  const label = SELFCHECK ? `qemu-io vs itself (FUZZ_SELFCHECK)` : `${blkstudioIoCommand().label} vs qemu-io ${version.version}`;
  describe.concurrent(`blkdebug fuzz, seed ${SEED}, ${numbers.length} cases: ${label}`, () => {
    it.each(cases.map(([n, c]) => [n, c.summary, n, c] as const))(
      'case %i: %s',
      async (_n, _summary, n, testCase) => {
        const [qemu, ours] = await Promise.all([runCase(testCase, 'qemu'), runCase(testCase, SELFCHECK ? 'qemu' : 'ours')]);
        if (qemu.timedOut) throw new Error(`case ${n}: qemu-io itself timed out (generator bug: a hang)\n${testCase.argv.map(shellQuote).join(' ')}\n${testCase.stdin ?? ''}`);
        // QEMU 7.2 crashes on a few inputs (SIGFPE on unaligned discards with align): those are
        // QEMU bugs, not behaviour to copy, so the generator must not produce them.
        if ((qemu.status ?? 0) >= 128) throw new Error(`case ${n}: qemu-io itself died (exit ${qemu.status}; generator bug)\n${testCase.argv.map(shellQuote).join(' ')}\n${testCase.stdin ?? ''}`);
        const report = compareRuns(testCase, qemu, ours);
        if (report) {
          const dir = writeFailure(n, testCase, qemu, ours, report);
          const rules = testCase.rules !== null ? `\nrules.conf:\n${testCase.rules}` : '';
          throw new Error(`fuzz case ${n} (seed ${SEED}, ${testCase.summary}) differs; saved in ${dir} (run replay.sh)${rules}\n${report}\n\nqemu-io stdout (masked):\n${maskOutput(qemu.stdout).toString('latin1')}`);
        }
      },
      CASE_TIMEOUT_MS,
    );
  });
}
