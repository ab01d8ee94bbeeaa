import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BlockHost } from '../../../src/block/index';
import { NodeBlockHost } from '../../../src/host/node-block-host';
import { Session, SessionError } from '../../../src/session/index';
import { CONSOLE_OUTPUT_CAP } from '../../../src/session/session';
import { MemoryHost } from '../block/memory-host';
import { collect, mask, realEnv, waitFor } from './helpers';

const WROTE_4K = 'wrote 4096/4096 bytes at offset 0\n4 KiB, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n';
const READ_4K = 'read 4096/4096 bytes at offset 0\n4 KiB, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n';

const sessions: Session[] = [];
const tmpDirs: string[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function open(host: BlockHost, spec: Parameters<typeof Session.open>[1]): Promise<Session> {
  const s = await Session.open(host, spec, realEnv());
  sessions.push(s);
  return s;
}

function memoryHost(): MemoryHost {
  const host = new MemoryHost();
  host.addFile('d.raw', 1 << 20);
  return host;
}

function tempImage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blkstudio-session-'));
  tmpDirs.push(dir);
  const file = path.join(dir, 'd.raw');
  fs.writeFileSync(file, Buffer.alloc(1 << 20));
  return file;
}

const hosts: Array<[string, () => { host: BlockHost; file: string }]> = [
  ['memory host', () => ({ host: memoryHost(), file: 'd.raw' })],
  ['NodeBlockHost', () => ({ host: new NodeBlockHost(), file: tempImage() })],
];

describe.each(hosts)('Session on the %s', (_name, make) => {
  it('runs write and read and returns what qemu-io prints', async () => {
    const { host, file } = make();
    const s = await open(host, { filename: file, format: 'raw' });
    const w = await s.run('write -P 0xab 0 4k');
    expect({ ...w, stdout: mask(w.stdout) }).toEqual({ stdout: WROTE_4K, stderr: '', rc: 0 });
    const r = await s.run('read -P 0xab 0 4k');
    expect({ ...r, stdout: mask(r.stdout) }).toEqual({ stdout: READ_4K, stderr: '', rc: 0 });
    const bad = await s.run('read -P 0xcd 0 512');
    expect(bad.stdout).toContain('Pattern verification failed at offset 0, 512 bytes\n');
    expect(bad.rc).toBe(-22);
  });

  it('reports errors on stderr with a negative return code', async () => {
    const { host, file } = make();
    const s = await open(host, { filename: file, format: 'raw' });
    expect(await s.run('nosuch 1 2')).toEqual({ stdout: '', stderr: 'command "nosuch" not found\n', rc: -22 });
    expect(await s.run('read')).toEqual({ stdout: '', stderr: 'bad argument count 0 to read, expected at least 2 arguments\n', rc: -22 });
  });

  it('delivers the completion of aio_write as console output on the event stream', async () => {
    const { host, file } = make();
    const s = await open(host, { filename: file, format: 'raw' });
    const events = collect(s);
    const res = await s.run('aio_write -P 0xcd 0 4k');
    expect(res).toEqual({ stdout: '', stderr: '', rc: 0 });
    await waitFor(() => events.console().includes('wrote 4096/4096'), 'the aio_write completion');
    expect(mask(events.console())).toBe(WROTE_4K);
    expect(events.events().some((e) => e.type === 'request-done' && e.op === 'write' && e.bytes === 4096 && e.errno === 0)).toBe(true);
    const r = await s.run('read -P 0xcd 0 4k');
    expect(mask(r.stdout)).toBe(READ_4K);
  });
});

describe('Session images', () => {
  it('starts without an image, opens one with `open` and describes it', async () => {
    const host = memoryHost();
    const s = await open(host, null);
    expect(s.snapshot().image).toBeNull();
    expect(await s.run('read 0 512')).toEqual({ stdout: '', stderr: "no file open, try 'help open'\n", rc: -22 });
    const events = collect(s);
    expect(await s.run('open -o driver=raw d.raw')).toEqual({ stdout: '', stderr: '', rc: 0 });
    const snap = s.snapshot();
    expect(snap.image).toMatchObject({ format: 'raw', readOnly: false, root: { driver: 'raw', length: 1 << 20 } });
    expect(snap.image!.root.children).toMatchObject([{ name: 'file', role: 'filtered', node: { driver: 'file', filename: 'd.raw', children: [] } }]);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    s.flushEvents();
    expect(events.events()).toContainEqual(expect.objectContaining({ type: 'graph-changed', open: true }));
    await s.run('close');
    expect(s.snapshot().image).toBeNull();
  });

  it('opens another image on the same session', async () => {
    const host = memoryHost();
    host.addFile('e.raw', 4096);
    const s = await open(host, { filename: 'd.raw', format: 'raw' });
    await s.openImage({ filename: 'e.raw', format: 'raw', readOnly: true });
    expect(s.snapshot().image).toMatchObject({ readOnly: true, root: { length: 4096 } });
    expect((await s.run('write 0 512')).stderr).toBe('qemu-io: Block node is read-only\n');
  });

  it("fails to open with qemu-io's message", async () => {
    const err = await Session.open(memoryHost(), { filename: 'nope.raw', format: 'raw' }, realEnv()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect(err).toMatchObject({ code: 'OPEN_FAILED', message: "qemu-io: can't open device nope.raw: Could not open 'nope.raw': No such file or directory" });
  });

  it('opens a scratch image when given no spec', async () => {
    const host = new MemoryHost();
    const s = await Session.open(host, undefined, {
      ...realEnv(),
      scratchImage: async () => {
        host.addFile('scratch.raw', 1 << 16);
        return { filename: 'scratch.raw', format: 'raw' };
      },
    });
    sessions.push(s);
    expect(s.snapshot().image?.root.length).toBe(1 << 16);
  });

  it('survives a command that kills qemu-io', async () => {
    const s = await open(memoryHost(), { filename: 'd.raw', format: 'raw' });
    const res = await s.run('abort');
    expect(res.terminated).toBe(6);
    expect(s.snapshot().image).toBeNull();
    expect((await s.run('open -o driver=raw d.raw')).rc).toBe(0);
    expect((await s.run('read 0 512')).rc).toBe(0);
  });

  it('refuses calls after close', async () => {
    const s = await Session.open(memoryHost(), { filename: 'd.raw', format: 'raw' }, realEnv());
    await s.close();
    await expect(s.run('read 0 512')).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('console output cap', () => {
  it('read -v 0 16M keeps the first MiB and the last lines, and says how much it left out', async () => {
    const host = new MemoryHost();
    host.addFile('big.raw', 16 << 20);
    const s = await open(host, { filename: 'big.raw', format: 'raw' });
    const r = await s.run('read -v 0 16M');
    expect(r.rc).toBe(0);
    // The full dump is 1,048,576 lines of 76 bytes: 80 MB.
    expect(r.stdout.length).toBeLessThan(CONSOLE_OUTPUT_CAP + 8192);
    expect(r.stdout.startsWith('00000000:  00 00 00 00 ')).toBe(true);
    const note = /\[blkstudio: (\d+) bytes of output not shown here: .*\]\n/.exec(r.stdout);
    expect(note).not.toBeNull();
    const full = 1048576 * 76 + mask('read 16777216/16777216 bytes at offset 0\n16 MiB, 1 ops; 00.00 sec (1 GiB/sec and 1 ops/sec)\n').length;
    expect(Number(note![1])).toBeGreaterThan(full - CONSOLE_OUTPUT_CAP - 8192);
    // Whole lines on both sides of the note; the summary line comes last.
    const lines = r.stdout.split('\n');
    expect(lines.at(-4)).toBe('00fffff0:  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................');
    expect(mask(lines.slice(-3).join('\n'))).toBe('read 16777216/16777216 bytes at offset 0\n16 MiB, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n');
    // A small command afterwards is whole again.
    expect((await s.run('read -v 0 16')).stdout.startsWith('00000000:  00 00')).toBe(true);
    expect((await s.run('read -v 0 16')).stdout).not.toContain('[blkstudio:');
  }, 60_000);
});
