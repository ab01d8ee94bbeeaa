#!/usr/bin/env node
// qcow2 throughput benchmark: blkstudio-io against qemu-io on the workload of bench/run.mjs
// (4096 `write -P <p> <off> 64k` then 4096 `read -P <p> <off> 64k` over 256 MiB, one stdin script,
// stdout drained through a pipe), on a qcow2 image (in /dev/shm when it exists) in two states:
//   fresh      a new empty image (`qemu-img create -f qcow2 -o cluster_size=64k`): every write
//              allocates (cluster, L2 tables, refcounts), then the reads hit allocated clusters;
//   allocated  every cluster already holds data (written once by the REAL qemu-io, then the
//              image is copied before each run): in-place overwrites, then reads.
// Both tools run the same script on the same starting image, alternating, BENCH_RUNS times (5)
// per state. Prints every run, the medians and the ratios ours/qemu. After each run
// `qemu-img check` must find the image clean and every pattern read must have matched.
// Not a test: it never fails for being slow, only when a run exits non-zero, a pattern
// fails or the image is not clean (correctness problems, not speed ones).
//
//   BENCH_RUNS=3 node bench/qcow2.mjs       fewer runs
//   BENCH_CLUSTER=2M                        another cluster size (default 64k)
//   BENCH_STATES=fresh                      only one state (fresh, allocated)
//   BLKSTUDIO_IO=/usr/bin/qemu-io           compare qemu-io with itself (sanity check)

import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, findQemuImg } from '../test/iotests/harness.mjs';
import { benchDir, CHUNK, IMAGE_SIZE, median, OPS, requireTools, RUNS, runOnce, script } from './common.mjs';

const CLUSTER = process.env.BENCH_CLUSTER ?? '64k';
const STATES = (process.env.BENCH_STATES ?? 'fresh,allocated').split(',').map((s) => s.trim()).filter(Boolean);

const { version, ours } = requireTools('bench:qcow2');
const qemuImg = findQemuImg();
if (!qemuImg) {
  console.error('bench:qcow2: qemu-img not found: apt-get install qemu-utils');
  process.exit(1);
}
const { dir } = benchDir('blkstudio-bench-qcow2-');
const IMAGE = 'bench.qcow2';
const TEMPLATE = 'allocated.qcow2';

function must(file, args, what) {
  const r = spawnSync(file, args, { cwd: dir, env: childEnv(), encoding: 'utf8', input: '' });
  if (r.status !== 0) throw new Error(`bench:qcow2: ${what} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const create = (name) => must(qemuImg, ['create', '-q', '-f', 'qcow2', '-o', `cluster_size=${CLUSTER}`, name, String(IMAGE_SIZE)], `qemu-img create ${name}`);

/** `qemu-img check` of the image: null when clean, else its output. */
function check() {
  const r = spawnSync(qemuImg, ['check', '-f', 'qcow2', IMAGE], { cwd: dir, env: childEnv(), encoding: 'utf8' });
  return r.status === 0 ? null : `qemu-img check exit ${r.status}: ${(r.stdout + r.stderr).trim().slice(0, 1000)}`;
}

const stdin = script();
writeFileSync(join(dir, 'script.txt'), stdin);
const prepare = {
  fresh: () => create(IMAGE),
  allocated: () => copyFileSync(join(dir, TEMPLATE), join(dir, IMAGE)),
};
if (STATES.includes('allocated')) {
  // Every cluster written by the real qemu-io (a pattern other than the script's, so the
  // overwrites change the data), the same way for both tools.
  create(TEMPLATE);
  const fill = [];
  for (let off = 0; off < IMAGE_SIZE; off += 1 << 20) fill.push(`write -q -P 0xa5 ${off} 1M`);
  const r = spawnSync(version.path, ['-f', 'qcow2', TEMPLATE], { cwd: dir, env: childEnv(), encoding: 'utf8', input: fill.join('\n') + '\nquit\n', argv0: 'qemu-io' });
  if (r.status !== 0) throw new Error(`bench:qcow2: filling ${TEMPLATE} failed: ${r.stdout}${r.stderr}`);
  const map = must(qemuImg, ['map', '--output=json', '-f', 'qcow2', TEMPLATE], 'qemu-img map');
  const extents = JSON.parse(map);
  if (extents.length !== 1 || !extents[0].data) throw new Error(`bench:qcow2: ${TEMPLATE} is not fully allocated: ${map.slice(0, 500)}`);
}

console.log(`bench:qcow2: ${OPS} x write -P ${CHUNK / 1024}k + ${OPS} x read -P ${CHUNK / 1024}k over a ${IMAGE_SIZE / 1024 / 1024} MiB qcow2 image (cluster_size=${CLUSTER}) in ${dir}`);
console.log(`bench:qcow2: qemu-io ${version.version} (${version.path}) vs ${ours.label}, ${RUNS} runs each per state (${STATES.join(', ')}), alternating`);

const times = Object.fromEntries(STATES.map((s) => [s, { qemu: [], ours: [] }]));
let failed = false;
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const state of STATES) {
      // Alternate which tool goes first, so neither always runs on a colder cache.
      const order = run % 2 ? ['qemu', 'ours'] : ['ours', 'qemu'];
      for (const tool of order) {
        prepare[state]();
        const r =
          tool === 'qemu'
            ? await runOnce(dir, version.path, ['-f', 'qcow2', IMAGE], 'qemu-io', stdin)
            : await runOnce(dir, ours.file, [...ours.prefix, '-f', 'qcow2', IMAGE], ours.argv0, stdin);
        const bad = check();
        const name = tool === 'qemu' ? 'qemu-io     ' : 'blkstudio-io';
        const ok = r.status === 0 && r.mismatches === 0 && r.failures === 0 && !bad;
        console.log(
          `run ${run} ${state.padEnd(9)} ${name} ${r.ms.toFixed(0).padStart(7)} ms  exit ${r.status}  stdout ${r.stdoutBytes} bytes` +
            `${r.mismatches ? `  ${r.mismatches} PATTERN FAILURES` : ''}${r.failures ? `  ${r.failures} FAILED REQUESTS` : ''}${bad ? '  IMAGE NOT CLEAN' : ''}`,
        );
        if (!ok) {
          failed = true;
          if (r.stderr) console.log(`  stderr: ${r.stderr.slice(0, 2000)}`);
          if (bad) console.log(`  ${bad}`);
        } else times[state][tool].push(r.ms); // failed runs do not count towards the median
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const state of STATES) {
  const t = times[state];
  if (t.qemu.length && t.ours.length) {
    const mq = median(t.qemu);
    const mo = median(t.ours);
    console.log(`${state}: median qemu-io ${mq.toFixed(0)} ms, blkstudio-io ${mo.toFixed(0)} ms (successful runs only)`);
    console.log(`${state}: blkstudio-io / qemu-io = ${(mo / mq).toFixed(2)}x (target <= 1.5x)`);
  } else {
    console.log(`${state}: no successful run of one of the tools, no ratio`);
  }
}
if (failed) {
  console.log('bench:qcow2: a run did not exit 0 cleanly or left an unclean image (see above)');
  process.exit(1);
}
