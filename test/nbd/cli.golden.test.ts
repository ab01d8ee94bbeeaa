// `blkstudio nbd` against qemu-nbd 7.2's recorded output for bad and edge command lines
// (test/nbd/golden/cli, from scripts/gen-nbd-cli-golden.mjs). Needs `npm run -s build`.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCaseDir, mask, NBD_CLI_CASES, substitute } from './cli-cases.mjs';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'blkstudio');

function run(args: string[], cwd: string): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'nbd', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('latin1').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.on('error', reject);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status });
    });
  });
}

describe('blkstudio nbd: qemu-nbd goldens', () => {
  it.concurrent.each(NBD_CLI_CASES.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const golden = JSON.parse(readFileSync(join(__dirname, 'golden', 'cli', `${name}.json`), 'utf8'));
    const dir = makeCaseDir();
    try {
      const r = await run(substitute(c.args, dir), dir);
      expect({ stdout: mask(r.stdout, dir), stderr: mask(r.stderr, dir), status: r.status }).toEqual({
        stdout: golden.stdout, stderr: golden.stderr, status: golden.status,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
