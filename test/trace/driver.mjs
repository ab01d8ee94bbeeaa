// Event-trace driver: which blkdebug events fire, in which order, for one qemu-io operation.
//
// Method (reference 7.TR): run a qemu-io compatible binary interactively over pipes, arm
// `break EV EV` on every blkdebug event, send one aio_* operation, and every time
// `blkdebug: Suspended request 'EV'` appears record EV, re-arm `break EV EV` and send `resume EV`,
// until the operation's result line (`wrote ...` / `read ...` / `... failed: ...`) appears.
//
// Buffering: qemu-io's stdout is block-buffered on a pipe but flushed with every prompt; an event
// that fires while qemu-io waits for stdin is printed into the buffer only. The driver therefore
// "pokes" with an empty line (a no-op that prints and flushes a prompt) whenever nothing new has
// arrived for a few milliseconds; qemu-io itself additionally runs under `stdbuf -oL`.
//
// Only aio_* operations can be traced: a synchronous command (discard, write -b, write -c, ...)
// that hits a breakpoint never reads stdin again (qemu-io hangs). Events at open (`none`,
// `reftable_load`) and close (cache flushes) are invisible too: every breakpoint is removed before
// `close` / `quit`. The driver never hangs: every wait has a deadline, then the child is killed.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from '../iotests/harness.mjs';

export const TRACE_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(TRACE_DIR, '..', '..');
export const TRACE_GOLDEN_DIR = join(TRACE_DIR, 'golden');

/** BLKDBG_EVENTS as listed in src/block/events.ts (read as text: this is plain ESM). */
export function loadEvents() {
  const text = readFileSync(join(REPO_ROOT, 'src', 'block', 'events.ts'), 'utf8');
  const m = /BLKDBG_EVENTS\s*=\s*\[([\s\S]*?)\]\s*as const/.exec(text);
  if (!m) throw new Error('cannot find BLKDBG_EVENTS in src/block/events.ts');
  const events = [...m[1].matchAll(/'([a-z0-9_]+)'/g)].map((x) => x[1]);
  if (events.length < 40) throw new Error(`BLKDBG_EVENTS looks wrong (${events.length} events)`);
  return events;
}

/**
 * How to run a native binary (qemu-io) for tracing: under `stdbuf -oL` when available.
 * Returns { file, prefix, argv0 }.
 */
export function nativeCommand(path) {
  const stdbuf = which('stdbuf');
  if (stdbuf) return { file: stdbuf, prefix: ['-oL', path], argv0: undefined };
  return { file: path, prefix: [], argv0: 'qemu-io' };
}

const SUSPENDED_RE = /blkdebug: Suspended request '([^']*)'/g;
const RESULT_RE = /^(?:(?:qemu-io> )*)((?:wrote|read) \d+\/\d+ bytes at offset \d+|[a-z_]+ failed: .*)$/m;

/**
 * A running interactive session. All waits have deadlines; on any failure the child is killed
 * and the error says what was seen.
 */
class Session {
  constructor(command, args, cwd, { pokeMs = 15, env }) {
    this.pokeMs = pokeMs;
    this.out = '';
    this.err = '';
    this.scan = 0; // offset in `out` up to which suspensions have been handled
    this.exited = null;
    this.waiters = new Set();
    this.child = spawn(command.file, [...command.prefix, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], ...(command.argv0 ? { argv0: command.argv0 } : {}) });
    this.child.stdout.on('data', (d) => {
      this.out += d.toString('latin1');
      this.notify();
    });
    this.child.stderr.on('data', (d) => {
      this.err += d.toString('latin1');
      this.notify();
    });
    this.child.stdin.on('error', () => {
      /* the child may be gone */
    });
    this.child.on('error', (e) => {
      this.err += `[spawn failed: ${e.message}]\n`;
      this.exited = { code: -1, signal: null };
      this.notify();
    });
    this.child.on('close', (code, signal) => {
      this.exited = { code, signal };
      this.notify();
    });
  }

  notify() {
    for (const w of this.waiters) w();
  }

  send(line) {
    if (this.exited) throw this.fail(`the process exited (${JSON.stringify(this.exited)}) before \`${line}\``);
    this.child.stdin.write(`${line}\n`);
  }

  fail(message) {
    this.kill();
    const tail = (s) => (s.length > 3000 ? `...${s.slice(-3000)}` : s);
    return new Error(`${message}\n--- stdout (tail) ---\n${tail(this.out)}\n--- stderr ---\n${tail(this.err)}`);
  }

  kill() {
    if (!this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }

  /** Waits until `check()` returns a truthy value; pokes with empty lines while idle. */
  waitFor(check, what, timeoutMs) {
    return new Promise((resolvePromise, reject) => {
      const deadline = Date.now() + timeoutMs;
      let poke = null;
      let timer = null;
      const done = (fn, v) => {
        this.waiters.delete(onChange);
        clearTimeout(poke);
        clearTimeout(timer);
        fn(v);
      };
      const armPoke = () => {
        clearTimeout(poke);
        poke = setTimeout(() => {
          if (this.exited) return;
          this.child.stdin.write('\n');
          armPoke();
        }, this.pokeMs);
      };
      const onChange = () => {
        let v;
        try {
          v = check();
        } catch (e) {
          done(reject, e);
          return;
        }
        if (v) done(resolvePromise, v);
        else if (this.exited) done(reject, this.fail(`the process exited (${JSON.stringify(this.exited)}) while waiting for ${what}`));
        else armPoke();
      };
      timer = setTimeout(() => done(reject, this.fail(`timed out after ${timeoutMs} ms waiting for ${what}`)), Math.max(0, deadline - Date.now()));
      this.waiters.add(onChange);
      onChange();
    });
  }

  /** Waits until the child printed a prompt after everything sent so far ("sync"). */
  async sync(timeoutMs) {
    const marker = `__sync_${Math.random().toString(36).slice(2)}`;
    // An unknown command prints `command "X" not found` on stderr and a new prompt: a cheap fence.
    this.send(marker);
    await this.waitFor(() => this.err.includes(`command "${marker}" not found`), `fence ${marker}`, timeoutMs);
    this.err = this.err.replace(`command "${marker}" not found\n`, '');
  }

  /**
   * Runs one traced operation: returns { op, events, result }.
   */
  async traced(op, timeoutMs) {
    const start = this.out.length;
    this.scan = start;
    const events = [];
    const result = await this.waitFor(
      () => {
        SUSPENDED_RE.lastIndex = this.scan;
        let m;
        while ((m = SUSPENDED_RE.exec(this.out)) !== null) {
          const ev = m[1];
          events.push(ev);
          this.scan = SUSPENDED_RE.lastIndex;
          // Re-arm first, then resume: the same event may fire again right away.
          this.send(`break ${ev} ${ev}`);
          this.send(`resume ${ev}`);
        }
        const r = RESULT_RE.exec(this.out.slice(start).replace(/blkdebug: (?:Suspended|Resuming) request '[^']*'\n/g, ''));
        return r ? r[1] : null;
      },
      `the result of \`${op}\` (events so far: ${events.join(', ') || 'none'})`,
      timeoutMs,
    );
    return { op, events, result };
  }

  async quit(timeoutMs) {
    if (!this.exited) {
      this.child.stdin.end('quit\n');
    }
    await this.waitFor(() => this.exited, 'the process to exit', timeoutMs);
    return this.exited;
  }
}

/**
 * Runs one session: { args, setup?: [commands], ops: [aio commands] } in cwd with `command`
 * ({ file, prefix, argv0 }). Returns { args, setup, ops: [{ op, events, result }], stderr }.
 */
export async function runSession(command, session, { cwd, env, events = loadEvents(), opTimeoutMs = 10_000, pokeMs } = {}) {
  const s = new Session(command, session.args, cwd, { pokeMs, env });
  try {
    for (const cmd of session.setup ?? []) s.send(cmd);
    for (const ev of events) s.send(`break ${ev} ${ev}`);
    await s.sync(opTimeoutMs);
    const ops = [];
    for (const op of session.ops) {
      s.send(op);
      ops.push(await s.traced(op, opTimeoutMs));
    }
    // No breakpoint may be left for close (cache flushes) or the process would hang at exit.
    for (const ev of events) s.send(`remove_break ${ev}`);
    await s.sync(opTimeoutMs);
    const exit = await s.quit(opTimeoutMs);
    const stderr = s.err;
    return { args: session.args, setup: session.setup ?? [], ops, stderr, exit: exit.code };
  } finally {
    s.kill();
  }
}

/** Compact text form of a traced op, as reference 7.TR writes it. */
export function formatOp(o) {
  return `${o.op}\n    ${[...o.events, `=> ${o.result}`].join(' -> ')}`;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/**
 * The command for one side: 'qemu' = the REAL qemu-io (under stdbuf -oL), 'ours' = blkstudio-io
 * (or BLKSTUDIO_IO, native binaries also under stdbuf). Needs the iotests harness module.
 */
export function traceCommand(harness, tool) {
  if (tool === 'qemu') {
    const q = harness.findQemuIo();
    if (!q) throw new Error('qemu-io 7.2 not found: apt-get install qemu-utils');
    return nativeCommand(q);
  }
  const cmd = harness.blkstudioIoCommand();
  if (process.env.BLKSTUDIO_IO) return nativeCommand(cmd.file);
  return { file: cmd.file, prefix: cmd.prefix, argv0: cmd.argv0 };
}

/**
 * Runs every session of a scenario, in order, in one fresh scratch dir. Returns the JSON-able
 * trace: { scenario, description, sessions: [{ args, setup, ops, stderr, exit }] }.
 */
export async function runScenario(harness, scenario, tool, options = {}) {
  const command = traceCommand(harness, tool);
  const dir = await harness.prepareScratchAsync({ images: scenario.images, files: scenario.files }, `trace-${tool}`);
  try {
    const sessions = [];
    for (const session of scenario.sessions) sessions.push(await runSession(command, session, { cwd: dir, env: harness.childEnv(), ...options }));
    return { scenario: scenario.name, description: scenario.description, sessions };
  } finally {
    harness.removeScratch(dir);
  }
}

/** The parts of a trace that must match (no description/version). */
export function comparable(trace) {
  return trace.sessions.map((s) => ({ args: s.args, setup: s.setup, ops: s.ops.map((o) => ({ op: o.op, events: o.events, result: o.result })), stderr: s.stderr, exit: s.exit }));
}

/** Readable text of a whole trace, for diffs. */
export function traceText(trace) {
  return comparable(trace)
    .map((s) => [`$ qemu-io ${s.args.join(' ')}`, ...s.setup.map((c) => `  (setup) ${c}`), ...s.ops.map((o) => `  ${formatOp(o).replace('\n', '\n  ')}`), `  stderr: ${JSON.stringify(s.stderr)}`, `  exit: ${s.exit}`].join('\n'))
    .join('\n');
}
