#!/usr/bin/env node
// blkdebug overhead benchmark (`npm run bench:blkdebug`).
//
// The workload of bench/run.mjs (a 256 MiB raw image in /dev/shm, a stdin script of 4096
// `write -P <p> <off> 64k` then 4096 `read -P <p> <off> 64k`) is run through blkstudio-io
//   (a) on `-f raw blkdebug:rules.conf:bench.raw`, where rules.conf holds 1,000 rules on events
//       that raw-over-blkdebug never fires (qcow2 metadata events; raw over blkdebug fires only
//       read_aio, write_aio, pwritev, pwritev_done, flush_to_os, flush_to_disk and none), and
//   (b) on the same graph without rules, `-f raw blkdebug::bench.raw`, and
//   (c) on the plain image `-f raw bench.raw`,
// alternating, 5 runs each. The median ratio (a)/(b) is the cost of 1,000 idle rules (the
// issue's figure, target <= 1.05); (a)/(c) adds the cost of the blkdebug node itself. qemu-io on
// form (a) is timed too, for reference.
// Not a test: it never fails for being slow, only when a run exits non-zero or a pattern fails.
//
//   BENCH_RUNS=3 npm run bench:blkdebug    fewer runs
//   BENCH_RULES=10000                      more idle rules

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, IMAGE_SIZE, median, OPS, requireTools, RUNS, runOnce, script } from './common.mjs';

const RULES = Number(process.env.BENCH_RULES ?? 1000);

// Events raw over blkdebug never fires (reference 7.TR): qcow2 metadata and friends.
const IDLE_EVENTS = [
  'l1_update', 'l1_grow_alloc_table', 'l1_grow_write_table', 'l1_grow_activate_table', 'l2_load', 'l2_update',
  'l2_update_compressed', 'l2_alloc_cow_read', 'l2_alloc_write', 'read_backing_aio', 'read_compressed',
  'write_compressed', 'vmstate_load', 'vmstate_save', 'cow_read', 'cow_write', 'reftable_load', 'reftable_grow',
  'reftable_update', 'refblock_load', 'refblock_update', 'refblock_update_part', 'refblock_alloc',
  'refblock_alloc_hookup', 'refblock_alloc_write', 'refblock_alloc_write_blocks', 'refblock_alloc_write_table',
  'refblock_alloc_switch_table', 'cluster_alloc', 'cluster_alloc_bytes', 'cluster_free', 'cluster_alloc_space',
  'empty_image_prepare', 'l1_shrink_write_table', 'l1_shrink_free_l2_clusters', 'cor_write',
];

const { version, ours } = requireTools('bench');
const { dir, freshImage } = benchDir('blkstudio-bench-blkdebug-');

function rulesFile() {
  const sections = [];
  for (let i = 0; i < RULES; i++) {
    const event = IDLE_EVENTS[i % IDLE_EVENTS.length];
    if (i % 4 === 3) {
      sections.push(`[set-state]\nevent = "${event}"\nstate = "${(i % 3) + 1}"\nnew_state = "${((i + 1) % 3) + 1}"\n`);
    } else {
      const extra = i % 2 ? `sector = "${i * 8}"\n` : `once = "on"\n`;
      sections.push(`[inject-error]\nevent = "${event}"\nerrno = "${[5, 28, 1][i % 3]}"\n${extra}`);
    }
  }
  return `# ${RULES} rules on events raw over blkdebug never fires\n` + sections.join('\n');
}

const stdin = script();
writeFileSync(join(dir, 'rules.conf'), rulesFile());
writeFileSync(join(dir, 'script.txt'), stdin);
const BD = 'blkdebug:rules.conf:bench.raw';
console.log(`bench:blkdebug: ${OPS} x write -P 64k + ${OPS} x read -P 64k over a ${IMAGE_SIZE / 1024 / 1024} MiB raw image in ${dir}`);
console.log(`bench:blkdebug: ${ours.label} on -f raw ${BD} (${RULES} idle rules) vs -f raw bench.raw; qemu-io ${version.version} on the blkdebug form for reference; ${RUNS} runs each, alternating`);

const TOOLS = [
  { key: 'oursBd', name: 'blkstudio-io blkdebug', run: () => runOnce(dir, ours.file, [...ours.prefix, '-f', 'raw', BD], ours.argv0, stdin) },
  { key: 'oursNoRules', name: 'blkstudio-io no rules', run: () => runOnce(dir, ours.file, [...ours.prefix, '-f', 'raw', 'blkdebug::bench.raw'], ours.argv0, stdin) },
  { key: 'oursPlain', name: 'blkstudio-io plain   ', run: () => runOnce(dir, ours.file, [...ours.prefix, '-f', 'raw', 'bench.raw'], ours.argv0, stdin) },
  { key: 'qemuBd', name: 'qemu-io blkdebug     ', run: () => runOnce(dir, version.path, ['-f', 'raw', BD], 'qemu-io', stdin) },
];
const times = { oursBd: [], oursNoRules: [], oursPlain: [], qemuBd: [] };
let failed = false;
try {
  for (let run = 1; run <= RUNS; run++) {
    // Alternate the order of the two blkstudio-io forms between runs so neither always goes first.
    const order = run % 2 ? TOOLS : [TOOLS[2], TOOLS[1], TOOLS[0], TOOLS[3]];
    for (const tool of order) {
      freshImage();
      const r = await tool.run();
      const ok = r.status === 0 && r.mismatches === 0 && r.failures === 0;
      console.log(`run ${run} ${tool.name} ${r.ms.toFixed(0).padStart(7)} ms  exit ${r.status}  stdout ${r.stdoutBytes} bytes${r.mismatches ? `  ${r.mismatches} PATTERN FAILURES` : ''}${r.failures ? `  ${r.failures} FAILED REQUESTS` : ''}`);
      if (!ok) {
        failed = true;
        if (r.stderr) console.log(`  stderr: ${r.stderr.slice(0, 2000)}`);
      } else times[tool.key].push(r.ms);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (times.oursBd.length && times.oursNoRules.length && times.oursPlain.length) {
  const bd = median(times.oursBd);
  const none = median(times.oursNoRules);
  const plain = median(times.oursPlain);
  console.log(`median blkstudio-io: ${RULES} rules ${bd.toFixed(0)} ms, no rules ${none.toFixed(0)} ms, plain ${plain.toFixed(0)} ms (successful runs only)`);
  if (times.qemuBd.length) console.log(`median qemu-io on the blkdebug form: ${median(times.qemuBd).toFixed(0)} ms (reference)`);
  console.log(`blkdebug with ${RULES} idle rules / plain image = ${(bd / plain).toFixed(3)}x (the blkdebug node itself included)`);
  console.log(`blkstudio-io ${RULES} idle rules / no rules = ${(bd / none).toFixed(3)}x (target <= 1.05x)`);
} else {
  console.log('bench:blkdebug: no successful run of one of the forms, no ratio');
}
if (failed) {
  console.log('bench:blkdebug: a run did not exit 0 cleanly (see above)');
  process.exit(1);
}
