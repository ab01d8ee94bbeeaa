// A synchronous command stopped at a breakpoint waits forever, as in QEMU; Ctrl-C ends it and
// blkstudio-io names the parked requests. Runs the built CLI for real.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(__dirname, '../../../bin/blkstudio-io');
const dir = mkdtempSync(join(tmpdir(), 'blkstudio-intr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runUntilInterrupted(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    // Interrupt once it has opened the image and parked the write: then it sleeps and uses no
    // CPU. (A fixed delay raced node's start-up on a loaded machine.)
    void untilIdle(child.pid!).then(() => child.kill('SIGINT'));
    child.on('exit', (status, signal) => resolve({ status, signal, stderr }));
  });
}

/** utime + stime of a process and whether it is sleeping, from /proc/PID/stat. */
function cpuState(pid: number): { ticks: number; sleeping: boolean } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), sleeping: fields[0] === 'S' };
  } catch {
    return null;
  }
}

/** Resolves when the process has slept without using CPU for 500 ms (at most 60 s). */
async function untilIdle(pid: number): Promise<void> {
  const started = Date.now();
  let last = -1;
  let quietSince = Date.now();
  while (Date.now() - started < 60_000) {
    await new Promise((r) => setTimeout(r, 100));
    const s = cpuState(pid);
    if (!s) return;
    if (s.ticks !== last || !s.sleeping) {
      last = s.ticks;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 500) {
      return;
    }
  }
}

describe('blkstudio-io interrupted at a breakpoint', () => {
  it('dies of SIGINT like qemu-io, naming the parked requests', async () => {
    writeFileSync(join(dir, 'd.raw'), Buffer.alloc(1 << 20));
    const r = await runUntilInterrupted(['-f', 'raw', '-c', 'break write_aio A', '-c', 'write 0 512', 'blkdebug::d.raw']);
    expect(r.signal).toBe('SIGINT');
    expect(r.stderr).toBe("blkstudio-io: interrupted while requests were suspended at breakpoints: 'A' (write_aio)\n");
  });
});
