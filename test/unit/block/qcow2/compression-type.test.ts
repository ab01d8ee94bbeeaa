// Compressed writes on a zstd image (compression_type=zstd): refused as compressed reads are,
// so no cluster QEMU cannot read is ever written. A zlib image on the same host compresses.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { RawZlib } from '../../../../src/block/block-host';
import { layoutNewQcow2 } from '../../../../src/block/drivers/qcow2/create';
import { BlockError, ENOTSUP } from '../../../../src/block/errors';
import { openBlockBackend } from '../../../../src/block/open';
import { MemoryHost } from '../memory-host';

const zlib: RawZlib = {
  deflateRaw: (src) => deflateRawSync(src, { windowBits: 12, memLevel: 9 }),
  inflateRaw: (src, outBytes) => {
    const out = inflateRawSync(src, { windowBits: 12, finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: outBytes });
    return out.length === outBytes ? new Uint8Array(out) : null;
  },
};

function hostWith(compressionType: number): MemoryHost {
  const lay = layoutNewQcow2({ size: 1 << 20, clusterBits: 16, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType });
  const img = new Uint8Array(lay.length);
  for (const w of lay.writes) img.set(w.data, w.offset);
  const host = new MemoryHost();
  host.addFile('t.qcow2', img);
  (host as MemoryHost & { zlib: RawZlib }).zlib = zlib;
  return host;
}

async function errnoOf(p: Promise<unknown>): Promise<number | string> {
  try {
    await p;
  } catch (e) {
    return e instanceof BlockError ? e.errno : String(e);
  }
  return 'ok';
}

describe('qcow2 compression types', () => {
  it('a zstd image refuses write -c with ENOTSUP and leaves the file as it was', async () => {
    const host = hostWith(1);
    const before = host.files.get('t.qcow2')!.slice();
    const blk = await openBlockBackend(host, { filename: 't.qcow2', format: 'qcow2' }, { warn: () => {} });
    const data = new Uint8Array(65536).fill(5);
    expect(await errnoOf(blk.pwriteCompressed(0, 65536, data))).toBe(ENOTSUP);
    const back = new Uint8Array(65536).fill(0xaa);
    await blk.pread(0, 65536, back);
    expect(back.every((b) => b === 0)).toBe(true);
    await blk.close();
    expect(host.files.get('t.qcow2')).toEqual(before);
  });

  it('a zlib image compresses and reads the cluster back', async () => {
    const host = hostWith(0);
    const blk = await openBlockBackend(host, { filename: 't.qcow2', format: 'qcow2' }, { warn: () => {} });
    const data = new Uint8Array(65536).fill(5);
    expect(await errnoOf(blk.pwriteCompressed(0, 65536, data))).toBe('ok');
    const back = new Uint8Array(65536);
    await blk.pread(0, 65536, back);
    expect(back).toEqual(data);
    await blk.close();
  });
});
