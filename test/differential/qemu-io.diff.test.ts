// Differential test: every case of test/iotests/cases.mjs is run through the real qemu-io 7.2
// and through our blkstudio-io, each in its own fresh scratch directory, with stdout/stderr on
// pipes (no TTY) and LC_ALL=C. Masked stdout bytes, masked stderr bytes, the exit status and the
// bytes of every image in `compareImages` must be identical.
//
// Needs `npm run build:cli` (out/cli/blkstudio-io.cjs) and Debian's qemu-utils.
// To check the harness itself, run qemu-io on both sides (everything must pass):
//   BLKSTUDIO_IO=/usr/bin/qemu-io npx vitest run test/differential
// IOTESTS_ONLY=name1,name2 restricts the cases; IOTESTS_KEEP=1 keeps the scratch directories.
import { describe, it } from 'vitest';
import { blkstudioIoCommand, blkstudioIoProblem, checkQemuIoVersion, compareRuns, loadCases, runCase } from '../iotests/harness.mjs';

const version = checkQemuIoVersion();
const problem = blkstudioIoProblem();
const cases = await loadCases();
const CASE_TIMEOUT_MS = 120_000;

if (!version.ok || problem) {
  // Never skip silently: without qemu-io (or without a built blkstudio-io) the suite fails.
  describe('qemu-io differential', () => {
    it('has qemu-io 7.2 and a built blkstudio-io', () => {
      throw new Error(!version.ok ? version.message : (problem ?? ''));
    });
  });
} else {
  // Concurrent tests, but at most 2 processes at a time (harness limitProcesses).
  describe.concurrent(`${blkstudioIoCommand().label} vs qemu-io ${version.version}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))(
      '%s',
      async (_name, testCase) => {
        const [qemu, ours] = await Promise.all([runCase(testCase, 'qemu'), runCase(testCase, 'ours')]);
        const report = compareRuns(testCase, qemu, ours);
        if (report) throw new Error(report);
      },
      CASE_TIMEOUT_MS,
    );
  });
}
