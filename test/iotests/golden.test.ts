// Golden transcripts: runs blkstudio-io on every case of cases.mjs and compares the rendered
// transcript (masked stdout, masked stderr, exit status, image hashes) with golden/<case>.out,
// which `npm run golden` produced from the real qemu-io 7.2. Needs no qemu-io.
//   BLKSTUDIO_IO=/usr/bin/qemu-io npx vitest run test/iotests   checks the harness itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cases as allCases } from './cases.mjs';
import { blkstudioIoCommand, blkstudioIoProblem, GOLDEN_DIR, goldenPath, lineDiff, loadCases, renderTranscript, runCase } from './harness.mjs';

const cases = await loadCases();
const problem = blkstudioIoProblem();
const CASE_TIMEOUT_MS = 120_000;

describe('golden files', () => {
  it('every case has a golden file and every golden file has a case', () => {
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.out')).sort();
    const names = allCases.map((c) => `${c.name}.out`).sort();
    const missing = names.filter((n) => !files.includes(n));
    const stale = files.filter((f) => !names.includes(f));
    expect({ missing, stale }, 'run `npm run golden` (needs qemu-io 7.2) and review the diff').toEqual({ missing: [], stale: [] });
  });

  it('case names are unique and file-name safe', () => {
    const names = allCases.map((c) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(names.filter((n) => !/^[a-z0-9][a-z0-9.-]*$/.test(n))).toEqual([]);
    expect(names.length).toBeGreaterThanOrEqual(100);
  });
});

if (problem) {
  describe('blkstudio-io golden transcripts', () => {
    it('has a built blkstudio-io', () => {
      throw new Error(problem);
    });
  });
} else {
  describe.concurrent(`${blkstudioIoCommand().label} matches the qemu-io golden transcripts`, () => {
    it.each(cases.map((c) => [c.name, c] as const))(
      '%s',
      async (_name, testCase) => {
        const path = goldenPath(testCase);
        if (!existsSync(path)) throw new Error(`no golden file ${path}: run \`npm run golden\``);
        const golden = readFileSync(path, 'latin1');
        const ours = renderTranscript(testCase, await runCase(testCase, 'ours'));
        if (ours !== golden) {
          throw new Error(`case ${testCase.name} differs from ${path}:\n${lineDiff(golden, ours, { labelA: 'golden (qemu-io 7.2)', labelB: 'blkstudio-io' })}`);
        }
      },
      CASE_TIMEOUT_MS,
    );
  });
}
