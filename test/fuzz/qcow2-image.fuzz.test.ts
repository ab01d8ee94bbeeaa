// Hostile-image fuzzer for the qcow2 driver: base images made by the real qemu-img / qemu-io,
// damaged by test/fuzz/qcow2-mutate.mjs (header fields, extensions, L1/L2 entries, refcounts,
// backing loops), then opened by blkstudio-io twice:
//   (a) read-only (`-r`, read / map / alloc / info / length) and
//   (b) read/write (write -P / -z / -z -u / -c, discard, read back, flush).
// ASSERTED for blkstudio-io on every case (robustness, not compatibility):
//   - it exits within 10 s (a hang fails), and not by a signal (crash, abort, OOM kill);
//   - no JavaScript error leaks out: no "TypeError"/"RangeError"/... , no stack-frame lines
//     ("    at f (file:1:2)"), no "FATAL ERROR" (V8 heap), no "Unknown error";
//   - memory is bounded: node runs with --max-old-space-size=512 and its peak RSS must stay
//     below FUZZ_MAX_RSS_MB (default 1024; Buffers live outside the JS heap);
//   - (a) leaves every file byte-identical (read-only must never write);
//   - (b) does not corrupt: the real `qemu-img check` must not count more corruptions
//     (corruptions + check-errors) afterwards than before the run, unless the real qemu-io
//     run on the same image with the same commands ends up at least as corrupt (QEMU's own
//     behaviour on hostile images is the bar: ours must not corrupt where qemu does not); and
//     the other files (backing files) stay unchanged unless qemu-io changed them too.
// RECORDED, not asserted (compatibility): how often our exit status and first error line agree
// with the real qemu-io 7.2 on the same run, and how often the whole masked output does. The
// figures are printed at the end; disagreements (and every robustness failure) are written to
// test/fuzz/failures/qcow2-<seed>-<n>/ with the images, both outputs and a replay.sh.
//
//   FUZZ_SEED=N        seed of the run (default 20261122)
//   FUZZ_CASES=N       number of cases (default 100: about 30 s on 2 cores)
//   FUZZ_ONLY=3,17     only these case numbers (for replaying a failure)
//   FUZZ_MAX_DUMPS=N   at most N disagreement dumps per run (default 40; failures always dump)
//   FUZZ_MAX_RSS_MB=N  memory bound for blkstudio-io (default 1024)
//   BLKSTUDIO_IO=/usr/bin/qemu-io   self-check: the robustness asserts must all pass for QEMU too
//                                   (QEMU's own hangs on backing loops with -r are not run)
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildBases, generateCase, IMAGE, sha256 } from './qcow2-mutate.mjs';
import type { BuiltBase, Qcow2FuzzCase } from './qcow2-mutate.mjs';
import {
  BLKSTUDIO_IO_BUNDLE,
  blkstudioIoProblem,
  checkQemuIoVersion,
  childEnv,
  findQemuImg,
  findQemuIo,
  limitProcesses,
  maskOutput,
  shellQuote,
} from '../iotests/harness.mjs';

const FUZZ_DIR = dirname(fileURLToPath(import.meta.url));
const FAILURES_DIR = join(FUZZ_DIR, 'failures');
const RSS_HOOK = join(FUZZ_DIR, 'qcow2-rss-hook.mjs');
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES = Number(process.env.FUZZ_CASES ?? 100);
const MAX_DUMPS = Number(process.env.FUZZ_MAX_DUMPS ?? 40);
const MAX_RSS_KB = Number(process.env.FUZZ_MAX_RSS_MB ?? 1024) * 1024;
const ONLY = (process.env.FUZZ_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map(Number);
const RUN_TIMEOUT_MS = 10_000;
const SELF_QEMU = /(^|\/)qemu-io$/.test(process.env.BLKSTUDIO_IO ?? '');
const CHECK_TIMEOUT_MS = 5_000;
const CASE_TIMEOUT_MS = 90_000;

interface Run {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
  timedOut: boolean;
  rssKb: number | null;
  /** sha256 of every file in the scratch dir after the run */
  after: Record<string, string>;
  /** files whose mtime changed (written, even with the same bytes) */
  touched: string[];
  /** `qemu-img check` corruption score of d.qcow2 after the run (null: could not check) */
  checkAfter: CheckResult | null;
  checkBefore: CheckResult | null;
}
interface CheckResult {
  score: number | null; // corruptions + check-errors; null when qemu-img could not open the image
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Running one tool on one case

function ourCommand(): { file: string; prefix: string[]; argv0: string | undefined; rss: boolean; label: string } {
  const override = process.env.BLKSTUDIO_IO;
  if (override) return { file: override, prefix: [], argv0: 'qemu-io', rss: false, label: override };
  return {
    file: process.execPath,
    prefix: ['--max-old-space-size=512', '--import', pathToFileURL(RSS_HOOK).href, BLKSTUDIO_IO_BUNDLE],
    argv0: undefined,
    rss: true,
    label: 'node --max-old-space-size=512 out/cli/blkstudio-io.cjs',
  };
}

/** Spawns in its own process group so a timeout kills the whole tree. */
function spawnRun(file: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv, argv0?: string) {
  return new Promise<{ stdout: Buffer; stderr: Buffer; status: number | null; timedOut: boolean }>((resolve) => {
    const child = spawn(file, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, ...(argv0 ? { argv0 } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => {});
    child.on('error', (e) => err.push(Buffer.from(`[spawn failed: ${e.message}]\n`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const status = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status, timedOut });
    });
    child.stdin.end();
  });
}

async function qemuImgCheck(dir: string): Promise<CheckResult> {
  const qemuImg = findQemuImg();
  if (!qemuImg) return { score: null, text: 'qemu-img not found' };
  const r = await spawnRun(qemuImg, ['check', '--output=json', '-f', 'qcow2', IMAGE], dir, CHECK_TIMEOUT_MS, childEnv());
  const text = `${r.stdout.toString('latin1')}${r.stderr.toString('latin1')}${r.timedOut ? '[qemu-img check timed out]\n' : ''}`;
  try {
    const j = JSON.parse(r.stdout.toString('utf8')) as { corruptions?: number; 'check-errors'?: number };
    return { score: (j.corruptions ?? 0) + (j['check-errors'] ?? 0), text };
  } catch {
    return { score: null, text };
  }
}

/**
 * sha256 of a file; files above 256 MiB (a write to a hostile host offset makes a sparse file of
 * a TiB) get their size plus the sha256 of their first 64 MiB.
 */
function fingerprint(path: string): string {
  const size = statSync(path).size;
  if (size <= 256 << 20) return sha256(readFileSync(path));
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64 << 20);
    const n = readSync(fd, head, 0, head.length, 0);
    return `size ${size}, first 64 MiB ${sha256(head.subarray(0, n))}`;
  } finally {
    closeSync(fd);
  }
}

function scratchBase(): string {
  const base = process.env.IOTESTS_TMP ?? tmpdir();
  return mkdtempSync(join(base, 'blkstudio-qcow2fuzz-'));
}

async function runTool(tc: Qcow2FuzzCase, tool: 'qemu' | 'ours', argv: string[], { checkBefore = false, checkAfter = false } = {}): Promise<Run> {
  const dir = scratchBase();
  try {
    const mtimes: Record<string, number> = {};
    for (const [name, bytes] of Object.entries(tc.files)) {
      writeFileSync(join(dir, name), bytes);
      mtimes[name] = statSync(join(dir, name)).mtimeMs;
    }
    const before = checkBefore ? await limitProcesses(() => qemuImgCheck(dir)) : null;
    const env = childEnv();
    let r;
    let rssKb: number | null = null;
    if (tool === 'qemu') {
      r = await limitProcesses(() => spawnRun(findQemuIo() ?? 'qemu-io', argv, dir, RUN_TIMEOUT_MS, env, 'qemu-io'));
    } else {
      const cmd = ourCommand();
      const rssFile = join(dir, '..', `${dir.split('/').pop()}.rss`);
      if (cmd.rss) env.FUZZ_RSS_FILE = rssFile;
      r = await limitProcesses(() => spawnRun(cmd.file, [...cmd.prefix, ...argv], dir, RUN_TIMEOUT_MS, env, cmd.argv0));
      if (cmd.rss && existsSync(rssFile)) {
        rssKb = Number(readFileSync(rssFile, 'utf8').trim());
        rmSync(rssFile, { force: true });
      }
    }
    const after: Record<string, string> = {};
    for (const name of readdirSync(dir)) after[name] = fingerprint(join(dir, name));
    const touched = Object.keys(mtimes).filter((name) => statSync(join(dir, name)).mtimeMs !== mtimes[name]);
    const checked = checkAfter ? await limitProcesses(() => qemuImgCheck(dir)) : null;
    return { ...r, rssKb, after, touched, checkAfter: checked, checkBefore: before };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bundle vanished under us (`npm run build:cli` rewrites out/cli while the fuzzer runs). */
const BUNDLE_MISSING = /Cannot find module '[^']*(?:blkstudio-io\.cjs|\/assets\/[^']*)'/;

/** runTool for our side, retried (up to 5 times, 3 s apart) when the bundle is being rebuilt. */
async function runOurs(tc: Qcow2FuzzCase, argv: string[], opts: { checkAfter?: boolean } = {}): Promise<Run> {
  let r = await runTool(tc, 'ours', argv, opts);
  for (let i = 0; i < 5 && BUNDLE_MISSING.test(r.stderr.toString('latin1')); i++) {
    await new Promise((res) => setTimeout(res, 3000));
    r = await runTool(tc, 'ours', argv, opts);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Judging

const JS_LEAKS: [RegExp, string][] = [
  [/\b(TypeError|RangeError|ReferenceError|SyntaxError|AssertionError|EvalError|URIError)\b/, 'a JavaScript error name'],
  [/^\s+at (?:async )?(?:\S+ \(|\S+:\d+:\d+|<anonymous>|new )/m, 'a stack-frame line'],
  [/FATAL ERROR|JavaScript heap out of memory|Maximum call stack/, 'a V8 fatal error'],
  [/Unknown error/, '"Unknown error"'],
  [/node:internal|\.cjs:\d+|\.ts:\d+:\d+/, 'a Node/bundle source location'],
];

/** Robustness problems of one of our runs (empty: fine). */
function robustness(r: Run): string[] {
  const problems: string[] = [];
  if (r.timedOut) problems.push(`HANG: did not exit within ${RUN_TIMEOUT_MS / 1000} s (killed)`);
  else if (r.status === null || r.status >= 128) problems.push(`CRASH: exit status ${r.status} (death by signal)`);
  const text = `${r.stdout.toString('latin1')}\n${r.stderr.toString('latin1')}`;
  for (const [re, what] of JS_LEAKS) {
    const m = re.exec(text);
    if (m) {
      const line = text.slice(text.lastIndexOf('\n', m.index) + 1).split('\n')[0];
      problems.push(`LEAK: output contains ${what}: ${JSON.stringify(line.slice(0, 200))}`);
    }
  }
  if (r.rssKb !== null && r.rssKb > MAX_RSS_KB) problems.push(`MEMORY: peak RSS ${(r.rssKb / 1024).toFixed(0)} MiB > ${MAX_RSS_KB / 1024} MiB`);
  return problems;
}

function firstErrorLine(r: Run): string {
  const err = maskOutput(r.stderr).toString('latin1').split('\n').find((l) => l.trim() !== '');
  if (err) return err;
  return maskOutput(r.stdout).toString('latin1').split('\n').find((l) => / failed: |Pattern verification failed|error|Error/.test(l)) ?? '';
}

const stats = {
  cases: 0,
  runs: 0, // runs compared with qemu-io
  exitAndFirstErrorAgree: 0,
  outputIdentical: 0,
  rwImageIdentical: 0,
  rwCompared: 0,
  qemuTimeouts: 0,
  qemuCrashes: 0,
  maxRssKb: 0,
  ourHangs: 0,
  ourCrashes: 0,
  ourLeaks: 0,
  ourMemory: 0,
  roWrites: 0,
  corruptions: 0,
  dumps: 0,
  disagreementsByFirstLine: new Map<string, number>(),
};

// ---------------------------------------------------------------------------------------------
// Failure / disagreement dumps

function writeDump(tc: Qcow2FuzzCase, runs: Record<string, Run | null>, report: string): string {
  const dir = join(FAILURES_DIR, `qcow2-${SEED}-${tc.n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'input'), { recursive: true });
  for (const [name, bytes] of Object.entries(tc.files)) writeFileSync(join(dir, 'input', name), bytes);
  writeFileSync(join(dir, 'case.json'), JSON.stringify({ seed: tc.seed, n: tc.n, base: tc.baseId, mutations: tc.mutations, patches: tc.patches, roArgv: tc.roArgv, rwArgv: tc.rwArgv }, null, 2) + '\n');
  for (const [key, r] of Object.entries(runs)) {
    if (!r) continue;
    writeFileSync(join(dir, `${key}.stdout`), r.stdout);
    writeFileSync(join(dir, `${key}.stderr`), r.stderr);
    writeFileSync(join(dir, `${key}.status`), `${r.timedOut ? 'TIMEOUT' : r.status}\n`);
    if (r.checkAfter) writeFileSync(join(dir, `${key}.check-after.json`), r.checkAfter.text);
    if (r.checkBefore) writeFileSync(join(dir, `check-before.json`), r.checkBefore.text);
  }
  writeFileSync(join(dir, 'report.txt'), `${tc.summary}\n\n${report}\n`);
  const ours = process.env.BLKSTUDIO_IO ? [process.env.BLKSTUDIO_IO] : ['node', '--max-old-space-size=512', BLKSTUDIO_IO_BUNDLE];
  const script = `#!/bin/sh
# Replays qcow2 fuzz case ${tc.n} of seed ${SEED}: ${tc.summary.replace(/\n/g, ' ')}
# Runs qemu-io and blkstudio-io each in a fresh copy of input/, read-only (ro) then read/write (rw),
# writes replay-{ro,rw}-{qemu,ours}.{stdout,stderr,status}, the images after the rw runs and
# \`qemu-img check\` of them next to this file, and diffs the masked outputs.
# (Regenerate the input with: node test/fuzz/qcow2-mutate.mjs ${SEED} ${tc.n} DIR)
here=$(cd "$(dirname "$0")" && pwd)
QEMU_IO=\${QEMU_IO:-${shellQuote(findQemuIo() ?? 'qemu-io')}}
QEMU_IMG=\${QEMU_IMG:-${shellQuote(findQemuImg() ?? 'qemu-img')}}
run() {
  phase=$1; tool=$2; shift 2
  d=$(mktemp -d)
  cp -R "$here/input/." "$d/"
  if [ "$phase" = ro ]; then
    (cd "$d" && LC_ALL=C LANG=C timeout 10 "$@" ${tc.roArgv.map(shellQuote).join(' ')} < /dev/null > "$here/replay-ro-$tool.stdout" 2> "$here/replay-ro-$tool.stderr"; echo $? > "$here/replay-ro-$tool.status")
    (cd "$d" && sha256sum * > "$here/replay-ro-$tool.sha256")
  else
    (cd "$d" && LC_ALL=C LANG=C timeout 10 "$@" ${tc.rwArgv.map(shellQuote).join(' ')} < /dev/null > "$here/replay-rw-$tool.stdout" 2> "$here/replay-rw-$tool.stderr"; echo $? > "$here/replay-rw-$tool.status")
    (cd "$d" && timeout 5 "$QEMU_IMG" check -f qcow2 ${IMAGE} > "$here/replay-rw-$tool.check" 2>&1)
    cp "$d/${IMAGE}" "$here/replay-rw-$tool.${IMAGE}"
  fi
  rm -rf "$d"
}
(cd "$here/input" && sha256sum * > "$here/input.sha256")
${tc.qemuHangsReadOnly ? '# qemu-io -r hangs on this image (backing loop): not run\n' : 'run ro qemu "$QEMU_IO"\n'}run ro ours ${ours.map(shellQuote).join(' ')}
run rw qemu "$QEMU_IO"
run rw ours ${ours.map(shellQuote).join(' ')}
mask='s/[0-9]* ops; [0-9/:. sec]* ([0-9/.inf]* [EPTGMKiBbytes]*\\/sec and [0-9/.inf]* ops\\/sec)/X ops; XX:XX:XX.X (XXX YYY\\/sec and XXX ops\\/sec)/'
status=0
for p in ro rw; do
  [ -f "$here/replay-$p-qemu.status" ] || continue
  for s in stdout stderr; do
    sed "$mask" "$here/replay-$p-qemu.$s" > "$here/replay-$p-qemu.$s.masked"
    sed "$mask" "$here/replay-$p-ours.$s" > "$here/replay-$p-ours.$s.masked"
    diff -u "$here/replay-$p-qemu.$s.masked" "$here/replay-$p-ours.$s.masked" || status=1
  done
  diff -u "$here/replay-$p-qemu.status" "$here/replay-$p-ours.status" || status=1
done
diff -u "$here/input.sha256" "$here/replay-ro-ours.sha256" || { echo "read-only run changed a file"; status=1; }
diff -u "$here/replay-rw-qemu.check" "$here/replay-rw-ours.check" || status=1
[ $status = 0 ] && echo "replay: identical"
exit $status
`;
  writeFileSync(join(dir, 'replay.sh'), script);
  chmodSync(join(dir, 'replay.sh'), 0o755);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// The test

const version = checkQemuIoVersion();
const problem = blkstudioIoProblem() ?? (findQemuImg() ? null : 'qemu-img not found: apt-get install qemu-utils');
const numbers = ONLY.length ? ONLY : Array.from({ length: CASES }, (_, i) => i);

if (!version.ok || problem) {
  describe('qcow2 image fuzz', () => {
    it('has qemu-io 7.2, qemu-img and a built blkstudio-io', () => {
      throw new Error(!version.ok ? version.message : (problem ?? ''));
    });
  });
} else {
  let bases: Map<string, BuiltBase> | null = null;
  const getBases = () => (bases ??= buildBases());

  describe.concurrent(`qcow2 image fuzz, seed ${SEED}, ${numbers.length} cases: ${ourCommand().label} (qemu-io ${version.version} for reference)`, () => {
    beforeAll(() => {
      getBases();
      // Stale dumps of this seed would be mistaken for this run's.
      if (existsSync(FAILURES_DIR)) for (const d of readdirSync(FAILURES_DIR)) if (d.startsWith(`qcow2-${SEED}-`)) rmSync(join(FAILURES_DIR, d), { recursive: true, force: true });
    });
    afterAll(() => {
      const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
      const top = [...stats.disagreementsByFirstLine.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
      const lines = [
        `qcow2 fuzz (seed ${SEED}, ${stats.cases} cases, ${ourCommand().label}):`,
        `  robustness: ${stats.ourHangs} hangs, ${stats.ourCrashes} crashes, ${stats.ourLeaks} JS-error leaks, ${stats.ourMemory} memory, ${stats.roWrites} read-only writes, ${stats.corruptions} corruptions beyond qemu's; peak RSS ${stats.maxRssKb ? `${(stats.maxRssKb / 1024).toFixed(0)} MiB` : 'not measured'}`,
        `  agreement with qemu-io: exit status + first error line ${stats.exitAndFirstErrorAgree}/${stats.runs} runs (${pct(stats.exitAndFirstErrorAgree, stats.runs)}), whole masked output ${stats.outputIdentical}/${stats.runs} (${pct(stats.outputIdentical, stats.runs)}), rw image bytes ${stats.rwImageIdentical}/${stats.rwCompared} (${pct(stats.rwImageIdentical, stats.rwCompared)})`,
        `  qemu-io itself timed out on ${stats.qemuTimeouts} runs (not compared) and died by a signal on ${stats.qemuCrashes}; ${stats.dumps} dumps in test/fuzz/failures/qcow2-${SEED}-*/`,
        ...(top.length ? ['  most frequent disagreements (qemu first line => ours):', ...top.map(([k, v]) => `    ${v} x ${k}`)] : []),
      ];
      console.log(lines.join('\n'));
      // The file gets every disagreement pair, not just the top ones.
      const all = [...stats.disagreementsByFirstLine.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${v} x ${k}`);
      mkdirSync(FAILURES_DIR, { recursive: true });
      writeFileSync(join(FAILURES_DIR, `qcow2-${SEED}-summary.txt`), [...lines.slice(0, 4), '  all disagreements (qemu first line => ours):', ...all].join('\n') + '\n');
    });

    it.each(numbers)(
      'case %i',
      async (n) => {
        const tc = generateCase(SEED, n, getBases());
        stats.cases++;
        // Self-check (BLKSTUDIO_IO is a qemu-io): QEMU's known hang on backing loops with -r is skipped.
        if (SELF_QEMU && tc.qemuHangsReadOnly) tc.roArgv = ['-f', 'qcow2', ...tc.roArgv.slice(1)];
        const roOurs = await runOurs(tc, tc.roArgv);
        const roQemu = tc.qemuHangsReadOnly ? null : await runTool(tc, 'qemu', tc.roArgv);
        const rwQemu = await runTool(tc, 'qemu', tc.rwArgv, { checkBefore: !tc.qemuHangsReadOnly, checkAfter: !tc.qemuHangsReadOnly });
        const rwOurs = await runOurs(tc, tc.rwArgv, { checkAfter: !tc.qemuHangsReadOnly });

        const failures: string[] = [];
        for (const [phase, r, q] of [['read-only', roOurs, roQemu], ['read/write', rwOurs, rwQemu]] as const) {
          if (q && q.status !== null && q.status >= 128) stats.qemuCrashes++;
          // Self-check: a QEMU crash (e.g. an assertion failure) is QEMU's bug, counted above.
          if (SELF_QEMU && q && q.status === r.status && r.status !== null && r.status >= 128) continue;
          const p = robustness(r);
          stats.maxRssKb = Math.max(stats.maxRssKb, r.rssKb ?? 0);
          if (r.timedOut) stats.ourHangs++;
          else if (r.status === null || r.status >= 128) stats.ourCrashes++;
          if (p.some((x) => x.startsWith('LEAK'))) stats.ourLeaks++;
          if (p.some((x) => x.startsWith('MEMORY'))) stats.ourMemory++;
          failures.push(...p.map((x) => `${phase}: ${x}`));
        }
        const inputSha = Object.fromEntries(Object.entries(tc.files).map(([k, v]) => [k, sha256(v)]));
        const changed = Object.keys(inputSha).filter((k) => roOurs.after[k] !== inputSha[k]);
        if (changed.length || roOurs.touched.length) {
          stats.roWrites++;
          failures.push(`read-only: WRITE: -r run ${changed.length ? `changed the bytes of ${changed.join(', ')}` : `wrote to ${roOurs.touched.join(', ')} (mtime)`}`);
        }
        // Corruption: compared with the state before and with what qemu-io made of the same run.
        const before = rwQemu.checkBefore?.score ?? null;
        const qAfter = rwQemu.checkAfter?.score ?? null;
        const oAfter = rwOurs.checkAfter?.score ?? null;
        if (before !== null) {
          const worse = oAfter === null ? qAfter !== null : oAfter > before && (qAfter === null || oAfter > qAfter);
          if (worse) {
            stats.corruptions++;
            failures.push(`read/write: CORRUPTION: qemu-img check counts ${oAfter ?? 'cannot open'} after our run, ${before} before, ${qAfter ?? 'cannot open'} after qemu-io's`);
          }
        }
        if (before === null && rwOurs.after[IMAGE] !== inputSha[IMAGE] && rwQemu.after[IMAGE] === inputSha[IMAGE]) {
          failures.push(`read/write: WRITE: our run changed ${IMAGE}, which qemu-img check cannot open and qemu-io left alone`);
        }
        for (const name of Object.keys(inputSha)) {
          if (name === IMAGE) continue;
          if (rwOurs.after[name] !== inputSha[name] && rwQemu.after[name] === inputSha[name]) failures.push(`read/write: WRITE: our run changed ${name}, qemu-io's did not`);
        }

        // Agreement (recorded only).
        const diffs: string[] = [];
        for (const [phase, q, o] of [['ro', roQemu, roOurs], ['rw', rwQemu, rwOurs]] as const) {
          if (!q) continue;
          if (q.timedOut) {
            stats.qemuTimeouts++;
            continue;
          }
          stats.runs++;
          const qf = firstErrorLine(q);
          const of = firstErrorLine(o);
          const agree = q.status === o.status && qf === of;
          if (agree) stats.exitAndFirstErrorAgree++;
          else {
            diffs.push(`${phase}: qemu-io exit ${q.status} ${JSON.stringify(qf)}; ours exit ${o.timedOut ? 'TIMEOUT' : o.status} ${JSON.stringify(of)}`);
            const key = `${phase}: ${qf.slice(0, 200)} => ${of.slice(0, 200)}`;
            stats.disagreementsByFirstLine.set(key, (stats.disagreementsByFirstLine.get(key) ?? 0) + 1);
          }
          if (q.status === o.status && maskOutput(q.stdout).equals(maskOutput(o.stdout)) && maskOutput(q.stderr).equals(maskOutput(o.stderr))) stats.outputIdentical++;
          if (phase === 'rw') {
            stats.rwCompared++;
            if (q.after[IMAGE] === o.after[IMAGE]) stats.rwImageIdentical++;
          }
        }

        const runs = { 'ro-qemu': roQemu, 'ro-ours': roOurs, 'rw-qemu': rwQemu, 'rw-ours': rwOurs };
        if (failures.length) {
          stats.dumps++;
          const dir = writeDump(tc, runs, [...failures, ...diffs].join('\n'));
          throw new Error(`qcow2 fuzz case ${n} (seed ${SEED}, ${tc.summary}): ${failures.join('; ')}\nsaved in ${dir} (run replay.sh)\nro: ${tc.roArgv.map(shellQuote).join(' ')}\nrw: ${tc.rwArgv.map(shellQuote).join(' ')}\nours ro stderr: ${roOurs.stderr.toString('latin1').slice(0, 2000)}\nours rw stderr: ${rwOurs.stderr.toString('latin1').slice(0, 2000)}`);
        }
        if (diffs.length && stats.dumps < MAX_DUMPS) {
          stats.dumps++;
          writeDump(tc, runs, diffs.join('\n'));
        }
      },
      CASE_TIMEOUT_MS,
    );
  });
}
