import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockError } from '../../../src/block/index';
import { NodeBlockHost } from '../../../src/host/node-block-host';

const dir = mkdtempSync(join(tmpdir(), 'blkstudio-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const host = new NodeBlockHost();

describe('NodeBlockHost', () => {
  it('rejects a missing file with the positive errno of open(2)', async () => {
    const err = await host.openFile(join(dir, 'missing.img'), { readOnly: true, direct: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockError);
    expect((err as BlockError).errno).toBe(2);
    expect((err as BlockError).message).toBe('No such file or directory');
  });

  it('reads and writes at positions, short at EOF, and resizes', async () => {
    const path = join(dir, 'd.img');
    writeFileSync(path, Buffer.alloc(1024));
    const f = await host.openFile(path, { readOnly: false, direct: false });
    await f.pwrite(new Uint8Array([1, 2, 3]), 1020);
    const buf = new Uint8Array(8).fill(0xab);
    expect(await f.pread(buf, 1020)).toBe(4);
    expect([...buf]).toEqual([1, 2, 3, 0, 0xab, 0xab, 0xab, 0xab]);
    await f.truncate(4096);
    expect(await f.size()).toBe(4096);
    await f.fdatasync();
    await f.close();
  });

  it('refuses writes on a read-only open with EBADF', async () => {
    const path = join(dir, 'ro.img');
    writeFileSync(path, Buffer.alloc(512));
    const f = await host.openFile(path, { readOnly: true, direct: false });
    const err = await f.pwrite(new Uint8Array(1), 0).catch((e: unknown) => e);
    expect((err as BlockError).errno).toBe(9);
    await f.close();
  });

  it('gives a usable temporary file that leaves nothing behind', async () => {
    const { path, file } = await host.createTempFile();
    await file.pwrite(new Uint8Array([7, 8]), 10);
    expect(await file.size()).toBe(12);
    await file.close();
    expect(existsSync(path)).toBe(false);
  });

  it('with synchronous I/O still completes on a later event-loop turn', async () => {
    const path = join(dir, 'sync.img');
    writeFileSync(path, Buffer.alloc(1024, 0x5a));
    const f = await new NodeBlockHost({ syncIo: true }).openFile(path, { readOnly: false, direct: false });
    let done = false;
    const buf = new Uint8Array(16);
    const read = f.pread(buf, 0).then(() => (done = true));
    for (let i = 0; i < 100; i++) await null;
    expect(done).toBe(false);
    await read;
    expect(buf[0]).toBe(0x5a);
    await f.pwrite(new Uint8Array([1]), 0);
    await f.fdatasync();
    await f.close();
  });

  it('reads whole files and maps errors', async () => {
    const path = join(dir, 'pat.bin');
    writeFileSync(path, 'abc');
    expect([...(await host.readFile(path))]).toEqual([97, 98, 99]);
    const err = await host.readFile(dir).catch((e: unknown) => e);
    expect((err as BlockError).errno).toBe(21);
  });
});
