// Seeded fuzz of hostile qcow2 headers with 64-bit values (issue 13): the 64-bit header fields
// (backing_file_offset, size, l1/refcount/snapshot table offsets, the three feature words) and
// the first L1, L2 and refcount-table entries get values around the places a double loses
// precision or QEMU draws a line (2^53, 2^62 + 512, BDRV_MAX_LENGTH, INT64_MAX, 2^64 - 1), or
// random 64-bit words. Every case is opened by the real qemu-io 7.2 and by blkstudio-io's
// engine (in process, so a hundred cases take a few seconds), and checked by both
// `qemu-img check` and `blkstudio img check`. ASSERTED:
//   - we never open an image QEMU refuses, and refuse what QEMU opens only with a "blkstudio"
//     message; when both refuse, the message is QEMU's;
//   - `img check` agrees with `qemu-img check` on whether the image opens, and then prints the
//     same first line; neither side crashes or takes more than 10 s.
// Read-only throughout (-r, check without -r), so every case leaves its image as it was.
//   FUZZ_SEED=N (default 20261207), FUZZ_HEADER_CASES=N (default 120)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { imgMain } from '../../src/cli/img/img-cli';
import { ImgOutput } from '../../src/cli/img/output';
import { NodeBlockHost } from '../../src/host/node-block-host';
import { qemuIoMain } from '../../src/qemu-io/main';
import { MemoryQemuIoHost } from '../unit/qemu-io/memory-host';
import { caseSeed, prng } from './blkdebug-gen.mjs';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const CASES = Number(process.env.FUZZ_HEADER_CASES ?? 120);
const hasQemu = spawnSync('qemu-img', ['--version']).status === 0 && spawnSync('qemu-io', ['--version']).status === 0;

/** Base images: 64 KiB clusters and 512 B clusters with 1-bit refcounts (field offsets below). */
const BASES = [
  { name: 'c64k', create: ['-o', 'cluster_size=64k'], cs: 0x10000, l1: 0x30000, l2: 0x40000, reftable: 0x10000 },
  { name: 'c512', create: ['-o', 'cluster_size=512,refcount_bits=1'], cs: 512, l1: 0x600, l2: 0x800, reftable: 0x200 },
];

/** The 64-bit header fields (offset in the header). */
const FIELDS = [8, 24, 40, 48, 64, 72, 80, 88];

let scratch = '';
const bases = new Map<string, Buffer>();

beforeAll(() => {
  if (!hasQemu) return;
  scratch = mkdtempSync(join(tmpdir(), 'blkstudio-header64-'));
  for (const b of BASES) {
    const f = join(scratch, `${b.name}.qcow2`);
    expect(spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...b.create, f, '1M']).status).toBe(0);
    expect(spawnSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x11 0 64k', f]).status).toBe(0);
    bases.set(b.name, readFileSync(f));
  }
}, 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** An interesting 64-bit value for a field of an image with cluster size `cs`. */
function value(r: ReturnType<typeof prng>, cs: number, original: bigint): bigint {
  const c = BigInt(cs);
  const k = BigInt(r.int(0, 3)) * c;
  const rand64 = () => (BigInt(Math.floor(r.next() * 2 ** 32)) << 32n) | BigInt(Math.floor(r.next() * 2 ** 32));
  const choices: (() => bigint)[] = [
    () => (1n << 53n) + k,
    () => (1n << 53n) - c + k,
    () => (1n << 62n) + 512n + k,
    () => (1n << 63n) - (1n << 30n) - k,
    () => (1n << 63n) - (1n << 30n) + k,
    () => (1n << 63n) - c - k,
    () => (1n << 63n) + k,
    () => (1n << 64n) - 1n - k,
    () => original | (1n << BigInt(r.int(53, 63))),
    () => original | (1n << BigInt(r.int(53, 63))) | BigInt(r.int(1, 31)),
    rand64,
  ];
  return BigInt.asUintN(64, r.pick(choices)());
}

interface Case {
  base: (typeof BASES)[number];
  patches: { at: number; v: bigint }[];
  image: Buffer;
}

function makeCase(n: number): Case {
  const r = prng(caseSeed(SEED, n));
  const base = r.pick(BASES);
  const image = Buffer.from(bases.get(base.name)!);
  const patches: { at: number; v: bigint }[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const roll = r.next();
    const at = roll < 0.8 ? r.pick(FIELDS) : r.pick([base.l1, base.l2, base.reftable]);
    patches.push({ at, v: value(r, base.cs, image.readBigUInt64BE(at)) });
  }
  // A snapshot table only counts with snapshots in it.
  if (patches.some((p) => p.at === 64) && r.chance(0.7)) image.writeUInt32BE(r.int(1, 3), 60);
  for (const p of patches) image.writeBigUInt64BE(p.v, p.at);
  return { base, patches, image };
}

const firstLine = (s: string) => s.split('\n')[0];

/** Runs an in-process call with a bound: a hang fails the case instead of the whole run. */
async function bounded<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than 10 s`)), 10_000);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!hasQemu)('hostile 64-bit qcow2 header fields vs qemu-io / qemu-img 7.2', () => {
  test(`${CASES} seeded cases (seed ${SEED})`, async () => {
    const problems: string[] = [];
    const blockHost = new NodeBlockHost();
    for (let n = 0; n < CASES; n++) {
      const c = makeCase(n);
      const file = join(scratch, `case-${n}.qcow2`);
      writeFileSync(file, c.image);
      const label = `case ${n} (${c.base.name}: ${c.patches.map((p) => `${p.at}=0x${p.v.toString(16)}`).join(' ')})`;

      const qio = spawnSync('qemu-io', ['-r', '-f', 'qcow2', '-c', 'read 0 512', file], { encoding: 'utf8', timeout: 10_000 });
      const host = new MemoryQemuIoHost();
      const status = await bounded('blkstudio-io', qemuIoMain(['-r', '-f', 'qcow2', '-c', 'read 0 512', file], host, blockHost));
      const qemuRefused = qio.stderr.includes("can't open device");
      const weRefused = host.stderr.includes("can't open device");
      if (qemuRefused && !weRefused) problems.push(`${label}: opened what qemu-io refuses (${firstLine(qio.stderr)})`);
      if (!qemuRefused && weRefused && !host.stderr.includes(': blkstudio ')) problems.push(`${label}: refused what qemu-io opens: ${firstLine(host.stderr)}`);
      if (qemuRefused && weRefused && firstLine(qio.stderr) !== firstLine(host.stderr) && !host.stderr.includes(': blkstudio ')) {
        problems.push(`${label}: qemu-io says ${firstLine(qio.stderr)}, we say ${firstLine(host.stderr)}`);
      }
      if (qemuRefused && qio.status !== status) problems.push(`${label}: exit ${status}, qemu-io ${qio.status}`);

      const qimg = spawnSync('qemu-img', ['check', file], { encoding: 'utf8', timeout: 10_000 });
      const o = new ImgOutput();
      await bounded('blkstudio img check', imgMain(['check', file], o));
      const qOpen = !qimg.stderr.includes('Could not open');
      const oOpen = !o.stderr.includes('Could not open');
      const ourFirst = firstLine(o.stderr || o.stdout);
      if (qOpen !== oOpen && !ourFirst.includes('blkstudio')) problems.push(`${label}: img check ${oOpen ? 'opened' : 'refused'} (${ourFirst}), qemu-img: ${firstLine(qimg.stderr || qimg.stdout)}`);
      if (!qOpen && !oOpen && firstLine(qimg.stderr) !== firstLine(o.stderr)) problems.push(`${label}: qemu-img check says ${firstLine(qimg.stderr)}, we say ${firstLine(o.stderr)}`);
      // Read-only: the image must be as it was.
      if (!readFileSync(file).equals(c.image)) problems.push(`${label}: the image changed`);
      rmSync(file);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
