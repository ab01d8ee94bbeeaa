// What the benchmarks share: the workload (a 256 MiB raw image in /dev/shm when it exists, else
// os.tmpdir(), and a stdin script of 4096 `write -P <p> <off> 64k` then 4096 `read -P <p> <off> 64k`),
// the check that both tools can run, spawning one run with its stdout drained, and the median.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blkstudioIoCommand, blkstudioIoProblem, checkQemuIoVersion, childEnv } from '../test/iotests/harness.mjs';

export const IMAGE_SIZE = 256 * 1024 * 1024;
export const CHUNK = 64 * 1024;
export const OPS = 4096; // 4096 * 64 KiB = 256 MiB: the writes cover the image exactly once
export const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** qemu-io and blkstudio-io, or exit 1 after printing `<label>: <why not>`. */
export function requireTools(label) {
  const version = checkQemuIoVersion();
  if (!version.ok) {
    console.error(`${label}: ${version.message}`);
    process.exit(1);
  }
  const problem = blkstudioIoProblem();
  if (problem) {
    console.error(`${label}: ${problem}`);
    process.exit(1);
  }
  return { version, ours: blkstudioIoCommand() };
}

/** A fresh directory for one benchmark, its image path and freshImage() to recreate the image empty. */
export function benchDir(prefix) {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, prefix));
  const image = join(dir, 'bench.raw');
  const freshImage = () => {
    const fd = openSync(image, 'w');
    ftruncateSync(fd, IMAGE_SIZE);
    closeSync(fd);
  };
  return { dir, image, freshImage };
}

/** The stdin script: OPS pattern writes of CHUNK bytes over the image, the matching reads, quit. */
export function script() {
  const lines = [];
  const pattern = (i) => (i * 7 + 1) & 0xff;
  for (let i = 0; i < OPS; i++) lines.push(`write -P ${pattern(i)} ${i * CHUNK} 64k`);
  for (let i = 0; i < OPS; i++) lines.push(`read -P ${pattern(i)} ${i * CHUNK} 64k`);
  lines.push('quit');
  return lines.join('\n') + '\n';
}

/** Runs one tool on the script in dir; resolves { ms, status, stdoutBytes, stderr, mismatches, failures }. */
export function runOnce(dir, file, args, argv0, stdin) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { cwd: dir, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'], ...(argv0 ? { argv0 } : {}) });
    let stdoutBytes = 0;
    let mismatches = 0;
    let failures = 0;
    let tail = '';
    const err = [];
    child.stdout.on('data', (d) => {
      stdoutBytes += d.length;
      // Count pattern and request failures without keeping the output (a tail carries split lines over).
      const text = tail + d.toString('latin1');
      const cut = text.lastIndexOf('\n');
      const whole = text.slice(0, cut + 1);
      mismatches += (whole.match(/Pattern verification failed/g) ?? []).length;
      failures += (whole.match(/ failed: /g) ?? []).length;
      tail = text.slice(cut + 1);
    });
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ ms, status: code ?? `signal ${signal}`, stdoutBytes, stderr: Buffer.concat(err).toString('utf8'), mismatches, failures });
    });
    child.stdin.end(stdin);
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** `blkstudio web --port 0 ARGS...` with a fixed token; resolves with the child and its port once it listens. */
export function startWebServer(root, token, args) {
  const child = spawn(process.execPath, [join(root, 'bin', 'blkstudio'), 'web', '--port', '0', ...args], {
    env: { ...process.env, BLKSTUDIO_WEB_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolvePromise({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`blkstudio web exited with ${code}: ${out}`)));
  });
}
