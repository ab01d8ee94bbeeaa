// qcow2 persistent dirty bitmaps against the real QEMU 7.2 tools. Images with bitmaps are made
// by the real qemu-img (`bitmap --add`, `--disable`, `-g`); the same qemu-io script then runs
// through qemu-io and through blkstudio-io on copies, and afterwards the real tools look at both
// results: `qemu-img info --output=json` (bitmaps, their flags), `qemu-img check`, and the bitmap
// contents read from the tables (bit for bit), besides the masked output and the file bytes.
// `blkstudio img check` is compared with `qemu-img check` on bitmap images (with and without -r).
// Needs `npm run build:cli` and qemu-utils.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { childEnv, maskOutput, snapshotImgCli } from '../iotests/harness.mjs';

const ROOT = resolve(__dirname, '..', '..');
const hasTools = spawnSync('qemu-img', ['--version']).status === 0 && spawnSync('qemu-io', ['--version']).status === 0;
let scratch = '';
let cli = '';
let counter = 0;

beforeAll(() => {
  if (!hasTools) return;
  scratch = mkdtempSync(join(tmpdir(), 'blkstudio-bitmaps-diff-'));
  cli = snapshotImgCli(scratch);
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

type Step = string[] | { patch: number; hex: string } | { crash: string[] };

/** A directory holding t.qcow2 made by the real tools (qemu-img / qemu-io argv, byte patches). */
function seed(steps: Step[]): string {
  const dir = join(scratch, `seed-${counter++}`);
  mkdirSync(dir, { recursive: true });
  for (const step of steps) {
    if (Array.isArray(step)) {
      execFileSync(step[0], step.slice(1), { cwd: dir, stdio: 'ignore' });
    } else if ('patch' in step) {
      const fd = openSync(join(dir, 't.qcow2'), 'r+');
      writeSync(fd, Buffer.from(step.hex, 'hex'), 0, step.hex.length / 2, step.patch);
      closeSync(fd);
    } else {
      spawnSync('qemu-io', step.crash, { cwd: dir, stdio: 'ignore' });
    }
  }
  return dir;
}

const env = () => ({ ...childEnv(), NODE_PATH: join(ROOT, 'node_modules') });

function run(file: string, args: string[], cwd: string) {
  const r = spawnSync(file, args, { cwd, env: env(), encoding: 'latin1', timeout: 60_000 });
  return { stdout: maskOutput(r.stdout).toString('latin1'), stderr: maskOutput(r.stderr).toString('latin1'), status: r.status };
}

/** The bitmaps of a qcow2 file as the spec lays them out: directory entries and their bits. */
function bitmapContents(file: Buffer): Array<{ name: string; flags: number; granularity: number; table: number; bits: string }> {
  const cs = 2 ** file.readUInt32BE(20);
  const out: Array<{ name: string; flags: number; granularity: number; table: number; bits: string }> = [];
  for (let o = file.readUInt32BE(100); file.readUInt32BE(o) !== 0; o += 8 + Math.ceil(file.readUInt32BE(o + 4) / 8) * 8) {
    if (file.readUInt32BE(o) !== 0x23852875) continue;
    let d = Number(file.readBigUInt64BE(o + 24));
    for (let i = 0; i < file.readUInt32BE(o + 8); i++) {
      const table = Number(file.readBigUInt64BE(d));
      const size = file.readUInt32BE(d + 8);
      const nameSize = file.readUInt16BE(d + 18);
      const chunks: string[] = [];
      for (let t = 0; t < size; t++) {
        const entry = file.readBigUInt64BE(table + t * 8);
        const data = Number(entry & 0x00fffffffffffe00n);
        chunks.push(data ? file.subarray(data, data + cs).toString('hex') : entry & 1n ? 'ones' : 'zeroes');
      }
      out.push({ name: file.toString('latin1', d + 24, d + 24 + nameSize), flags: file.readUInt32BE(d + 12), granularity: 2 ** file[d + 17], table: size, bits: chunks.join('|') });
      d += Math.ceil((24 + nameSize) / 8) * 8;
    }
  }
  return out;
}

/** What the real tools (and the file) say about an image after a run. */
function inspect(dir: string) {
  const info = JSON.parse(run('qemu-img', ['info', '--output=json', 't.qcow2'], dir).stdout || '{}') as Record<string, unknown>;
  delete info['actual-size'];
  const file = readFileSync(join(dir, 't.qcow2'));
  return {
    info,
    check: run('qemu-img', ['check', 't.qcow2'], dir),
    bitmaps: bitmapContents(file),
    sha256: createHash('sha256').update(file).digest('hex'),
  };
}

/** Runs the qemu-io script on two copies of `seedDir`; everything must be the same. */
function expectSameRun(seedDir: string, args: string[]): ReturnType<typeof inspect> {
  const base = join(scratch, `case-${counter++}`);
  const q = join(base, 'q');
  const b = join(base, 'b');
  cpSync(seedDir, q, { recursive: true });
  cpSync(seedDir, b, { recursive: true });
  const qemu = run('qemu-io', args, q);
  const ours = run(process.execPath, [join(ROOT, 'bin', 'blkstudio-io'), ...args], b);
  expect(ours).toEqual(qemu);
  const qi = inspect(q);
  const bi = inspect(b);
  expect(bi.info).toEqual(qi.info);
  expect(bi.check).toEqual(qi.check);
  expect(bi.bitmaps).toEqual(qi.bitmaps);
  expect(bi.sha256).toBe(qi.sha256);
  rmSync(base, { recursive: true, force: true });
  return qi;
}

function expectSameCheck(seedDir: string, args: string[]): void {
  const base = join(scratch, `check-${counter++}`);
  const q = join(base, 'q');
  const b = join(base, 'b');
  cpSync(seedDir, q, { recursive: true });
  cpSync(seedDir, b, { recursive: true });
  expect(run(process.execPath, [cli, 'img', 'check', ...args, 't.qcow2'], b)).toEqual(run('qemu-img', ['check', ...args, 't.qcow2'], q));
  expect(bitmapContents(readFileSync(join(b, 't.qcow2')))).toEqual(bitmapContents(readFileSync(join(q, 't.qcow2'))));
  expect(readFileSync(join(b, 't.qcow2')).equals(readFileSync(join(q, 't.qcow2')))).toBe(true);
  rmSync(base, { recursive: true, force: true });
}

const c = (...cmds: string[]) => cmds.flatMap((cmd) => ['-c', cmd]);

/** 4M image, data at 0..1M, then b0 (enabled), b1 (disabled, 128k), b2 (4k granularity). */
const standard = (): Step[] => [
  ['qemu-img', 'create', '-f', 'qcow2', 't.qcow2', '4M'],
  ['qemu-io', '-c', 'write -P 1 0 1M', 't.qcow2'],
  ['qemu-img', 'bitmap', '--add', 't.qcow2', 'b0'],
  ['qemu-img', 'bitmap', '--add', '--disable', '-g', '128k', 't.qcow2', 'b1'],
  ['qemu-img', 'bitmap', '--add', '-g', '4k', 't.qcow2', 'b2'],
];

describe.skipIf(!hasTools)('qcow2 bitmaps: qemu-io vs blkstudio-io, then the real tools look', () => {
  let base = '';
  beforeAll(() => {
    // Some bits already set (and stored by qemu-io) before the scripts run.
    base = seed([...standard(), ['qemu-io', '-c', 'write -P 2 1536k 8k', '-c', 'discard 3M 64k', 't.qcow2']]);
  });

  const scripts: Array<[string, string[]]> = [
    ['writes of every kind', c('write -P 3 0 4k', 'write -P 3 70k 1', 'write -z 2M 192k', 'discard 3200k 64k', 'write -P 4 4032k 64k', 'aio_write -P 5 1M 8k', 'aio_flush')],
    ['info while open read-write', c('info', 'write 100k 4k', 'info')],
    ['read-only open', ['-r', ...c('info', 'read -P 1 0 4k')]],
    ['reopen -r and -w', c('write 0 4k', 'reopen -r', 'info', 'reopen -w', 'write 2M 4k', 'info')],
    ['truncate grow and shrink', c('write 0 4k', 'truncate 9M', 'write 8M 64k', 'truncate 5M', 'write 4900k 4k', 'info')],
    ['-s snapshot mode', ['-s', ...c('write 0 1M', 'info')]],
    ['close and open', c('write 0 4k', 'close', 'open -o driver=qcow2 t.qcow2', 'write 1M 4k', 'info')],
  ];
  test.each(scripts)('%s', (_name, args) => {
    expectSameRun(base, [...args.slice(0, args[0] === '-r' || args[0] === '-s' ? 1 : 0), '-f', 'qcow2', ...args.slice(args[0] === '-r' || args[0] === '-s' ? 1 : 0), 't.qcow2']);
  });

  test('the written ranges are what the bitmaps hold (b0 at 64k, b1 untouched, b2 at 4k)', () => {
    const after = expectSameRun(base, ['-f', 'qcow2', ...c('write -P 3 0 4k', 'write 200k 1', 'write -z 2M 128k'), 't.qcow2']);
    const bits = (name: string) => {
      const hex = after.bitmaps.find((b) => b.name === name)!.bits.split('|')[0];
      const buf = Buffer.from(hex === 'zeroes' ? '' : hex, 'hex');
      return [...Array(buf.length * 8).keys()].filter((i) => (buf[i >> 3] >> (i & 7)) & 1);
    };
    // b0: 64k granules 0, 3 (200k), 32, 33 (2M..2M+128k), 24 (1536k from the seed); 48 (the seed's discard at 3M).
    expect(bits('b0')).toEqual([0, 3, 24, 32, 33, 48]);
    expect(bits('b1')).toEqual([]);
    expect(bits('b2')).toEqual([0, 50, 384, 385, ...Array.from({ length: 32 }, (_, i) => 512 + i), ...Array.from({ length: 16 }, (_, i) => 768 + i)]);
  });

  test('bitmaps with 512-byte clusters and granularity (tables of several clusters)', () => {
    const dir = seed([
      ['qemu-img', 'create', '-f', 'qcow2', '-o', 'cluster_size=512', 't.qcow2', '7M'],
      ['qemu-img', 'bitmap', '--add', '-g', '512', 't.qcow2', 'fine'],
      ['qemu-img', 'bitmap', '--add', '--disable', 't.qcow2', 'off'],
    ]);
    expectSameRun(dir, ['-f', 'qcow2', ...c('write 0 4k', 'write -P 7 2047k 2k', 'write -z 5M 1k', 'discard 6M 512', 'truncate 9M', 'write 8M 512', 'info'), 't.qcow2']);
  });

  test('an in_use bitmap stays inconsistent; truncate is refused', () => {
    const dir = seed(standard());
    const dirOffset = Number(readFileSync(join(dir, 't.qcow2')).readBigUInt64BE(0x1f8 + 24));
    const patched = seed([...standard(), { patch: dirOffset + 12, hex: '00000003' }]);
    expectSameRun(patched, ['-f', 'qcow2', ...c('info', 'write 0 4k', 'truncate 8M', 'info'), 't.qcow2']);
  });
});

describe.skipIf(!hasTools)('qcow2 bitmaps: img check vs qemu-img check', () => {
  test('a healthy image: the bitmap clusters are referenced (no leaks); -r stores the bitmaps anew', () => {
    const dir = seed([...standard(), ['qemu-io', '-c', 'write -P 2 1536k 8k', 't.qcow2']]);
    expectSameCheck(dir, []);
    expectSameCheck(dir, ['--output=json']);
    expectSameCheck(dir, ['-r', 'leaks']);
    expectSameCheck(dir, ['-r', 'all']);
  });

  test('written by a program without bitmap support: the warning, the leaks, and -r drops the extension', () => {
    // Clearing the autoclear bit is what such a program does.
    const dir = seed([...standard(), ['qemu-io', '-c', 'write 2M 8k', 't.qcow2'], { patch: 95, hex: '00' }]);
    expectSameCheck(dir, []);
    expectSameCheck(dir, ['-r', 'leaks']);
    expectSameCheck(dir, ['-r', 'all']);
  });

  test('a lazy-refcount image killed with bitmaps in use', () => {
    const dir = seed([
      ['qemu-img', 'create', '-f', 'qcow2', '-o', 'lazy_refcounts=on', 't.qcow2', '4M'],
      ['qemu-io', '-c', 'write -P 1 0 1M', 't.qcow2'],
      ['qemu-img', 'bitmap', '--add', 't.qcow2', 'b0'],
      { crash: ['-c', 'write -P 3 2M 64k', '-c', 'abort', 't.qcow2'] },
    ]);
    expectSameCheck(dir, []);
    expectSameCheck(dir, ['-r', 'all']);
  });

  test('an in_use bitmap whose table has reserved bits fails the check; bad directories fail the open', () => {
    const dir = seed(standard());
    const file = readFileSync(join(dir, 't.qcow2'));
    const dirOffset = Number(file.readBigUInt64BE(0x1f8 + 24));
    const table = Number(file.readBigUInt64BE(dirOffset));
    // In use, so the open does not read the table; the check does.
    expectSameCheck(seed([...standard(), { patch: dirOffset + 12, hex: '00000003' }, { patch: table, hex: '0000000000000002' }]), []);
    // A directory entry breaking QEMU's constraints fails the open.
    expectSameCheck(seed([...standard(), { patch: dirOffset + 17, hex: '08' }]), []);
    expectSameCheck(seed([...standard(), { patch: 0x1f8 + 8, hex: '00000002' }]), []);
  });
});
