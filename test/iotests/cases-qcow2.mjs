// qemu-io compatibility cases for the qcow2 driver. Same case shape as cases.mjs (which imports
// and appends these); every name starts with `qcow2-`, so `node scripts/gen-golden.mjs qcow2-`
// regenerates just these goldens and `IOTESTS_ONLY=qcow2- npx vitest run test/differential` runs
// just them.
//
// Extra case fields used here (see harness.mjs):
//   images[].prepare: [[qemu-io argv], { qemuImg: [argv] }, ...]  data put in by the REAL tools
//   compareImages: file bytes must be identical (blkstudio allocates exactly like QEMU)
//   compareData:   only the guest data must be identical (compressed clusters: zlib output differs)
//   checkImages:   the REAL `qemu-img check` after the run goes into the transcript
//   checkLoose:    mask the image end offset / fragmentation in the check output (compressed data)
//
// Rules: every case that writes has checkImages; at most one aio request in flight; blkdebug
// breakpoints are never hit by a synchronous command.

/** `c('read 0 512', 'write 0 1')` -> ['-c', 'read 0 512', '-c', 'write 0 1'] */
const c = (...cmds) => cmds.flatMap((cmd) => ['-c', cmd]);

/** A qcow2 image made by the real qemu-img: q2('t.qcow2', '1M', 'cluster_size=4k'). */
const q2 = (name = 't.qcow2', size = '1M', opts = '', prepare = undefined) => ({
  name,
  create: ['-f', 'qcow2', ...(opts ? ['-o', opts] : []), name, size],
  ...(prepare ? { prepare } : {}),
});
const T = q2();
/** t.qcow2 (1M) with data at 0..64k and two bitmaps added by the real qemu-img: b0, and b1 disabled with 128k granularity. */
const bm = () =>
  q2('t.qcow2', '1M', '', [
    io(['write -P 1 0 64k']),
    { qemuImg: ['bitmap', '--add', 't.qcow2', 'b0'] },
    { qemuImg: ['bitmap', '--add', '--disable', '-g', '128k', 't.qcow2', 'b1'] },
  ]);
/** qemu-io argv for a prepare step on t.qcow2 (run by the REAL qemu-io). */
const io = (cmds, file = 't.qcow2', fmt = 'qcow2') => ['-f', fmt, ...c(...cmds), file];

/** A plain case on `-f qcow2 ... IMG` that writes: byte-identical files and a clean check. */
const wcase = (name, description, image, cmds, extra = {}) => ({
  name,
  description,
  images: [image, ...(extra.more ?? [])],
  ...(extra.files ? { files: extra.files } : {}),
  argv: [...(extra.pre ?? []), '-f', 'qcow2', ...c(...cmds), image.name],
  ...(extra.noCompare ? {} : { compareImages: extra.compareImages ?? [image.name] }),
  ...(extra.compareData ? { compareData: extra.compareData } : {}),
  checkImages: extra.checkImages ?? [image.name],
  ...(extra.checkLoose ? { checkLoose: true } : {}),
});

/** A read-only case (no check needed, the image must not change). */
const rcase = (name, description, image, cmds, extra = {}) => ({
  name,
  description,
  images: [image, ...(extra.more ?? [])],
  argv: [...(extra.pre ?? []), '-f', 'qcow2', ...c(...cmds), image.name],
  // Images prepared with multi-cluster `write -c` differ from run to run (QEMU compresses in a
  // thread pool, clusters land in completion order): compare their guest data only.
  ...(extra.dataOnly ? { compareData: [image.name] } : { compareImages: [image.name] }),
});

/** The standard read/write pattern set for a given cluster size (in bytes). */
function rwPattern(cs) {
  const l2span = (cs / 8) * cs; // guest bytes covered by one L2 table
  const head = Math.min(4096, cs / 2);
  return [
    `write -P 0x11 0 ${head}`,
    `read -P 0x11 0 ${head}`,
    `read -P 0 ${head} ${cs - head}`,
    `write -P 0x22 ${cs} ${cs}`,
    `read -P 0x22 ${cs} ${cs}`,
    `write -P 0x33 ${3 * cs + 100} ${2 * cs + 17}`,
    `read -P 0x33 ${3 * cs + 100} ${2 * cs + 17}`,
    `read -P 0 ${3 * cs} 100`,
    `write -P 0x44 ${l2span - 2048} 4k`,
    `read -P 0x44 ${l2span - 2048} 4k`,
    `read -P 0 ${l2span + 2048} 512`,
    `read -P 0x11 0 ${head}`,
    'map',
  ];
}

const ALLOC_CMDS = ['alloc 0 4k', 'alloc 0 1M', 'alloc 4k 1', 'alloc 1020k 4k'];

export const qcow2Cases = [
  // ================================================================== fresh images, cluster sizes
  wcase('qcow2-rw-64k', 'read/write patterns on a fresh 64k-cluster image', q2('t.qcow2', '1G'), [...rwPattern(65536), 'alloc 0 128k']),
  wcase('qcow2-rw-4k', 'read/write patterns with 4k clusters (writes spanning L2 tables at 2M)', q2('t.qcow2', '8M', 'cluster_size=4k'), rwPattern(4096)),
  wcase('qcow2-rw-1k', 'read/write patterns with 1k clusters (L2 table covers 128k)', q2('t.qcow2', '1M', 'cluster_size=1k'), rwPattern(1024)),
  wcase('qcow2-rw-512', 'read/write patterns with 512 B clusters (L2 table covers 32k)', q2('t.qcow2', '1M', 'cluster_size=512'), rwPattern(512)),
  wcase('qcow2-rw-2m', 'read/write patterns with 2M clusters', q2('t.qcow2', '16M', 'cluster_size=2M'), ['write -P 1 0 4k', 'write -P 2 3M 1M', 'read -P 1 0 4k', 'read -P 0 4k 1M', 'read -P 2 3M 1M', 'map']),
  wcase('qcow2-rw-compat-0.10', 'a version 2 image (compat=0.10)', q2('t.qcow2', '1M', 'compat=0.10'), [...rwPattern(65536).slice(0, 7), 'info']),
  wcase('qcow2-rw-compat-1.1', 'a version 3 image (compat=1.1) with lazy refcounts', q2('t.qcow2', '1M', 'compat=1.1,lazy_refcounts=on'), [...rwPattern(65536).slice(0, 7), 'info']),
  wcase('qcow2-rw-refcount-bits-1', 'refcount_bits=1', q2('t.qcow2', '1M', 'refcount_bits=1,cluster_size=4k'), ['write -P 1 0 64k', 'write -P 2 512k 4k', 'read -P 1 0 64k', 'read -P 2 512k 4k', 'info']),
  wcase('qcow2-rw-refcount-bits-8', 'refcount_bits=8', q2('t.qcow2', '1M', 'refcount_bits=8,cluster_size=4k'), ['write -P 1 0 64k', 'write -P 2 512k 4k', 'read -P 1 0 64k', 'read -P 2 512k 4k', 'info']),
  wcase('qcow2-rw-refcount-bits-16', 'refcount_bits=16 (default)', q2('t.qcow2', '1M', 'refcount_bits=16,cluster_size=4k'), ['write -P 1 0 64k', 'write -P 2 512k 4k', 'read -P 1 0 64k', 'read -P 2 512k 4k', 'info']),
  wcase('qcow2-rw-refcount-bits-64', 'refcount_bits=64', q2('t.qcow2', '1M', 'refcount_bits=64,cluster_size=4k'), ['write -P 1 0 64k', 'write -P 2 512k 4k', 'read -P 1 0 64k', 'read -P 2 512k 4k', 'info']),
  wcase('qcow2-rw-refcount-bits-1-512', 'refcount_bits=1 with 512 B clusters: many refcount blocks', q2('t.qcow2', '4M', 'refcount_bits=1,cluster_size=512'), ['write -P 7 0 1M', 'read -P 7 0 1M', 'write -P 8 3M 64k', 'read -P 8 3M 64k']),
  wcase('qcow2-rw-reftable-grow-512', '512 B clusters, 4M of data: the refcount table grows', q2('t.qcow2', '64M', 'cluster_size=512'), ['write -P 9 0 4M', 'read -P 9 0 4M', 'read -P 0 4M 4k']),
  wcase(
    'qcow2-partial-cluster-cow',
    'partial-cluster writes: the rest of the new cluster reads as zeroes',
    T,
    ['write -P 5 1000 100', 'read -P 0 0 1000', 'read -P 5 1000 100', 'read -P 0 1100 64436', 'write -P 6 65535 2', 'read -P 6 65535 2', 'read -P 0 65537 1000', 'read -v 65520 32', 'map'],
  ),
  wcase('qcow2-partial-cluster-tail', 'a write ending inside the last cluster of the image', q2('t.qcow2', '100k'), ['write -P 3 90k 10k', 'read -P 3 90k 10k', 'read -P 0 64k 26k', 'length', 'map']),
  wcase('qcow2-write-spanning-many', 'one write spanning many clusters and an L2 table boundary (1k clusters)', q2('t.qcow2', '1M', 'cluster_size=1k'), ['write -P 0x5a 100k 100k', 'read -P 0x5a 100k 100k', 'read -P 0 99k 1k', 'read -P 0 200k 1k', 'map']),
  wcase('qcow2-overwrite', 'overwriting allocated clusters does not allocate again', T, ['write -P 1 0 128k', 'write -P 2 4k 4k', 'write -P 3 60k 8k', 'read -P 1 0 4k', 'read -P 2 4k 4k', 'read -P 3 60k 8k', 'read -P 1 68k 60k', 'map']),
  wcase('qcow2-unaligned-small', 'one-byte and odd-sized writes', T, ['write -P 0xff 1 1', 'write -P 0xfe 511 2', 'write -P 0xfd 70001 3', 'read -v 0 16', 'read -v 500 16', 'read -v 70000 8', 'map']),
  rcase('qcow2-read-unallocated', 'reads of a fresh image: zeroes everywhere, nothing allocated', q2('t.qcow2', '4M'), ['read -P 0 0 4M', 'read -v 4194288 16', 'read -P 0 1 3', 'map', 'alloc 0 4M', 'alloc 1 1']),
  rcase('qcow2-read-beyond-end', 'requests beyond the end of the image', q2('t.qcow2', '1M'), ['read 1M 1', 'read 1048064 1024', 'write 1048575 2', 'alloc 1M 1', 'alloc 1048575 2', 'discard 1048064 1024', 'write -z 1M 512']),
  wcase('qcow2-odd-size', 'a qcow2 image whose size is not a multiple of the cluster size', q2('t.qcow2', '100005'), ['length', 'write -P 1 99000 1005', 'read -P 1 99000 1005', 'read 99000 1006', 'map', 'info']),

  // ================================================================== aio / readv / writev
  wcase(
    'qcow2-aio',
    'aio_write/aio_read one at a time, with patterns',
    T,
    ['aio_write -P 0x61 0 4k', 'aio_flush', 'aio_read -P 0x61 0 4k', 'aio_flush', 'aio_write -P 0x62 64k 64k', 'aio_flush', 'aio_read -P 0x62 64k 64k', 'aio_flush', 'aio_write -z 8k 4k', 'aio_flush', 'aio_read -P 0 8k 4k', 'aio_flush', 'map'],
  ),
  wcase('qcow2-readv-writev', 'readv/writev with several buffers across clusters', q2('t.qcow2', '1M', 'cluster_size=4k'), ['writev -P 0x71 0 1k 3k 4k', 'readv -P 0x71 0 4k 4k', 'writev -P 0x72 4000 100 200', 'readv -P 0x72 4000 150 150', 'readv -v 3990 32', 'map']),
  {
    name: 'qcow2-interactive',
    description: 'commands on stdin against a qcow2 image',
    images: [T],
    argv: ['-f', 'qcow2', 't.qcow2'],
    stdin: 'write -P 1 0 64k\nread -P 1 0 64k\nmap\nalloc 0 64k\nlength\nquit\n',
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },

  // ================================================================== map / alloc / info
  wcase(
    'qcow2-map-alloc-7e',
    'reference 7.E verbatim: map, alloc, info, write -c, write -b/read -b, discard, write -z -u',
    T,
    ['write -P 1 0 64k', 'write -P 2 256k 4k', 'write -c -P 3 512k 64k', 'map', 'alloc 0 128k', 'alloc 256k', 'alloc 100k 1k', 'alloc 900k 1M', 'info', 'write -b -P 7 0 512', 'read -b -P 7 0 512', 'discard 0 64k', 'write -z -u 256k 4k', 'map', 'length'],
    { noCompare: true, compareData: ['t.qcow2'], checkLoose: true },
  ),
  wcase('qcow2-map-small-clusters', 'map and alloc with 512 B clusters and a fragmented layout', q2('t.qcow2', '1M', 'cluster_size=512'), ['write 0 512', 'write 1k 1k', 'write 4k 100', 'write 1020k 4k', 'map', ...ALLOC_CMDS, 'alloc 512 512', 'alloc 1000 2000']),
  rcase('qcow2-map-prepared', 'map/alloc on an image written by real qemu-io', q2('t.qcow2', '2M', '', [io(['write -P 1 0 64k', 'write -P 2 192k 128k', 'write -z 512k 64k', 'write -c -P 3 1M 64k', 'write -P 4 2032k 16k'])]), ['map', 'alloc 0 2M', 'alloc 64k 128k', 'alloc 512k 64k', 'alloc 1M 1', 'alloc 2040k 8k', 'read -P 0 512k 64k', 'read -P 3 1M 64k', 'read -P 4 2032k 16k']),
  rcase('qcow2-info-default', 'info on a fresh default image', T, ['info', 'length']),
  rcase('qcow2-info-v2', 'info on compat=0.10', q2('t.qcow2', '1M', 'compat=0.10'), ['info']),
  rcase('qcow2-info-options', 'info with lazy refcounts, refcount bits 64, 512 B clusters', q2('t.qcow2', '3G', 'lazy_refcounts=on,refcount_bits=64,cluster_size=512'), ['info', 'length']),
  rcase('qcow2-info-2m-clusters', 'info with 2M clusters (vm state offset follows the L1 coverage)', q2('t.qcow2', '5G', 'cluster_size=2M'), ['info']),
  {
    name: 'qcow2-probe-no-f',
    description: 'no -f: qemu-io probes qcow2',
    images: [q2('t.qcow2', '1M', '', [io(['write -P 0x42 0 4k'])])],
    argv: [...c('read -P 0x42 0 4k', 'info', 'length'), 't.qcow2'],
    compareImages: ['t.qcow2'],
  },

  // ================================================================== compressed writes
  wcase('qcow2-write-c-basic', 'compressed writes, read back, map and check', T, ['write -c -P 0x41 0 64k', 'write -c 64k 64k', 'read -P 0x41 0 64k', 'read -P 0xcd 64k 64k', 'map', 'alloc 0 128k', 'info'], { noCompare: true, compareData: ['t.qcow2'], checkLoose: true }),
  wcase('qcow2-write-c-errors', 'reference 7.AA plus: unaligned, partial cluster, allocated cluster', T, ['write -c 0 1000', 'write -c 0 4k', 'write -c 1000 64k', 'write -c -P 1 0 64k', 'write -c -P 2 0 64k', 'write -P 3 64k 64k', 'write -c -P 4 64k 64k', 'write -c 128k 128k', 'read -P 1 0 64k', 'read -P 3 64k 64k', 'map'], { noCompare: true, compareData: ['t.qcow2'], checkLoose: true }),
  wcase('qcow2-write-c-tail', 'write -c of the short last cluster of the image', q2('t.qcow2', '100k'), ['write -c -P 5 64k 36k', 'write -c -P 6 64k 4k', 'read -P 5 64k 36k', 'map'], { noCompare: true, compareData: ['t.qcow2'], checkLoose: true }),
  wcase('qcow2-write-c-small-clusters', 'write -c with 4k clusters, several clusters per request', q2('t.qcow2', '1M', 'cluster_size=4k'), ['write -c -P 7 0 16k', 'write -c 16k 4k', 'read -P 7 0 16k', 'read -P 0xcd 16k 4k', 'write -P 8 2k 4k', 'read -P 8 2k 4k', 'read -P 7 6k 10k', 'map'], { noCompare: true, compareData: ['t.qcow2'], checkLoose: true }),
  wcase('qcow2-write-c-zero-data', 'write -c of an all-zero buffer', T, ['write -c -P 0 0 64k', 'read -P 0 0 64k', 'map'], { noCompare: true, compareData: ['t.qcow2'], checkLoose: true }),
  wcase('qcow2-write-c-overwrite-plain', 'a plain partial write over a compressed cluster (decompress + COW)', T, ['write -c -P 1 0 64k', 'write -P 2 4k 4k', 'read -P 1 0 4k', 'read -P 2 4k 4k', 'read -P 1 8k 56k', 'discard 0 64k', 'read -P 0 0 64k', 'map'], { noCompare: true, compareData: ['t.qcow2'], checkLoose: true }),
  rcase('qcow2-read-compressed-prepared', 'compressed clusters written by real qemu-io, read back', q2('t.qcow2', '1M', '', [io(['write -c -P 0x33 0 64k', 'write -c -P 0x34 128k 128k', 'write -c 512k 64k'])]), ['read -P 0x33 0 64k', 'read -P 0x34 128k 128k', 'read -P 0xcd 512k 64k', 'read -P 0 64k 64k', 'read -v 65530 12', 'map', 'alloc 0 1M'], { dataOnly: true }),
  rcase('qcow2-read-compressed-prepared-1k', 'compressed 1k clusters written by real qemu-io', q2('t.qcow2', '256k', 'cluster_size=1k', [io(['write -c -P 0x35 0 32k', 'write -c -P 0x36 100k 1k'])]), ['read -P 0x35 0 32k', 'read -P 0x36 100k 1k', 'read -P 0 32k 68k', 'map'], { dataOnly: true }),

  // ================================================================== vm state
  wcase('qcow2-vmstate', 'write -b / read -b: vm state beyond the disk (L1 grows)', T, ['write -b -P 7 0 512', 'read -b -P 7 0 512', 'read -b -P 0 512 512', 'write -b -P 8 64k 128k', 'read -b -P 8 64k 128k', 'read -b -v 0 16', 'map', 'length', 'info']),
  wcase('qcow2-vmstate-1k', 'vm state with 1k clusters (offset follows the L1 coverage)', q2('t.qcow2', '1M', 'cluster_size=1k'), ['info', 'write -b -P 9 0 4k', 'read -b -P 9 0 4k', 'read -P 0 0 4k', 'map']),
  wcase('qcow2-vmstate-errors', 'reference 7.AA: misaligned vmstate requests', T, ['read -b 0 100', 'write -b 0 512', 'read -b -v 0 32', 'write -b 1 512', 'read -b 1 512', 'write -b -z 0 512', 'write -b -c 0 64k']),
  rcase('qcow2-vmstate-prepared', 'vm state written by real qemu-io read back', q2('t.qcow2', '1M', '', [io(['write -b -P 0x77 4k 8k'])]), ['read -b -P 0x77 4k 8k', 'read -b -P 0 0 4k', 'read -P 0 0 1M', 'map']),

  // ================================================================== discard / write -z
  wcase('qcow2-discard-v3', 'discard on compat=1.1: reads back zeroes, map shows holes', T, ['write -P 1 0 256k', 'discard 0 64k', 'read -P 0 0 64k', 'discard 70k 10k', 'read -P 1 64k 192k', 'discard 128k 128k', 'read -P 0 128k 128k', 'map', 'alloc 0 256k']),
  wcase('qcow2-discard-v2', 'discard on compat=0.10', q2('t.qcow2', '1M', 'compat=0.10'), ['write -P 1 0 256k', 'discard 0 64k', 'read -P 0 0 64k', 'discard 100k 4k', 'read -P 1 64k 192k', 'discard 0 1M', 'read -P 0 0 1M', 'map']),
  wcase('qcow2-discard-small-clusters', 'discard with 512 B clusters, unaligned edges', q2('t.qcow2', '1M', 'cluster_size=512'), ['write -P 3 0 16k', 'discard 700 5000', 'read -P 3 0 1024', 'read -P 0 1024 4608', 'read -P 3 5632 10752', 'map']),
  wcase('qcow2-write-z', 'write -z: zero clusters (v3), partial clusters write real zeroes', T, ['write -P 1 0 256k', 'write -z 0 64k', 'write -z 64k 4k', 'write -z 200k 60k', 'write -z 512k 64k', 'read -P 0 0 68k', 'read -P 1 68k 60k', 'read -P 0 200k 56k', 'read -P 0 512k 64k', 'map', 'alloc 0 1M']),
  wcase('qcow2-write-z-u', 'write -z -u: zero clusters with unmap', T, ['write -P 1 0 256k', 'write -z -u 0 64k', 'write -z -u 64k 4k', 'write -z -u 128k 128k', 'read -P 0 0 68k', 'read -P 1 68k 60k', 'read -P 0 128k 128k', 'map', 'alloc 0 256k']),
  wcase('qcow2-write-z-v2', 'write -z on compat=0.10 (no zero flag)', q2('t.qcow2', '1M', 'compat=0.10'), ['write -P 1 0 128k', 'write -z 0 64k', 'write -z -u 64k 64k', 'write -z 256k 64k', 'write -z 70k 1k', 'read -P 0 0 128k', 'read -P 0 256k 64k', 'map']),
  wcase('qcow2-write-z-fresh', 'write -z on unallocated clusters', q2('t.qcow2', '1M', 'cluster_size=4k'), ['write -z 0 64k', 'write -z 100 200', 'write -z -u 64k 4k', 'read -P 0 0 128k', 'map', 'alloc 0 128k']),

  // ================================================================== truncate / length
  wcase('qcow2-truncate-grow', 'truncate grows the image', T, ['write -P 1 0 64k', 'truncate 4M', 'length', 'read -P 1 0 64k', 'read -P 0 1M 3M', 'write -P 2 3M 64k', 'read -P 2 3M 64k', 'map', 'info']),
  wcase('qcow2-truncate-grow-l1', 'truncate grows past the L1 coverage (512 B clusters: L1 grows)', q2('t.qcow2', '32k', 'cluster_size=512'), ['write -P 1 0 32k', 'truncate 1M', 'write -P 2 900k 4k', 'read -P 1 0 32k', 'read -P 2 900k 4k', 'length', 'map']),
  wcase('qcow2-truncate-shrink', 'truncate shrinks the image (data beyond the end is dropped)', T, ['write -P 1 0 512k', 'truncate 200k', 'length', 'read -P 1 0 200k', 'read 200k 1', 'truncate 1M', 'read -v 204784 32', 'read -P 0 256k 768k', 'map']),
  wcase('qcow2-truncate-shrink-v2', 'truncate shrink on compat=0.10', q2('t.qcow2', '1M', 'compat=0.10'), ['write -P 1 0 1M', 'truncate 64k', 'length', 'read -P 1 0 64k', 'map']),
  wcase('qcow2-truncate-unaligned', 'truncate to sizes that are not sector multiples', T, ['truncate 1000', 'length', 'truncate 1000000', 'length', 'write -P 3 999000 1000', 'read -P 3 999000 1000']),
  wcase('qcow2-truncate-m', 'truncate -m preallocation modes on qcow2', T, ['truncate -m off 2M', 'length', 'truncate -m metadata 3M', 'length', 'truncate -m falloc 4M', 'length', 'truncate -m full 5M', 'length', 'truncate -m bogus 6M', 'map']),

  // ================================================================== backing files
  {
    name: 'qcow2-backing-raw',
    description: 'overlay over a raw backing file: read-through, partial-cluster COW from the backing file',
    images: [{ name: 'b.raw', bytes: { size: 1048576, seq: true } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    argv: ['-f', 'qcow2', ...c('read -v 0 16', 'read -v 65530 12', 'write -P 0xee 4k 4k', 'read -v 4090 12', 'read -v 8190 4', 'read -v 65530 12', 'map', 'alloc 0 1M', 'info'), 'o.qcow2'],
    compareImages: ['o.qcow2', 'b.raw'],
    checkImages: ['o.qcow2'],
  },
  {
    name: 'qcow2-backing-qcow2',
    description: 'qcow2 over qcow2: map/alloc only count the top layer; data comes through',
    images: [q2('b.qcow2', '1M', '', [io(['write -P 1 0 128k', 'write -P 2 512k 64k'], 'b.qcow2')]), { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.qcow2', '-F', 'qcow2', 'o.qcow2'] }],
    argv: ['-f', 'qcow2', ...c('read -P 1 0 128k', 'read -P 2 512k 64k', 'read -P 0 128k 384k', 'write -P 3 1000 100', 'read -P 1 0 1000', 'read -P 3 1000 100', 'read -P 1 1100 64436', 'write -P 4 600k 8k', 'read -P 2 512k 64k', 'read -P 0 576k 24k', 'read -P 4 600k 8k', 'map', 'alloc 0 1M', 'alloc 512k 64k', 'info'), 'o.qcow2'],
    compareImages: ['o.qcow2', 'b.qcow2'],
    checkImages: ['o.qcow2', 'b.qcow2'],
  },
  {
    name: 'qcow2-backing-shorter',
    description: 'backing file shorter than the overlay: beyond it reads zeroes; COW at the edge',
    images: [{ name: 'b.raw', bytes: { size: 100000, fill: 0x5b } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2', '1M'] }],
    argv: ['-f', 'qcow2', ...c('read -P 0x5b 0 100000', 'read -P 0 100000 948576', 'read -v 99990 20', 'write -P 1 98304 512', 'read -v 98300 8', 'read -v 99990 20', 'write -P 2 600k 4k', 'read -P 0 592k 8k', 'map', 'length'), 'o.qcow2'],
    compareImages: ['o.qcow2'],
    checkImages: ['o.qcow2'],
  },
  {
    name: 'qcow2-backing-chain-prepared',
    description: 'a three-layer chain written by real qemu-io, read back',
    images: [
      q2('b.qcow2', '1M', '', [io(['write -P 1 0 1M'], 'b.qcow2')]),
      { name: 'm.qcow2', create: ['-f', 'qcow2', '-b', 'b.qcow2', '-F', 'qcow2', 'm.qcow2'], prepare: [io(['write -P 2 64k 64k', 'write -z 128k 64k', 'discard 192k 64k'], 'm.qcow2')] },
      { name: 't.qcow2', create: ['-f', 'qcow2', '-b', 'm.qcow2', '-F', 'qcow2', 't.qcow2'], prepare: [io(['write -P 3 1000 10'], 't.qcow2')] },
    ],
    argv: ['-f', 'qcow2', ...c('read -P 1 0 1000', 'read -P 3 1000 10', 'read -P 1 1010 64526', 'read -P 2 64k 64k', 'read -P 0 128k 64k', 'read -P 0 192k 64k', 'read -P 1 256k 768k', 'map', 'alloc 0 1M'), 't.qcow2'],
    compareImages: ['t.qcow2', 'm.qcow2', 'b.qcow2'],
  },
  {
    name: 'qcow2-backing-discard-z',
    description: 'discard and write -z on an overlay: zeroes must hide the backing data',
    images: [{ name: 'b.raw', bytes: { size: 1048576, fill: 0x66 } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    argv: ['-f', 'qcow2', ...c('write -P 1 0 64k', 'discard 0 64k', 'read -v 0 8', 'write -z 64k 64k', 'read -P 0 64k 64k', 'write -z 130k 2k', 'read -v 131070 4', 'read -v 133118 4', 'map'), 'o.qcow2'],
    compareImages: ['o.qcow2', 'b.raw'],
    checkImages: ['o.qcow2'],
  },
  {
    name: 'qcow2-backing-missing',
    description: 'the backing file does not exist',
    images: [{ name: 'o.qcow2', create: ['-f', 'qcow2', '-u', '-b', 'gone.raw', '-F', 'raw', 'o.qcow2', '1M'] }],
    argv: ['-f', 'qcow2', ...c('read 0 512'), 'o.qcow2'],
  },
  {
    name: 'qcow2-backing-cor',
    description: '-C copy-on-read: reads from the backing file are copied into the overlay',
    images: [{ name: 'b.raw', bytes: { size: 1048576, seq: true } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    argv: ['-C', '-f', 'qcow2', ...c('map', 'read -v 0 16', 'map', 'read 100k 4k', 'read -v 102400 8', 'map', 'alloc 0 1M'), 'o.qcow2'],
    compareImages: ['o.qcow2', 'b.raw'],
    checkImages: ['o.qcow2'],
  },
  {
    name: 'qcow2-backing-readonly-open',
    description: '-r on an overlay: reads through, writes refused',
    images: [{ name: 'b.raw', bytes: { size: 65536, fill: 0x21 } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    argv: ['-r', '-f', 'qcow2', ...c('read -P 0x21 0 64k', 'write 0 512', 'discard 0 64k', 'write -z 0 64k', 'truncate 1M', 'map'), 'o.qcow2'],
    compareImages: ['o.qcow2'],
  },

  // ================================================================== internal snapshots (made by the real qemu-img)
  // The snapshot's creation time (date_sec/date_nsec, bytes 16..23 of the table entry) is zeroed
  // with `patch` so that the files are reproducible.
  wcase(
    'qcow2-snapshot-cow',
    'writes after `qemu-img snapshot -c`: shared clusters (refcount 2) are copied, L2 tables too',
    { ...q2('t.qcow2', '1M', '', [io(['write -P 1 0 128k', 'write -P 2 512k 64k']), { qemuImg: ['snapshot', '-c', 's1', 't.qcow2'] }]), patch: [{ at: 0x90010, hex: '0000000000000000' }] },
    ['write -P 3 4k 4k', 'read -P 1 0 4k', 'read -P 3 4k 4k', 'read -P 1 8k 120k', 'write -P 4 512k 64k', 'read -P 4 512k 64k', 'write -z 64k 64k', 'discard 0 64k', 'read -P 0 0 128k', 'map', 'info'],
  ),
  rcase('qcow2-snapshot-read-current', 'the active layer after a snapshot and an overwrite', { ...q2('t.qcow2', '1M', '', [io(['write -P 1 0 64k']), { qemuImg: ['snapshot', '-c', 's1', 't.qcow2'] }, io(['write -P 2 0 4k'])]), patch: [{ at: 0x70010, hex: '0000000000000000' }] }, ['read -P 2 0 4k', 'read -P 1 4k 60k', 'map', 'info']),

  // ================================================================== extended L2 (subclusters)

  // ================================================================== extended L2 (32 subclusters per cluster)
  wcase('qcow2-extended-l2', 'extended_l2=on (32 subclusters per cluster): partial writes allocate subclusters', q2('t.qcow2', '1M', 'extended_l2=on'), ['info', 'write -P 1 0 2k', 'write -P 2 10k 4k', 'read -P 1 0 2k', 'read -P 0 2k 8k', 'read -P 2 10k 4k', 'write -z 64k 64k', 'discard 10k 2k', 'read -P 0 10k 2k', 'map', 'alloc 0 64k', 'alloc 2k 8k']),
  wcase('qcow2-extended-l2-small-clusters', 'extended_l2=on with 16 KiB clusters (512 B subclusters): writes across clusters, write -z of parts and wholes, -u, overwrite of zeroed subclusters', q2('t.qcow2', '4M', 'extended_l2=on,cluster_size=16k'), ['write -P 1 1000 40000', 'read -P 1 1000 40000', 'write -z 4096 1024', 'read -P 0 4096 1024', 'write -z -u 16k 16k', 'write -P 3 16k 512', 'read -P 3 16k 512', 'read -P 0 16896 15872', 'write -c 64k 16k', 'read -v 64k 16', 'discard 0 16k', 'map', 'alloc 0 128k']),
  {
    name: 'qcow2-extended-l2-backing',
    description: 'extended_l2=on overlay over a raw backing file: subcluster COW keeps the rest of the cluster in the backing file',
    images: [{ name: 'b.raw', bytes: { size: 1048576, seq: true } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-o', 'extended_l2=on', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    argv: ['-f', 'qcow2', ...c('write -P 0xee 5000 100', 'read -v 4090 20', 'read -v 0 8', 'read -v 8190 4', 'read -v 65530 12', 'write -z 128k 2k', 'read -v 131070 4', 'discard 192k 64k', 'read -v 196608 4', 'map', 'alloc 0 1M', 'info'), 'o.qcow2'],
    compareImages: ['o.qcow2', 'b.raw'],
    checkImages: ['o.qcow2'],
  },
  rcase('qcow2-extended-l2-read-qemu', 'an extended_l2=on image written by qemu-io (subclusters, zeroes, compressed) read back', q2('t.qcow2', '1M', 'extended_l2=on', [io(['write -P 7 0 3k', 'write -P 8 70k 1k', 'write -z 80k 4k', 'write -c -P 9 128k 64k', 'write -P 10 256k 64k', 'discard 260k 4k'])]), ['read -P 7 0 3k', 'read -P 0 3k 61k', 'read -P 8 70k 1k', 'read -P 0 80k 4k', 'read -P 9 128k 64k', 'read -P 10 256k 4k', 'read -P 0 260k 4k', 'read -P 10 264k 56k', 'map', 'alloc 0 1M']),

  // ================================================================== open / close / reopen / -r
  {
    name: 'qcow2-open-close-reopen',
    description: 'open -f qcow2, close, open again, reopen -r, reopen -w',
    images: [T],
    argv: c('open -o driver=qcow2 t.qcow2', 'write -P 1 0 4k', 'close', 'read 0 512', 'open -o driver=qcow2 t.qcow2', 'read -P 1 0 4k', 'reopen -r', 'write 0 512', 'read -P 1 0 4k', 'reopen -w', 'write -P 2 64k 512', 'read -P 2 64k 512', 'close', 'open -r -o driver=qcow2 t.qcow2', 'write 0 512', 'read -P 2 64k 512', 'map'),
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-open-o',
    description: 'open -o driver=qcow2 with options',
    images: [T],
    argv: c('open -o driver=qcow2,file.driver=file,file.filename=t.qcow2', 'write -P 3 0 4k', 'read -P 3 0 4k', 'close', 'open -o driver=qcow2,l2-cache-size=64k t.qcow2', 'read -P 3 0 4k', 'info', 'close', 'open -o driver=qcow2,nosuch=1 t.qcow2'),
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-readonly',
    description: '-r: writes, discards, truncates fail; reads work',
    images: [q2('t.qcow2', '1M', '', [io(['write -P 9 0 64k'])])],
    argv: ['-r', '-f', 'qcow2', ...c('read -P 9 0 64k', 'write 0 4k', 'write -z 0 4k', 'write -c 0 64k', 'write -b 0 512', 'discard 0 64k', 'truncate 2M', 'aio_write 0 4k', 'aio_flush', 'flush', 'read -P 9 0 64k'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-image-opts',
    description: '--image-opts driver=qcow2',
    images: [T],
    argv: ['--image-opts', ...c('write -P 4 0 4k', 'read -P 4 0 4k', 'length', 'map'), 'driver=qcow2,file.filename=t.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-json',
    description: 'json: filename with driver qcow2',
    images: [T],
    argv: ['-c', 'write -P 5 0 4k', '-c', 'read -P 5 0 4k', `json:${JSON.stringify({ driver: 'qcow2', file: { driver: 'file', filename: 't.qcow2' } })}`],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-format-raw-on-qcow2',
    description: '-f raw on a qcow2 file sees the file bytes (header magic)',
    images: [T],
    argv: ['-f', 'raw', ...c('read -v 0 16', 'length'), 't.qcow2'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-format-qcow2-on-raw',
    description: '-f qcow2 on a raw file: Image is not in qcow2 format',
    images: [{ name: 'd.raw', create: ['-f', 'raw', 'd.raw', '1M'] }],
    argv: ['-f', 'qcow2', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'qcow2-cache-modes',
    description: 'cache modes writeback / unsafe / directsync on qcow2 (none needs O_DIRECT)',
    images: [T],
    argv: ['-t', 'writeback', ...c('open -t unsafe -o driver=qcow2 t.qcow2', 'write -P 1 0 64k', 'close', 'open -t directsync -o driver=qcow2 t.qcow2', 'write -P 2 64k 4k', 'read -P 1 0 64k', 'close', 'open -t writeback -o driver=qcow2 t.qcow2', 'read -P 2 64k 4k', 'flush', 'map')],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-flush-length-stats',
    description: 'flush, length, -C stats and -q on qcow2',
    images: [T],
    argv: ['-f', 'qcow2', ...c('write -C -P 1 0 4k', 'write -q -P 2 4k 4k', 'read -C -P 2 4k 4k', 'flush', 'length'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },

  // ================================================================== blkdebug over qcow2
  {
    name: 'qcow2-blkdebug-plain',
    description: '-f qcow2 blkdebug::t.qcow2 without rules behaves like the plain image',
    images: [T],
    argv: ['-f', 'qcow2', ...c('write -P 1 0 4k', 'write -P 2 100k 200k', 'read -P 1 0 4k', 'read -P 2 100k 200k', 'map', 'alloc 0 1M'), 'blkdebug::t.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-7r-l2-load',
    description: 'reference 7.R (third): inject-error on l2_load via open -o',
    images: [q2('t.qcow2', '1M', '', [io(['write -P 42 0x38000 512'])])],
    argv: c('open -o driver=qcow2,file.driver=blkdebug,file.inject-error.event=l2_load t.qcow2', 'read 0 512', 'write 0 512', 'read 0 512', 'close', 'open -o file.driver=blkdebug,file.inject-error.event=l2_load t.qcow2', 'read -P 42 0x38000 512'),
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-7r-fresh-l2-load',
    description: 'reference 7.R: l2_load on a fresh image never fires (new L2 tables are not loaded)',
    images: [T],
    argv: c('open -o driver=qcow2,file.driver=blkdebug,file.inject-error.event=l2_load t.qcow2', 'read 0 512', 'write 0 512', 'read 0 512', 'write -P 42 0x38000 512', 'read -P 42 0x38000 512'),
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-7u-align',
    description: 'reference 7.U: blkdebug above qcow2 with align=4k, max-transfer=64k',
    images: [q2('t.qcow2', '128M')],
    argv: c('open -o driver=blkdebug,image.driver=qcow2,align=4k,max-transfer=64k blkdebug::t.qcow2', 'write -P 33 1000 128k', 'read -P 33 1000 128k', 'alloc 1 1', 'map'),
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-protocol-rw',
    description: '-f qcow2 blkdebug::t.qcow2: reads/writes/map through blkdebug',
    images: [T],
    argv: ['-f', 'qcow2', ...c('write -P 1 0 4k', 'read -P 1 0 4k', 'write -c -P 2 64k 64k', 'read -P 2 64k 64k', 'write -z 128k 64k', 'discard 0 64k', 'map', 'info', 'length'), 'blkdebug::t.qcow2'],
    compareData: ['t.qcow2'],
    checkImages: ['t.qcow2'],
    checkLoose: true,
  },
  {
    name: 'qcow2-blkdebug-read-aio-error',
    description: 'inject-error read_aio on data reads of an allocated cluster; unallocated reads fire nothing',
    images: [q2('t.qcow2', '1M', '', [io(['write -P 3 0 64k'])])],
    files: { 'b.conf': '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' },
    argv: ['-f', 'qcow2', ...c('read 0 512', 'read -P 0 64k 512', 'read 0 512'), 'blkdebug:b.conf:t.qcow2'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-write-aio-once',
    description: 'write_aio once=on errno 28 on an overwrite',
    images: [q2('t.qcow2', '1M', '', [io(['write -P 3 0 64k'])])],
    files: { 'b.conf': '[inject-error]\nevent = "write_aio"\nerrno = "28"\nonce = "on"\n' },
    argv: ['-f', 'qcow2', ...c('write -P 4 0 4k', 'read -P 3 0 4k', 'write -P 4 0 4k', 'read -P 4 0 4k'), 'blkdebug:b.conf:t.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-read-compressed',
    description: 'inject-error read_compressed on a compressed cluster written by real qemu-io',
    images: [q2('t.qcow2', '1M', '', [io(['write -c -P 3 0 64k', 'write -P 4 64k 64k'])])],
    files: { 'b.conf': '[inject-error]\nevent = "read_compressed"\nerrno = "5"\nonce = "on"\n' },
    argv: ['-f', 'qcow2', ...c('read -P 4 64k 64k', 'read 0 512', 'read -P 3 0 64k'), 'blkdebug:b.conf:t.qcow2'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-read-backing',
    description: 'inject-error read_backing_aio on an overlay',
    images: [{ name: 'b.raw', bytes: { size: 1048576, fill: 0x44 } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    files: { 'b.conf': '[inject-error]\nevent = "read_backing_aio"\nerrno = "5"\nonce = "on"\n' },
    argv: ['-f', 'qcow2', ...c('read 0 512', 'read -P 0x44 0 512', 'write -P 1 0 512'), 'blkdebug:b.conf:o.qcow2'],
    compareImages: ['o.qcow2'],
    checkImages: ['o.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-state-machine',
    description: 'set-state on cluster_alloc, then inject-error on write_aio in state 2',
    images: [T],
    files: { 'b.conf': '[set-state]\nevent = "cluster_alloc"\nstate = "1"\nnew_state = "2"\n\n[inject-error]\nevent = "write_aio"\nstate = "2"\nerrno = "28"\n' },
    argv: ['-f', 'qcow2', ...c('write -P 1 0 4k', 'write -P 2 0 4k', 'read -P 1 0 4k'), 'blkdebug:b.conf:t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-break-aio',
    description: 'a breakpoint on write_aio suspends an aio_write on a qcow2 image; resume completes it',
    images: [T],
    argv: ['-f', 'qcow2', ...c('break write_aio A', 'aio_write -P 9 0 4k', 'wait_break A', 'resume A', 'aio_flush', 'read -P 9 0 4k'), 'blkdebug::t.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-blkdebug-image-opts',
    description: '--image-opts driver=qcow2,file.driver=blkdebug with inject-error on l1_update',
    images: [T],
    argv: ['--image-opts', ...c('write 0 4k', 'write 0 4k', 'read 0 4k'), 'driver=qcow2,file.driver=blkdebug,file.image.filename=t.qcow2,file.inject-error.event=l1_update,file.inject-error.once=on'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  wcase(
    'qcow2-discard-tail-partial-cluster',
    'iotest 066: a discard that reaches the end of an image whose last cluster is partial discards that cluster too',
    q2('t.qcow2', '1049088'),
    ['write -P 1 0 64k', 'write -P 2 1M 512', 'discard 0 1049088', 'read -P 0 0 1049088', 'map', 'write -P 3 1M 512', 'discard 1M 512', 'read -P 0 1M 512', 'write -P 4 960k 64k', 'discard 980k 45568', 'read -P 4 960k 64k', 'read -P 0 1M 512', 'map'],
  ),
  {
    name: 'qcow2-blkdebug-above-discard-limits',
    description: 'iotest 177: blkdebug above qcow2 (backing file) with non-power-of-2 opt-discard/max-discard: the unaligned head and tail still reach qcow2, whose whole clusters become zero clusters',
    images: [
      q2('b.qcow2', '2M', '', [io(['write -P 22 0 2M'], 'b.qcow2')]),
      { name: 't.qcow2', create: ['-f', 'qcow2', '-b', 'b.qcow2', '-F', 'qcow2', 't.qcow2', '2M'], prepare: [io(['write -P 22 0 1536k'])] },
    ],
    argv: c(
      'open -o driver=blkdebug,image.driver=qcow2,align=512,opt-discard=192k,max-discard=192k blkdebug::t.qcow2',
      'discard 100001 700k',
      'read -P 22 0 128k',
      'read -P 0 128k 640k',
      'read -P 22 768k 1280k',
      'map',
    ),
    compareImages: ['t.qcow2', 'b.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-discard-v2-backing',
    description: 'compat=0.10 with a backing file: discard leaves clusters as they are (no zero clusters in v2, the backing data must not show)',
    images: [{ name: 'b.raw', bytes: { size: 1048576, fill: 0x44 } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-o', 'compat=0.10', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'], prepare: [io(['write -P 1 0 128k', 'write -P 2 256k 4k'], 'o.qcow2')] }],
    argv: ['-f', 'qcow2', ...c('discard 0 128k', 'read -P 1 0 128k', 'discard 0 1M', 'read -P 2 256k 4k', 'read -P 0x44 260k 60k', 'map', 'alloc 0 1M'), 'o.qcow2'],
    compareImages: ['o.qcow2'],
    checkImages: ['o.qcow2'],
  },
  // ================================================================== runtime options at open and reopen
  {
    name: 'qcow2-reopen-opt-errors',
    description: "reopen -o of qcow2's runtime options: QEMU's validation messages, one per reopen",
    images: [q2('t.qcow2', '64M')],
    argv: ['-f', 'qcow2', ...c(
      'reopen -o lazy-refcounts=on',
      'reopen -o lazy-refcounts=foo',
      'reopen -o cache-size=1M,l2-cache-size=2M',
      'reopen -o cache-size=1M,refcount-cache-size=2M',
      'reopen -o cache-size=1M,l2-cache-size=512k,refcount-cache-size=512k',
      'reopen -o l2-cache-entry-size=1000',
      'reopen -o l2-cache-entry-size=256',
      'reopen -o l2-cache-entry-size=128k',
      'reopen -o overlap-check=foo',
      'reopen -o overlap-check.template=foo',
      'reopen -o overlap-check=none,overlap-check.template=all',
      'reopen -o overlap-check=all,overlap-check.template=all',
      'reopen -o overlap-check.main-header=maybe',
      'reopen -o overlap-check.foo=on',
      'reopen -o cache-clean-interval=-1',
      'reopen -o cache-clean-interval=4294967296',
      'reopen -o cache-clean-interval=4294967295',
      'reopen -o cache-clean-interval=abc',
      'reopen -o cache-clean-interval=18446744073709551616',
      'reopen -o l2-cache-size=18446744073709551616',
      'reopen -o l2-cache-size=foo',
      'reopen -o refcount-cache-size=200T',
      'reopen -o discard-no-unref=on',
      'reopen -o pass-discard-other=on,pass-discard-request=off,pass-discard-snapshot=off',
      'reopen -o cache-size=1M',
      'reopen -o l2-cache-size=2M',
      'info',
    ), 't.qcow2'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-opt-v2-lazy',
    description: 'lazy-refcounts=on on a compat=0.10 image is refused at reopen and at open; off is fine',
    images: [q2('t.qcow2', '1M', 'compat=0.10')],
    argv: c('open -o driver=qcow2,lazy-refcounts=on t.qcow2', 'open -o driver=qcow2,lazy-refcounts=off t.qcow2', 'reopen -o lazy-refcounts=on', 'reopen -o lazy-refcounts=off', 'info'),
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-open-opt-errors',
    description: "open -o of qcow2's runtime options: QEMU's messages (and discard-no-unref, which 7.2 lacks)",
    images: [q2('t.qcow2', '64M')],
    argv: c(
      'open -o driver=qcow2,discard-no-unref=on t.qcow2',
      'open -o driver=qcow2,overlap-check.foo=on t.qcow2',
      'open -o driver=qcow2,refcount-cache-size=200T t.qcow2',
      'open -o driver=qcow2,cache-clean-interval=4294967296 t.qcow2',
      'open -o driver=qcow2,l2-cache-size=foo t.qcow2',
      'open -o driver=qcow2,overlap-check.main-header=maybe t.qcow2',
      'open -o driver=qcow2,cache-size=1M,refcount-cache-size=2M t.qcow2',
      'open -o driver=qcow2,overlap-check=constant,overlap-check.template=cached t.qcow2',
      'open -o driver=qcow2,lazy-refcounts=on,pass-discard-other=x t.qcow2',
      'open -o driver=qcow2,l2-cache-size=3G,cache-clean-interval=0,overlap-check=all t.qcow2',
      'info',
    ),
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-lazy-on-killed',
    description: 'reopen -o lazy-refcounts=on, writes, then SIGKILL: the image is left dirty with stale refcounts',
    images: [q2('t.qcow2', '4M')],
    argv: ['-f', 'qcow2', ...c('reopen -o lazy-refcounts=on', 'write -P 1 0 64k', 'write -P 2 1M 64k', 'sigraise 9'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-lazy-off-marks-clean',
    description: 'lazy-refcounts on, writes, reopen -o lazy-refcounts=off flushes and marks the image clean, then SIGKILL',
    images: [q2('t.qcow2', '4M')],
    argv: ['-f', 'qcow2', ...c('reopen -o lazy-refcounts=on', 'write -P 1 0 64k', 'write -P 2 1M 64k', 'reopen -o lazy-refcounts=off', 'write -P 3 2M 64k', 'sigraise 9'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-lazy-ro-marks-clean',
    description: 'lazy-refcounts on, a write, reopen -r marks the image clean, then SIGKILL',
    images: [q2('t.qcow2', '4M')],
    argv: ['-f', 'qcow2', ...c('reopen -o lazy-refcounts=on', 'write -P 1 0 64k', 'reopen -r', 'read -P 1 0 64k', 'sigraise 9'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-lazy-kept',
    description: 'open -o lazy-refcounts=on: a plain reopen and a failed one keep it (the failed one still flushed the caches), SIGKILL',
    images: [q2('t.qcow2', '4M')],
    argv: c('open -o driver=qcow2,lazy-refcounts=on t.qcow2', 'write -P 1 0 64k', 'reopen', 'write -P 2 1M 4k', 'reopen -o overlap-check=foo', 'write -P 3 2M 4k', 'sigraise 9'),
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-lazy-image-off',
    description: 'an image created with lazy_refcounts=on: reopen -o lazy-refcounts=off after a write marks it clean, SIGKILL',
    images: [q2('t.qcow2', '4M', 'lazy_refcounts=on')],
    argv: ['-f', 'qcow2', ...c('write -P 1 0 64k', 'reopen -o lazy-refcounts=off', 'write -P 2 1M 4k', 'info', 'sigraise 9'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-cache-new',
    description: 'reopen makes new (empty) metadata caches: the next read loads its L2 table again (blkdebug l2_load fails it)',
    images: [T],
    files: { 'b.conf': '[inject-error]\nevent = "l2_load"\nerrno = "5"\n' },
    argv: ['-f', 'qcow2', ...c('write -P 1 0 4k', 'read -P 1 0 4k', 'reopen -o l2-cache-size=128k,l2-cache-entry-size=4k', 'read -P 1 0 4k', 'write -P 2 4k 4k'), 'blkdebug:b.conf:t.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-overlap-none',
    description: 'L2 entry 0 points at the L1 table: with reopen -o overlap-check=none the write goes through',
    images: [{ ...q2('d.qcow2'), prepare: [io(['write -P 0x11 0 64k'], 'd.qcow2')], patch: [{ at: 0x40000, hex: '8000000000030000' }] }],
    argv: ['-f', 'qcow2', ...c('reopen -o overlap-check=none', 'write -P 0x22 0 512', 'read -P 0x22 0 512'), 'd.qcow2'],
    compareImages: ['d.qcow2'],
  },
  {
    name: 'qcow2-reopen-overlap-flag-off',
    description: 'L2 entry 0 points at the L1 table: overlap-check.active-l1=off lets the write through',
    images: [{ ...q2('d.qcow2'), prepare: [io(['write -P 0x11 0 64k'], 'd.qcow2')], patch: [{ at: 0x40000, hex: '8000000000030000' }] }],
    argv: ['-f', 'qcow2', ...c('reopen -o overlap-check.active-l1=off', 'write -P 0x22 0 512', 'read -P 0x22 0 512'), 'd.qcow2'],
    compareImages: ['d.qcow2'],
  },
  {
    name: 'qcow2-reopen-overlap-constant',
    description: 'L2 entry 0 points at the refcount table: overlap-check=constant still catches the write',
    images: [{ ...q2('d.qcow2'), prepare: [io(['write -P 0x11 0 64k'], 'd.qcow2')], patch: [{ at: 0x40000, hex: '8000000000010000' }] }],
    argv: ['-f', 'qcow2', ...c('reopen -o overlap-check=constant,overlap-check.main-header=off', 'write -P 0x22 4k 512'), 'd.qcow2'],
    compareImages: ['d.qcow2'],
  },
  {
    name: 'qcow2-open-overlap-template',
    description: 'open -o overlap-check.template=constant with active-l1 off: the write onto the L1 table goes through',
    images: [{ ...q2('d.qcow2'), prepare: [io(['write -P 0x11 0 64k'], 'd.qcow2')], patch: [{ at: 0x40000, hex: '8000000000030000' }] }],
    argv: c('open -o driver=qcow2,overlap-check.template=constant,overlap-check.active-l1=off d.qcow2', 'write -P 0x22 0 512', 'read -P 0x22 0 512'),
    compareImages: ['d.qcow2'],
  },
  // ================================================================== reopen of backing options
  {
    name: 'qcow2-reopen-backing-options',
    description: 'reopen -o backing.*: node-name and driver refused only when they change, child references',
    images: [q2('b.qcow2'), { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.qcow2', '-F', 'qcow2', 'o.qcow2'] }],
    argv: ['-f', 'qcow2', ...c(
      'reopen -o backing.node-name=foo',
      'reopen -o backing.driver=qcow2',
      'reopen -o backing.driver=raw',
      'reopen -o backing.file.driver=file',
      'reopen -o backing.file.driver=null-co',
      'reopen -o backing.lazy-refcounts=on',
      'reopen -o backing.cache-size=1M,backing.l2-cache-size=2M',
      'reopen -o backing=foo',
      'reopen -o backing.backing=foo',
      'reopen -o driver=qcow2',
      'reopen -o driver=raw',
      'reopen -o file.driver=file',
      'write -P 1 0 4k',
    ), 'o.qcow2'],
    compareImages: ['o.qcow2', 'b.qcow2'],
    checkImages: ['o.qcow2'],
  },
  {
    name: 'qcow2-reopen-backing-node-names',
    description: '--image-opts with node-names: reopen with the same names (and references to the same children) succeeds',
    images: [q2('b.qcow2'), { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.qcow2', '-F', 'qcow2', 'o.qcow2'] }],
    argv: ['--image-opts', ...c(
      'reopen -o backing.node-name=X',
      'reopen -o backing.node-name=Y',
      'reopen -o backing.driver=qcow2',
      'reopen -o backing=X',
      'reopen -o node-name=T',
      'reopen -o node-name=Z',
      'reopen -o file=F',
      'reopen -o file.node-name=F',
      'reopen -o backing.file=BF',
      'reopen -o backing.file.node-name=BF',
      'reopen -o backing.file.node-name=BG',
      'write -P 1 0 4k',
    ), 'driver=qcow2,node-name=T,file.filename=o.qcow2,file.node-name=F,backing.node-name=X,backing.file.node-name=BF'],
    compareImages: ['o.qcow2', 'b.qcow2'],
    checkImages: ['o.qcow2'],
  },
  // ================================================================== -s: the temporary qcow2 overlay
  {
    name: 'qcow2-snapshot-info',
    description: '-s: info describes the temporary qcow2 overlay (its VM state offset follows truncate)',
    images: [{ name: 'r.raw', create: ['-f', 'raw', 'r.raw', '1M'] }],
    argv: ['-s', '-f', 'raw', ...c('info', 'truncate 2G', 'info', 'truncate 0', 'info'), 'r.raw'],
    compareImages: ['r.raw'],
  },
  {
    name: 'qcow2-snapshot-info-qcow2',
    description: '-s over a qcow2 image: info shows the overlay, not the image',
    images: [q2('t.qcow2', '64M', 'cluster_size=4k,lazy_refcounts=on')],
    argv: ['-s', '-f', 'qcow2', ...c('info', 'write -P 1 0 4k', 'map'), 't.qcow2'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-snapshot-reopen',
    description: "-s: reopen -r and -c none need the overlay's deleted scratch file; option errors come first; writes still work",
    images: [q2('t.qcow2', '64M')],
    argv: ['-s', '-f', 'qcow2', ...c(
      'reopen -r',
      'write -P 1 0 4k',
      'read -P 1 0 4k',
      'reopen -c none',
      'reopen -o lazy-refcounts=foo',
      'reopen -o cache-size=1M,l2-cache-size=2M',
      'reopen -o backing.driver=qcow2',
      'reopen -o foo=bar',
      'reopen -r -o lazy-refcounts=on',
      'write -P 2 4k 4k',
      'read -P 1 0 4k',
      'read -P 2 4k 4k',
      'info',
    ), 't.qcow2'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-snapshot-reopen-writethrough',
    description: '-s: reopen -c writethrough (the mode it has) succeeds, writes still go to the overlay',
    images: [q2('t.qcow2', '64M')],
    argv: ['-s', '-f', 'qcow2', ...c('reopen -c writethrough', 'write -P 2 0 4k', 'read -P 2 0 4k', 'map'), 't.qcow2'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-overlap-join',
    description: 'overlap-check.active-l1=off from open survives a plain reopen; a new overlap-check template drops it',
    images: [{ ...q2('d.qcow2'), prepare: [io(['write -P 0x11 0 64k'], 'd.qcow2')], patch: [{ at: 0x40000, hex: '8000000000030000' }] }],
    argv: c('open -o driver=qcow2,overlap-check.active-l1=off d.qcow2', 'reopen', 'reopen -o lazy-refcounts=off', 'reopen -o overlap-check=cached', 'write -P 0x22 0 512'),
    compareImages: ['d.qcow2'],
  },
  {
    name: 'qcow2-reopen-overlap-kept',
    description: 'overlap-check.active-l1=off from open survives reopens that do not name a template',
    images: [{ ...q2('d.qcow2'), prepare: [io(['write -P 0x11 0 64k'], 'd.qcow2')], patch: [{ at: 0x40000, hex: '8000000000030000' }] }],
    argv: c('open -o driver=qcow2,overlap-check.active-l1=off d.qcow2', 'reopen', 'reopen -o overlap-check.main-header=on', 'write -P 0x22 0 512', 'read -P 0x22 0 512'),
    compareImages: ['d.qcow2'],
  },
  {
    name: 'qcow2-snapshot-reopen-once',
    description: '-s: the first reopen in the same mode goes through, every later one needs the deleted scratch file; option errors in between change nothing',
    images: [q2('t.qcow2', '64M')],
    argv: ['-s', '-f', 'qcow2', ...c(
      'reopen -o foo=bar',
      'reopen',
      'write -P 1 0 4k',
      'reopen -o lazy-refcounts=foo',
      'reopen -o lazy-refcounts=on',
      'reopen -c writethrough',
      'write -P 2 4k 4k',
      'read -P 1 0 4k',
      'read -P 2 4k 4k',
      'reopen -o discard=unmap',
      'map',
    ), 't.qcow2'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-encrypt-options',
    description: 'encrypt.* at open and reopen of an unencrypted image: a format is refused, other keys are taken silently',
    images: [T],
    argv: c('open -o driver=qcow2,encrypt.format=aes t.qcow2', 'open -o driver=qcow2,encrypt.key-secret=sec0,encrypt.foo=bar t.qcow2', 'reopen -o encrypt.format=luks', 'reopen -o encrypt.key-secret=foo,encrypt.bar=baz', 'info'),
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-lazy-ro-to-rw',
    description: 'a lazy_refcounts=on image opened -r, reopen -w, writes, SIGKILL: the image is left dirty',
    images: [q2('t.qcow2', '4M', 'lazy_refcounts=on')],
    argv: ['-r', '-f', 'qcow2', ...c('reopen -w', 'write -P 1 0 64k', 'write -P 2 1M 4k', 'sigraise 9'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-reopen-small-l2-cache',
    description: 'reopen -o l2-cache-size=4k,l2-cache-entry-size=512: writes and reads through 512-byte L2 slices, SIGKILL',
    images: [q2('t.qcow2', '4M')],
    argv: ['-f', 'qcow2', ...c('reopen -o l2-cache-size=4k,l2-cache-entry-size=512', 'write -P 1 0 64k', 'write -P 2 3M 64k', 'read -P 1 0 64k', 'read -P 2 3M 64k', 'sigraise 9'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  // ================================================================== external data files
  // The data file is named in the header (relative to the working directory); guest offset ==
  // host offset there, refcounts only for the metadata in t.qcow2. Both files are compared.
  wcase('qcow2-datafile-rw', 'reads, writes, zeroes, discard, map and info with an external data file', q2('t.qcow2', '1M', 'data_file=t.data'), [
    'write -P 1 0 64k', 'write -P 2 100k 8k', 'read -P 1 0 64k', 'read -P 2 100k 8k', 'read -P 0 64k 36k', 'write -z 192k 64k',
    'write -P 3 300k 10k', 'discard 0 64k', 'read -P 0 0 64k', 'map', 'alloc 0 1M', 'info',
  ], { compareImages: ['t.qcow2', 't.data'] }),
  wcase('qcow2-datafile-raw', 'data_file_raw=on: preallocated 1:1 mapping, zeroes written through, grow and shrink', q2('t.qcow2', '1000k', 'data_file=t.data,data_file_raw=on'), [
    'map', 'write -P 1 1000 100k', 'write -z 200k 64k', 'write -z -u 256k 128k', 'discard 512k 64k', 'read -P 0 200k 192k',
    'truncate 2M', 'write -P 2 1536k 8k', 'map', 'truncate 640k', 'map', 'read -P 1 1000 100k', 'info',
  ], { compareImages: ['t.qcow2', 't.data'] }),
  wcase('qcow2-datafile-truncate', 'truncate grows and shrinks the data file with the image', q2('t.qcow2', '1M', 'data_file=t.data,cluster_size=4k'), [
    'write -P 1 1000 100k', 'truncate 2M', 'write -P 2 1536k 8k', 'map', 'truncate 640k', 'map', 'read -P 1 1000 100k', 'length',
  ], { compareImages: ['t.qcow2', 't.data'] }),
  wcase('qcow2-datafile-unmap', '-d unmap: write -z -u and discard pass down to the data file', q2('t.qcow2', '1M', 'data_file=t.data', [io(['write -P 7 0 512k'])]), [
    'write -z -u 0 64k', 'discard 64k 128k', 'map', 'read -P 0 0 192k', 'read -P 7 192k 64k',
  ], { pre: ['-d', 'unmap'], compareImages: ['t.qcow2', 't.data'] }),
  // The BlockBackend's zero write keeps MAY_UNMAP under -d ignore (only a driver's zero write to
  // its child drops it), so the qcow2 cluster is freed; discard itself is ignored.
  wcase('qcow2-discard-ignore-unmap', '-d ignore: write -z -u still frees the cluster, discard does nothing', q2('t.qcow2', '1M', '', [io(['write -P 0x11 0 64k', 'write -P 0x33 960k 64k'])]), [
    'write -P 0x44 320k 64k', 'write -z -u 0 64k', 'discard 960k 64k', 'map', 'read -P 0 0 64k', 'read -P 0x33 960k 64k',
  ], { pre: ['-d', 'ignore'], compareImages: ['t.qcow2'] }),
  wcase('qcow2-datafile-extl2', 'extended L2 entries with an external data file (subcluster writes)', q2('t.qcow2', '1M', 'data_file=t.data,extended_l2=on'), [
    'write -P 1 1k 3k', 'write -P 2 64k 2k', 'write -z 66k 2k', 'read -P 1 1k 3k', 'read -P 0 0 1k', 'map',
  ], { compareImages: ['t.qcow2', 't.data'] }),
  {
    name: 'qcow2-datafile-backing',
    description: 'copy-on-write from a backing file into the data file',
    images: [{ name: 'b.raw', bytes: { size: 1048576, fill: 0x01 } }, q2('t.qcow2', '1M', 'data_file=t.data,backing_file=b.raw,backing_fmt=raw')],
    argv: ['-f', 'qcow2', ...c('read -P 1 0 64k', 'write -P 2 70k 1k', 'read -P 1 64k 6k', 'read -P 2 70k 1k', 'read -P 1 71k 57k', 'write -z 200k 64k', 'discard 320k 64k', 'map'), 't.qcow2'],
    compareImages: ['t.qcow2', 't.data'],
    checkImages: ['t.qcow2'],
  },
  wcase('qcow2-datafile-reopen', 'reopen -r / -w keeps the data file; open -o data-file.filename', q2('t.qcow2', '1M', 'data_file=t.data', [io(['write -P 7 0 200k'])]), [
    'reopen -r', 'read -P 7 0 4k', 'write 0 4k', 'reopen -w', 'write -P 8 0 4k', 'read -P 8 0 4k', 'close', 'open -o data-file.filename=t.data t.qcow2', 'read -P 7 4k 4k', 'info',
  ], { compareImages: ['t.qcow2', 't.data'] }),
  wcase('qcow2-datafile-write-compressed', 'write -c is not supported with an external data file', q2('t.qcow2', '1M', 'data_file=t.data'), ['write -c 0 64k', 'write -c -P 1 64k 64k', 'map'], {
    compareImages: ['t.qcow2', 't.data'],
  }),
  rcase('qcow2-datafile-missing', 'the data file named in the header does not exist', { ...q2('t.qcow2', '1M', 'data_file=t.data'), prepare: [{ qemuImg: ['amend', '-o', 'data_file=gone.data', 't.qcow2'] }] }, ['read 0 512']),
  {
    name: 'qcow2-datafile-option-on-plain-image',
    description: 'data-file options for an image without the external data file feature',
    images: [T, { name: 'x.raw', bytes: { size: 1048576, fill: 0 } }],
    argv: ['--image-opts', ...c('read 0 512'), 'driver=qcow2,file.filename=t.qcow2,data-file.filename=x.raw'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-datafile-option-missing-file',
    description: 'data-file.filename naming a file that does not exist',
    images: [q2('t.qcow2', '1M', 'data_file=t.data')],
    argv: ['--image-opts', ...c('read 0 512'), 'driver=qcow2,file.filename=t.qcow2,data-file.filename=nonexist'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-datafile-option-node-ref',
    description: 'data-file given as a node name that does not exist',
    images: [q2('t.qcow2', '1M', 'data_file=t.data')],
    argv: ['--image-opts', ...c('read 0 512'), 'driver=qcow2,file.filename=t.qcow2,data-file=x'],
    compareImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-datafile-option-override',
    description: 'data-file.driver=raw overrides the header: the image reads from another file',
    images: [q2('t.qcow2', '1M', 'data_file=t.data', [io(['write -P 7 0 64k'])]), { name: 'x.raw', bytes: { size: 1048576, fill: 0x22 } }],
    argv: ['--image-opts', ...c('read -P 0x22 0 64k', 'write -P 3 4k 4k', 'read -P 3 4k 4k', 'read -P 0 64k 4k', 'map', 'info'), 'driver=qcow2,file.filename=t.qcow2,data-file.driver=raw,data-file.file.filename=x.raw'],
    compareImages: ['t.qcow2', 't.data', 'x.raw'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-datafile-blkdebug-pwritev',
    description: 'blkdebug as the data-file child: inject-error on pwritev (the data write), once',
    images: [q2('t.qcow2', '1M', 'data_file=t.data')],
    files: { 'b.cfg': '[inject-error]\nevent = "pwritev"\nerrno = "28"\nonce = "on"\n' },
    argv: ['--image-opts', ...c('write -P 1 0 4k', 'write -P 1 0 4k', 'read -P 1 0 4k', 'map'), 'driver=qcow2,file.filename=t.qcow2,data-file.driver=blkdebug,data-file.config=b.cfg,data-file.image.filename=t.data'],
    compareImages: ['t.qcow2', 't.data'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-datafile-blkdebug-qcow2-events',
    description: 'qcow2 fires read_aio/write_aio on its image file, not on the data file: rules there never match',
    images: [q2('t.qcow2', '1M', 'data_file=t.data')],
    files: { 'b.cfg': '[inject-error]\nevent = "write_aio"\nerrno = "5"\n\n[inject-error]\nevent = "read_aio"\nerrno = "5"\n' },
    argv: ['--image-opts', ...c('write -P 1 0 4k', 'read -P 1 0 4k'), 'driver=qcow2,file.filename=t.qcow2,data-file.driver=blkdebug,data-file.config=b.cfg,data-file.image.filename=t.data'],
    compareImages: ['t.qcow2', 't.data'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-datafile-blkdebug-json-raw',
    description: "iotest 289's graph: raw -> blkdebug under the data file, write_aio EIO once aborts the allocation",
    images: [q2('t.qcow2', '64k', 'data_file=t.data')],
    files: { 'b.cfg': '[inject-error]\nevent = "write_aio"\nerrno = "5"\nonce = "on"\n' },
    argv: [
      ...c('write 0 64k', 'map', 'write -P 2 0 64k', 'read -P 2 0 64k'),
      'json:{"driver":"qcow2","file":{"driver":"file","filename":"t.qcow2"},"data-file":{"driver":"raw","file":{"driver":"blkdebug","config":"b.cfg","image":{"driver":"file","filename":"t.data"}}}}',
    ],
    compareImages: ['t.qcow2', 't.data'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'qcow2-datafile-blkdebug-read-error',
    description: 'read_aio EIO from raw over blkdebug under the data file',
    images: [q2('t.qcow2', '1M', 'data_file=t.data', [io(['write -P 5 0 64k'])])],
    files: { 'b.cfg': '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' },
    argv: [
      ...c('read -P 0 64k 4k', 'read -P 5 0 4k'),
      'json:{"driver":"qcow2","file":{"driver":"file","filename":"t.qcow2"},"data-file":{"driver":"raw","file":{"driver":"blkdebug","config":"b.cfg","image":{"driver":"file","filename":"t.data"}}}}',
    ],
    compareImages: ['t.qcow2', 't.data'],
  },
  wcase('qcow2-datafile-corrupt-compressed', 'a compressed L2 entry in an image with a data file marks it corrupt',
    { ...q2('t.qcow2', '1M', 'data_file=t.data', [io(['write -P 1 0 200k'])]), patch: [{ at: 0x40008, hex: '4000000000010000' }] },
    ['read -P 1 0 4k', 'read 64k 4k', 'read 0 4k'], { compareImages: ['t.qcow2', 't.data'] }),
  rcase('qcow2-datafile-corrupt-offset', 'a data cluster whose host offset is not its guest offset (read-only: reported, not marked)',
    { ...q2('t.qcow2', '1M', 'data_file=t.data', [io(['write -P 1 0 200k'])]), patch: [{ at: 0x40008, hex: '8000000000020000' }] },
    ['read -P 1 0 4k', 'read 64k 4k', 'map'], { pre: ['-r'] }),
  // ================================================================== persistent dirty bitmaps
  // b0 (enabled, 64k granularity) and b1 (disabled, 128k), added by the real qemu-img after
  // `write -P 1 0 64k` on a 1M image: header extension at 0x1f8 (data at 0x200), directory
  // at 0xa0000 (b0's entry, b1's at +32), b0's table at 0x80000, b1's at 0x90000.
  wcase('qcow2-bitmaps-rw-info', 'a read-write open marks the bitmaps in_use; writes, zero writes and discards go into the enabled one; close stores them',
    bm(), ['info', 'write -P 2 0 4k', 'write -z 128k 64k', 'discard 256k 128k', 'write -P 3 960k 64k', 'info']),
  rcase('qcow2-bitmaps-ro-info', 'a read-only open leaves the bitmaps as they are (no in_use)', bm(), ['info', 'read -P 1 0 4k'], { pre: ['-r'] }),
  wcase('qcow2-bitmaps-reopen', 'reopen -r stores the bitmaps (in_use cleared), reopen -w marks them in_use again',
    bm(), ['write 0 4k', 'reopen -r', 'info', 'reopen -w', 'info', 'write 512k 4k', 'info']),
  wcase('qcow2-bitmaps-truncate', 'truncate resizes the bitmaps: grown areas are clean, the tables follow the new size',
    bm(), ['write 0 4k', 'truncate 3M', 'write 2M 64k', 'truncate 512k', 'write 448k 64k', 'info']),
  wcase('qcow2-bitmaps-snapshot', '-s: the image is opened read-only under a temporary overlay, its bitmaps stay as they are',
    bm(), ['write 0 64k', 'info'], { pre: ['-s'] }),
  wcase('qcow2-bitmaps-in-use', 'a bitmap already in_use is inconsistent: kept as it is, and truncate is refused',
    { ...bm(), patch: [{ at: 0xa000c, hex: '00000003' }] }, ['info', 'write 0 4k', 'truncate 2M', 'info']),
  wcase('qcow2-bitmaps-stale', 'autoclear bit clear: the warning, and the read-write open drops the extension',
    { ...bm(), patch: [{ at: 0x5f, hex: '00' }] }, ['info', 'write 0 4k']),
  wcase('qcow2-bitmaps-all-ones', 'an unallocated bitmap table entry with bit 0 set reads as all ones and is stored as data',
    { ...bm(), patch: [{ at: 0x80000, hex: '0000000000000001' }] }, ['write 512k 4k']),
  wcase('qcow2-bitmaps-small-clusters', '512-byte clusters: one bitmap cluster covers 2M at 512-byte granularity, so the tables have several entries',
    q2('t.qcow2', '9M', 'cluster_size=512', [{ qemuImg: ['bitmap', '--add', '-g', '512', 't.qcow2', 'fine'] }, { qemuImg: ['bitmap', '--add', 't.qcow2', 'coarse'] }]),
    ['write 0 4k', 'write -P 7 3M 100k', 'write -z 5M 1k', 'discard 8M 512', 'write 9215k 1k', 'info']),
  ...[
    ['granularity', 'granularity bits 8', [{ at: 0xa0011, hex: '08' }]],
    ['type', 'bitmap type 2', [{ at: 0xa0010, hex: '02' }]],
    ['flags', 'a reserved flag', [{ at: 0xa000c, hex: '00000006' }]],
    ['extra-data', 'extra data in an entry', [{ at: 0xa0014, hex: '00000008' }]],
    ['more', 'more bitmaps than the extension says', [{ at: 0x200, hex: '00000001' }]],
    ['less', 'fewer bitmaps than the extension says', [{ at: 0x200, hex: '00000003' }]],
    ['zero', 'an extension with zero bitmaps', [{ at: 0x200, hex: '00000000' }]],
    ['reserved', 'the reserved field of the extension', [{ at: 0x204, hex: '00000001' }]],
    ['dir-offset', 'an unaligned directory offset', [{ at: 0x210, hex: '00000000000a0200' }]],
    ['dir-size', 'a directory larger than QEMU allows', [{ at: 0x208, hex: '0000000004000000' }]],
    ['dir-broken', 'a directory cut inside an entry', [{ at: 0x208, hex: '0000000000000030' }]],
    ['dir-zero', 'a directory of size zero', [{ at: 0x208, hex: '0000000000000000' }]],
    ['table-entry', 'a bitmap table entry with reserved bits', [{ at: 0x80000, hex: '0000000000000002' }]],
    ['table-size', 'a bitmap table of the wrong size for the disk', [{ at: 0xa0008, hex: '00000002' }]],
    ['table-offset', 'an unaligned bitmap table offset', [{ at: 0xa0000, hex: '0000000000080200' }]],
    ['ext-length', 'a bitmaps extension of the wrong length', [{ at: 0x1fc, hex: '00000020' }]],
  ].map(([what, description, patch]) =>
    wcase(`qcow2-bitmaps-corrupt-${what}`, `a bad bitmap directory fails the open: ${description}`, { ...bm(), patch }, ['read 0 4k'])),
  wcase('qcow2-bitmaps-corrupt-in-use-size', 'a bitmap table of size zero is refused even when the bitmap is in_use',
    { ...bm(), patch: [{ at: 0xa0008, hex: '00000000' }, { at: 0xa000c, hex: '00000003' }] }, ['read 0 4k']),
  rcase('qcow2-bitmaps-ro-reopen-w', 'opened read-only, then reopen -w: the bitmaps become writable and in_use',
    bm(), ['info', 'reopen -w', 'info', 'write -P 4 0 4k', 'info'], { pre: ['-r'] }),
  {
    name: 'qcow2-bitmaps-write-error',
    description: 'a write that fails (EIO from blkdebug under qcow2) still marks its range dirty, as QEMU does',
    images: [bm()],
    files: { 'b.cfg': '[inject-error]\nevent = "write_aio"\nerrno = "5"\nonce = "on"\n' },
    argv: ['-f', 'qcow2', ...c('write -P 2 256k 64k', 'write -P 2 512k 4k', 'info'), 'blkdebug:b.cfg:t.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  },
  wcase('qcow2-bitmaps-lazy-crash', 'lazy refcounts, killed while bitmaps were in_use: the repair at open counts the bitmap clusters, the in_use bitmap stays inconsistent',
    q2('t.qcow2', '1M', 'lazy_refcounts=on', [
      io(['write -P 1 0 64k']),
      { qemuImg: ['bitmap', '--add', 't.qcow2', 'b0'] },
      { qemuImg: ['bitmap', '--add', 't.qcow2', 'b1'] },
      { qemuIo: ['-f', 'qcow2', '-c', 'write -P 3 128k 64k', '-c', 'abort', 't.qcow2'], status: 134 },
      { qemuImg: ['bitmap', '--add', 't.qcow2', 'b2'] },
    ]),
    ['info', 'write -P 4 256k 4k', 'info']),
  wcase('qcow2-bitmaps-close-open', 'close stores the bitmaps, open loads them again (in_use)',
    bm(), ['write 0 4k', 'close', 'open -o driver=qcow2 t.qcow2', 'info', 'write 640k 4k', 'aio_write -P 9 768k 4k', 'aio_flush', 'info']),
  wcase('qcow2-bitmaps-compressed', 'a compressed write marks its cluster dirty',
    bm(), ['write -c -P 6 192k 64k', 'info'], { compareImages: [], compareData: ['t.qcow2'], checkLoose: true }),
  wcase('qcow2-bitmaps-reopen-twice', 'reopen -r twice, -w twice, then lazy refcounts on: every step as QEMU stores and marks',
    bm(), ['write 0 4k', 'reopen -r', 'reopen -r', 'info', 'reopen -w', 'reopen -w', 'reopen -o lazy-refcounts=on', 'write 64k 4k', 'info']),
  wcase('qcow2-bitmaps-no-write', 'a read-write open without writes still stores the bitmaps anew at close', bm(), ['read -P 1 0 4k']),
];

// bdrv_get_specific_info asks only the top node's driver: a filter or raw above qcow2 forwards the
// cluster size and vm state offset (bdrv_get_info) but prints no "Format specific information".
const specQ = (name, file) => ({
  name,
  images: [q2('t.qcow2', '1M')],
  argv: [...c('info', 'length'), `json:${JSON.stringify(file)}`],
});
const qFile = { driver: 'qcow2', file: { driver: 'file', filename: 't.qcow2' } };
qcow2Cases.push(
  { ...specQ('qcow2-info-below-blkdebug', { driver: 'blkdebug', image: qFile }), description: 'info on blkdebug above qcow2: no format specific block' },
  specQ('qcow2-info-below-raw', { driver: 'raw', file: qFile }),
  specQ('qcow2-info-below-blkverify', { driver: 'blkverify', test: qFile, raw: { driver: 'file', filename: 't.qcow2' } }),
  { name: 'qcow2-info-blkdebug-image-opts', images: [q2('t.qcow2', '1M')], argv: ['--image-opts', ...c('info'), 'driver=blkdebug,image.driver=qcow2,image.file.driver=file,image.file.filename=t.qcow2'] },
  { name: 'qcow2-info-probed-below-blkdebug', images: [q2('t.qcow2', '1M')], argv: [...c('info'), 'blkdebug::t.qcow2'] },
);
