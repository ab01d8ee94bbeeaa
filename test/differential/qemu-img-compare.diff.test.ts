// `blkstudio img compare` against the real qemu-img 7.2 compare: the same command lines in one
// directory of images made by qemu-img/qemu-io (compare only reads them); stdout, stderr and
// the exit status must match byte for byte. Needs `npm run build:cli` (built here if missing).

import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { snapshotImgCli } from '../iotests/harness.mjs';

const ROOT = resolve(__dirname, '..', '..');
let cli = '';
let dir = '';

const M = 1 << 20;

function qemuImg(...args: string[]): void {
  execFileSync('qemu-img', args, { cwd: dir, stdio: 'ignore' });
}

function qemuIo(image: string, format: string, ...cmds: string[]): void {
  execFileSync('qemu-io', ['-f', format, ...cmds.flatMap((c) => ['-c', c]), image], { cwd: dir, stdio: 'ignore' });
}

function patch(file: string, offset: number, hex: string): void {
  const fd = openSync(join(dir, file), 'r+');
  writeSync(fd, Buffer.from(hex, 'hex'), 0, hex.length / 2, offset);
  closeSync(fd);
}

function copy(from: string, to: string): void {
  copyFileSync(join(dir, from), join(dir, to));
}

/** The images every case uses: 4 MiB of 0x11 in several shapes, and variations of it. */
function buildImages(): void {
  qemuImg('create', '-q', '-f', 'raw', 'base.raw', '4M');
  qemuIo('base.raw', 'raw', 'write -P 0x11 0 4M');
  for (const [name, at] of [['first.raw', 0], ['mid.raw', 2 * M + 700], ['last.raw', 4 * M - 1]] as const) {
    copy('base.raw', name);
    patch(name, at, 'ee');
  }
  // Longer images: a tail of holes, of written zeroes, with one non-zero byte.
  qemuImg('create', '-q', '-f', 'raw', 'long-hole.raw', '6M');
  qemuIo('long-hole.raw', 'raw', 'write -P 0x11 0 4M');
  copy('long-hole.raw', 'long-zero.raw');
  qemuIo('long-zero.raw', 'raw', 'write -P 0 4M 2M');
  copy('long-zero.raw', 'long-nz.raw');
  patch('long-nz.raw', 5 * M + 1000, '01');
  // Nothing but zeroes, as a hole and as written zeroes, in both formats.
  qemuImg('create', '-q', '-f', 'raw', 'hole.raw', '4M');
  copy('hole.raw', 'zw.raw');
  qemuIo('zw.raw', 'raw', 'write -P 0 0 4M');
  qemuImg('create', '-q', '-f', 'qcow2', 'hole.qcow2', '4M');
  copy('hole.qcow2', 'zc.qcow2');
  qemuIo('zc.qcow2', 'qcow2', 'write -z 1M 1M');
  copy('hole.qcow2', 'zw.qcow2');
  qemuIo('zw.qcow2', 'qcow2', 'write -P 0 0 4M');
  copy('hole.qcow2', 'zpart.qcow2');
  qemuIo('zpart.qcow2', 'qcow2', 'write -P 0 1M 64k');
  // The same data as base.raw in qcow2: plain, in two writes, over a backing file, compressed.
  copy('hole.qcow2', 'data.qcow2');
  qemuIo('data.qcow2', 'qcow2', 'write -P 0x11 0 4M');
  copy('hole.qcow2', 'data2.qcow2');
  qemuIo('data2.qcow2', 'qcow2', 'write -P 0x11 2M 2M', 'write -P 0x11 0 2M');
  copy('data.qcow2', 'datad.qcow2');
  qemuIo('datad.qcow2', 'qcow2', 'write -P 0x12 3M 1');
  copy('data.qcow2', 'back.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'back.qcow2', '-F', 'qcow2', 'over.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'back.qcow2', '-F', 'qcow2', 'over2.qcow2');
  qemuIo('over2.qcow2', 'qcow2', 'write -P 0x22 1M 4k');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'back.qcow2', '-F', 'qcow2', 'over-long.qcow2', '6M');
  qemuImg('create', '-q', '-f', 'qcow2', 'comp.qcow2', '4M');
  qemuIo('comp.qcow2', 'qcow2', 'write -c -P 0x11 0 4M');
  // Compressed clusters cannot be rewritten compressed: one cluster differs from the start.
  qemuImg('create', '-q', '-f', 'qcow2', 'compd.qcow2', '4M');
  qemuIo('compd.qcow2', 'qcow2', 'write -c -P 0x11 0 1M', 'write -c -P 0x13 1M 64k', 'write -c -P 0x11 1088k 3008k');
  // Larger dense images for the progress meter (2 MiB steps of 32 MiB: 6.25% each).
  qemuImg('create', '-q', '-f', 'qcow2', 'p1.qcow2', '32M');
  qemuIo('p1.qcow2', 'qcow2', 'write -P 0x5 0 32M');
  copy('p1.qcow2', 'p2.qcow2');
  qemuIo('p2.qcow2', 'qcow2', 'write -P 0x6 29M 512');
  qemuImg('create', '-q', '-f', 'qcow2', 'p3.qcow2', '40M');
  qemuIo('p3.qcow2', 'qcow2', 'write -P 0x5 0 32M');
  // 64 MiB: 3.125% steps, so the meter prints exact ties (15.625 -> "15.62", as glibc rounds).
  qemuImg('create', '-q', '-f', 'qcow2', 'p64.qcow2', '64M');
  qemuIo('p64.qcow2', 'qcow2', 'write -P 0x7 0 64M');
  // An unaligned raw image (compared in whole sectors).
  const fd = openSync(join(dir, 'odd.raw'), 'w');
  writeSync(fd, Buffer.alloc(1000, 0x11));
  closeSync(fd);
  copy('odd.raw', 'oddd.raw');
  patch('oddd.raw', 999, '00');
  // Not an image at all for -f qcow2, and an empty file.
  closeSync(openSync(join(dir, 'empty.raw'), 'w'));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'blkstudio-compare-diff-'));
  cli = snapshotImgCli(dir);
  buildImages();
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[]) {
  const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 60_000, env });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function expectSame(args: string[]): void {
  const qemu = run('qemu-img', ['compare', ...args]);
  const ours = run(process.execPath, [cli, 'img', 'compare', ...args]);
  expect(ours).toEqual(qemu);
}

const cases: Record<string, string[][]> = {
  identical: [
    ['base.raw', 'base.raw'],
    ['-f', 'raw', '-F', 'raw', 'base.raw', 'base.raw'],
    ['hole.raw', 'hole.raw'],
    ['data.qcow2', 'base.raw'],
    ['-f', 'qcow2', '-F', 'raw', 'data.qcow2', 'base.raw'],
    ['data.qcow2', 'data2.qcow2'],
    ['-U', 'data.qcow2', 'data.qcow2'],
    ['--force-share', '-T', 'writeback', 'base.raw', 'data.qcow2'],
    ['--', 'base.raw', 'base.raw'],
    ['--image-opts', 'driver=raw,file.filename=base.raw', 'driver=qcow2,file.filename=data.qcow2'],
    ['odd.raw', 'odd.raw'],
    ['empty.raw', 'empty.raw'],
  ],
  'content mismatch': [
    ['base.raw', 'first.raw'],
    ['mid.raw', 'base.raw'],
    ['base.raw', 'last.raw'],
    ['first.raw', 'last.raw'],
    ['-q', 'base.raw', 'mid.raw'],
    ['data.qcow2', 'datad.qcow2'],
    ['datad.qcow2', 'base.raw'],
    ['odd.raw', 'oddd.raw'],
    ['hole.raw', 'base.raw'],
    ['base.raw', 'hole.qcow2'],
  ],
  'sizes differ': [
    ['base.raw', 'long-hole.raw'],
    ['long-zero.raw', 'base.raw'],
    ['base.raw', 'long-nz.raw'],
    ['long-nz.raw', 'data.qcow2'],
    ['-s', 'base.raw', 'long-zero.raw'],
    ['-s', 'long-nz.raw', 'base.raw'],
    ['-q', 'base.raw', 'long-nz.raw'],
    ['empty.raw', 'base.raw'],
    ['empty.raw', 'hole.raw'],
    ['over-long.qcow2', 'base.raw'],
    ['-s', 'over-long.qcow2', 'base.raw'],
  ],
  'holes and zeroes': [
    ['hole.raw', 'zw.raw'],
    ['hole.qcow2', 'zc.qcow2'],
    ['hole.qcow2', 'zw.qcow2'],
    ['zc.qcow2', 'zw.raw'],
    ['hole.raw', 'zpart.qcow2'],
    ['-s', 'hole.qcow2', 'hole.qcow2'],
    ['-s', 'hole.qcow2', 'zc.qcow2'],
    ['-s', 'zc.qcow2', 'hole.qcow2'],
    ['-s', 'hole.qcow2', 'zw.qcow2'],
    ['-s', 'zw.qcow2', 'zpart.qcow2'],
    ['-s', 'hole.qcow2', 'zpart.qcow2'],
    ['-s', 'zw.raw', 'zw.qcow2'],
  ],
  'strict on data': [
    ['-s', 'base.raw', 'base.raw'],
    ['-s', 'data.qcow2', 'base.raw'],
    ['-s', 'data.qcow2', 'data2.qcow2'],
    ['-s', 'data.qcow2', 'datad.qcow2'],
    ['-s', 'over.qcow2', 'data.qcow2'],
    ['-s', 'comp.qcow2', 'data.qcow2'],
  ],
  'backing files and compressed clusters': [
    ['over.qcow2', 'base.raw'],
    ['over2.qcow2', 'base.raw'],
    ['over.qcow2', 'over2.qcow2'],
    ['comp.qcow2', 'base.raw'],
    ['compd.qcow2', 'comp.qcow2'],
    ['base.raw', 'compd.qcow2'],
  ],
  progress: [
    ['-p', 'p1.qcow2', 'p1.qcow2'],
    ['-p', 'p64.qcow2', 'p64.qcow2'],
    ['-p', 'p1.qcow2', 'p64.qcow2'],
    ['-p', 'p1.qcow2', 'p2.qcow2'],
    ['-p', 'p1.qcow2', 'p3.qcow2'],
    ['-p', '-s', 'p1.qcow2', 'p3.qcow2'],
    ['-p', '-q', 'p1.qcow2', 'p2.qcow2'],
    ['-p', 'base.raw', 'mid.raw'],
    ['-p', 'data.qcow2', 'base.raw'],
  ],
  errors: [
    ['base.raw'],
    [],
    ['a', 'b', 'c'],
    ['nosuch.raw', 'base.raw'],
    ['base.raw', 'nosuch.raw'],
    ['-q', 'nosuch.raw', 'base.raw'],
    ['-f', 'bogus', 'base.raw', 'base.raw'],
    ['-F', 'bogus', 'base.raw', 'base.raw'],
    ['-f', 'qcow2', 'base.raw', 'data.qcow2'],
    ['-F', 'qcow2', 'data.qcow2', 'base.raw'],
    ['-x', 'base.raw', 'base.raw'],
    ['--bogus', 'base.raw', 'base.raw'],
    ['-f'],
    ['-T', 'bogus', 'base.raw', 'base.raw'],
    ['-T', 'bogus', 'base.raw'],
    ['--image-opts', '-f', 'raw', 'base.raw', 'base.raw'],
    ['--image-opts', 'base.raw', 'base.raw'],
    ['--object', 'foo', 'base.raw', 'base.raw'],
    // A read error (blkdebug) is status 4 with qemu-img's message.
    ['--image-opts', 'driver=raw,file.driver=blkdebug,file.inject-error.0.event=read_aio,file.image.filename=base.raw', 'driver=raw,file.filename=base.raw'],
    ['--image-opts', 'driver=raw,file.filename=base.raw', 'driver=raw,file.driver=blkdebug,file.inject-error.0.event=read_aio,file.inject-error.0.errno=28,file.image.filename=base.raw'],
  ],
};

// Sparse raw files: block status sees holes (SEEK_DATA/SEEK_HOLE), so -s reports a hole
// against written zeroes as qemu-img does, and -p ticks at the same points. (With Node alone
// these differed; koffi's lseek closed the gap.)
cases['sparse raw files'] = [
  ['-s', 'hole.raw', 'zw.raw'],
  ['-s', 'zw.raw', 'hole.raw'],
  ['-p', 'hole.raw', 'zw.raw'],
];

for (const [group, list] of Object.entries(cases)) {
  describe(`img compare vs qemu-img compare: ${group}`, () => {
    test.each(list.map((args) => [args.join(' ') || '(no arguments)', args] as const))('%s', (_name, args) => expectSame([...args]));
  });
}
