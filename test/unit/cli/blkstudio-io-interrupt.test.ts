// A synchronous command stopped at a breakpoint waits forever, as in QEMU; Ctrl-C ends it and
// blkstudio-io names the parked requests. Runs the built CLI for real.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    // Give it time to open the image and park the write, then interrupt.
    setTimeout(() => child.kill('SIGINT'), 2000);
    child.on('exit', (status, signal) => resolve({ status, signal, stderr }));
  });
}

describe('blkstudio-io interrupted at a breakpoint', () => {
  it('dies of SIGINT like qemu-io, naming the parked requests', async () => {
    writeFileSync(join(dir, 'd.raw'), Buffer.alloc(1 << 20));
    const r = await runUntilInterrupted(['-f', 'raw', '-c', 'break write_aio A', '-c', 'write 0 512', 'blkdebug::d.raw']);
    expect(r.signal).toBe('SIGINT');
    expect(r.stderr).toBe("blkstudio-io: interrupted while requests were suspended at breakpoints: 'A' (write_aio)\n");
  });
});
