import { describe, expect, it } from 'vitest';
import { qemuIoMain } from '../../../src/qemu-io/main';
import { fixtures } from './fixtures';
import { HostTerminated } from '../../../src/qemu-io/qemu-io-host';
import { MemoryQemuIoHost, noFiles } from './memory-host';

describe('whole qemu-io runs without an image, against real qemu-io 7.2', () => {
  for (const run of fixtures.runs) {
    it(`qemu-io ${run.args.map((a) => JSON.stringify(a)).join(' ')}${run.stdin ? ` <<< ${JSON.stringify(run.stdin)}` : ''}`, async () => {
      const host = new MemoryQemuIoHost(run.stdin);
      let status: number;
      try {
        status = await qemuIoMain(run.args, host, noFiles);
      } catch (e) {
        if (!(e instanceof HostTerminated)) throw e;
        status = -e.signal; // as Python's subprocess reports a death by signal
      }
      expect(host.stdout).toBe(run.stdout);
      expect(host.stderr).toBe(run.stderr);
      expect(host.combined).toBe(run.combined);
      expect(status).toBe(run.status);
    });
  }
});
