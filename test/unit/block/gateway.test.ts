import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/block/trace';
import { openBlockBackend } from '../../../src/block/open';
import { MemoryHost } from './memory-host';

async function openTraced(spec: string) {
  const host = new MemoryHost();
  host.addFile('d.raw', 1 << 20);
  const blk = await openBlockBackend(host, { filename: spec, imageOpts: true }, { warn: () => {} });
  const events: TraceEvent[] = [];
  blk.graph.trace = (e) => events.push(e);
  return { blk, events, host };
}

describe('gateway tracing and events', () => {
  it('reports every request at every node, with write_aio/pwritev/pwritev_done/flush_to_os in QEMU order', async () => {
    const { blk, events } = await openTraced('driver=raw,file.driver=file,file.filename=d.raw');
    await blk.pwrite(0, 4096, new Uint8Array(4096), 0);
    const rawName = blk.root.nodeName;
    const fileName = blk.root.children[0].node.nodeName;
    const summary = events.map((e) => (e.kind === 'debug-event' ? `${e.node === fileName ? 'file' : 'raw'}:${e.event}` : `${e.node === fileName ? 'file' : 'raw'}:${e.kind}:${e.op}`));
    // Writethrough: the write is FUA, emulated by a flush of the raw node after its write.
    expect(summary).toEqual([
      'raw:request-start:write',
      'raw:pwritev',
      'file:write_aio',
      'file:request-start:write',
      'file:pwritev',
      'file:pwritev_done',
      'file:request-done:write',
      'file:flush_to_os',
      'raw:pwritev_done',
      'raw:request-done:write',
    ]);
    expect(rawName).not.toBe(fileName);
  });

  it('serialises overlapping unaligned writes (read-modify-write never loses data)', async () => {
    const { blk, host } = await openTraced('driver=raw,file.driver=file,file.filename=d.raw,file.cache.direct=on');
    expect(blk.root.children[0].node.limits.requestAlignment).toBe(512);
    const a = blk.pwrite(10, 100, new Uint8Array(100).fill(1), 0);
    const b = blk.pwrite(200, 100, new Uint8Array(100).fill(2), 0);
    await Promise.all([a, b]);
    const data = host.files.get('d.raw') as Uint8Array;
    expect(data.subarray(10, 110).every((x) => x === 1)).toBe(true);
    expect(data.subarray(200, 300).every((x) => x === 2)).toBe(true);
    expect(data[110]).toBe(0);
  });

  it('counts requests in flight and drains', async () => {
    const { blk } = await openTraced('driver=raw,file.driver=file,file.filename=d.raw');
    const p = blk.pwrite(0, 512, new Uint8Array(512), 0);
    expect(blk.root.inFlight).toBe(1);
    await blk.drain();
    await p;
    expect(blk.root.inFlight).toBe(0);
  });

  it('a driver error becomes an errno, the trace records it', async () => {
    const { blk, events } = await openTraced('driver=raw,file.driver=file,file.filename=d.raw');
    await expect(blk.pread(-1, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
    const node = blk.root.children[0].node;
    node.drv.preadv = () => Promise.reject(new TypeError('boom'));
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
    expect(events.some((e) => e.kind === 'request-done' && e.errno === 5)).toBe(true);
  });

  it('splits a discard as bdrv_co_pdiscard does: sub-alignment head and tail pieces, aligned middle by max-discard', async () => {
    const { blk } = await openTraced('driver=raw,file.driver=blkdebug,file.image.filename=d.raw,file.align=512,file.opt-discard=192k,file.max-discard=192k');
    const node = blk.root.children[0].node;
    const seen: Array<[number, number]> = [];
    const discard = node.drv.pdiscard.bind(node.drv);
    node.drv.pdiscard = (offset, bytes) => {
      seen.push([offset, bytes]);
      return discard(offset, bytes);
    };
    await blk.pdiscard(100001, 716800);
    expect(seen).toEqual([
      [100001, 351],
      [100352, 96256],
      [196608, 196608],
      [393216, 196608],
      [589824, 196608],
      [786432, 30208],
      [816640, 161],
    ]);
  });
});
