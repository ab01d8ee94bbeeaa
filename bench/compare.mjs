#!/usr/bin/env node
// Image comparison benchmark: `blkstudio img compare` against `qemu-img compare` on two 1 GiB
// images, both tools in the same run on the same files (node's startup counts):
//   formats  raw, qcow2 (64k clusters, made by `qemu-img convert` from the raw images)
//   fills    data   every sector written (1 MiB blocks of varied bytes): the scan reads it all
//            holes  1% data (64 KiB extents scattered over the image), the rest never written
//   pairs    identical   a byte-for-byte copy: the whole image is scanned
//            scattered   8 flipped sectors between 60% and 100% (compare stops at the first)
//            near-end    one flipped sector in the last MiB: almost the whole scan, then a hit
// Images live in /tmp (page cache warm after the first run) and are deleted at the end. Prints
// every run, then a table of medians and ratios ours/qemu. Both tools must print the same
// verdict; a disagreement fails the benchmark (a correctness problem, not a speed one).
//
//   BENCH_RUNS=3 node bench/compare.mjs    runs per case (default 3)
//   BENCH_FORMATS=raw BENCH_FILLS=data     a subset
//   BLKSTUDIO_IMG='node other.cjs'         another blkstudio command (run as `<it> img compare ...`)

import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childEnv, findQemuImg } from '../test/iotests/harness.mjs';
import { median } from './common.mjs';

const SIZE = 1 << 30;
const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const list = (name, all) => (process.env[name] ?? all).split(',').map((s) => s.trim()).filter(Boolean);
const FORMATS = list('BENCH_FORMATS', 'raw,qcow2');
const FILLS = list('BENCH_FILLS', 'data,holes');
const PAIRS = ['identical', 'scattered', 'near-end'];

const qemuImg = findQemuImg();
if (!qemuImg) {
  console.error('bench:compare: qemu-img not found: apt-get install qemu-utils');
  process.exit(1);
}
const [oursFile, ...oursPrefix] = process.env.BLKSTUDIO_IMG?.split(' ') ?? [process.execPath, resolve(import.meta.dirname, '..', 'bin', 'blkstudio')];
const dir = mkdtempSync(join(tmpdir(), 'blkstudio-bench-compare-'));

/** A small seeded PRNG: the same images every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function must(file, args) {
  const r = spawnSync(file, args, { cwd: dir, env: childEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench:compare: ${file} ${args.join(' ')} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
}

function makeRaw(name, fill) {
  const rand = prng(42);
  const fd = openSync(join(dir, name), 'w');
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (rand() * 256) | 0;
  if (fill === 'data') {
    for (let off = 0; off < SIZE; off += MiB) {
      block.writeUInt32LE(off / MiB, 0); // every MiB different
      writeSync(fd, block, 0, MiB, off);
    }
  } else {
    for (let i = 0; i < (SIZE / (64 * 1024)) / 100; i++) {
      const off = Math.floor(rand() * (SIZE / (64 * 1024))) * 64 * 1024;
      writeSync(fd, block, 0, 64 * 1024, off);
    }
  }
  // Sparse up to the full size.
  ftruncateSync(fd, SIZE);
  closeSync(fd);
}

/** Overwrite two bytes in each given sector of a raw file (in a hole they become data). */
function flip(name, offsets) {
  const fd = openSync(join(dir, name), 'r+');
  for (const off of offsets) writeSync(fd, Buffer.from([0xa5, 0x5a]), 0, 2, off + 17);
  closeSync(fd);
}

function pairOffsets(pair) {
  if (pair === 'identical') return [];
  if (pair === 'near-end') return [SIZE - 300 * 1024];
  const rand = prng(7);
  return Array.from({ length: 8 }, () => Math.floor((0.6 + rand() * 0.4) * (SIZE / 512 - 1)) * 512).sort((x, y) => x - y);
}

function timeOne(file, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(file, args, { cwd: dir, env: childEnv(), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

console.log(`bench:compare: qemu-img compare vs blkstudio img compare on 1 GiB images in ${dir}, ${RUNS} runs per case, alternating`);
const rows = [];
let failed = false;
try {
  for (const fill of FILLS) {
    makeRaw('a.raw', fill);
    if (FORMATS.includes('qcow2')) must(qemuImg, ['convert', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=64k', 'a.raw', 'a.qcow2']);
    for (const pair of PAIRS) {
      copyFileSync(join(dir, 'a.raw'), join(dir, 'b.raw'));
      flip('b.raw', pairOffsets(pair));
      if (FORMATS.includes('qcow2')) must(qemuImg, ['convert', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=64k', 'b.raw', 'b.qcow2']);
      for (const fmt of FORMATS) {
        const args = ['compare', '-f', fmt, '-F', fmt, `a.${fmt}`, `b.${fmt}`];
        const t = { qemu: [], ours: [] };
        let verdict = '';
        timeOne(qemuImg, args); // warm the page cache
        for (let run = 1; run <= RUNS; run++) {
          for (const tool of run % 2 ? ['qemu', 'ours'] : ['ours', 'qemu']) {
            const r = tool === 'qemu' ? timeOne(qemuImg, args) : timeOne(oursFile, [...oursPrefix, 'img', ...args]);
            if (tool === 'qemu') verdict = r.out;
            t[tool].push(r.ms);
            const line = `${fmt.padEnd(5)} ${fill.padEnd(5)} ${pair.padEnd(9)} run ${run} ${tool === 'qemu' ? 'qemu-img ' : 'blkstudio'} ${r.ms.toFixed(0).padStart(6)} ms  exit ${r.status}  ${r.out}`;
            console.log(line);
          }
        }
        const check = timeOne(oursFile, [...oursPrefix, 'img', ...args]);
        if (check.out !== verdict) {
          failed = true;
          console.log(`  VERDICTS DIFFER: qemu-img "${verdict}", blkstudio "${check.out}"`);
        }
        rows.push({ fmt, fill, pair, qemu: median(t.qemu), ours: median(t.ours) });
      }
      rmSync(join(dir, 'b.raw'), { force: true });
      rmSync(join(dir, 'b.qcow2'), { force: true });
    }
    rmSync(join(dir, 'a.raw'), { force: true });
    rmSync(join(dir, 'a.qcow2'), { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('\nformat fill  pair       qemu-img ms  blkstudio ms  ours/qemu');
for (const r of rows) {
  console.log(
    `${r.fmt.padEnd(6)} ${r.fill.padEnd(5)} ${r.pair.padEnd(10)} ${r.qemu.toFixed(0).padStart(11)} ${r.ours.toFixed(0).padStart(13)} ${(r.ours / r.qemu).toFixed(2).padStart(10)}`,
  );
}
if (failed) {
  console.log('bench:compare: the tools disagreed on a verdict (see above)');
  process.exit(1);
}
