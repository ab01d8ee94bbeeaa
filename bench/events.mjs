#!/usr/bin/env node
// Event stream benchmark (`npm run bench:events`): how many session events a second reach a
// WebSocket client during a raw write workload, and how late they arrive.
//
// `blkstudio web -f raw bench.raw` runs as its own process, as in real web mode. A `ws` client
// (with the server's Origin and token) pipelines BENCH_EVENTS_OPS `aio_write -q -P 0xab OFF 4k`
// calls (at most 256 unanswered), then `aio_flush`, and counts what arrives as event batches:
//   events/s     events delivered (each *-summarized counter is one event)
//   requests/s   write requests represented (request-done events + summarized counts)
//   batches/s    batches delivered (the session caps them at ~60/s)
//   latency      client receive time minus the batch's send time on the session clock, with the
//                clock offset estimated from snapshot() round trips (NTP style; localhost).
// Not a test: it prints figures and fails only when the server or a call fails.
//
//   BENCH_EVENTS_OPS=50000 npm run bench:events

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startWebServer } from './common.mjs';
import WebSocket from 'ws';

const OPS = Number(process.env.BENCH_EVENTS_OPS ?? 5000);
const WINDOW = 256;
const BLOCK = 4096;
const IMAGE_SIZE = 64 * 1024 * 1024;
const TOKEN = 'bench-events-token-0123456789abcdefghijkl';
const ROOT = resolve(import.meta.dirname, '..');

const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'blkstudio-bench-events-'));
const image = join(dir, 'bench.raw');
writeFileSync(image, Buffer.alloc(IMAGE_SIZE));

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);

async function main() {
  const { child, port } = await startWebServer(ROOT, TOKEN, ['-f', 'raw', image]);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${TOKEN}`, { origin: `http://127.0.0.1:${port}` });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));

  const pending = new Map();
  let nextId = 1;
  let counting = false;
  let top = '';
  const stats = { events: 0, requests: 0, batches: 0, summarized: 0, latencies: [] };
  let offset = 0; // session clock - client clock

  ws.on('message', (data) => {
    const now = performance.now();
    const msg = JSON.parse(data.toString());
    if (msg.type === 'reply') {
      const done = pending.get(msg.id);
      pending.delete(msg.id);
      if (!msg.ok) throw new Error(`${msg.error.code}: ${msg.error.message}`);
      done?.(msg.value);
      return;
    }
    if (!counting) return;
    const { batch } = msg;
    stats.batches++;
    stats.events += batch.events.length;
    if (batch.summarized) stats.summarized++;
    for (const e of batch.events) {
      if (e.type === 'request-done' && e.op === 'write' && e.node === top) stats.requests++;
      else if (e.type === 'requests-summarized' && e.op === 'write' && e.node === top) stats.requests += e.count;
    }
    stats.latencies.push(now - (batch.at - offset));
  });

  const call = (method, ...args) =>
    new Promise((r) => {
      const id = nextId++;
      pending.set(id, r);
      ws.send(JSON.stringify({ id, method, args }));
    });

  // Clock offset: the snapshot's `at` against the middle of each round trip; keep the tightest.
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const snap = await call('snapshot');
    const t1 = performance.now();
    if (t1 - t0 < best) {
      best = t1 - t0;
      offset = snap.at - (t0 + t1) / 2;
    }
  }

  const snap = await call('snapshot');
  top = snap.image.root.name;
  counting = true;
  const start = performance.now();
  const inflight = new Set();
  for (let i = 0; i < OPS; i++) {
    const off = (i * BLOCK) % IMAGE_SIZE;
    const p = call('run', `aio_write -q -P 0xab ${off} ${BLOCK}`);
    inflight.add(p);
    void p.then(() => inflight.delete(p));
    if (inflight.size >= WINDOW) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  await call('run', 'aio_flush');
  // Let the last batches arrive (the batcher sends at most every ~16 ms).
  const deadline = performance.now() + 2000;
  while (stats.requests < OPS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - start) / 1000;
  counting = false;

  const lat = stats.latencies.sort((a, b) => a - b);
  console.log(`event stream over WebSocket: ${OPS} x aio_write 4k on raw (top node ${top}), ${seconds.toFixed(2)} s`);
  console.log(`  write requests seen  ${stats.requests} of ${OPS}  (${Math.round(stats.requests / seconds)} requests/s)`);
  console.log(`  events received      ${stats.events}  (${Math.round(stats.events / seconds)} events/s; floods arrive folded into counters)`);
  console.log(`  batches              ${stats.batches}  (${(stats.batches / seconds).toFixed(1)} batches/s, ${stats.summarized} summarized)`);
  console.log(`  receive latency      p50 ${percentile(lat, 0.5).toFixed(2)} ms, p95 ${percentile(lat, 0.95).toFixed(2)} ms, max ${lat.at(-1)?.toFixed(2)} ms (clock offset ±${(best / 2).toFixed(2)} ms)`);

  ws.close();
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
}

main()
  .catch((err) => {
    console.error(`bench:events: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
