// Plant random corruptions in a copy of an image (raw and qcow2, made by qemu-img/qemu-io) and
// check that diffChildren finds exactly the planted sectors, and that `blkstudio img compare`
// names the first one at the offset qemu-img compare does. For qcow2 the bytes are flipped
// where `qemu-img map` says the guest sector lives in the file.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, readSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { snapshotImgCli } from '../../../iotests/harness.mjs';
import { diffChildren, type DiffRange } from '../../../../src/block/compare';
import { openBlockBackend } from '../../../../src/block/open';
import { NodeBlockHost } from '../../../../src/host/node-block-host';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const SIZE = 16 << 20;
const SECTOR = 512;
let dir = '';
let cli = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'blkstudio-planted-'));
  cli = snapshotImgCli(dir);
  for (const fmt of ['raw', 'qcow2']) {
    const img = `orig.${fmt}`;
    execFileSync('qemu-img', ['create', '-q', '-f', fmt, img, String(SIZE)], { cwd: dir });
    // Every sector holds data (so every guest sector has a place in the file), in a few patterns.
    const cmds = [];
    for (let off = 0; off < SIZE; off += 1 << 20) cmds.push('-c', `write -q -P ${(off >> 20) * 13 + 1} ${off} 1M`);
    execFileSync('qemu-io', ['-f', fmt, ...cmds, img], { cwd: dir });
  }
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Guest sector -> file offset, from `qemu-img map --output=json` (identity for raw). */
function hostMap(image: string, fmt: string): (guest: number) => number {
  const extents = JSON.parse(execFileSync('qemu-img', ['map', '--output=json', '-f', fmt, image], { cwd: dir, encoding: 'utf8' })) as {
    start: number;
    length: number;
    data: boolean;
    offset?: number;
  }[];
  return (guest) => {
    const e = extents.find((x) => guest >= x.start && guest < x.start + x.length);
    if (!e || !e.data || e.offset === undefined) throw new Error(`guest offset ${guest} has no data in ${image}`);
    return e.offset + (guest - e.start);
  };
}

/** The sectors to corrupt: the first and the last, a run of adjacent ones, random others. */
function pickSectors(rand: () => number, n: number): number[] {
  const count = SIZE / SECTOR;
  const set = new Set<number>([0, count - 1]);
  const run = Math.floor(rand() * (count - 8));
  for (let i = 0; i < 4; i++) set.add(run + i);
  while (set.size < n) set.add(Math.floor(rand() * count));
  return [...set].sort((x, y) => x - y);
}

/** Flip one to three bytes of each sector in the copy; returns the planted sectors. */
function plant(image: string, fmt: string, seed: number, n: number): number[] {
  const rand = prng(seed);
  const toHost = hostMap(image, fmt);
  const sectors = pickSectors(rand, n);
  const fd = openSync(join(dir, image), 'r+');
  const byte = Buffer.alloc(1);
  for (const s of sectors) {
    const flips = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < flips; i++) {
      const at = toHost(s * SECTOR + Math.floor(rand() * SECTOR));
      readSync(fd, byte, 0, 1, at);
      byte[0] ^= 1 + Math.floor(rand() * 255);
      writeSync(fd, byte, 0, 1, at);
    }
  }
  closeSync(fd);
  return sectors;
}

function expectedRanges(sectors: number[]): DiffRange[] {
  const out: DiffRange[] = [];
  for (const s of sectors) {
    const last = out[out.length - 1];
    if (last && last.offset + last.bytes === s * SECTOR) last.bytes += SECTOR;
    else out.push({ offset: s * SECTOR, bytes: SECTOR });
  }
  return out;
}

async function diffFiles(a: string, b: string, fmt: string): Promise<DiffRange[]> {
  const host = new NodeBlockHost();
  const ba = await openBlockBackend(host, { filename: join(dir, a), format: fmt, readOnly: true }, { warn: () => {} });
  const bb = await openBlockBackend(host, { filename: join(dir, b), format: fmt, readOnly: true }, { warn: () => {} });
  try {
    const ranges: DiffRange[] = [];
    // Small chunks: ranges split at chunk borders are merged back below.
    for await (const c of diffChildren(ba.rootChild, bb.rootChild, { chunkBytes: 3 << 20, bytesEqual: host.bytesEqual.bind(host) })) {
      for (const r of c.ranges) {
        const last = ranges[ranges.length - 1];
        if (last && last.offset + last.bytes === r.offset) last.bytes += r.bytes;
        else ranges.push({ ...r });
      }
    }
    return ranges;
  } finally {
    await ba.close();
    await bb.close();
  }
}

function compareOutput(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe.each(['raw', 'qcow2'])('planted corruptions in %s', (fmt) => {
  test.each([1, 2, 3])('seed %i: every planted sector and nothing else', async (seed) => {
    const copy = `copy-${seed}.${fmt}`;
    copyFileSync(join(dir, `orig.${fmt}`), join(dir, copy));
    const sectors = plant(copy, fmt, seed * 7919 + (fmt === 'raw' ? 0 : 1), 40);
    expect(await diffFiles(`orig.${fmt}`, copy, fmt)).toEqual(expectedRanges(sectors));

    const args = ['-f', fmt, '-F', fmt, `orig.${fmt}`, copy];
    const qemu = compareOutput('qemu-img', ['compare', ...args]);
    expect(qemu.stdout).toBe(`Content mismatch at offset ${sectors[0] * SECTOR}!\n`);
    expect(compareOutput(process.execPath, [cli, 'img', 'compare', ...args])).toEqual(qemu);
    // Without the first sector's corruption the first mismatch moves on: check qemu-img agrees again.
    const later = [...args.slice(0, 4), copy, `orig.${fmt}`];
    expect(compareOutput(process.execPath, [cli, 'img', 'compare', ...later])).toEqual(compareOutput('qemu-img', ['compare', ...later]));
  }, 30_000);
});
