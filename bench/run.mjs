#!/usr/bin/env node
// Throughput benchmark: blkstudio-io against qemu-io on the same stdin script (`npm run bench`).
//
// A 256 MiB raw image (in /dev/shm when it exists, else os.tmpdir()) is driven by a script of
// 4096 `write -P <p> <off> 64k` followed by 4096 `read -P <p> <off> 64k` (the offsets cover the
// whole image). Each tool runs it 5 times, alternating, with stdout drained through a pipe.
// Prints every run's wall time and the median ratio. Not a test: it never fails for being slow,
// only when a tool exits non-zero (that is a correctness problem, not a speed one).
//
//   BENCH_RUNS=3 npm run bench         fewer runs
//   BLKSTUDIO_IO=/usr/bin/qemu-io      compare qemu-io with itself (sanity check of the harness)

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, ftruncateSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blkstudioIoCommand, blkstudioIoProblem, checkQemuIoVersion, childEnv } from '../test/iotests/harness.mjs';

const IMAGE_SIZE = 256 * 1024 * 1024;
const CHUNK = 64 * 1024;
const OPS = 4096; // 4096 * 64 KiB = 256 MiB: the writes cover the image exactly once
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const version = checkQemuIoVersion();
if (!version.ok) {
  console.error(`bench: ${version.message}`);
  process.exit(1);
}
const problem = blkstudioIoProblem();
if (problem) {
  console.error(`bench: ${problem}`);
  process.exit(1);
}
const ours = blkstudioIoCommand();

const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = mkdtempSync(join(base, 'blkstudio-bench-'));
const image = join(dir, 'bench.raw');

function freshImage() {
  const fd = openSync(image, 'w');
  ftruncateSync(fd, IMAGE_SIZE);
  closeSync(fd);
}

function script() {
  const lines = [];
  const pattern = (i) => (i * 7 + 1) & 0xff;
  for (let i = 0; i < OPS; i++) lines.push(`write -P ${pattern(i)} ${i * CHUNK} 64k`);
  for (let i = 0; i < OPS; i++) lines.push(`read -P ${pattern(i)} ${i * CHUNK} 64k`);
  lines.push('quit');
  return lines.join('\n') + '\n';
}

/** Runs one tool on the script; resolves { ms, status, stdoutBytes, stderr, mismatches }. */
function runOnce(file, args, argv0, stdin) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { cwd: dir, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'], ...(argv0 ? { argv0 } : {}) });
    let stdoutBytes = 0;
    let mismatches = 0;
    let tail = '';
    const err = [];
    child.stdout.on('data', (d) => {
      stdoutBytes += d.length;
      // Count pattern failures without keeping the output (a tail carries split lines over).
      const text = tail + d.toString('latin1');
      const cut = text.lastIndexOf('\n');
      mismatches += (text.slice(0, cut + 1).match(/Pattern verification failed/g) ?? []).length;
      tail = text.slice(cut + 1);
    });
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ ms, status: code ?? `signal ${signal}`, stdoutBytes, stderr: Buffer.concat(err).toString('utf8'), mismatches });
    });
    child.stdin.end(stdin);
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const stdin = script();
writeFileSync(join(dir, 'script.txt'), stdin);
console.log(`bench: ${OPS} x write -P 64k + ${OPS} x read -P 64k over a ${IMAGE_SIZE / 1024 / 1024} MiB raw image in ${dir}`);
console.log(`bench: qemu-io ${version.version} (${version.path}) vs ${ours.label}, ${RUNS} runs each, alternating`);

const times = { qemu: [], ours: [] };
let failed = false;
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const tool of ['qemu', 'ours']) {
      freshImage();
      const r =
        tool === 'qemu'
          ? await runOnce(version.path, ['-f', 'raw', 'bench.raw'], 'qemu-io', stdin)
          : await runOnce(ours.file, [...ours.prefix, '-f', 'raw', 'bench.raw'], ours.argv0, stdin);
      const name = tool === 'qemu' ? 'qemu-io     ' : 'blkstudio-io';
      const ok = r.status === 0 && r.mismatches === 0;
      console.log(`run ${run} ${name} ${r.ms.toFixed(0).padStart(7)} ms  exit ${r.status}  stdout ${r.stdoutBytes} bytes${r.mismatches ? `  ${r.mismatches} PATTERN FAILURES` : ''}`);
      if (!ok) {
        failed = true;
        if (r.stderr) console.log(`  stderr: ${r.stderr.slice(0, 2000)}`);
      }
      else times[tool].push(r.ms); // failed runs do not count towards the median
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (times.qemu.length && times.ours.length) {
  const mq = median(times.qemu);
  const mo = median(times.ours);
  console.log(`median qemu-io ${mq.toFixed(0)} ms, blkstudio-io ${mo.toFixed(0)} ms (successful runs only)`);
  console.log(`blkstudio-io / qemu-io = ${(mo / mq).toFixed(2)}x (target <= 1.5x)`);
} else {
  console.log('bench: no successful run of one of the tools, no ratio');
}
if (failed) {
  console.log('bench: a run did not exit 0 cleanly (see above)');
  process.exit(1);
}
