#!/usr/bin/env node
// UI benchmark (`npm run bench:ui`, issue #8): is the page still responsive under an event
// flood, and how fast does the Sector diff jump to any sector of a 4 GiB diff?
//
// `blkstudio web` runs as its own process (BLKSTUDIO_RENDERER_DIR picks the renderer build, as
// in the e2e runs; default out/renderer), behind a small HTTP/WebSocket proxy in this process;
// Debian's chromium (Playwright's library API) opens the page through the proxy.
//
// 1. Flood: BENCH_UI_SECONDS (10) seconds at BENCH_UI_RATE (100,000) events a second into the
//    page's real WebSocket. A real workload runs in the engine the whole time (pipelined
//    `aio_write 4k` from a second connection, whose events reach the page as the session sends
//    them: batched, and folded into counters under the flood); the proxy tops the stream up to
//    the target rate with synthetic batches of detailed events (request-start/done on the
//    session's three nodes, write_aio debug events, an injected error now and then), since one
//    engine cannot produce 100,000 events a second. Synthetic batches are NOT coalesced, so the
//    page sees more detailed events than the engine would ever send.
//    Measured in the page: long tasks (PerformanceObserver 'longtask', i.e. tasks over 50 ms),
//    frame intervals (requestAnimationFrame) and the round trip of a trivial evaluate (how long
//    input would wait).
// 2. Jump: two sparse 4 GiB raw files (ftruncate) opened as blkverify (raw reference A, test B),
//    then "Go to sector" for several sectors across the image; the Sector diff reports the time
//    from the jump to the paint of the target's rows with data (data-jump-ms), and the time is
//    also taken from outside (Enter pressed → attribute seen).
//
// Prints a table with the figures and the targets (p95 of long tasks < 50 ms, jump < 100 ms).
// Long tasks are tasks over 50 ms by definition, so that target holds only with none at all; the
// p95 of frame intervals is printed against the same 50 ms as the practical responsiveness figure.
// BENCH_UI_PROFILE=1 adds the page's top CPU self times during the flood.
// Fails only when the server, the browser or a call fails.

import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from '@playwright/test';
import { startWebServer } from './common.mjs';
import WebSocket, { WebSocketServer } from 'ws';

const RATE = Number(process.env.BENCH_UI_RATE ?? 100_000);
const SECONDS = Number(process.env.BENCH_UI_SECONDS ?? 10);
const TOKEN = 'bench-ui-token-0123456789abcdefghijklmnop';
const ROOT = resolve(import.meta.dirname, '..');
const GIB = 1024 ** 3;
const DIFF_SIZE = 4 * GIB;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'blkstudio-bench-ui-'));
const floodImage = join(dir, 'flood.raw');
const fileA = join(dir, 'a.raw');
const fileB = join(dir, 'b.raw');

function sparse(path, size, plants = []) {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  for (const [offset, byte] of plants) writeSync(fd, Buffer.alloc(512, byte), 0, 512, offset);
  closeSync(fd);
}

/** HTTP and WebSocket proxy to the server; counts the engine's events and lets us inject batches. */
function startProxy(target) {
  const pages = new Set();
  const stats = { realEvents: 0, realBatches: 0 };
  const server = http.createServer((req, res) => {
    const up = http.request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${target}` } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (client) => {
      const up = new WebSocket(`ws://127.0.0.1:${target}${req.url}`, { origin: `http://127.0.0.1:${target}` });
      const queue = [];
      up.on('open', () => queue.splice(0).forEach((m) => up.send(m)));
      client.on('message', (d) => (up.readyState === WebSocket.OPEN ? up.send(d.toString()) : queue.push(d.toString())));
      up.on('message', (d) => {
        const text = d.toString();
        if (text.startsWith('{"type":"events"')) {
          stats.realBatches++;
          stats.realEvents += JSON.parse(text).batch.events.length;
        }
        if (client.readyState === WebSocket.OPEN) client.send(text);
      });
      const close = () => {
        pages.delete(client);
        client.close();
        up.close();
      };
      client.on('close', close);
      up.on('close', close);
      up.on('error', close);
      pages.add(client);
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: server.address().port, pages, stats })));
}

/** A session API client (its own WebSocket, straight to the server). */
async function engineClient(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${TOKEN}`, { origin: `http://127.0.0.1:${port}` });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const pending = new Map();
  let nextId = 1;
  ws.on('message', (data) => {
    const text = data.toString();
    if (!text.startsWith('{"type":"reply"')) return;
    const msg = JSON.parse(text);
    const done = pending.get(msg.id);
    pending.delete(msg.id);
    if (!done) return;
    if (msg.ok) done.resolve(msg.value);
    else done.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
  });
  const call = (method, ...args) =>
    new Promise((resolveCall, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolveCall, reject });
      ws.send(JSON.stringify({ id, method, args }));
    });
  return { call, close: () => ws.close() };
}

/** Synthetic batches shaped like the engine's: a write through fmt → blkdebug → file, as JSON text. */
function syntheticSource(nodes, clockOffset) {
  const [fmt, dbg, file] = nodes;
  let id = 50_000_000;
  let n = 0;
  return (count) => {
    const at0 = performance.now() + clockOffset;
    const parts = [];
    let made = 0;
    while (made < count) {
      const rid = id++;
      const off = (n++ % 16384) * 4096;
      const t = at0 + made * 0.0005;
      const fail = n % 5000 === 0;
      const errno = fail ? 5 : 0;
      const req = (type, at, node, extra = '') => `{"type":"${type}","at":${at.toFixed(4)},"id":${rid},"node":"${node}","op":"write","offset":${off},"bytes":4096${extra}}`;
      parts.push(
        req('request-start', t, fmt),
        req('request-start', t + 0.01, dbg),
        `{"type":"debug-event","at":${(t + 0.015).toFixed(4)},"node":"${dbg}","event":"write_aio"}`,
      );
      made += 3;
      if (fail) {
        parts.push(`{"type":"error-injected","at":${(t + 0.016).toFixed(4)},"node":"${dbg}","ruleId":1,"errno":5,"iotype":"write","offset":${off},"bytes":4096}`);
        made++;
      } else {
        parts.push(req('request-start', t + 0.02, file), req('request-done', t + 0.2, file, ',"errno":0'));
        made += 2;
      }
      parts.push(req('request-done', t + 0.21, dbg, `,"errno":${errno}`), req('request-done', t + 0.22, fmt, `,"errno":${errno}`));
      made += 2;
    }
    return { text: `{"type":"events","batch":{"seq":0,"at":${at0.toFixed(3)},"events":[${parts.join(',')}],"summarized":false}}`, events: made };
  };
}

const pct = (values, p) => {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const ms = (v) => `${v.toFixed(1)} ms`;

const PAGE_PROBES = () => {
  window.__uiBench = { on: false, onAt: 0, longtasks: [], longtaskAt: [], frames: [] };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        // Only tasks that began in the flood (one still running from the page's start-up does not count).
        if (!window.__uiBench.on || e.startTime < window.__uiBench.onAt) continue;
        window.__uiBench.longtasks.push(e.duration);
        window.__uiBench.longtaskAt.push(Math.round(e.startTime - window.__uiBench.onAt));
      }
    }).observe({ type: 'longtask' });
  } catch {
    window.__uiBench.noLongtask = true;
  }
  let last = 0;
  const frame = (t) => {
    if (window.__uiBench.on && last) window.__uiBench.frames.push(t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

async function flood(page, engine, proxy, nodes, clockOffset) {
  // The real workload: pipelined aio_write until told to stop.
  let stop = false;
  let realOps = 0;
  const workload = (async () => {
    const inflight = new Set();
    let i = 0;
    while (!stop) {
      const p = engine.call('run', `aio_write -q -P 0xab ${(i++ % 4096) * 4096} 4k`).then(() => realOps++);
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      if (inflight.size >= 256) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    await engine.call('run', 'aio_flush');
  })();

  const make = syntheticSource(nodes, clockOffset);
  await page.evaluate(() => {
    window.__uiBench.on = true;
    window.__uiBench.onAt = performance.now();
  });
  const realAtStart = proxy.stats.realEvents;
  const start = performance.now();
  let synthetic = 0;
  let messages = 0;
  const probes = [];
  let lastProbe = start;
  while (performance.now() - start < SECONDS * 1000) {
    const elapsed = (performance.now() - start) / 1000;
    const due = Math.floor(RATE * elapsed) - synthetic - (proxy.stats.realEvents - realAtStart);
    // At most ~1/60 s of events per message (the session sends at most 60 batches a second);
    // when behind, several messages go out back to back.
    for (let left = due; left > 0; ) {
      const { text, events } = make(Math.min(left, Math.ceil(RATE / 60)));
      for (const ws of proxy.pages) ws.send(text);
      synthetic += events;
      left -= events;
      messages++;
    }
    if (performance.now() - lastProbe > 500) {
      lastProbe = performance.now();
      const t0 = performance.now();
      void page.evaluate(() => 0).then(() => probes.push(performance.now() - t0));
    }
    await new Promise((r) => setTimeout(r, 8));
  }
  const seconds = (performance.now() - start) / 1000;
  stop = true;
  await workload;
  // Let the page drain what was sent, then stop measuring.
  await page.waitForTimeout(500);
  const result = await page.evaluate(() => {
    window.__uiBench.on = false;
    return { longtasks: window.__uiBench.longtasks, longtaskAt: window.__uiBench.longtaskAt, frames: window.__uiBench.frames, noLongtask: !!window.__uiBench.noLongtask, timeline: window.__blkstudioTimeline ?? null };
  });
  return { ...result, seconds, synthetic, messages, real: proxy.stats.realEvents - realAtStart, realOps, probes };
}

async function jumps(page, engine) {
  sparse(fileA, DIFF_SIZE);
  sparse(fileB, DIFF_SIZE, [
    [GIB, 0x5a],
    [3 * GIB + 12345 * 512, 0xa5],
  ]);
  const filename = `json:${JSON.stringify({ driver: 'raw', file: { driver: 'blkverify', mode: 'record', raw: { driver: 'file', filename: fileA }, test: { driver: 'file', filename: fileB } } })}`;
  await engine.call('openImage', { filename, format: 'raw' });
  const sd = page.getByRole('region', { name: 'Sector diff' });
  if ((await sd.count()) === 0) return { missing: 'the page has no "Sector diff" region (not wired into App.tsx in this renderer build)' };
  const input = sd.getByRole('textbox', { name: 'Go to sector' });
  try {
    await input.waitFor({ state: 'visible', timeout: 15_000 });
  } catch {
    return { missing: 'the Sector diff shows no "Go to sector" box for the blkverify image' };
  }
  await sd.scrollIntoViewIfNeeded();
  const sectors = DIFF_SIZE / 512;
  const targets = [2_097_152, 1, 8_388_607, 4_194_304, 6_303_033, 123_456, 7_777_777, 2_097_152 + 1, 3_000_000, 5_555_555, 8_388_000, 42];
  const out = [];
  for (const sector of targets) {
    if (sector >= sectors) continue;
    const offset = sector * 512;
    await input.fill(String(sector));
    const t0 = performance.now();
    await input.press('Enter');
    await page.waitForFunction((off) => document.querySelector('section[aria-label="Sector diff"]')?.getAttribute('data-jump-offset') === String(off), offset, { timeout: 15_000, polling: 'raf' });
    const outside = performance.now() - t0;
    const inside = Number(await sd.getAttribute('data-jump-ms'));
    out.push({ sector, inside, outside });
  }
  return { jumps: out };
}

function printProfile(profile) {
  const self = new Map();
  const dt = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log('page CPU profile during the flood (self time):');
  for (const [k, v] of top) console.log(`  ${v.toFixed(0).padStart(7)} ms  ${k}`);
}

async function main() {
  sparse(floodImage, 64 * 1024 * 1024);
  const { child, port } = await startWebServer(ROOT, TOKEN, ['-f', 'raw', `blkdebug::${floodImage}`]);
  const proxy = await startProxy(port);
  const engine = await engineClient(port);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  try {
    // Session clock offset (snapshot.at against the middle of the round trip; keep the tightest).
    let best = Infinity;
    let clockOffset = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const snap = await engine.call('snapshot');
      const t1 = performance.now();
      if (t1 - t0 < best) {
        best = t1 - t0;
        clockOffset = snap.at - (t0 + t1) / 2;
      }
    }
    const snap = await engine.call('snapshot');
    const nodes = [];
    const walk = (n) => {
      nodes.push(n.name);
      for (const c of n.children) walk(c.node);
    };
    walk(snap.image.root);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(PAGE_PROBES);
    await page.goto(`http://127.0.0.1:${proxy.port}/?token=${TOKEN}`);
    await page.getByRole('list', { name: 'Node tree' }).getByText('blkdebug').first().waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const hasTimeline = (await timeline.count()) > 0;
    if (hasTimeline) await timeline.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);

    // BENCH_UI_PROFILE=1: a CPU profile of the page during the flood; prints the top self times.
    const cdp = process.env.BENCH_UI_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const f = await flood(page, engine, proxy, nodes, clockOffset);
    if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
    const j = await jumps(page, engine);

    const lt = f.longtasks;
    const fr = f.frames;
    const total = f.synthetic + f.real;
    const rows = [];
    const row = (what, value, target = '', verdict = '') => rows.push([what, value, target, verdict]);
    const ok = (pass) => (pass ? 'ok' : 'MISSED');
    row('events into the page', `${total} in ${f.seconds.toFixed(1)} s = ${Math.round(total / f.seconds)}/s`, `${RATE}/s`, ok(total / f.seconds >= RATE * 0.95));
    row('  from the engine', `${f.real} (${Math.round(f.real / f.seconds)}/s; ${f.realOps} aio_write, folded under the flood)`);
    row('  synthetic top-up', `${f.synthetic} (${Math.round(f.synthetic / f.seconds)}/s in ${f.messages} messages)`);
    row('long tasks (> 50 ms)', f.noLongtask ? 'n/a (no longtask observer)' : `${lt.length}, total ${ms(lt.reduce((a, b) => a + b, 0))}${lt.length ? `, at ${f.longtaskAt.map((t) => `${t} ms`).join(', ')} into the flood` : ''}`);
    row('long task p50 / p95 / max', lt.length ? `${ms(pct(lt, 0.5))} / ${ms(pct(lt, 0.95))} / ${ms(Math.max(...lt))}` : 'none', 'p95 < 50 ms', ok(pct(lt, 0.95) < 50));
    row('frame interval p50 / p95 / max', fr.length ? `${ms(pct(fr, 0.5))} / ${ms(pct(fr, 0.95))} / ${ms(Math.max(...fr))}` : 'no frames', 'p95 < 50 ms', ok(fr.length > 0 && pct(fr, 0.95) < 50));
    row('frames', `${fr.length} (${(fr.length / f.seconds).toFixed(1)} fps)`);
    row('evaluate round trip p50 / max', f.probes.length ? `${ms(pct(f.probes, 0.5))} / ${ms(Math.max(...f.probes))}` : 'n/a');
    if (f.timeline) row('timeline', `${f.timeline.items} items kept, ${f.timeline.frames} draws, last draw ${ms(f.timeline.lastDrawMs)} (${f.timeline.visited} visited)`);
    else row('timeline', hasTimeline ? 'no draw figures' : 'not in this renderer build');
    if (j.missing) row('jump to sector (4 GiB diff)', `n/a: ${j.missing}`, '< 100 ms', 'n/a');
    else {
      const inside = j.jumps.map((x) => x.inside);
      const outside = j.jumps.map((x) => x.outside);
      row('jump to sector, in page (data-jump-ms)', `p50 ${ms(pct(inside, 0.5))}, max ${ms(Math.max(...inside))} over ${inside.length} jumps`, '< 100 ms', ok(Math.max(...inside) < 100));
      row('jump to sector, from outside', `p50 ${ms(pct(outside, 0.5))}, max ${ms(Math.max(...outside))} (Enter → attribute seen)`);
    }

    const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
    console.log(`UI benchmark: web mode in ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'} (headless), renderer ${process.env.BLKSTUDIO_RENDERER_DIR ?? 'out/renderer'}`);
    console.log(`${'figure'.padEnd(w[0])}  ${'value'.padEnd(w[1])}  ${'target'.padEnd(w[2])}  verdict`);
    for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`);
    if (j.jumps) console.log(`jumps (sector: in page / outside ms): ${j.jumps.map((x) => `${x.sector}: ${x.inside}/${x.outside.toFixed(0)}`).join(', ')}`);
  } finally {
    await browser.close();
    engine.close();
    proxy.server.close();
    for (const ws of proxy.pages) ws.terminate();
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  }
}

main()
  .catch((err) => {
    console.error(`bench:ui: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
