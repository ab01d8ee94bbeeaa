// The engine's NBD server over real sockets, with real clients (qemu-io, nbdinfo): the basics
// every other NBD test builds on. Fuller comparisons with qemu-nbd live in test/nbd/.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBlockBackend } from '../../../src/block/open';
import { NodeBlockHost } from '../../../src/host/node-block-host';
import { listenNbd, type NbdListener } from '../../../src/host/nbd-listen';
import { NbdServer, type NbdClientEvent } from '../../../src/nbd/index';

const run = promisify(execFile);

let dir: string;
let listener: NbdListener | null;
let closeImage: (() => Promise<void>) | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nbd-srv-'));
  listener = null;
  closeImage = null;
});

afterEach(async () => {
  await listener?.close();
  await closeImage?.();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(filename: string, format: string, opts: { readOnly?: boolean; name?: string; description?: string; events?: NbdClientEvent[] } = {}) {
  const blk = await openBlockBackend(new NodeBlockHost(), { filename, format, readOnly: opts.readOnly ?? false }, { warn: () => {} });
  if (!opts.readOnly) blk.takeWritePermission();
  closeImage = () => blk.close();
  const logs: string[] = [];
  const server = new NbdServer({
    export: { name: opts.name ?? '', description: opts.description, blk, readOnly: opts.readOnly ?? false, allocationDepth: true },
    tls: 'off',
    log: (m) => logs.push(m),
    onClientEvent: (e) => opts.events?.push(e),
  });
  const socket = join(dir, 'nbd.sock');
  listener = await listenNbd(server, { unix: socket, shared: 0 });
  return { socket, logs, blk };
}

describe('NbdServer with real clients', () => {
  it('serves reads and writes to qemu-io and the image holds what was written', async () => {
    const img = join(dir, 'a.raw');
    writeFileSync(img, Buffer.alloc(1 << 20));
    const events: NbdClientEvent[] = [];
    const { socket } = await serve(img, 'raw', { events });
    const { stdout } = await run('qemu-io', ['-f', 'raw', `nbd+unix:///?socket=${socket}`, '-c', 'write -P 0xab 4096 8192', '-c', 'read -P 0xab 4096 8192', '-c', 'read -P 0 0 4096', '-c', 'flush']);
    expect(stdout).toContain('wrote 8192/8192 bytes at offset 4096');
    expect(stdout).toContain('read 8192/8192 bytes at offset 4096');
    expect(stdout).not.toContain('Pattern verification failed');
    await listener!.close();
    listener = null;
    await closeImage!();
    closeImage = null;
    const bytes = readFileSync(img);
    expect(bytes.subarray(4096, 12288).every((b) => b === 0xab)).toBe(true);
    expect(bytes.subarray(0, 4096).every((b) => b === 0)).toBe(true);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['client-connected', 'client-ready', 'client-request', 'client-disconnected']));
  });

  it('describes the export to nbdinfo as qemu-nbd would (size, flags, contexts, map)', async () => {
    const img = join(dir, 'b.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', img, '4M']);
    await run('qemu-io', ['-f', 'qcow2', img, '-c', 'write -P 1 1M 64k']);
    const { socket } = await serve(img, 'qcow2', { name: 'disk', description: 'a test disk' });
    const { stdout } = await run('nbdinfo', ['--json', `nbd+unix:///disk?socket=${socket}`]);
    const info = JSON.parse(stdout);
    const exp = info.exports[0];
    expect(exp['export-size']).toBe(4 << 20);
    expect(exp.description).toBe('a test disk');
    expect(exp['is_read_only']).toBe(false);
    expect(exp['can_trim']).toBe(true);
    expect(exp['can_zero']).toBe(true);
    expect(exp['can_fast_zero']).toBe(true);
    expect(exp['can_df']).toBe(true);
    expect(exp.contexts).toEqual(['base:allocation', 'qemu:allocation-depth']);
    const map = await run('nbdinfo', ['--map', `nbd+unix:///disk?socket=${socket}`]);
    expect(map.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual(['0 1048576 3', '1048576 65536 0', '1114112 3080192 3']);
  });

  it('serves a read-only export to a read-only client and leaves the image alone', async () => {
    const img = join(dir, 'c.raw');
    writeFileSync(img, Buffer.alloc(65536, 7));
    const { socket } = await serve(img, 'raw', { readOnly: true });
    const r = await run('qemu-io', ['-r', '-f', 'raw', `nbd+unix:///?socket=${socket}`, '-c', 'read -P 7 0 512']);
    expect(r.stdout).toContain('read 512/512 bytes at offset 0');
    expect(readFileSync(img).every((b) => b === 7)).toBe(true);
  });
});
