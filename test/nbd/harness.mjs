// Running one NBD case (test/nbd/cases.mjs) against a server: fixture, server start, clients in
// turn, server stop, image hashes; masking; comparison. Used by scripts/gen-nbd-golden.mjs (real
// qemu-nbd) and test/nbd/*.test.ts (`node bin/blkstudio nbd`).
//
//   BLKSTUDIO_NBD=/usr/bin/qemu-nbd   run this instead of `node bin/blkstudio nbd` (harness self-check:
//                                     every test must then pass)
//   NBD_ONLY=name,name2               restrict the cases (substring match)
//   NBD_KEEP=1                        keep the case directories

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLimiter, maskOutput, which } from '../iotests/harness.mjs';

export const NBD_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(NBD_DIR, '..', '..');
export const NBD_GOLDEN_DIR = join(NBD_DIR, 'golden');
export const BLKSTUDIO_BIN = join(REPO_ROOT, 'bin', 'blkstudio');
export const CLIENT_TIMEOUT_MS = 20_000;
/** The clients the suites need (Debian: qemu-utils, libnbd-bin, python3-libnbd, fio). */
export const CLIENTS = ['qemu-nbd', 'qemu-io', 'qemu-img', 'nbdinfo', 'nbdsh', 'nbdcopy'];

/** The environment of every child: C locale, /usr/bin first (nbdsh needs the system python3 with libnbd). */
export function nbdEnv() {
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C', PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
  for (const k of ['LANGUAGE', 'FORCE_COLOR', 'QEMU_IO_OPTIONS', 'LIBNBD_DEBUG', 'NODE_OPTIONS']) delete env[k];
  return env;
}

/** Why the suites cannot run here (missing clients, qemu-nbd not 7.2, python3-libnbd missing), or null. */
export function missingClients(extra = []) {
  const missing = [...CLIENTS, ...extra].filter((c) => !which(c) && !existsSync(`/usr/bin/${c}`));
  if (missing.length) return `missing NBD clients: ${missing.join(', ')} (apt-get install qemu-utils libnbd-bin python3-libnbd fio)`;
  const v = spawnSync('qemu-nbd', ['--version'], { encoding: 'utf8', env: nbdEnv() });
  if (!/^qemu-nbd 7\.2\./.test(v.stdout ?? '')) return `qemu-nbd 7.2 needed (the goldens are its behaviour): got ${JSON.stringify((v.stdout ?? '').split('\n')[0])}`;
  const py = spawnSync('nbdsh', ['-c', 'print(1)'], { encoding: 'utf8', env: nbdEnv() });
  if (py.status !== 0) return `nbdsh does not run (python3-libnbd missing?): ${py.stderr}`;
  return null;
}

/** The server command: 'qemu' = qemu-nbd, 'ours' = node bin/blkstudio nbd (or $BLKSTUDIO_NBD). */
export function serverCommand(side) {
  if (side === 'qemu') return { file: 'qemu-nbd', prefix: [], label: 'qemu-nbd' };
  if (process.env.BLKSTUDIO_NBD) return { file: process.env.BLKSTUDIO_NBD, prefix: [], label: process.env.BLKSTUDIO_NBD };
  return { file: process.execPath, prefix: [BLKSTUDIO_BIN, 'nbd'], label: 'node bin/blkstudio nbd' };
}

/** Why our server cannot run (no build), or null. */
export function oursProblem() {
  if (process.env.BLKSTUDIO_NBD) return existsSync(process.env.BLKSTUDIO_NBD) ? null : `BLKSTUDIO_NBD=${process.env.BLKSTUDIO_NBD} does not exist`;
  if (!existsSync(join(REPO_ROOT, 'out', 'cli', 'blkstudio.cjs'))) return 'out/cli/blkstudio.cjs is missing: run `npm run -s build` first';
  return null;
}

export async function loadNbdCases() {
  const { cases } = await import('./cases.mjs');
  const only = (process.env.NBD_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return only.length ? cases.filter((c) => only.some((o) => c.name.includes(o))) : cases;
}

/** A free TCP port on 127.0.0.1 (bound to port 0, then released). */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** True once something listens on 127.0.0.1:port (from /proc/net/tcp: no connection is made). */
function tcpListening(port) {
  try {
    const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    return readFileSync('/proc/net/tcp', 'utf8').split('\n').some((l) => {
      const f = l.trim().split(/\s+/);
      return f[1]?.endsWith(hex) && f[3] === '0A';
    });
  } catch {
    return false;
  }
}

/** Runs one program; resolves { stdout, stderr (strings, latin1), status, signal, timedOut }. */
export function run(file, args, { cwd, stdin = '', timeoutMs = CLIENT_TIMEOUT_MS } = {}) {
  return new Promise((res) => {
    const child = spawn(file, args, { cwd, env: nbdEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.on('error', () => {});
    child.on('error', (e) => err.push(Buffer.from(`[spawn failed: ${e.message}]\n`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), status: code, signal, timedOut });
    });
    child.stdin.end(stdin);
  });
}

/**
 * A started server: { child, socket, port, exited (promise of { status, signal, stderr, stdout }), stop() }.
 * Waits until the unix socket exists / the TCP port listens (no probe connection, which a
 * server without -t would count as its one client).
 */
export async function startServer(side, args, { cwd, sock, port, timeoutMs = 10_000 }) {
  const cmd = serverCommand(side);
  const child = spawn(cmd.file, [...cmd.prefix, ...args], { cwd, env: nbdEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  let done = false;
  const exited = new Promise((res) => {
    child.on('error', (e) => err.push(Buffer.from(`[spawn failed: ${e.message}]\n`)));
    child.on('close', (status, signal) => {
      done = true;
      res({ status, signal, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') });
    });
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done) break;
    if (sock ? existsSync(sock) : tcpListening(port)) {
      await delay(5); // bind() to listen(): a few instructions, in both servers
      break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      break;
    }
    await delay(5);
  }
  const stop = async (ms = 5000) => {
    if (!done) child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    const r = await exited;
    clearTimeout(t);
    return r;
  };
  const alive = () => !done;
  return { child, exited, stop, alive, label: cmd.label };
}

/** Replaces the per-run parts: the case dir, socket, port; timing figures of qemu-io statistics lines. */
export function maskText(text, { dir, port }) {
  let t = text.split(dir).join('{DIR}');
  if (port) t = t.replace(new RegExp(`\\b127\\.0\\.0\\.1:${port}\\b`, 'g'), '127.0.0.1:{PORT}').replace(new RegExp(`\\bport ${port}\\b`, 'g'), 'port {PORT}');
  return maskOutput(Buffer.from(t, 'latin1')).toString('latin1');
}

const limit = createLimiter(Number(process.env.NBD_JOBS ?? 3));

function fixtureStep(step, dir) {
  if (step[0] === 'file') {
    writeFileSync(join(dir, step[1]), step[2]);
    return;
  }
  const r = spawnSync(step[0], step.slice(1), { cwd: dir, env: nbdEnv(), encoding: 'utf8', input: '' });
  if (r.status !== 0) throw new Error(`fixture step failed (${step.join(' ')}): ${r.stdout}${r.stderr}`);
}

/**
 * Runs a case with side 'qemu' | 'ours'. Resolves the masked record
 *   { server: { args, status, signal, stdout, stderr }, clients: [{ argv, status, stdout, stderr }], images: { name: sha256 } }
 */
export function runNbdCase(testCase, side) {
  return limit(async () => {
    const dir = mkdtempSync(join(tmpdir(), `nbd-${side}-`));
    try {
      for (const step of testCase.fixture) fixtureStep(step, dir);
      const sock = join(dir, 'nbd.sock');
      const port = testCase.tcp ? await freePort() : 0;
      const subst = (a) => a.replaceAll('{SOCK}', sock).replaceAll('{PORT}', String(port)).replaceAll('{DIR}', dir);
      const args = [...(testCase.persistent ? ['-t'] : []), ...testCase.server.map(subst)];
      const server = await startServer(side, args, { cwd: dir, sock: testCase.tcp ? null : sock, port });
      const clients = [];
      for (const argv of testCase.clients) {
        const r = await run(argv[0], argv.slice(1).map(subst), { cwd: dir });
        clients.push({ argv, status: r.timedOut ? 'timeout' : r.status ?? `signal ${r.signal}`, stdout: maskText(r.stdout, { dir, port }), stderr: maskText(r.stderr, { dir, port }) });
      }
      let s;
      if (testCase.persistent) s = await server.stop();
      else {
        // Without -t the server leaves with its client; give it a moment, then call it a hang.
        const t = setTimeout(() => server.child.kill('SIGKILL'), 5000);
        s = await server.exited;
        clearTimeout(t);
      }
      const images = {};
      for (const name of testCase.images) images[name] = existsSync(join(dir, name)) ? sha256(readFileSync(join(dir, name))) : null;
      return {
        server: { args: testCase.server, persistent: !!testCase.persistent, status: s.status, signal: s.signal, stdout: maskText(s.stdout, { dir, port }), stderr: maskText(s.stderr, { dir, port }) },
        clients,
        images,
      };
    } finally {
      if (process.env.NBD_KEEP) console.error(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  });
}

export const goldenFile = (name) => join(NBD_GOLDEN_DIR, `${name}.json`);
