// Case generator for the blkdebug differential fuzzer (test/fuzz/blkdebug.fuzz.test.ts).
//
// generateCase(seed, n) returns a case in the shape of test/iotests/cases.mjs (so the harness'
// runCase / compareRuns / renderTranscript work on it) plus { rules, form, summary }.
// Each case depends only on (seed, n), so a failure is reproducible on its own:
//   node test/fuzz/blkdebug-gen.mjs SEED N      prints the case as JSON
//
// What it generates: raw over blkdebug over file, in one of three forms
//   -f raw blkdebug:rules.conf:d.raw      (config file; blkdebug::d.raw when there are no rules)
//   json:{"driver":"raw","file":{"driver":"blkdebug",...lists...}}
//   --image-opts driver=raw,file.driver=blkdebug,file.inject-error.N.KEY=...
// with 0..5 random inject-error / set-state rules (states 0..3, sectors inside the image, a small
// set of errnos, once/immediately, iotypes), occasionally one invalid attribute, sometimes
// align=4096 (json/--image-opts only; enables the pwritev_rmw_* events) or max-transfer, and
// sometimes -t writeback; and at most 12 qemu-io commands (via -c, or via stdin now and then).
//
// Determinism constraints (QEMU itself must give the same output every run):
//   - every aio_* request is followed at once by aio_flush (one request in flight at a time);
//   - a breakpoint is only armed (a) right before the one aio request that is guaranteed to fire
//     its event (write_aio / read_aio always fire in raw; pwritev / pwritev_done / pwritev_zero
//     only without align/max-transfer, where nothing can fail before them), which is then waited
//     for, resumed (or remove_break'd) and flushed, or (b) on an event raw never fires (qcow2
//     events), so no synchronous command can ever hit a breakpoint and nothing stays suspended;
//   - every request lies inside the image (an out-of-range request fails before raw fires events,
//     which would leave a wait_break waiting forever).

/** mulberry32: small, fast, good enough for test generation. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const chance = (p) => next() < p;
  return { next, int, pick, chance };
}

/** Mixes the run seed and the case number into one 32-bit seed. */
export function caseSeed(seed, n) {
  const mix = (x) => {
    let h = x >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  };
  return mix(mix(Number(seed) + 0x9e3779b9) + Math.imul(n + 1, 0x27d4eb2f));
}

// Events raw-over-blkdebug fires (reference 7.TR) and some it never fires.
const FIRED = ['read_aio', 'write_aio', 'pwritev', 'pwritev_done', 'pwritev_zero', 'flush_to_os', 'flush_to_disk', 'none'];
const RMW = ['pwritev_rmw_head', 'pwritev_rmw_after_head', 'pwritev_rmw_tail', 'pwritev_rmw_after_tail'];
const UNFIRED = ['l1_update', 'l2_load', 'cluster_alloc', 'refblock_alloc', 'read_backing_aio', 'cor_write'];
const ERRNOS = [5, 28, 1, 0, 22, 95, 3, 1000];
const IOTYPES = ['read', 'write', 'write-zeroes', 'discard', 'flush', 'block-status'];
const IMAGE_SIZES = [65536, 131072, 262144, 1048576];
const LENGTHS = [1, 100, 512, 1024, 4096, 5000, 8192, 65536];
const TAGS = ['A', 'B', 'T1', 'x'];

/** Builds one random rule: { group, attrs } with attrs in definition order. */
function randomRule(r, ctx) {
  const events = ctx.align ? [...FIRED, ...FIRED, ...RMW] : FIRED;
  const event = r.chance(0.05) ? r.pick(UNFIRED) : r.pick(events);
  if (r.chance(0.3)) {
    const attrs = { event };
    if (r.chance(0.6)) attrs.state = r.int(0, 3);
    if (r.chance(0.85)) attrs.new_state = r.int(0, 3);
    return { group: 'set-state', attrs };
  }
  const attrs = { event };
  if (r.chance(0.35)) attrs.state = r.int(0, 3);
  if (r.chance(0.6)) attrs.errno = r.pick(ERRNOS);
  if (r.chance(0.35)) attrs.sector = Math.floor(r.pick(ctx.hot) / 512);
  if (r.chance(0.3)) attrs.once = r.pick(['on', 'off', 'true', 'yes', 'no']);
  if (r.chance(0.2)) attrs.immediately = r.pick(['on', 'off']);
  if (r.chance(0.35)) attrs.iotype = r.pick(IOTYPES);
  // With align, a failing padding read of a read-modify-write makes QEMU 7.2 write uninitialised
  // memory to the image (different bytes every run): never let a rule fail reads there.
  if (ctx.align && (attrs.iotype === undefined || attrs.iotype === 'read')) attrs.iotype = r.pick(['write', 'write-zeroes', 'discard', 'flush', 'block-status']);
  return { group: 'inject-error', attrs };
}

/** Occasionally breaks one rule; returns a short description of what was broken, or null. */
function mutateRules(r, rules, form) {
  if (rules.length === 0 || !r.chance(0.06)) return null;
  const rule = r.pick(rules);
  const kinds = ['unknown-key', 'bad-event', 'bad-number', 'missing-event', 'bad-bool'];
  if (rule.group === 'inject-error') kinds.push('bad-iotype');
  if (form === 'conf') kinds.push('no-spaces', 'unquoted', 'bad-group', 'blank-line');
  const kind = r.pick(kinds);
  switch (kind) {
    case 'unknown-key':
      rule.attrs.bogus = 1;
      break;
    case 'bad-event':
      rule.attrs.event = r.pick(['nosuch', 'READ_AIO', 'l1_grow.alloc_table', '']);
      break;
    case 'bad-number':
      rule.attrs[rule.group === 'set-state' ? 'new_state' : 'errno'] = r.pick(['x', '4k', '1.5']);
      break;
    case 'missing-event':
      delete rule.attrs.event;
      break;
    case 'bad-bool':
      if (rule.group === 'inject-error') rule.attrs.once = 'maybe';
      else rule.attrs.once = 'on'; // not a set-state key
      break;
    case 'bad-iotype':
      rule.attrs.iotype = r.pick(['bogus', 'read,write', 'Read']);
      break;
    default:
      rule.raw = kind; // config-file-only syntax errors, applied by renderConf
  }
  return `${kind} in ${rule.group}`;
}

function renderConf(rules) {
  return rules
    .map((rule) => {
      let head = `[${rule.group}]\n`;
      if (rule.raw === 'bad-group') head = `[${rule.group}x]\n`;
      const lines = Object.entries(rule.attrs).map(([k, v], i) => {
        if (i === 0 && rule.raw === 'no-spaces') return `${k}="${v}"\n`;
        if (i === 0 && rule.raw === 'unquoted') return `${k} = ${v}\n`;
        return `${k} = "${v}"\n`;
      });
      if (rule.raw === 'blank-line') lines.push('   \n');
      return head + lines.join('');
    })
    .join('\n');
}

/** A JSON value for an attribute: numbers as numbers, on/off as booleans (mostly). */
function jsonValue(k, v, r) {
  if (typeof v === 'number') return r.chance(0.15) ? String(v) : v;
  if ((k === 'once' || k === 'immediately') && ['on', 'off', 'true', 'yes', 'no'].includes(v)) {
    return r.chance(0.8) ? ['on', 'true', 'yes'].includes(v) : v;
  }
  return v;
}

/** Picks an offset and a length that stay inside the image. */
function span(r, ctx, { aligned = false } = {}) {
  let off = r.chance(0.75) ? r.pick(ctx.hot) : r.int(0, ctx.size / 512 - 1) * 512;
  if (!aligned && r.chance(0.12)) off += r.int(1, 511);
  if (off >= ctx.size) off = 0;
  let len = r.pick(LENGTHS);
  if (off + len > ctx.size) len = ctx.size - off;
  if (aligned) len = Math.max(512, len - (len % 512));
  if (off + len > ctx.size) off = ctx.size - len;
  return [off, len];
}

const pat = (r) => r.int(1, 255);

/** Adds commands to `cmds` (an array of strings); never more than `max` in total. */
function randomCommands(r, ctx, max) {
  const cmds = [];
  let breaks = 0;
  const room = (n) => cmds.length + n <= max;
  const tag = () => r.pick(TAGS);
  // Generic events on blkdebug are guaranteed only when no padding read or split can fail first.
  const plain = !ctx.align && !ctx.maxTransfer;
  let guard = 0;
  while (cmds.length < max && guard++ < 100) {
    const roll = r.next();
    if (roll < 0.14) {
      const [o, l] = span(r, ctx);
      cmds.push(r.chance(0.25) ? `read -P ${r.chance(0.5) ? 0 : pat(r)} ${o} ${l}` : `read ${r.chance(0.2) ? '-q ' : ''}${o} ${l}`);
    } else if (roll < 0.3) {
      const [o, l] = span(r, ctx);
      cmds.push(`write -P ${pat(r)} ${o} ${l}`);
    } else if (roll < 0.38) {
      const [o, l] = span(r, ctx);
      cmds.push(`write -z ${r.chance(0.3) ? '-u ' : ''}${o} ${l}`);
    } else if (roll < 0.46) {
      if (!room(2)) continue;
      const [o, l] = span(r, ctx);
      cmds.push(r.chance(0.25) ? `aio_write -z ${o} ${l}` : `aio_write -P ${pat(r)} ${o} ${l}`, 'aio_flush');
    } else if (roll < 0.52) {
      if (!room(2)) continue;
      const [o, l] = span(r, ctx);
      cmds.push(`aio_read ${o} ${l}`, 'aio_flush');
    } else if (roll < 0.57) {
      const [o, l] = span(r, ctx);
      const l2 = Math.min(512, ctx.size - o - l);
      if (l2 > 0) cmds.push(r.chance(0.5) ? `readv ${o} ${l} ${l2}` : `writev -P ${pat(r)} ${o} ${l} ${l2}`);
    } else if (roll < 0.65) {
      cmds.push('flush');
    } else if (roll < 0.72) {
      // QEMU 7.2 dies of SIGFPE on a discard not aligned to blkdebug's align: keep them aligned.
      let [o, l] = span(r, ctx, { aligned: ctx.align ? true : r.chance(0.7) });
      if (ctx.align) {
        o -= o % ctx.align;
        l = Math.min(ctx.size - o, Math.max(ctx.align, l - (l % ctx.align)));
      }
      cmds.push(`discard ${o} ${l}`);
    } else if (roll < 0.76) {
      const [o, l] = span(r, ctx);
      cmds.push(r.chance(0.6) ? `alloc ${o} ${l}` : 'map');
    } else if (roll < 0.78) {
      cmds.push(r.pick(['length', 'info']));
    } else if (roll < 0.94) {
      if (breaks >= 2) continue;
      // A breakpoint pattern on one aio request.
      const t = tag();
      const end = r.chance(0.2) ? `remove_break ${t}` : `resume ${t}`;
      const kind = r.next();
      if (kind < 0.4) {
        if (!room(5)) continue;
        const [o, l] = span(r, ctx);
        cmds.push(`break write_aio ${t}`, `aio_write -P ${pat(r)} ${o} ${l}`, `wait_break ${t}`, end, 'aio_flush');
      } else if (kind < 0.65) {
        if (!room(5)) continue;
        const [o, l] = span(r, ctx);
        cmds.push(`break read_aio ${t}`, `aio_read ${o} ${l}`, `wait_break ${t}`, end, 'aio_flush');
      } else if (kind < 0.8 && plain) {
        if (!room(8)) continue;
        const [o, l] = span(r, ctx);
        cmds.push('break pwritev P1', 'break pwritev_done P2', `aio_write -P ${pat(r)} ${o} ${l}`, 'wait_break P1', 'resume P1', 'wait_break P2', 'resume P2', 'aio_flush');
      } else if (kind < 0.9 && plain) {
        if (!room(5)) continue;
        const [o, l] = span(r, ctx);
        cmds.push(`break pwritev_zero ${t}`, `aio_write -z ${o} ${l}`, `wait_break ${t}`, end, 'aio_flush');
      } else {
        // Errors and breakpoints on events raw never fires (harmless if left armed).
        if (!room(2)) continue;
        cmds.push(r.pick([`break ${r.pick(UNFIRED)} ${t}`, `break bogus ${t}`, `resume ${t}`, `remove_break ${t}`]));
        cmds.push(r.pick([`remove_break ${t}`, `resume ${t}`, 'read 0 512']));
      }
      breaks++;
    } else {
      // Close and reopen the same image (blkdebug state, rules and breakpoints start afresh).
      if (!room(2) || !ctx.reopen) continue;
      cmds.push('close', ctx.reopen);
    }
  }
  return cmds;
}

/**
 * Generates case n of the run with the given seed. Returns an IoCase plus
 * { rules: text of rules.conf or null, form, summary }.
 */
export function generateCase(seed, n) {
  const r = prng(caseSeed(seed, n));
  const size = r.pick(IMAGE_SIZES);
  const hot = [0, 512, 1024, 4096, 4608, 8192, 12288, 16384, 32768, size - 4096, size - 512].filter((o) => o >= 0 && o < size);
  const formRoll = r.next();
  const form = formRoll < 0.6 ? 'conf' : formRoll < 0.82 ? 'json' : 'opts';
  const align = form !== 'conf' && r.chance(0.25) ? 4096 : 0;
  const maxTransfer = form !== 'conf' && !align && r.chance(0.1) ? r.pick([512, 1024, 4096]) : 0;
  const ctx = { size, hot, align, maxTransfer, reopen: null };

  const rules = [];
  const nRules = r.chance(0.1) ? 0 : r.int(1, 5);
  for (let i = 0; i < nRules; i++) rules.push(randomRule(r, ctx));
  const mutation = mutateRules(r, rules, form);
  const writeback = r.chance(0.3);

  const files = {};
  let target;
  let preArgs = writeback ? ['-t', 'writeback'] : [];
  let confText = null;
  if (form === 'conf') {
    if (rules.length === 0 && r.chance(0.5)) {
      target = 'blkdebug::d.raw';
    } else {
      confText = renderConf(rules);
      files['rules.conf'] = confText;
      target = 'blkdebug:rules.conf:d.raw';
    }
    preArgs = [...preArgs, '-f', 'raw'];
    ctx.reopen = `open ${writeback ? '-t writeback ' : ''}-o driver=raw ${target}`;
  } else if (form === 'json') {
    const bd = { driver: 'blkdebug' };
    if (align) bd.align = align;
    if (maxTransfer) bd['max-transfer'] = maxTransfer;
    const ie = rules.filter((x) => x.group === 'inject-error');
    const st = rules.filter((x) => x.group === 'set-state');
    const asJson = (list) => list.map((x) => Object.fromEntries(Object.entries(x.attrs).map(([k, v]) => [k, jsonValue(k, v, r)])));
    if (ie.length) bd['inject-error'] = asJson(ie);
    if (st.length) bd['set-state'] = asJson(st);
    bd.image = { driver: 'file', filename: 'd.raw' };
    target = `json:${JSON.stringify({ driver: 'raw', file: bd })}`;
    ctx.reopen = null; // keep close/open to the config-file form
  } else {
    const parts = ['driver=raw', 'file.driver=blkdebug', 'file.image.driver=file', 'file.image.filename=d.raw'];
    if (align) parts.push(`file.align=${align}`);
    if (maxTransfer) parts.push(`file.max-transfer=${maxTransfer}`);
    const counters = { 'inject-error': 0, 'set-state': 0 };
    const ieCount = rules.filter((x) => x.group === 'inject-error').length;
    const stCount = rules.filter((x) => x.group === 'set-state').length;
    // A single rule of a kind may use the unindexed form (file.inject-error.event=...).
    const unindexed = { 'inject-error': ieCount === 1 && r.chance(0.4), 'set-state': stCount === 1 && r.chance(0.4) };
    for (const rule of rules) {
      const i = counters[rule.group]++;
      const prefix = unindexed[rule.group] ? `file.${rule.group}` : `file.${rule.group}.${i}`;
      for (const [k, v] of Object.entries(rule.attrs)) {
        // Commas cannot appear in values here (QemuOpts would need ,,), so drop such mutations.
        const text = String(v).replace(/,/g, '');
        parts.push(`${prefix}.${k}=${text}`);
      }
    }
    target = parts.join(',');
    preArgs = [...preArgs, '--image-opts'];
    ctx.reopen = null;
  }

  const cmds = randomCommands(r, ctx, r.int(3, 12));
  const useStdin = r.chance(0.1);
  const seqImage = r.chance(0.5);
  const image = seqImage ? { name: 'd.raw', bytes: { size, seq: true } } : { name: 'd.raw', create: ['-f', 'raw', 'd.raw', String(size)] };

  const argv = useStdin ? [...preArgs, target] : [...preArgs, ...cmds.flatMap((x) => ['-c', x]), target];
  const summary = `${form}${align ? ' align' : ''}${maxTransfer ? ` max-transfer=${maxTransfer}` : ''}${writeback ? ' writeback' : ''}${useStdin ? ' stdin' : ''}, ${rules.length} rules${mutation ? ` (${mutation})` : ''}, ${cmds.length} cmds`;
  return {
    name: `fuzz-${seed}-${n}`,
    description: summary,
    images: [image],
    files,
    argv,
    ...(useStdin ? { stdin: cmds.join('\n') + '\n' } : {}),
    compareImages: ['d.raw'],
    rules: confText,
    form,
    summary,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [seed = '1', n = '0'] = process.argv.slice(2);
  console.log(JSON.stringify(generateCase(Number(seed), Number(n)), null, 2));
}
