// The first-run demo workspace: blkverify (record mode) over reference.raw and a qcow2 image
// under blkdebug with the seeds' rules, with planted corruptions. Its steps run in the session,
// each verified before it counts as done; resetWorkspace plants everything afresh, so every run
// gives the same result; the run's progress lives in the session's snapshot.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionEvent, WorkspaceInfo, WorkspaceStepRun } from '../../../src/api';
import { DEMO_CORRUPT_SECTORS, DEMO_CORRUPTIONS, DEMO_WORKSPACE_RULES } from '../../../src/host/demo-workspace';
import { openAppSession, openNodeSession } from '../../../src/host/node-session';
import type { Session } from '../../../src/session/index';

const dirOf = (ws: WorkspaceInfo) => /in (\/\S+)\)/.exec(ws.notes[0]!)![1]!;

/** What a run shows, without the timing figures and node names that differ from run to run. */
function picture(session: Session, runs: WorkspaceStepRun[]) {
  const snap = session.snapshot();
  return {
    runs: runs.map((r) => ({ index: r.index, line: r.line, state: r.result.state, reason: r.result.reason, output: r.result.output?.replace(/\d[\d.]* (sec|ops|[KMG]iB\/sec)/g, 'N') })),
    steps: snap.workspace!.progress!.steps.map((s) => [s.state, s.reason]),
    state: snap.blkdebug[0]!.state,
    rules: snap.blkdebug[0]!.rules.map((r) => [r.kind, r.event, r.state]),
    activeRuleIds: snap.blkdebug[0]!.activeRuleIds,
    parked: snap.blkdebug[0]!.suspended.map((s) => [s.tag, s.op, s.offset, s.bytes]),
    mismatches: session.listMismatches().map((m) => [m.id, m.kind, m.op, m.offset, m.bytes, m.firstMismatch, m.sectors, m.testErrno, m.rawErrno]),
  };
}

async function withDemo(fn: (session: Session) => Promise<void>): Promise<void> {
  const session = await openAppSession();
  try {
    await fn(session);
  } finally {
    await session.close();
  }
}

describe('the demo workspace', () => {
  it('opens blkverify over a raw reference and qcow2 under blkdebug, with every step pending and to run at first sight', async () => {
    let dir = '';
    await withDemo(async (session) => {
      const snap = session.snapshot();
      const ws = snap.workspace!;
      expect(ws).toMatchObject({ kind: 'demo', title: 'Demo workspace' });
      expect(ws.progress).toEqual({ run: 1, autoRun: true, steps: ws.steps.map(() => ({ state: 'pending' })) });
      expect(snap.blkverify).toEqual([expect.objectContaining({ mode: 'record', mismatches: 0 })]);
      expect(snap.blkdebug).toHaveLength(1);
      expect(snap.blkdebug[0]!.rules.map((r) => [r.kind, r.event, r.state])).toEqual([
        ['set-state', 'write_aio', 1],
        ['inject-error', 'write_aio', 2],
      ]);
      expect(snap.blkdebug[0]!.rules[1]).toMatchObject({ once: true, errno: 5 });
      dir = dirOf(ws);
      expect(readFileSync(join(dir, 'demo.cfg'), 'utf8')).toBe(DEMO_WORKSPACE_RULES);
      // Written through our qcow2 driver, checked by the real qemu-img.
      // -U: the workspace holds the image open and locked, as a running QEMU would.
      const check = spawnSync('qemu-img', ['check', '-U', join(dir, 'test.qcow2')], { encoding: 'utf8' });
      expect(check.stdout).toContain('No errors were found on the image.');
    });
    // The workspace's files go with the session.
    expect(existsSync(dir)).toBe(false);
  });

  it('runs its steps in the session, each verified, and leaves the planted corruptions to see, not a test side that fails every read', async () => {
    await withDemo(async (session) => {
      const events: SessionEvent[] = [];
      session.subscribe((b) => events.push(...b.events));
      const runs = await session.runWorkspaceSteps();
      expect(runs.map((r) => [r.line, r.result.state])).toEqual([
        ['read 0 64k', 'done'],
        ['read 1M 64k', 'done'],
        ['read 4M 64k', 'done'],
        ['write -P 0x11 8M 64k', 'done'],
        ['write -P 0x22 9M 64k', 'done'],
        ['break read_aio demo', 'done'],
        ['aio_read 0 4k', 'done'],
      ]);
      expect(runs.map((r) => r.result.reason)).toEqual([
        'returned 0; no blkverify mismatch',
        `blkverify recorded a contents mismatch on read over sector ${DEMO_CORRUPT_SECTORS[0]}`,
        `blkverify recorded a contents mismatch on read over sector ${DEMO_CORRUPT_SECTORS[1]}`,
        'returned 0; no blkverify mismatch; state 1 → 2',
        'returned -5 (EIO); blkverify recorded a return-value mismatch on write (test side EIO); no inject-error rule left active',
        "breakpoint 'demo' set",
        "returned 0; read at 0 parked as 'demo'",
      ]);
      expect(runs[0]!.result.output).toMatch(/^read 65536\/65536 bytes at offset 0\n/);
      expect(runs[1]!.result.output).toBe(`read failed: Input/output error\nblkverify: read offset=1048576 bytes=65536 contents mismatch at offset ${DEMO_CORRUPTIONS[0]!.offset}\n`);
      expect(runs[2]!.result.output).toBe(`read failed: Input/output error\nblkverify: read offset=4194304 bytes=65536 contents mismatch at offset ${DEMO_CORRUPTIONS[1]!.offset}\n`);
      expect(runs[4]!.result.output).toBe('write failed: Input/output error\nblkverify: write offset=9437184 bytes=65536 return value mismatch -5 != 0\n');
      expect(runs[5]!.result.output).toBeUndefined();

      const after = session.snapshot();
      expect(after.workspace!.progress!.autoRun).toBe(false);
      expect(after.workspace!.progress!.steps.every((s) => s.state === 'done')).toBe(true);
      expect(after.blkdebug[0]!.state).toBe(2);
      expect(after.blkdebug[0]!.activeRuleIds).toEqual([]);
      expect(after.blkdebug[0]!.suspended.map((s) => s.tag)).toEqual(['demo']);
      // The mismatch list: the two planted sectors, and the write the injected error lost.
      expect(session.listMismatches().map((m) => [m.kind, m.op, m.sectors.map((s) => s.offset / 512)])).toEqual([
        ['contents', 'read', [DEMO_CORRUPT_SECTORS[0]]],
        ['contents', 'read', [DEMO_CORRUPT_SECTORS[1]]],
        ['return-value', 'write', []],
      ]);
      // The test side reads again: the planted bytes differ, and nothing fails.
      for (const [i, sector] of DEMO_CORRUPT_SECTORS.entries()) {
        const pair = await session.readSectorPair({ offset: sector * 512, bytes: 512 });
        expect([pair.aErrno, pair.bErrno]).toEqual([0, 0]);
        expect(pair.a).not.toBe(pair.b);
        const b = Buffer.from(pair.b, 'base64');
        const c = DEMO_CORRUPTIONS[i]!;
        expect(b.subarray(c.offset % 512, (c.offset % 512) + c.data.length)).toEqual(Buffer.from(c.data));
      }
      const clean = await session.run('read -P 0x11 8M 4k');
      expect(clean.rc).toBe(0);
      session.flushEvents();
      expect(events.filter((e) => e.type === 'workspace-changed').length).toBeGreaterThanOrEqual(14);
      session.resume('demo');
    });
  });

  it('gives the same result on the first and the tenth run: resetWorkspace plants images and rules afresh', async () => {
    await withDemo(async (session) => {
      const dir = dirOf(session.snapshot().workspace!);
      const id = session.snapshot().workspace!.id;
      const planted = [readFileSync(join(dir, 'test.qcow2')), readFileSync(join(dir, 'reference.raw'))];
      const first = picture(session, await session.runWorkspaceSteps());
      for (let run = 2; run <= 10; run++) {
        // The last run's parked read and spent rule are still there when the reset starts.
        const ws = await session.resetWorkspace();
        expect(ws.id).toBe(id);
        expect(ws.progress).toEqual({ run, autoRun: false, steps: ws.steps.map(() => ({ state: 'pending' })) });
        const snap = session.snapshot();
        expect(snap.workspace!.progress!.run).toBe(run);
        expect(snap.blkdebug[0]!.state).toBe(1);
        expect(snap.blkdebug[0]!.suspended).toEqual([]);
        expect(session.listMismatches()).toEqual([]);
        expect(picture(session, await session.runWorkspaceSteps())).toEqual(first);
      }
      await session.resetWorkspace();
      // Planted byte for byte as the first time (the steps' writes are gone).
      expect(readFileSync(join(dir, 'test.qcow2')).equals(planted[0]!)).toBe(true);
      expect(readFileSync(join(dir, 'reference.raw')).equals(planted[1]!)).toBe(true);
      const check = spawnSync('qemu-img', ['check', '-U', join(dir, 'test.qcow2')], { encoding: 'utf8' });
      expect(check.stdout).toContain('No errors were found on the image.');
    });
  }, 60_000);

  it('marks a step failed with the reason when it did not do what it says, and keeps the steps that need it pending', async () => {
    await withDemo(async (session) => {
      // The user's own rules: no set-state rule, so the first write moves nothing.
      expect(session.applyRules(undefined, '[inject-error]\nevent = "write_aio"\nstate = "2"\nerrno = "5"\n')).toEqual([]);
      const runs = await session.runWorkspaceSteps();
      expect(runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 5, 6]);
      const steps = session.snapshot().workspace!.progress!.steps;
      expect(steps[3]).toMatchObject({ state: 'failed', reason: 'the state machine is in state 1, not 2' });
      expect(steps[4]).toEqual({ state: 'pending', reason: 'needs step 4 (write -P 0x11 8M 64k), which did not succeed' });
      expect(steps.filter((s) => s.state === 'done')).toHaveLength(5);

      // Clicking the waiting step runs the one it needs first; it fails again, so it still waits.
      const again = await session.runWorkspaceStep(4);
      expect(again.map((r) => [r.index, r.result.state])).toEqual([[3, 'failed']]);
      expect(session.snapshot().workspace!.progress!.steps[4]).toEqual({
        state: 'pending',
        reason: 'needs step 4 (write -P 0x11 8M 64k), which failed: the state machine is in state 1, not 2',
      });
      session.resume('demo');

      // Running the demo again restores the rules: every step succeeds.
      await session.resetWorkspace();
      expect((await session.runWorkspaceSteps()).map((r) => r.result.state)).toEqual(Array(7).fill('done'));
      session.resume('demo');
    });
  });

  it('runs a clicked step after the earlier steps it needs', async () => {
    await withDemo(async (session) => {
      const runs = await session.runWorkspaceStep(6);
      expect(runs.map((r) => [r.index, r.line, r.result.state])).toEqual([
        [5, 'break read_aio demo', 'done'],
        [6, 'aio_read 0 4k', 'done'],
      ]);
      const steps = session.snapshot().workspace!.progress!.steps;
      expect(steps.map((s) => s.state)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'done', 'done']);
      // The rest runs around what is done; the parked read does not hold up the others.
      expect((await session.runWorkspaceSteps()).map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
      expect(session.snapshot().workspace!.progress!.steps.every((s) => s.state === 'done')).toBe(true);
      expect(() => session.runWorkspaceStep(7)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: 'the workspace has no step 8' }));
      session.resume('demo');
    });
  });

  it('is described only while its image stays open; resetWorkspace opens it again', async () => {
    await withDemo(async (session) => {
      expect(session.snapshot().workspace).not.toBeNull();
      await session.run('close');
      expect(session.snapshot().workspace).toBeNull();
      expect(() => session.runWorkspaceSteps()).toThrow(/not open any more/);
      const ws = await session.resetWorkspace();
      expect(ws.progress!.run).toBe(2);
      expect(session.snapshot().workspace).toMatchObject({ id: ws.id, progress: { run: 2 } });
      expect((await session.runWorkspaceSteps()).map((r) => r.result.state)).toEqual(Array(7).fill('done'));
      session.resume('demo');
    });
  });

  it('a session without a workspace has none to reset or run', async () => {
    const session = await openNodeSession();
    try {
      expect(session.snapshot().workspace).toBeNull();
      expect(() => session.resetWorkspace()).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
      expect(() => session.runWorkspaceSteps()).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    } finally {
      await session.close();
    }
  });
});
