// The built `bin/blkstudio` as a user runs it (needs `npm run build`, which `npm test` does first).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ENGINE_DRIVERS } from '../../../src/api';

const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'blkstudio');
const children: ChildProcess[] = [];

function run(args: string[], env: Record<string, string | undefined>): ChildProcess {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) done(out.split('\n')[0]!);
    });
    child.on('exit', (code) => fail(new Error(`exited ${code} before printing; stdout=${out}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((done) => child.on('exit', (code) => done(code)));

beforeAll(() => {
  if (!existsSync(join(ROOT, 'out', 'cli', 'blkstudio.cjs'))) throw new Error('out/cli/blkstudio.cjs is missing: run `npm run build` first');
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGTERM');
});

describe('bin/blkstudio', () => {
  it('without an Electron binary, says so and serves web mode', async () => {
    // An override dir with no binary in it stands for "Electron missing" on any machine.
    const empty = mkdtempSync(join(tmpdir(), 'blkstudio-noelectron-'));
    try {
      const child = run([], { BLKSTUDIO_PORT: '0', ELECTRON_OVERRIDE_DIST_PATH: empty, DISPLAY: ':99' });
      const line = await firstLine(child);
      expect(line).toMatch(
        /^Electron is not installed on this machine \(no binary\); serving blkstudio in web mode at http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+ — open it in a browser\. Ctrl\+C to stop\.$/,
      );
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)![1]!;
      const info = (await (await fetch(`${url}api/app-info`)).json()) as { engine: { drivers: string[] } };
      expect(info.engine.drivers).toEqual([...ENGINE_DRIVERS]);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>blkstudio</title>");
      child.kill('SIGINT');
      expect(await exited(child)).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('--web serves web mode even when Electron is present', async () => {
    const child = run(['--web', '--port', '0'], {});
    expect(await firstLine(child)).toMatch(/^blkstudio: serving blkstudio in web mode at http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('`web IMAGE` opens a session on the image and serves it over the token-guarded WebSocket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blkstudio-webimg-'));
    try {
      const image = join(dir, 'disk.raw');
      writeFileSync(image, Buffer.alloc(65536));
      const token = 'cli-test-token-0123456789abcdefghijklmnop';
      const child = run(['web', '--port', '0', '-f', 'raw', image], { BLKSTUDIO_WEB_TOKEN: token });
      const line = await firstLine(child);
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+) /.exec(line)!;
      expect(m[2]).toBe(token);
      const ws = new WebSocket(`ws://127.0.0.1:${m[1]}/api/ws?token=${token}`, { origin: `http://127.0.0.1:${m[1]}` });
      await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
      const reply = new Promise<unknown>((r) =>
        ws.on('message', (d) => {
          const msg = JSON.parse(d.toString()) as { type: string };
          if (msg.type === 'reply') r(msg);
        }),
      );
      ws.send(JSON.stringify({ id: 1, method: 'run', args: ['read -P 0 0 4k'] }));
      expect(await reply).toMatchObject({ id: 1, ok: true, value: { rc: 0, stdout: expect.stringMatching(/^read 4096\/4096 bytes at offset 0\n/) } });
      ws.close();
      child.kill('SIGINT');
      expect(await exited(child)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`web IMAGE` that cannot be opened fails with qemu-io’s message', async () => {
    const child = run(['web', '--port', '0', '-f', 'raw', '/nonexistent/disk.raw'], {});
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    expect(await exited(child)).toBe(1);
    expect(err).toContain("Could not open '/nonexistent/disk.raw': No such file or directory");
  });

  it('spawns the Electron binary on the project root when there is one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blkstudio-fakeelectron-'));
    try {
      const fake = join(dir, 'electron');
      writeFileSync(fake, '#!/bin/sh\necho "fake-electron $*"\nexit 3\n');
      chmodSync(fake, 0o755);
      const child = run([], { ELECTRON_OVERRIDE_DIST_PATH: dir, DISPLAY: ':99', ELECTRON_RUN_AS_NODE: '1' });
      expect(await firstLine(child)).toBe(`fake-electron ${ROOT}`);
      expect(await exited(child)).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with usage and exit code 2', async () => {
    const child = run(['--port', 'x'], {});
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    expect(await exited(child)).toBe(2);
    expect(err).toContain("blkstudio: --port: invalid port 'x'");
    expect(err).toContain('Usage: blkstudio');
  });
});
