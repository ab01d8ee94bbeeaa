import { describe, expect, it } from 'vitest';
import { qemuIoMain } from '../../../src/qemu-io/main';
import { HostTerminated } from '../../../src/qemu-io/qemu-io-host';
import { fixtures } from './fixtures';
import { MemoryQemuIoHost, noFiles } from './memory-host';

describe('the terminal line editor, against real qemu-io 7.2 on a pty', () => {
  for (const run of fixtures.ttyRuns) {
    it(`keys ${JSON.stringify(run.keys)}`, async () => {
      const host = new MemoryQemuIoHost('', run.keys);
      try {
        await qemuIoMain([], host, noFiles);
      } catch (e) {
        if (!(e instanceof HostTerminated)) throw e;
      }
      expect(host.combined).toBe(run.output);
    });
  }
});
