// The first-run demo workspace: blkverify (record mode) over reference.raw and a qcow2 image
// under blkdebug with the seeds' rules, with planted corruptions; its steps do what its notes say.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CORRUPTIONS } from '../../../src/host/demo-workspace';
import { openAppSession } from '../../../src/host/node-session';

describe('the demo workspace', () => {
  it('opens blkverify over a raw reference and qcow2 under blkdebug, and its steps show every view something', async () => {
    const session = await openAppSession();
    let dir = '';
    try {
      const snap = session.snapshot();
      const ws = snap.workspace!;
      expect(ws).toMatchObject({ kind: 'demo', title: 'Demo workspace' });
      expect(snap.blkverify).toEqual([expect.objectContaining({ mode: 'record', mismatches: 0 })]);
      expect(snap.blkdebug).toHaveLength(1);
      expect(snap.blkdebug[0]!.rules.map((r) => [r.kind, r.event, r.state])).toEqual([
        ['set-state', 'write_aio', 1],
        ['inject-error', 'write_aio', 2],
      ]);
      dir = /in (\/\S+)\)/.exec(ws.notes[0]!)![1]!;
      // Written through our qcow2 driver, checked by the real qemu-img.
      // -U: the workspace holds the image open and locked, as a running QEMU would.
      const check = spawnSync('qemu-img', ['check', '-U', join(dir, 'test.qcow2')], { encoding: 'utf8' });
      expect(check.stdout).toContain('No errors were found on the image.');

      const out: string[] = [];
      for (const step of ws.steps) {
        if ('run' in step) {
          const r = await session.run(step.run);
          out.push(r.stdout + r.stderr);
        } else {
          session.addBreakpoint(step.breakpoint.event, step.breakpoint.tag);
        }
      }
      expect(out[0]).toMatch(/^read 65536\/65536 bytes at offset 0\n/);
      expect(out[1]).toBe(`read failed: Input/output error\nblkverify: read offset=1048576 bytes=65536 contents mismatch at offset ${DEMO_CORRUPTIONS[0]!.offset}\n`);
      expect(out[2]).toMatch(/^wrote 65536\/65536 bytes at offset 8388608\n/);
      expect(out[3]).toBe('write failed: Input/output error\nblkverify: write offset=9437184 bytes=65536 return value mismatch -5 != 0\n');
      // The read reaches blkdebug after the command returned (aio): wait for it to park.
      for (let i = 0; i < 200 && session.snapshot().blkdebug[0]!.suspended.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const after = session.snapshot();
      expect(after.blkdebug[0]!.state).toBe(2);
      expect(after.blkdebug[0]!.suspended.map((s) => s.tag)).toEqual(['demo']);
      expect(session.listMismatches().map((m) => [m.kind, m.op, m.firstMismatch])).toEqual([
        ['contents', 'read', DEMO_CORRUPTIONS[0]!.offset],
        ['return-value', 'write', null],
      ]);
      session.resume('demo');
    } finally {
      await session.close();
    }
    // The workspace's files go with the session.
    expect(existsSync(dir)).toBe(false);
  });

  it('is described only while its image stays open', async () => {
    const session = await openAppSession();
    try {
      expect(session.snapshot().workspace).not.toBeNull();
      await session.run('close');
      expect(session.snapshot().workspace).toBeNull();
    } finally {
      await session.close();
    }
  });
});
