// Shared machinery for the qemu-io compatibility cases (test/iotests/cases.mjs):
//   - scripts/gen-golden.mjs          runs every case through the REAL qemu-io and writes golden/<name>.out
//   - test/iotests/golden.test.ts     runs blkstudio-io on every case and compares with the golden file
//   - test/differential/*.test.ts     runs real qemu-io and blkstudio-io side by side
// Everything that both sides must agree on (scratch-dir setup, spawning, masking, the transcript
// format, diffs) lives here, once.
//
// Environment switches:
//   QEMU_IO=/path/to/qemu-io     the reference binary (default: `qemu-io` found on PATH)
//   BLKSTUDIO_IO=/path/to/tool   run this executable instead of `node bin/blkstudio-io`.
//                                Set BLKSTUDIO_IO=/usr/bin/qemu-io to validate the harness itself:
//                                every differential and golden test must then pass.
//   IOTESTS_ONLY=name,name2      restrict the cases to these names (substring match) for debugging.
//   IOTESTS_KEEP=1               keep the scratch directories (their paths go in the failure message).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync, openSync, ftruncateSync, closeSync, accessSync, constants as fsConstants } from 'node:fs';
import { tmpdir } from 'node:os';
import { constants as osConstants } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const IOTESTS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(IOTESTS_DIR, '..', '..');
export const GOLDEN_DIR = join(IOTESTS_DIR, 'golden');
export const BLKSTUDIO_IO_BIN = join(REPO_ROOT, 'bin', 'blkstudio-io');
export const BLKSTUDIO_IO_BUNDLE = join(REPO_ROOT, 'out', 'cli', 'blkstudio-io.cjs');

/** Hard limit for one process run; a case that takes longer is reported as a timeout. */
export const RUN_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Locating the tools

export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, fsConstants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Absolute path of the reference qemu-io, or null when it is not installed. */
export function findQemuIo() {
  if (process.env.QEMU_IO) return existsSync(process.env.QEMU_IO) ? process.env.QEMU_IO : null;
  return which('qemu-io');
}

/** Absolute path of qemu-img, or null (only needed for images that are not plain raw). */
export function findQemuImg() {
  if (process.env.QEMU_IMG) return existsSync(process.env.QEMU_IMG) ? process.env.QEMU_IMG : null;
  return which('qemu-img');
}

/**
 * Checks that `qemu-io -V` says 7.2.x. Returns { ok: true, version, path } or { ok: false, message }.
 */
export function checkQemuIoVersion() {
  const path = findQemuIo();
  const missing = 'qemu-io 7.2 not found: apt-get install qemu-utils';
  if (!path) return { ok: false, message: missing };
  const r = spawnSync(path, ['-V'], { encoding: 'utf8', env: childEnv() });
  const m = /^qemu-io version (\d+)\.(\d+)\.(\d+)/.exec(r.stdout ?? '');
  if (!m) return { ok: false, message: `${missing} (${path} -V printed ${JSON.stringify(r.stdout)})` };
  const version = `${m[1]}.${m[2]}.${m[3]}`;
  if (m[1] !== '7' || m[2] !== '2') {
    return { ok: false, message: `${missing} (${path} is version ${version}; the goldens are QEMU 7.2's output)` };
  }
  return { ok: true, version, path };
}

/** The command (argv[0] and leading args) that runs our blkstudio-io. */
export function blkstudioIoCommand() {
  const override = process.env.BLKSTUDIO_IO;
  // A native override (e.g. /usr/bin/qemu-io) gets argv[0] = 'qemu-io' like the reference side.
  if (override) return { file: override, prefix: [], label: override, argv0: 'qemu-io' };
  return { file: process.execPath, prefix: [BLKSTUDIO_IO_BIN], label: 'node bin/blkstudio-io', argv0: undefined };
}

/** Why blkstudio-io cannot run, or null when it can. */
export function blkstudioIoProblem() {
  if (process.env.BLKSTUDIO_IO) return existsSync(process.env.BLKSTUDIO_IO) ? null : `BLKSTUDIO_IO=${process.env.BLKSTUDIO_IO} does not exist`;
  if (!existsSync(BLKSTUDIO_IO_BUNDLE)) return `${BLKSTUDIO_IO_BUNDLE} is missing: run \`npm run build:cli\` first`;
  return null;
}

/** The environment every child runs with: the caller's, with a fixed C locale and no colours. */
export function childEnv() {
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  delete env.LANGUAGE;
  delete env.FORCE_COLOR;
  delete env.QEMU_IO_OPTIONS;
  return env;
}

// ---------------------------------------------------------------------------------------------
// Cases

/** Loads the case list (honours IOTESTS_ONLY). */
export async function loadCases() {
  const { cases } = await import('./cases.mjs');
  const only = (process.env.IOTESTS_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (only.length === 0) return cases;
  return cases.filter((c) => only.some((o) => c.name.includes(o)));
}

/** Parses a qemu-img style size (`1M`, `64k`, `512`, `1.5G`) for image creation. */
export function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)([bBkKmMgGtT]?)$/.exec(String(text));
  if (!m) throw new Error(`bad size ${text}`);
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase()];
  return Math.round(Number(m[1]) * mult);
}

/**
 * Turns a byte spec into a Buffer.
 *   'hex string'                             the bytes themselves (whitespace ignored)
 *   { size, fill?: byte, seq?: true, text?: string, at?: { [offset]: 'hex' | {text} | {fill, len} } }
 *     size bytes filled with `fill` (default 0), or with i & 0xff when seq, or `text` repeated;
 *     then each `at` entry is written at its offset.
 */
export function materialize(spec) {
  if (typeof spec === 'string') return Buffer.from(spec.replace(/\s+/g, ''), 'hex');
  if (Buffer.isBuffer(spec)) return spec;
  const buf = Buffer.alloc(spec.size, spec.fill ?? 0);
  if (spec.seq) for (let i = 0; i < buf.length; i++) buf[i] = i & 0xff;
  if (spec.text !== undefined) {
    const t = Buffer.from(spec.text, 'latin1');
    for (let i = 0; i < buf.length; i++) buf[i] = t[i % t.length];
  }
  for (const [off, v] of Object.entries(spec.at ?? {})) {
    const o = Number(off);
    if (typeof v === 'string') Buffer.from(v.replace(/\s+/g, ''), 'hex').copy(buf, o);
    else if (v.text !== undefined) Buffer.from(v.text, 'latin1').copy(buf, o);
    else buf.fill(v.fill, o, o + v.len);
  }
  return buf;
}

function createImage(dir, img) {
  const target = join(dir, img.name);
  mkdirSync(dirname(target), { recursive: true });
  if (img.bytes !== undefined) {
    writeFileSync(target, materialize(img.bytes));
    return;
  }
  if (img.dir) {
    mkdirSync(target, { recursive: true });
    return;
  }
  if (img.sparse) {
    // { size, extents: { [offset]: bytes spec } }: a sparse file with data only at the extents.
    const fd = openSync(target, 'w');
    try {
      ftruncateSync(fd, img.sparse.size);
      for (const [off, spec] of Object.entries(img.sparse.extents ?? {})) writeSync(fd, materialize(spec), 0, undefined, Number(off));
    } finally {
      closeSync(fd);
    }
    return;
  }
  const args = img.create;
  if (!Array.isArray(args)) throw new Error(`image ${img.name}: needs create or bytes`);
  // `qemu-img create -f raw NAME SIZE` is a sparse file of SIZE bytes: do it ourselves so the
  // golden test does not need qemu-img. Anything else goes to the real qemu-img.
  if (args.length === 4 && args[0] === '-f' && args[1] === 'raw') {
    const fd = openSync(join(dir, args[2]), 'w');
    try {
      ftruncateSync(fd, parseSize(args[3]));
    } finally {
      closeSync(fd);
    }
    return;
  }
  const qemuImg = findQemuImg();
  if (!qemuImg) throw new Error(`image ${img.name}: qemu-img is needed for create ${args.join(' ')}`);
  const r = spawnSync(qemuImg, ['create', '-q', ...args], { cwd: dir, env: childEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`qemu-img create ${args.join(' ')} failed: ${r.stderr}`);
}

/**
 * Runs an image's `prepare` steps with the REAL tools (the same on both sides of a comparison):
 * an array is a qemu-io argv, `{ qemuImg: [...] }` a qemu-img argv; cwd is the scratch dir.
 * Every step must exit with status 0 (or `{ ..., status: N }` when a failure is expected).
 */
function prepareStep(img, step) {
  const isImg = !Array.isArray(step) && Array.isArray(step.qemuImg);
  const args = Array.isArray(step) ? step : isImg ? step.qemuImg : step.qemuIo;
  const tool = isImg ? findQemuImg() : findQemuIo();
  const label = isImg ? 'qemu-img' : 'qemu-io';
  if (!tool) throw new Error(`image ${img.name}: ${label} is needed for prepare ${args.join(' ')}`);
  const want = Array.isArray(step) ? 0 : (step.status ?? 0);
  const check = (r) => {
    if (r.status !== want) throw new Error(`image ${img.name}: prepare \`${label} ${args.join(' ')}\` exited with ${r.status} (want ${want}): ${r.stdout}${r.stderr}`);
  };
  return { tool, args, label, check };
}

function patchImage(dir, img) {
  if (img.patch?.length) {
    const fd = openSync(join(dir, img.name), 'r+');
    try {
      for (const { at, hex } of img.patch) writeSync(fd, Buffer.from(hex.replace(/\s+/g, ''), 'hex'), 0, undefined, Number(at));
    } finally {
      closeSync(fd);
    }
  }
}

function prepareImage(dir, img) {
  for (const step of img.prepare ?? []) {
    const { tool, args, label, check } = prepareStep(img, step);
    check(spawnSync(tool, args, { cwd: dir, env: childEnv(), encoding: 'latin1', argv0: label, timeout: RUN_TIMEOUT_MS, input: '' }));
  }
  patchImage(dir, img);
}

/** prepareImage without blocking the event loop (the steps go through the process limiter). */
async function prepareImageAsync(dir, img) {
  for (const step of img.prepare ?? []) {
    const { tool, args, label, check } = prepareStep(img, step);
    const r = await limitProcesses(() => runProgram(tool, args, { cwd: dir, argv0: label }));
    check({ status: r.timedOut ? 'TIMEOUT' : r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') });
  }
  patchImage(dir, img);
}

function makeScratch(testCase, label) {
  // os.tmpdir() and not /dev/shm: cases with -n / -t none need O_DIRECT, which tmpfs refuses.
  const base = process.env.IOTESTS_TMP ?? tmpdir();
  const dir = mkdtempSync(join(base, `blkstudio-iotest-${label}-`));
  try {
    for (const img of testCase.images ?? []) createImage(dir, img);
    for (const [name, content] of Object.entries(testCase.files ?? {})) {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, typeof content === 'string' ? Buffer.from(content, 'latin1') : materialize(content));
    }
  } catch (e) {
    removeScratch(dir);
    throw e;
  }
  return dir;
}

/**
 * Async prepareScratch: the same scratch dir, with the prepare steps run without blocking the
 * event loop. Removes the dir again if a step fails.
 */
export async function prepareScratchAsync(testCase, label = 'x') {
  const dir = makeScratch(testCase, label);
  try {
    for (const img of testCase.images ?? []) await prepareImageAsync(dir, img);
  } catch (e) {
    removeScratch(dir);
    throw e;
  }
  return dir;
}

/** Makes a fresh scratch directory holding the case's images and files. */
export function prepareScratch(testCase, label = 'x') {
  const dir = makeScratch(testCase, label);
  // Then every image's prepare steps and patches, in image order (the files, e.g. blkdebug
  // configs, exist by then; a backing file is prepared before its overlay).
  for (const img of testCase.images ?? []) prepareImage(dir, img);
  return dir;
}

export function removeScratch(dir) {
  if (process.env.IOTESTS_KEEP) return;
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Running

/**
 * Runs one program with argv in cwd: stdout and stderr are separate pipes (no TTY), stdin is the
 * given string (latin1: one char = one byte) or Buffer (or empty, closed at once). Resolves to { stdout: Buffer, stderr: Buffer, status,
 * signal, timedOut }. status is the shell-style exit status (128+N for death by signal N).
 */
export function runProgram(file, args, { cwd, stdin = '', timeoutMs = RUN_TIMEOUT_MS, argv0 } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(file, args, { cwd, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'], ...(argv0 ? { argv0 } : {}) });
    const out = [];
    const err = [];
    let timedOut = false;
    let spawnError = null;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.on('error', () => {
      /* the tool may exit without reading stdin */
    });
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let status = code;
      if (status === null && signal) status = 128 + (osConstants.signals[signal] ?? 0);
      if (spawnError) {
        status = -1;
        err.push(Buffer.from(`[spawn failed: ${spawnError.message}]\n`));
      }
      resolvePromise({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status, signal, timedOut });
    });
    // Case stdin strings are bytes written as latin1 ('\xff' is the byte 0xff, not UTF-8).
    child.stdin.end(Buffer.isBuffer(stdin) ? stdin : Buffer.from(stdin, 'latin1'));
  });
}

/** Tiny promise pool: at most `n` tasks at once. */
export function createLimiter(n) {
  let active = 0;
  const queue = [];
  const next = () => {
    if (active >= n || queue.length === 0) return;
    active++;
    const { task, res, rej } = queue.shift();
    Promise.resolve()
      .then(task)
      .then(res, rej)
      .finally(() => {
        active--;
        next();
      });
  };
  return (task) =>
    new Promise((res, rej) => {
      queue.push({ task, res, rej });
      next();
    });
}

/** One process-level limiter shared by every test in a worker (2 = the machine's cores). */
export const limitProcesses = createLimiter(Number(process.env.IOTESTS_JOBS ?? 2));

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Runs a case with a tool ('qemu' or 'ours') in a fresh scratch dir and returns
 *   { stdout, stderr (Buffers, unmasked), status, timedOut, images: { name: { sha256, size, bytes } }, dir }
 * The scratch dir is removed unless IOTESTS_KEEP is set.
 */
export async function runCase(testCase, tool) {
  let file;
  let prefix;
  let argv0;
  if (tool === 'qemu') {
    file = findQemuIo();
    if (!file) throw new Error('qemu-io 7.2 not found: apt-get install qemu-utils');
    prefix = [];
    // getopt prints argv[0] verbatim ("qemu-io: invalid option -- 'x'"): run it as a user
    // would, by name, not as /usr/bin/qemu-io.
    argv0 = 'qemu-io';
  } else {
    ({ file, prefix, argv0 } = blkstudioIoCommand());
  }
  const dir = await prepareScratchAsync(testCase, tool);
  try {
    const r = await limitProcesses(() => runProgram(file, [...prefix, ...testCase.argv], { cwd: dir, stdin: testCase.stdin ?? '', argv0 }));
    const images = {};
    for (const name of testCase.compareImages ?? []) {
      const p = join(dir, name);
      if (!existsSync(p)) {
        images[name] = { sha256: 'missing', size: -1, bytes: null };
        continue;
      }
      const bytes = readFileSync(p);
      images[name] = { sha256: sha256(bytes), size: bytes.length, bytes };
    }
    const data = {};
    for (const name of testCase.compareData ?? []) data[name] = await guestData(dir, name);
    const checks = {};
    for (const name of testCase.checkImages ?? []) checks[name] = await checkImage(dir, name);
    return { ...r, images, data, checks, dir };
  } finally {
    removeScratch(dir);
  }
}

/**
 * The guest-visible data of an image: the REAL `qemu-img convert -O raw NAME` into a temporary
 * file, hashed. Returns { sha256, size } or { error } when qemu-img fails (its masked stderr).
 */
async function guestData(dir, name) {
  const qemuImg = findQemuImg();
  if (!qemuImg) throw new Error(`compareData ${name}: qemu-img is needed`);
  const tmp = join(dir, `.data-${name.replace(/[^A-Za-z0-9.-]/g, '_')}.raw`);
  try {
    const r = await limitProcesses(() => runProgram(qemuImg, ['convert', '-O', 'raw', name, tmp], { cwd: dir, argv0: 'qemu-img' }));
    if (r.status !== 0 || !existsSync(tmp)) return { error: `exit ${r.status}: ${maskOutput(r.stderr).toString('latin1').trim()}` };
    const hash = createHash('sha256');
    const fd = openSync(tmp, 'r');
    let size = 0;
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        hash.update(n === chunk.length ? chunk : chunk.subarray(0, n));
        size += n;
      }
    } finally {
      closeSync(fd);
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The REAL `qemu-img check NAME` after the run: { stdout, stderr, status } (Buffers). */
async function checkImage(dir, name) {
  const qemuImg = findQemuImg();
  if (!qemuImg) throw new Error(`checkImages ${name}: qemu-img is needed`);
  const r = await limitProcesses(() => runProgram(qemuImg, ['check', name], { cwd: dir, argv0: 'qemu-img' }));
  return { stdout: r.stdout, stderr: r.stderr, status: r.timedOut ? 'TIMEOUT' : r.status };
}

/** The data line of the transcript for one compareData image. */
function dataLine(name, d) {
  return d.error !== undefined ? `--- data ${name}: qemu-img convert failed: ${d.error} ---\n` : `--- data ${name}: ${d.size} bytes, sha256 ${d.sha256} ---\n`;
}

/**
 * The transcript block of one checkImages image (check output goes through maskOutput too).
 * With the case option `checkLoose` (compressed writes: zlib output sizes may legitimately differ)
 * the image end offset and the fragmentation figure are masked.
 */
function checkBlock(testCase, name, ck) {
  let out = maskOutput(ck.stdout);
  if (testCase.checkLoose) {
    out = Buffer.from(
      out
        .toString('latin1')
        .replace(/^Image end offset: \d+$/gm, 'Image end offset: X')
        .replace(/, [0-9.]+% fragmented,/g, ', X% fragmented,'),
      'latin1',
    );
  }
  return `--- qemu-img check ${name}: stdout ---\n${showBytes(out)}--- qemu-img check ${name}: stderr ---\n${showBytes(maskOutput(ck.stderr))}--- qemu-img check ${name}: exit status ${ck.status} ---\n`;
}

// ---------------------------------------------------------------------------------------------
// Masking: the ONE function every comparison goes through.

// tests/qemu-iotests/common.filter `_filter_qemu_io` (first sed expression; sed without /g, so
// the first match on each line):
//   s/[0-9]* ops\; [0-9/:. sec]* ([0-9/.inf]* [EPTGMKiBbytes]*\/sec and [0-9/.inf]* ops\/sec)/
//    X ops\; XX:XX:XX.X (XXX YYY\/sec and XXX ops\/sec)/
const IOTESTS_RE = /[0-9]* ops; [0-9/:. sec]* \([0-9/.inf]* [EPTGMKiBbytes]*\/sec and [0-9/.inf]* ops\/sec\)/;
const IOTESTS_REPL = 'X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)';
// `-C` report: bytes,ops,h:mm:ss.ss,bytes/sec,ops/sec -> keep bytes and ops, mask the rest.
const CSV_RE = /^(-?[0-9]+),([0-9]+),[0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{2},[-+0-9.a-z]+,[-+0-9.a-z]+$/;
const CSV_REPL = '$1,$2,X:XX:XX.XX,XXX,XXX';
// Generated node names differ from run to run (iotests `_filter_generated_node_ids`).
const NODE_ID_RE = /#block[0-9]{3,}/g;
const NODE_ID_REPL = '#blockNNN';
// The -s overlay's scratch file ($TMPDIR or /var/tmp, then mkstemp's random letters).
const TEMP_FILE_RE = /(?:\/[^\s'/]+)*\/vl\.[A-Za-z0-9]{6}/g;
const TEMP_FILE_REPL = '/var/tmp/vl.XXXXXX';

/**
 * Masks what legitimately differs between two runs of qemu-io: the timing figures of the
 * statistics lines (as iotests' _filter_qemu_io does, plus the time and rates of `-C` lines)
 * generated node names (`#block123`) and the -s overlay's temporary file name. Takes a Buffer or string, returns a Buffer.
 * Works line by line on the bytes (latin1), so non-UTF-8 output is preserved exactly.
 */
export function maskOutput(output) {
  const text = Buffer.isBuffer(output) ? output.toString('latin1') : String(output);
  const masked = text
    .split('\n')
    .map((line) => line.replace(IOTESTS_RE, IOTESTS_REPL).replace(CSV_RE, CSV_REPL).replace(NODE_ID_RE, NODE_ID_REPL).replace(TEMP_FILE_RE, TEMP_FILE_REPL))
    .join('\n');
  return Buffer.from(masked, 'latin1');
}

// ---------------------------------------------------------------------------------------------
// Transcript (the golden file format)

/** Quotes one argv word the way a shell user would type it. */
export function shellQuote(word) {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Shows captured bytes readably and unambiguously: printable ASCII, newline and tab verbatim,
 * a backslash as `\\`, anything else as `\xNN`; a missing final newline is marked on its own line.
 */
export function showBytes(buf) {
  const s = Buffer.isBuffer(buf) ? buf.toString('latin1') : String(buf);
  if (s === '') return '';
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n' || ch === '\t' || (c >= 0x20 && c < 0x7f)) out += ch;
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  if (!out.endsWith('\n')) out += '\n[no newline at end]\n';
  return out;
}

/**
 * Renders the golden transcript of one run. `tool` is only used in the command line shown; the
 * golden files always say `qemu-io`, and so does our rendering (compare like with like).
 */
export function renderTranscript(testCase, result) {
  const lines = [];
  lines.push(`# case: ${testCase.name}`);
  if (testCase.description) lines.push(`# ${testCase.description}`);
  for (const img of testCase.images ?? []) {
    if (img.create) lines.push(`# image ${img.name}: qemu-img create ${img.create.map(shellQuote).join(' ')}`);
    else if (img.dir) lines.push(`# image ${img.name}: a directory`);
    else if (img.sparse) lines.push(`# image ${img.name}: sparse, ${img.sparse.size} bytes, data at ${Object.keys(img.sparse.extents ?? {}).join(', ') || 'no offset'}`);
    else lines.push(`# image ${img.name}: ${materialize(img.bytes).length} given bytes`);
    for (const step of img.prepare ?? []) {
      if (Array.isArray(step)) lines.push(`# prepare ${img.name}: qemu-io ${step.map(shellQuote).join(' ')}`);
      else if (step.qemuImg) lines.push(`# prepare ${img.name}: qemu-img ${step.qemuImg.map(shellQuote).join(' ')}${step.status ? ` (exit ${step.status})` : ''}`);
      else lines.push(`# prepare ${img.name}: qemu-io ${step.qemuIo.map(shellQuote).join(' ')}${step.status ? ` (exit ${step.status})` : ''}`);
    }
    for (const { at, hex } of img.patch ?? []) lines.push(`# patch ${img.name}: at ${at}: ${hex.replace(/\s+/g, '')}`);
  }
  for (const name of Object.keys(testCase.files ?? {})) lines.push(`# file ${name}`);
  lines.push(['$ qemu-io', ...testCase.argv.map(shellQuote)].join(' '));
  let text = lines.join('\n') + '\n';
  if (testCase.stdin !== undefined) text += `--- stdin ---\n${showBytes(Buffer.from(testCase.stdin, 'latin1'))}`;
  text += `--- stdout ---\n${showBytes(maskOutput(result.stdout))}`;
  text += `--- stderr ---\n${showBytes(maskOutput(result.stderr))}`;
  text += `--- exit status: ${result.timedOut ? 'TIMEOUT' : result.status} ---\n`;
  for (const name of testCase.compareImages ?? []) {
    const img = result.images[name];
    text += `--- image ${name}: ${img.size} bytes, sha256 ${img.sha256} ---\n`;
  }
  for (const name of testCase.compareData ?? []) text += dataLine(name, result.data[name]);
  for (const name of testCase.checkImages ?? []) text += checkBlock(testCase, name, result.checks[name]);
  return text;
}

export function goldenPath(testCase) {
  return join(GOLDEN_DIR, `${testCase.name}.out`);
}

// ---------------------------------------------------------------------------------------------
// Diffs for failure messages

/** A line diff (LCS) of a (expected) and b (actual), unified style with 2 lines of context. */
export function lineDiff(a, b, { labelA = 'expected', labelB = 'actual', context = 2 } = {}) {
  const A = String(a).split('\n');
  const B = String(b).split('\n');
  const n = A.length;
  const m = B.length;
  if (n * m > 4_000_000) return `--- ${labelA}\n${a}\n+++ ${labelB}\n${b}`;
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) dp[i][j] = A[i] === B[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && A[i] === B[j]) {
      ops.push([' ', A[i]]);
      i++;
      j++;
    } else if (i < n && (j === m || dp[i + 1][j] >= dp[i][j + 1])) {
      ops.push(['-', A[i++]]);
    } else {
      ops.push(['+', B[j++]]);
    }
  }
  const keep = ops.map((op, k) => op[0] !== ' ' || ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o[0] !== ' '));
  const out = [`--- ${labelA}`, `+++ ${labelB}`];
  let skipped = false;
  ops.forEach((op, k) => {
    if (keep[k]) {
      out.push(`${op[0]}${op[1]}`);
      skipped = false;
    } else if (!skipped) {
      out.push('@@ ...');
      skipped = true;
    }
  });
  return out.join('\n');
}

/** Where two image byte arrays first differ, for messages. */
export function firstDifference(a, b) {
  if (!a || !b) return 'one side has no image';
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      const hex = (x) => x.subarray(i, i + 16).toString('hex').replace(/(..)/g, '$1 ').trim();
      return `first difference at offset ${i} (0x${i.toString(16)}): qemu [${hex(a)}] ours [${hex(b)}]`;
    }
  }
  return a.length === b.length ? 'identical' : `sizes differ: qemu ${a.length}, ours ${b.length}`;
}

/**
 * Compares a qemu-io run with ours. Returns null when they match, else a readable report.
 */
export function compareRuns(testCase, qemu, ours) {
  const problems = [];
  const cmd = `$ (cd scratch && ${['qemu-io', ...testCase.argv].map(shellQuote).join(' ')})`;
  const qOut = maskOutput(qemu.stdout);
  const oOut = maskOutput(ours.stdout);
  if (!qOut.equals(oOut)) problems.push(`stdout differs:\n${lineDiff(showBytes(qOut), showBytes(oOut), { labelA: 'qemu-io stdout', labelB: 'blkstudio-io stdout' })}`);
  const qErr = maskOutput(qemu.stderr);
  const oErr = maskOutput(ours.stderr);
  if (!qErr.equals(oErr)) problems.push(`stderr differs:\n${lineDiff(showBytes(qErr), showBytes(oErr), { labelA: 'qemu-io stderr', labelB: 'blkstudio-io stderr' })}`);
  if (ours.timedOut) problems.push(`blkstudio-io timed out after ${RUN_TIMEOUT_MS} ms`);
  if (qemu.status !== ours.status) problems.push(`exit status differs: qemu-io ${qemu.status}, blkstudio-io ${ours.status}`);
  for (const name of testCase.compareImages ?? []) {
    const q = qemu.images[name];
    const o = ours.images[name];
    if (q.sha256 !== o.sha256) problems.push(`image ${name} differs: ${firstDifference(q.bytes, o.bytes)}`);
  }
  for (const name of testCase.compareData ?? []) {
    const q = dataLine(name, qemu.data[name]);
    const o = dataLine(name, ours.data[name]);
    if (q !== o) problems.push(`guest data of ${name} differs:\n  qemu-io      ${q.trim()}\n  blkstudio-io ${o.trim()}`);
  }
  for (const name of testCase.checkImages ?? []) {
    const q = checkBlock(testCase, name, qemu.checks[name]);
    const o = checkBlock(testCase, name, ours.checks[name]);
    if (q !== o) problems.push(`qemu-img check ${name} differs:\n${lineDiff(q, o, { labelA: 'after qemu-io', labelB: 'after blkstudio-io' })}`);
  }
  if (problems.length === 0) return null;
  const stdinNote = testCase.stdin !== undefined ? `\nstdin:\n${showBytes(Buffer.from(testCase.stdin, 'latin1'))}` : '';
  return `case ${testCase.name}\n${cmd}${stdinNote}\n\n${problems.join('\n\n')}`;
}

/**
 * A private copy of out/cli in `dir` (built first when missing), so a concurrent `npm run
 * build:cli` cannot pull the bundle away mid-test. Returns the bundle `bin/blkstudio img` runs
 * (call it as `node BUNDLE img SUBCOMMAND ...`).
 */
export function snapshotImgCli(dir) {
  const out = join(REPO_ROOT, 'out', 'cli');
  if (!existsSync(join(out, 'blkstudio-img.cjs'))) execFileSync('npm', ['run', 'build:cli'], { cwd: REPO_ROOT, stdio: 'ignore' });
  cpSync(out, join(dir, 'cli'), { recursive: true });
  return join(dir, 'cli', 'blkstudio-img.cjs');
}
