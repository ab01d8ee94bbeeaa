// Host files as QEMU's file-posix leaves them: the same qemu-io script through the real qemu-io
// 7.2 and through blkstudio-io on identical images, then the REAL `qemu-img map` of the host file
// (holes punched by discard and write -z -u, zeroed ranges, the first block of a new file) and
// the bytes must match; and file.locking: a second process opening an image held by a first,
// in every pairing of the two tools, must get qemu-io's answer.
// Needs `npm run build:cli` and Debian's qemu-utils (both in CI).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blkstudioIoCommand, childEnv, REPO_ROOT } from '../iotests/harness.mjs';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'blkstudio-host-files-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ours = blkstudioIoCommand();
type Tool = 'qemu' | 'ours';

function run(tool: Tool, args: string[], input = ''): { stdout: string; stderr: string; status: number | null } {
  const [file, prefix] = tool === 'qemu' ? ['qemu-io', []] : [ours.file, ours.prefix];
  const r = spawnSync(file, [...prefix, ...args], { cwd: dir, env: childEnv(), input, encoding: 'latin1', timeout: 30_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function qemuImg(...args: string[]): string {
  const r = spawnSync('qemu-img', args, { cwd: dir, env: childEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`qemu-img ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const mask = (s: string) => s.replace(/\d[\d.]* \S+\/sec and [\d.]+ ops\/sec\)/g, 'X/sec)').replace(/\d\d:\d\d:\d\d\.\d+|\d\d\.\d\d sec/g, 'T');

/** The script on a copy of `image` per tool; the maps and bytes of the results, and the output. */
function bothOn(image: string, fmt: string, script: string[]): Record<Tool, { map: string; bytes: Buffer; out: string }> {
  const out = {} as Record<Tool, { map: string; bytes: Buffer; out: string }>;
  for (const tool of ['qemu', 'ours'] as const) {
    const copy = `${tool}-${image}`;
    copyFileSync(join(dir, image), join(dir, copy));
    const r = run(tool, ['-f', fmt, ...script.flatMap((c) => ['-c', c]), copy]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    out[tool] = { map: qemuImg('map', '--output=json', '-f', 'raw', copy).replaceAll(copy, 'IMG'), bytes: readFileSync(join(dir, copy)), out: mask(r.stdout) };
  }
  return out;
}

function expectSame(r: Record<Tool, { map: string; bytes: Buffer; out: string }>): void {
  expect(r.ours.out).toBe(r.qemu.out);
  expect(r.ours.map).toBe(r.qemu.map);
  expect(r.ours.bytes.equals(r.qemu.bytes)).toBe(true);
}

describe('host file allocation (qemu-img map of the host file)', () => {
  test('raw: discard and write -z -u punch holes, write -z zeroes a range', () => {
    qemuImg('create', '-q', '-f', 'raw', 'a.raw', '4M');
    const r = bothOn('a.raw', 'raw', ['write -P 0x5a 0 4M', 'discard 64k 192k', 'write -z -u 1M 128k', 'write -z 2M 64k', 'discard 3M 4k', 'write -z -u 3584k 1k']);
    expectSame(r);
    // The test means something only if the holes are there.
    expect(r.ours.map).toContain('"data": false');
  });

  test('raw: discard and write -z -u past the end of the data', () => {
    qemuImg('create', '-q', '-f', 'raw', 'b.raw', '1M');
    expectSame(bothOn('b.raw', 'raw', ['write -P 1 0 512k', 'discard 256k 768k', 'write -z -u 0 4k', 'write -z 1020k 4k']));
  });

  test('qcow2: discarded clusters become holes in the qcow2 file', () => {
    qemuImg('create', '-q', '-f', 'qcow2', 'c.qcow2', '8M');
    expectSame(bothOn('c.qcow2', 'qcow2', ['write -P 7 0 2M', 'discard 0 512k', 'write -z -u 1M 256k', 'write -P 8 4M 64k']));
  });

  test('truncate of an empty file writes its first block (allocate_first_block)', () => {
    spawnSync('truncate', ['-s', '0', join(dir, 'empty.raw')]);
    expectSame(bothOn('empty.raw', 'raw', ['truncate 1M']));
    spawnSync('truncate', ['-s', '0', join(dir, 'empty.raw')]);
    expectSame(bothOn('empty.raw', 'raw', ['truncate 2k']));
  });

  test('blkstudio img create -f raw leaves the same allocation as qemu-img create', () => {
    for (const [name, opts] of [['off', []], ['falloc', ['-o', 'preallocation=falloc']], ['small', []]] as const) {
      const size = name === 'small' ? '2k' : '1M';
      qemuImg('create', '-q', '-f', 'raw', ...opts, `q-${name}.raw`, size);
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'blkstudio'), 'img', 'create', '-q', '-f', 'raw', ...opts, `o-${name}.raw`, size], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const map = (f: string) => qemuImg('map', '--output=json', '-f', 'raw', f);
      expect(map(`o-${name}.raw`)).toBe(map(`q-${name}.raw`));
    }
  });
});

/** Start `tool` holding `args` open at its prompt; resolves once it has opened the image and run `setup`. */
function hold(tool: Tool, args: string[], setup: string[] = []): Promise<{ stop: () => Promise<void> }> {
  const [file, prefix] = tool === 'qemu' ? ['qemu-io', []] : [ours.file, ours.prefix];
  const child = spawn(file, [...prefix, ...args], { cwd: dir, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const sent = new Set<number>();
    const timer = setTimeout(() => reject(new Error(`${tool} never showed its prompt: ${out}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      const prompts = out.split('qemu-io> ').length - 1;
      if (prompts === 0) return;
      if (prompts <= setup.length) {
        if (prompts === out.split('qemu-io> ').length - 1 && !sent.has(prompts)) {
          sent.add(prompts);
          child.stdin.write(`${setup[prompts - 1]}\n`);
        }
        return;
      }
      clearTimeout(timer);
      resolve({
        stop: () =>
          new Promise<void>((done) => {
            child.on('close', () => done());
            child.stdin.end('quit\n');
          }),
      });
    });
    child.on('error', reject);
  });
}

const LOCK_CASES: Array<{ name: string; first: string[]; second: string[]; setup?: string[] }> = [
  { name: 'qcow2 rw, then rw', first: ['-f', 'qcow2', 'l.qcow2'], second: ['-f', 'qcow2', '-c', 'read 0 512', 'l.qcow2'] },
  { name: 'qcow2 rw, then -r', first: ['-f', 'qcow2', 'l.qcow2'], second: ['-r', '-f', 'qcow2', '-c', 'read 0 512', 'l.qcow2'] },
  { name: 'qcow2 rw, then -U -r', first: ['-f', 'qcow2', 'l.qcow2'], second: ['-U', '-r', '-f', 'qcow2', '-c', 'read 0 512', 'l.qcow2'] },
  { name: 'qcow2 -r, then rw', first: ['-r', '-f', 'qcow2', 'l.qcow2'], second: ['-f', 'qcow2', '-c', 'read 0 512', 'l.qcow2'] },
  { name: 'qcow2 -r, then -r', first: ['-r', '-f', 'qcow2', 'l.qcow2'], second: ['-r', '-f', 'qcow2', '-c', 'read 0 512', 'l.qcow2'] },
  { name: 'qcow2 rw, then probed', first: ['-f', 'qcow2', 'l.qcow2'], second: ['-c', 'read 0 512', 'l.qcow2'] },
  { name: 'raw rw, then raw rw', first: ['-f', 'raw', 'l.raw'], second: ['-f', 'raw', '-c', 'read 0 512', 'l.raw'] },
  { name: 'raw rw, then as qcow2 (lock before the header is read)', first: ['-f', 'raw', 'l.raw'], second: ['-f', 'qcow2', '-c', 'read 0 512', 'l.raw'] },
  { name: 'qcow2 rw, then raw', first: ['-f', 'qcow2', 'l.qcow2'], second: ['-f', 'raw', '-c', 'read 0 512', 'l.qcow2'] },
  { name: 'locking=off holder', first: ['--image-opts', 'driver=qcow2,file.filename=l.qcow2,file.locking=off'], second: ['-f', 'qcow2', '-c', 'read 0 512', 'l.qcow2'] },
  { name: 'locking=off contender', first: ['-f', 'qcow2', 'l.qcow2'], second: ['--image-opts', '-c', 'read 0 512', 'driver=qcow2,file.filename=l.qcow2,file.locking=off'] },
  { name: 'reopen -r keeps the unshared write of a qcow2', first: ['-f', 'qcow2', 'l.qcow2'], setup: ['reopen -r'], second: ['-f', 'qcow2', '-c', 'read 0 512', 'l.qcow2'] },
  { name: 'reopen -r of raw drops the write lock', first: ['-f', 'raw', 'l.raw'], setup: ['reopen -r'], second: ['-f', 'qcow2', '-c', 'read 0 512', 'l.raw'] },
  { name: 'the first write after reopen -w takes the write lock', first: ['-r', '-f', 'raw', 'l.raw'], setup: ['reopen -w', 'write 0 512'], second: ['-f', 'qcow2', '-c', 'read 0 512', 'l.raw'] },
  { name: 'reopen -w alone takes no write lock', first: ['-r', '-f', 'raw', 'l.raw'], setup: ['reopen -w'], second: ['-f', 'qcow2', '-c', 'read 0 512', 'l.raw'] },
  { name: 'a read-only holder and reopen -w', first: ['-r', '-f', 'qcow2', 'l.qcow2'], setup: ['reopen -w'], second: ['-r', '-f', 'qcow2', '-c', 'read 0 512', 'l.qcow2'] },
];

describe('file.locking between two processes', () => {
  beforeAll(() => {
    qemuImg('create', '-q', '-f', 'qcow2', 'l.qcow2', '1M');
    qemuImg('create', '-q', '-f', 'raw', 'l.raw', '1M');
  });

  for (const c of LOCK_CASES) {
    test(c.name, async () => {
      const results: string[] = [];
      for (const holder of ['qemu', 'ours'] as const) {
        for (const contender of ['qemu', 'ours'] as const) {
          const h = await hold(holder, c.first, c.setup);
          let r;
          try {
            r = run(contender, c.second);
          } finally {
            await h.stop();
          }
          results.push(`${holder} holds, ${contender} opens: status ${r.status}\n${mask(r.stdout)}${r.stderr}`);
        }
      }
      // Every pairing answers as qemu-io answers qemu-io.
      const want = results[0].replace(/^qemu holds, qemu opens/, '');
      for (const got of results) expect(got.replace(/^\w+ holds, \w+ opens/, '')).toBe(want);
    }, 60_000);
  }

  for (const [holder, check] of [
    [['-f', 'qcow2', 'l.qcow2'], ['check', 'l.qcow2']],
    [['-f', 'qcow2', 'l.qcow2'], ['check', '-U', 'l.qcow2']],
    [['-r', '-f', 'qcow2', 'l.qcow2'], ['check', '-r', 'leaks', 'l.qcow2']],
    [['-f', 'qcow2', 'l.qcow2'], ['check', '-f', 'raw', 'l.qcow2']],
    [['-f', 'qcow2', 'l.qcow2'], ['check', '-r', 'leaks', '-f', 'raw', 'l.qcow2']],
  ]) {
    test(`blkstudio img ${check.join(' ')} while qemu-io ${holder.join(' ')} holds it, as qemu-img`, async () => {
      const h = await hold('qemu', holder);
      try {
        const q = spawnSync('qemu-img', check, { cwd: dir, env: childEnv(), encoding: 'utf8' });
        const o = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'blkstudio'), 'img', ...check], { cwd: dir, env: childEnv(), encoding: 'utf8' });
        expect({ status: o.status, stdout: o.stdout, stderr: o.stderr }).toEqual({ status: q.status, stdout: q.stdout, stderr: q.stderr });
      } finally {
        await h.stop();
      }
    }, 60_000);
  }
});
