// Preloaded (`node --import`) into blkstudio-io by the qcow2 image fuzzer: at exit, writes the
// process' peak resident set size in KiB to $FUZZ_RSS_FILE, so the fuzzer can bound memory use
// (--max-old-space-size bounds only the JS heap, not Buffers). Prints nothing.
import { writeFileSync } from 'node:fs';

const target = process.env.FUZZ_RSS_FILE;
if (target) {
  process.on('exit', () => {
    try {
      writeFileSync(target, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      /* the scratch dir may be gone: no figure then */
    }
  });
}
