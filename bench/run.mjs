#!/usr/bin/env node
// Throughput benchmark: blkstudio-io against qemu-io on the same stdin script (`npm run bench`).
//
// A 256 MiB raw image (in /dev/shm when it exists, else os.tmpdir()) is driven by a script of
// 4096 `write -P <p> <off> 64k` followed by 4096 `read -P <p> <off> 64k` (the offsets cover the
// whole image). Each tool runs it 5 times, alternating, with stdout drained through a pipe.
// Prints every run's wall time and the median ratio. Not a test: it never fails for being slow,
// only when a tool exits non-zero (that is a correctness problem, not a speed one).
//
//   BENCH_RUNS=3 npm run bench         fewer runs
//   BLKSTUDIO_IO=/usr/bin/qemu-io      compare qemu-io with itself (sanity check of the harness)

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, IMAGE_SIZE, median, OPS, requireTools, RUNS, runOnce, script } from './common.mjs';

const { version, ours } = requireTools('bench');
const { dir, freshImage } = benchDir('blkstudio-bench-');

const stdin = script();
writeFileSync(join(dir, 'script.txt'), stdin);
console.log(`bench: ${OPS} x write -P 64k + ${OPS} x read -P 64k over a ${IMAGE_SIZE / 1024 / 1024} MiB raw image in ${dir}`);
console.log(`bench: qemu-io ${version.version} (${version.path}) vs ${ours.label}, ${RUNS} runs each, alternating`);

const times = { qemu: [], ours: [] };
let failed = false;
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const tool of ['qemu', 'ours']) {
      freshImage();
      const r =
        tool === 'qemu'
          ? await runOnce(dir, version.path, ['-f', 'raw', 'bench.raw'], 'qemu-io', stdin)
          : await runOnce(dir, ours.file, [...ours.prefix, '-f', 'raw', 'bench.raw'], ours.argv0, stdin);
      const name = tool === 'qemu' ? 'qemu-io     ' : 'blkstudio-io';
      const ok = r.status === 0 && r.mismatches === 0;
      console.log(`run ${run} ${name} ${r.ms.toFixed(0).padStart(7)} ms  exit ${r.status}  stdout ${r.stdoutBytes} bytes${r.mismatches ? `  ${r.mismatches} PATTERN FAILURES` : ''}`);
      if (!ok) {
        failed = true;
        if (r.stderr) console.log(`  stderr: ${r.stderr.slice(0, 2000)}`);
      }
      else times[tool].push(r.ms); // failed runs do not count towards the median
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (times.qemu.length && times.ours.length) {
  const mq = median(times.qemu);
  const mo = median(times.ours);
  console.log(`median qemu-io ${mq.toFixed(0)} ms, blkstudio-io ${mo.toFixed(0)} ms (successful runs only)`);
  console.log(`blkstudio-io / qemu-io = ${(mo / mq).toFixed(2)}x (target <= 1.5x)`);
} else {
  console.log('bench: no successful run of one of the tools, no ratio');
}
if (failed) {
  console.log('bench: a run did not exit 0 cleanly (see above)');
  process.exit(1);
}
