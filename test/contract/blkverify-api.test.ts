// blkverify and sector diffs over the contract, on both transports: a mismatch in the app is
// recorded (never an exit) and arrives as an event carrying what a hex view needs; any two
// nodes can be read side by side; a whole-image diff streams its ranges and can be cancelled.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiffStarted, RunResult, SectorPair, SessionEvent, SessionSnapshot, VerifyMismatchDto } from '../../src/api';
import { fromBase64 } from '../../src/common/base64';
import { openNodeSession } from '../../src/host/node-session';
import type { Session } from '../../src/session/index';
import { callValue, TRANSPORTS, waitFor, type ContractClient } from './transports';

const MiB = 1024 * 1024;

function qemuImg(...args: string[]): void {
  const r = spawnSync('qemu-img', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`qemu-img ${args.join(' ')}: ${r.stderr}`);
}

function qemuIo(...args: string[]): void {
  const r = spawnSync('qemu-io', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`qemu-io ${args.join(' ')}: ${r.stderr}`);
}

describe.each(TRANSPORTS)('blkverify and sector diffs over %s', (_name, transport) => {
  let dir: string;
  let raw: string;
  let test: string;
  let session: Session;
  let client: ContractClient;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blkstudio-verify-'));
    raw = join(dir, 'base.raw');
    test = join(dir, 't.qcow2');
    writeFileSync(raw, Buffer.alloc(4 * MiB));
    qemuImg('create', '-q', '-f', 'qcow2', test, '4M');
    session = await openNodeSession();
    client = await transport(session, dir);
  });

  afterEach(async () => {
    await client.close();
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const value = <T>(method: string, ...args: unknown[]): Promise<T> => callValue<T>(client, method, ...args);
  const events = (): SessionEvent[] => client.batches.flatMap((b) => b.events);

  it('records a corrupt read instead of exiting, and sends it with both buffers', async () => {
    // The test image holds 10 bytes of 0x2a at 1000 that the raw copy does not.
    qemuIo('-f', 'qcow2', '-c', 'write -P 42 1000 10', test);
    await value('openImage', { filename: `blkverify:${raw}:${test}`, format: 'raw' });
    const read = await value<RunResult>('run', 'read 0 4k');
    expect(read.stdout).toBe('read failed: Input/output error\n');
    expect(read.stderr).toBe('blkverify: read offset=0 bytes=4096 contents mismatch at offset 1000\n');
    // The session goes on: the next read of equal data works.
    expect((await value<RunResult>('run', 'read -P 0 64k 4k')).rc).toBe(0);

    await waitFor(() => events().some((e) => e.type === 'verify-mismatch'), 'the verify-mismatch event');
    const ev = events().find((e) => e.type === 'verify-mismatch') as Extract<SessionEvent, { type: 'verify-mismatch' }>;
    const m = ev.mismatch;
    expect(m).toMatchObject({ id: 1, kind: 'contents', op: 'read', offset: 0, bytes: 4096, firstMismatch: 1000, testErrno: 0, rawErrno: 0 });
    expect(m.message).toBe('blkverify: read offset=0 bytes=4096 contents mismatch at offset 1000');
    // Bytes 1000..1009 lie in sector 1 (512..1023).
    expect(m.sectors).toEqual([{ offset: 512, bytes: 512 }]);
    expect(m.window).toMatchObject({ offset: 512, bytes: 3584, aErrno: 0, bErrno: 0 });
    const a = fromBase64(m.window!.a);
    const b = fromBase64(m.window!.b);
    expect(a.length).toBe(3584);
    expect([...b.subarray(1000 - 512, 1010 - 512)]).toEqual(new Array(10).fill(42));
    expect([...a.subarray(1000 - 512, 1010 - 512)]).toEqual(new Array(10).fill(0));
    expect(b[1010 - 512]).toBe(0);

    const listed = await value<VerifyMismatchDto[]>('listMismatches');
    expect(listed.map((x) => x.id)).toEqual([1]);
    const part = await value<SectorPair>('readMismatch', { id: 1, offset: 1024, bytes: 512 });
    expect(part).toMatchObject({ offset: 1024, bytes: 512 });
    expect(fromBase64(part.b).subarray(0, 10)).toEqual(new Uint8Array(10));
    expect(await client.call('readMismatch', { id: 1, offset: 4096, bytes: 512 })).toMatchObject({ ok: false, error: { code: 'BAD_RANGE' } });
    expect(await client.call('readMismatch', { id: 9 })).toMatchObject({ ok: false, error: { code: 'NO_SUCH_MISMATCH' } });

    const snap = await value<SessionSnapshot>('snapshot');
    expect(snap.blkverify).toHaveLength(1);
    expect(snap.blkverify[0]).toMatchObject({ mode: 'abort', mismatches: 1 });
  });

  it('reads the same sectors of the raw copy and the test image, or of any two nodes', async () => {
    qemuIo('-f', 'qcow2', '-c', 'write -P 7 8k 512', test);
    await value('openImage', { filename: `blkverify:${raw}:${test}`, format: 'raw' });
    const pair = await value<SectorPair>('readSectorPair', { offset: 8192, bytes: 1024 });
    expect(fromBase64(pair.a)).toEqual(new Uint8Array(1024));
    expect([...fromBase64(pair.b).subarray(0, 512)]).toEqual(new Array(512).fill(7));
    const snap = await value<SessionSnapshot>('snapshot');
    const v = snap.blkverify[0]!;
    expect([pair.aNode, pair.bNode]).toEqual([v.raw, v.test]);
    const named = await value<SectorPair>('readSectorPair', { a: v.test, b: v.raw, offset: 8192, bytes: 512 });
    expect(fromBase64(named.a)).toEqual(fromBase64(pair.b).subarray(0, 512));
    expect(await client.call('readSectorPair', { a: 'nope', b: v.raw, offset: 0, bytes: 512 })).toMatchObject({ ok: false, error: { code: 'NO_SUCH_NODE' } });
    expect(await client.call('readSectorPair', { offset: 0, bytes: 2 * MiB })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
  });

  it('streams every mismatching range of a whole image, then diff-done', async () => {
    qemuIo('-f', 'qcow2', '-c', 'write -P 1 0 512', '-c', 'write -P 2 1M 1536', '-c', 'write -P 3 4190208 512', test);
    await value('openImage', { filename: `blkverify:${raw}:${test}`, format: 'raw' });
    const started = await value<DiffStarted>('startDiff');
    expect(started).toMatchObject({ diffId: 1, total: 4 * MiB });
    await waitFor(() => events().some((e) => e.type === 'diff-done'), 'diff-done');
    const progress = events().filter((e) => e.type === 'diff-progress') as Array<Extract<SessionEvent, { type: 'diff-progress' }>>;
    expect(progress.flatMap((p) => p.ranges)).toEqual([
      { offset: 0, bytes: 512 },
      { offset: MiB, bytes: 1536 },
      { offset: 4190208, bytes: 512 },
    ]);
    expect(progress.at(-1)!.done).toBe(4 * MiB);
    const done = events().find((e) => e.type === 'diff-done');
    expect(done).toMatchObject({ diffId: 1, status: 'complete', done: 4 * MiB, total: 4 * MiB, mismatchedBytes: 2560 });
    expect(await value<boolean>('cancelDiff', { diffId: 1 })).toBe(false);
  });

  it('cancels a running diff', async () => {
    const big = join(dir, 'big.raw');
    const other = join(dir, 'other.raw');
    // Real data, not holes: block status skips holes (SEEK_DATA), so a sparse pair would be
    // compared before the cancel arrives.
    const SIZE = 512 * MiB;
    const chunk = Buffer.alloc(MiB, 0x5a);
    for (const f of [big, other]) {
      const fd = openSync(f, 'w');
      for (let at = 0; at < SIZE; at += MiB) writeSync(fd, chunk, 0, MiB, at);
      closeSync(fd);
    }
    await value('openImage', { filename: `blkverify:${big}:${other}`, format: 'raw' });
    const started = await value<DiffStarted>('startDiff');
    expect(await value<boolean>('cancelDiff', { diffId: started.diffId })).toBe(true);
    await waitFor(() => events().some((e) => e.type === 'diff-done'), 'diff-done');
    const done = events().find((e) => e.type === 'diff-done') as Extract<SessionEvent, { type: 'diff-done' }>;
    expect(done.status).toBe('cancelled');
    expect(done.done).toBeLessThan(SIZE);
  });

  it('answers calls without a blkverify node with NO_BLKVERIFY', async () => {
    await value('openImage', { filename: raw, format: 'raw' });
    expect(await client.call('listMismatches')).toMatchObject({ ok: false, error: { code: 'NO_BLKVERIFY' } });
    expect(await client.call('startDiff')).toMatchObject({ ok: false, error: { code: 'NO_BLKVERIFY' } });
    await value('closeImage');
    expect(await client.call('readSectorPair', { offset: 0, bytes: 512 })).toMatchObject({ ok: false, error: { code: 'NO_IMAGE' } });
  });
});
