// `resume TAG` typed in the console while an aio_read is parked at TAG: it returns (the session's
// queue is not held by the parked request) with qemu-io's line, or with ENOTSUP where qemu-io's
// resume cannot reach the blkdebug node (blkverify's primary child is the raw copy).
import { expect, it } from 'vitest';
import { layoutNewQcow2 } from '../../../src/block/drivers/qcow2/create';
import { Session } from '../../../src/session/index';
import { MemoryHost } from '../block/memory-host';
import { realEnv, waitFor } from './helpers';

const MiB = 1024 * 1024;
const EIO_RULES = '[inject-error]\nevent = "read_aio"\nerrno = "5"\n\n[inject-error]\nevent = "l2_load"\nerrno = "28"\nonce = "on"\n\n[set-state]\nevent = "read_aio"\nnew_state = "2"\n';

function host(): MemoryHost {
  const h = new MemoryHost();
  h.addFile('disk.raw', new Uint8Array(MiB));
  h.addFile('ref.raw', new Uint8Array(MiB));
  const lay = layoutNewQcow2({ size: MiB, clusterBits: 10, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0 });
  const img = new Uint8Array(lay.length);
  for (const w of lay.writes) img.set(w.data, w.offset);
  h.addFile('t.qcow2', img);
  return h;
}

const CASES = [
  { name: 'raw', filename: 'blkdebug::disk.raw', rules: '', out: /^blkdebug: Resuming request 'A'\nread 4096\/4096 bytes at offset 0\n/ },
  { name: 'blkverify over raw', filename: 'blkverify:ref.raw:blkdebug::disk.raw', rules: '', out: /^Could not resume request: Operation not supported\n$/ },
  { name: 'blkverify over qcow2 with rules', filename: 'blkverify:ref.raw:blkdebug::t.qcow2', rules: EIO_RULES, out: /^Could not resume request: Operation not supported\n$/ },
];

for (const c of CASES) {
  it(`resume typed in the console returns while an aio_read is parked (${c.name})`, async () => {
    const s = await Session.open(host(), { filename: c.filename, format: 'raw' }, realEnv());
    try {
      expect((await s.run('write -P 1 0 4k')).rc).toBe(0);
      if (c.rules) expect(s.applyRules(undefined, c.rules)).toEqual([]);
      s.addBreakpoint('read_aio', 'A');
      expect((await s.run('aio_read 0 4k')).rc).toBe(0);
      await waitFor(() => s.snapshot().blkdebug[0].suspended.length === 1, 'the aio_read to park');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3000));
      const res = await Promise.race([s.run('resume A'), timeout]);
      expect(res).not.toBe('timeout');
      if (res !== 'timeout') expect(res.stdout).toMatch(c.out);
    } finally {
      s.resumeAll?.();
      await s.close();
    }
  });
}
