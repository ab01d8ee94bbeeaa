// Inspection never touches the fault stack (DESIGN.md §6): the reads the app makes to show data
// (sector pairs, whole-image diffs, recorded mismatches, the image check) fire no debug event,
// match no rule, inject nothing, park nowhere, change no state, emit no trace event and warm no
// qcow2 cache. Two sessions on the same images run the same real workload; one of them is
// browsed first. Everything the workload sees must be the same in both.
import { describe, expect, it } from 'vitest';
import type { BlockHost } from '../../../src/block/block-host';
import { layoutNewQcow2 } from '../../../src/block/drivers/qcow2/create';
import { openBlockBackend } from '../../../src/block/open';
import { fromBase64 } from '../../../src/common/base64';
import type { SessionEvent } from '../../../src/session/index';
import { Session } from '../../../src/session/index';
import { MemoryHost } from '../block/memory-host';
import { collect, realEnv, waitFor } from './helpers';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Where the two images differ: one sector inside the second data run. */
const DIFF_AT = 600 * KiB;

/** reference.raw and test.qcow2 (1 KiB clusters, so 128 KiB per L2 table) that differ in one sector. */
async function images(): Promise<MemoryHost> {
  const host = new MemoryHost();
  const raw = new Uint8Array(MiB);
  raw.fill(0x11, 0, 64 * KiB);
  raw.fill(0x11, 512 * KiB, 640 * KiB);
  host.addFile('reference.raw', raw);
  const lay = layoutNewQcow2({ size: MiB, clusterBits: 10, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0 });
  const img = new Uint8Array(lay.length);
  for (const w of lay.writes) img.set(w.data, w.offset);
  host.addFile('test.qcow2', img);
  const blk = await openBlockBackend(host, { filename: 'test.qcow2', format: 'qcow2' }, { warn: () => {} });
  const test = raw.slice();
  test.fill(0x22, DIFF_AT, DIFF_AT + 512);
  await blk.pwrite(0, 64 * KiB, test.subarray(0, 64 * KiB), 0);
  await blk.pwrite(512 * KiB, 128 * KiB, test.subarray(512 * KiB, 640 * KiB), 0);
  await blk.close();
  return host;
}

// A rule on each event the browsing would reach: the data read (read_aio) and the L2 load.
const RULES = `[inject-error]
event = "read_aio"
errno = "5"

[inject-error]
event = "l2_load"
errno = "28"
once = "on"

[set-state]
event = "read_aio"
new_state = "2"
`;

/** Event types that say the fault stack saw something. */
const STACK_EVENTS = new Set(['debug-event', 'rule-matched', 'error-injected', 'state-changed', 'request-start', 'request-done', 'request-suspended', 'request-resumed', 'verify-mismatch']);

async function openSession(host: BlockHost): Promise<Session> {
  // blkverify over the reference copy and blkdebug under the qcow2 image: qcow2 -> blkdebug -> file.
  return Session.open(host, { filename: 'blkverify:reference.raw:blkdebug::test.qcow2', format: 'raw' }, realEnv());
}

/** The setup both sessions share: one recorded mismatch (warms only the L2 table of 512..640 KiB), then the rules and a breakpoint. */
async function prepare(s: Session): Promise<void> {
  expect((await s.run(`read ${DIFF_AT} 512`)).stdout).toBe('read failed: Input/output error\n');
  expect(s.applyRules(undefined, RULES)).toEqual([]);
  s.addBreakpoint('read_aio', 'A');
  // The setup's own events go out now, so a collector started afterwards sees only the browsing's.
  s.flushEvents();
}

/** What the fault stack knows, for comparing before and after. */
function stackState(s: Session) {
  const snap = s.snapshot();
  const state = { blkdebug: snap.blkdebug, blkverify: snap.blkverify, inFlight: snap.inFlight };
  // Clock readings differ from run to run.
  return JSON.parse(JSON.stringify(state, (k, v: unknown) => (k === 'parkedMs' || k === 'since' || k === 'started' || k === 'spentAt' ? 0 : v))) as typeof state;
}

/** The real workload, and what it saw. */
async function workload(s: Session): Promise<unknown[]> {
  const seen: unknown[] = [];
  // The first real read of 0: its L2 table is not cached, so l2_load fires and fails the load.
  seen.push(await s.run("read 0 4k"));
  seen.push(stackState(s));
  // Again: l2_load fires once more (the failed load cached nothing), then read_aio parks at A.
  seen.push(await s.run('aio_read 0 4k'));
  await waitFor(() => s.snapshot().blkdebug[0].suspended.length === 1, 'the read to park at A');
  seen.push(stackState(s));
  s.resume('A');
  await waitFor(() => s.snapshot().inFlight.length === 0, 'the resumed read to end');
  s.flushEvents();
  seen.push(stackState(s));
  return seen;
}

async function browse(s: Session): Promise<void> {
  // The hex view: both sides of several ranges, the differing sector among them.
  for (const offset of [0, 4096, 64 * KiB, DIFF_AT - 1024, 1020 * KiB]) {
    const pair = await s.readSectorPair({ offset, bytes: 4096 });
    expect(pair.aErrno).toBe(0);
    expect(pair.bErrno).toBe(0);
  }
  const at = await s.readSectorPair({ offset: DIFF_AT, bytes: 512 });
  // Named by what they are.
  expect([at.aLabel, at.bLabel]).toEqual(['reference.raw', 'test.qcow2']);
  expect(s.snapshot().blkverify[0]).toMatchObject({ rawLabel: 'reference.raw', testLabel: 'test.qcow2' });
  expect(fromBase64(at.a)[0]).toBe(0x11);
  expect(fromBase64(at.b)[0]).toBe(0x22);
  // Compare whole image.
  const events = collect(s);
  try {
    const started = await s.startDiff({});
    expect([started.aLabel, started.bLabel]).toEqual(['reference.raw', 'test.qcow2']);
    await waitFor(() => events.events().some((e) => e.type === 'diff-done' && e.diffId === started.diffId), 'the diff to finish');
    const done = events.events().find((e) => e.type === 'diff-done') as Extract<SessionEvent, { type: 'diff-done' }>;
    expect(done).toMatchObject({ status: 'complete', mismatchedBytes: 512 });
  } finally {
    events.stop();
  }
  // The recorded mismatch.
  const [m] = s.listMismatches();
  expect(m.offset).toBe(DIFF_AT);
  s.readMismatch({ id: m.id });
  // The image check.
  const check = await s.checkImage();
  expect(check.corruptions).toBe(0);
  expect(check.leaks).toBe(0);
}

describe('inspection reads leave the fault stack untouched', () => {
  it('browsing, comparing and checking fire nothing, and the workload afterwards sees exactly what it would have', async () => {
    const control = await openSession(await images());
    const inspected = await openSession(await images());
    try {
      await prepare(control);
      await prepare(inspected);
      const before = stackState(inspected);
      expect(before.blkdebug[0].suspended).toEqual([]);

      const events = collect(inspected);
      await browse(inspected);
      inspected.flushEvents();
      events.stop();
      expect(events.events().filter((e) => STACK_EVENTS.has(e.type))).toEqual([]);
      expect(stackState(inspected)).toEqual(before);

      const expected = await workload(control);
      const seen = await workload(inspected);
      expect(seen).toEqual(expected);
      // And what the workload saw is what the rules say: l2_load still fired for the first real read.
      const [first, afterFirst] = expected as [{ stdout: string }, ReturnType<typeof stackState>];
      expect(first.stdout).toBe('read failed: Input/output error\n');
      const l2Rule = afterFirst.blkdebug[0].rules.find((r) => r.event === 'l2_load');
      expect(l2Rule).toBeUndefined(); // `once`: used up by the first real read
      const readRule = afterFirst.blkdebug[0].rules.find((r) => r.event === 'read_aio' && r.kind === 'inject-error');
      expect(readRule?.hits).toBe(0);
    } finally {
      await control.close();
      await inspected.close();
    }
  });

  it('reads while a request is parked holding the qcow2 lock (at l2_load) and leaves it parked', async () => {
    const s = await openSession(await images());
    try {
      s.addBreakpoint('l2_load', 'B');
      await s.run('aio_read 0 4k');
      await waitFor(() => s.snapshot().blkdebug[0].suspended.length === 1, 'the read to park at B');
      const before = stackState(s);
      const pair = await Promise.race([
        s.readSectorPair({ offset: 0, bytes: 4096 }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the inspection read waited for the parked request')), 2000)),
      ]);
      expect(fromBase64(pair.b)[0]).toBe(0x11);
      expect(stackState(s)).toEqual(before);
      s.resume('B');
      await waitFor(() => s.snapshot().inFlight.length === 0, 'the resumed read to end');
      expect(s.snapshot().blkdebug[0].suspended).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('an unreadable side is its errno: in a sector pair, in the compare result, and the image is not marked corrupt', async () => {
    const host = await images();
    // The first L1 entry points at an unaligned L2 table: the first 128 KiB of test.qcow2 cannot be read.
    const img = host.files.get('test.qcow2')!;
    const view = new DataView(img.buffer, img.byteOffset);
    view.setBigUint64(Number(view.getBigUint64(40)), 0x8000000000000201n);
    const before = img.slice();
    const s = await openSession(host);
    try {
      const pair = await s.readSectorPair({ offset: 0, bytes: 4096 });
      expect([pair.aErrno, pair.bErrno]).toEqual([0, 5]);
      const events = collect(s);
      const started = await s.startDiff({});
      await waitFor(() => events.events().some((e) => e.type === 'diff-done' && e.diffId === started.diffId), 'the diff to end');
      const done = events.events().find((e) => e.type === 'diff-done') as Extract<SessionEvent, { type: 'diff-done' }>;
      expect(done).toMatchObject({ status: 'failed', message: 'block status of test.qcow2 failed: EIO' });
      events.stop();
    } finally {
      await s.close();
    }
    // No corruption was signalled: the image file is as it was (no corrupt bit written).
    expect(host.files.get('test.qcow2')).toEqual(before);
  });
});
