// Session.createImage on the real machine: qcow2 files the real qemu-img finds clean, raw files
// with full preallocation reporting progress, cancellation that leaves no file, and never a
// write over an existing file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/api';
import { openNodeSession } from '../../../src/host/node-session';
import type { Session } from '../../../src/session/index';

type JobDone = Extract<SessionEvent, { type: 'job-done' }>;
type JobProgress = Extract<SessionEvent, { type: 'job-progress' }>;

describe('Session.createImage', () => {
  let dir: string;
  let session: Session;
  let events: SessionEvent[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blkstudio-create-'));
    session = await openNodeSession();
    events = [];
    session.subscribe((b) => events.push(...b.events));
  });

  afterEach(async () => {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finished(jobId: number): Promise<JobDone> {
    for (let i = 0; i < 1000; i++) {
      session.flushEvents();
      const done = events.find((e): e is JobDone => e.type === 'job-done' && e.jobId === jobId);
      if (done) return done;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  it('makes a qcow2 image qemu-img finds clean, and opens it when asked', async () => {
    const file = join(dir, 'new.qcow2');
    const { jobId } = session.createImage({ filename: file, format: 'qcow2', size: 64 << 20, clusterSize: 4096, open: true });
    expect(await finished(jobId)).toMatchObject({ kind: 'create-image', status: 'complete' });
    // The session holds the image open and locked, as QEMU would: qemu-img needs -U (force share).
    const check = spawnSync('qemu-img', ['check', '-U', file], { encoding: 'utf8' });
    expect(check.stdout).toContain('No errors were found on the image.');
    const info = JSON.parse(spawnSync('qemu-img', ['info', '-U', '--output=json', file], { encoding: 'utf8' }).stdout) as { 'virtual-size': number; 'cluster-size': number };
    expect(info).toMatchObject({ 'virtual-size': 64 << 20, 'cluster-size': 4096 });
    expect(session.snapshot().image).toMatchObject({ format: 'qcow2' });
    expect((await session.run('write -P 7 0 4k')).rc).toBe(0);
  });

  it('writes every byte of a raw image with preallocation=full, reporting progress', async () => {
    const file = join(dir, 'full.raw');
    const { jobId } = session.createImage({ filename: file, format: 'raw', size: 32 << 20, preallocation: 'full' });
    expect(await finished(jobId)).toMatchObject({ status: 'complete', done: 32 << 20, total: 32 << 20 });
    const progress = events.filter((e): e is JobProgress => e.type === 'job-progress' && e.jobId === jobId).map((e) => e.done);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(statSync(file).size).toBe(32 << 20);
    expect(statSync(file).blocks * 512).toBeGreaterThanOrEqual(32 << 20);
    expect(readFileSync(file).every((b) => b === 0)).toBe(true);
  });

  it('removes the half-made file when cancelled', async () => {
    const file = join(dir, 'big.raw');
    const { jobId } = session.createImage({ filename: file, format: 'raw', size: 8 * 2 ** 30, preallocation: 'full' });
    expect(session.cancelJob(jobId)).toBe(true);
    const done = await finished(jobId);
    expect(done.status).toBe('cancelled');
    expect(done.done).toBeLessThan(8 * 2 ** 30);
    expect(existsSync(file)).toBe(false);
    expect(session.cancelJob(jobId)).toBe(false);
  });

  it('never writes over an existing file, and reports bad parameters', async () => {
    const file = join(dir, 'mine.raw');
    writeFileSync(file, 'precious');
    const { jobId } = session.createImage({ filename: file, format: 'qcow2', size: 1 << 20 });
    expect(await finished(jobId)).toMatchObject({ status: 'failed', message: `${file} exists already: choose a new file name` });
    expect(readFileSync(file, 'utf8')).toBe('precious');
    const bad = session.createImage({ filename: join(dir, 'odd.qcow2'), format: 'qcow2', size: 1 << 20, clusterSize: 3000 });
    expect(await finished(bad.jobId)).toMatchObject({ status: 'failed', message: 'Cluster size must be a power of two between 512 and 2048k' });
    expect(existsSync(join(dir, 'odd.qcow2'))).toBe(false);
  });
});
