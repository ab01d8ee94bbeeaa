// `blkstudio nbd` against the goldens of real qemu-nbd 7.2 (scripts/gen-nbd-golden.mjs): every case of
// test/nbd/cases.mjs runs the same real clients (qemu-io, qemu-img, nbdinfo, nbdsh, nbdcopy) against our
// server; each client's masked stdout, stderr and exit status, the server's exit and stderr, and the
// sha256 of every image after the server has exited must equal the golden.
// Needs `npm run -s build` and the clients (qemu-utils libnbd-bin python3-libnbd): missing ones FAIL.
//   BLKSTUDIO_NBD=/usr/bin/qemu-nbd npx vitest run test/nbd    checks the harness (all must pass)
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CaseRecord } from './harness.mjs';
import { goldenFile, loadNbdCases, missingClients, oursProblem, runNbdCase, serverCommand } from './harness.mjs';

const problem = missingClients() ?? oursProblem();
const cases = await loadNbdCases();

if (problem) {
  describe('nbd differential', () => {
    it('has the NBD clients, qemu-nbd 7.2 and a built blkstudio', () => {
      throw new Error(problem);
    });
  });
} else {
  describe.concurrent(`${serverCommand('ours').label} vs qemu-nbd 7.2 goldens`, () => {
    it.each(cases.map((c) => [c.name, c] as const))(
      '%s',
      async (name, testCase) => {
        const file = goldenFile(name);
        if (!existsSync(file)) throw new Error(`${file} missing: run node scripts/gen-nbd-golden.mjs`);
        const golden = JSON.parse(readFileSync(file, 'utf8')) as CaseRecord;
        const got = await runNbdCase(testCase, 'ours');
        // One assertion per client first (readable diffs), then the whole record.
        golden.clients.forEach((g, i) => expect(got.clients[i], `client ${i}: ${g.argv.join(' ')}`).toEqual(g));
        expect(got.server, 'server exit and output').toEqual(golden.server);
        expect(got.images, 'image sha256 after the server exited').toEqual(golden.images);
      },
      60_000,
    );
  });
}
