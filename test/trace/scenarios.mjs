// Event-trace scenarios (see driver.mjs). Each scenario runs its sessions one after the other in
// one fresh scratch directory (images as in test/iotests/cases.mjs, including `prepare`, which the
// REAL qemu-io runs). A session is { args, setup?: [untraced commands], ops: [aio_* commands] }.
// The goldens (test/trace/golden/<name>.json) come from the REAL qemu-io 7.2 (scripts/gen-traces.mjs).
//
// Rules: only aio_* operations (a synchronous command hitting a breakpoint hangs qemu-io);
// one operation at a time; only requests whose event order does not depend on I/O timing (no
// request that qcow2 splits into parallel tasks).

const raw = (name = 'd.raw', size = '1M') => ({ name, create: ['-f', 'raw', name, size] });
const q2 = (name, size, opts = '', prepare = undefined) => ({ name, create: ['-f', 'qcow2', ...(opts ? ['-o', opts] : []), name, size], ...(prepare ? { prepare } : {}) });
const io = (file, ...cmds) => ['-f', 'qcow2', ...cmds.flatMap((cmd) => ['-c', cmd]), file];

const QCOW2_64K_OPS = ['aio_write 0 4k', 'aio_write 0 4k', 'aio_read 0 4k', 'aio_write 1M 4k', 'aio_read 2M 4k', 'aio_write 64k 64k', 'aio_write -z 128k 64k', 'aio_write -z 0 4k'];

export const scenarios = [
  // ------------------------------------------------------------------ reference 7.TR: raw
  {
    name: 'raw-writethrough',
    description: 'raw format over blkdebug, qemu-io default cache (writethrough)',
    images: [raw()],
    sessions: [{ args: ['-f', 'raw', 'blkdebug::d.raw'], ops: ['aio_write 0 4k', 'aio_read 0 4k', 'aio_write -z 0 4k'] }],
  },
  {
    name: 'raw-writeback',
    description: 'raw format over blkdebug, -t writeback',
    images: [raw()],
    sessions: [{ args: ['-t', 'writeback', '-f', 'raw', 'blkdebug::d.raw'], ops: ['aio_write 0 4k', 'aio_write -z 0 4k', 'aio_read 512 512'] }],
  },
  {
    name: 'raw-align-rmw',
    description: 'raw over blkdebug with file.align=4k: unaligned writes do read-modify-write',
    images: [raw()],
    sessions: [{ args: [], setup: ['open -t writeback -o driver=raw,file.align=4k blkdebug::d.raw'], ops: ['aio_write 512 512', 'aio_write 4096 5000', 'aio_write 0 8k', 'aio_read 100 100'] }],
  },
  {
    name: 'raw-fua',
    description: 'raw over blkdebug, writeback, aio_write -f (FUA)',
    images: [raw()],
    sessions: [{ args: ['-t', 'writeback', '-f', 'raw', 'blkdebug::d.raw'], ops: ['aio_write -f 0 4k', 'aio_write -z -f 4k 4k'] }],
  },

  // ------------------------------------------------------------------ reference 7.TR: qcow2
  {
    name: 'qcow2-64k-writethrough',
    description: 'fresh 64M qcow2 (64k clusters) over blkdebug, writethrough; then reopened (l2_load)',
    images: [q2('t.qcow2', '64M')],
    sessions: [
      { args: ['-f', 'qcow2', 'blkdebug::t.qcow2'], ops: QCOW2_64K_OPS },
      { args: ['-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_read 0 4k', 'aio_read 1M 4k', 'aio_read 128k 4k', 'aio_read 4M 4k'] },
    ],
  },
  {
    name: 'qcow2-64k-writeback',
    description: 'fresh 64M qcow2 over blkdebug, -t writeback (no flush after each write)',
    images: [q2('t.qcow2', '64M')],
    sessions: [{ args: ['-t', 'writeback', '-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_write 0 4k', 'aio_write 0 4k', 'aio_write 1M 4k', 'aio_write 64k 64k', 'aio_write -z 128k 64k', 'aio_write -z -u 64k 64k', 'aio_write -z 4k 4k', 'aio_read 64k 4k'] }],
  },
  {
    name: 'qcow2-backing-cow',
    description: 'overlay over a raw backing file, writeback: read-through and partial-cluster COW',
    images: [{ name: 'b.raw', bytes: { size: 1048576, seq: true } }, { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    sessions: [{ args: ['-t', 'writeback', '-f', 'qcow2', 'blkdebug::o.qcow2'], ops: ['aio_read 0 4k', 'aio_write 4k 4k', 'aio_read 64k 4k', 'aio_read 0 4k', 'aio_write -z 128k 4k', 'aio_write -z 192k 64k'] }],
  },
  {
    name: 'qcow2-1k-026',
    description: '026-style image (1k clusters, 1G), writethrough: write 0 128k, then overwrite, read, write -z',
    images: [q2('c.qcow2', '1G', 'cluster_size=1024')],
    sessions: [{ args: ['-f', 'qcow2', 'blkdebug::c.qcow2'], ops: ['aio_write 0 128k', 'aio_write 0 4k', 'aio_read 0 4k', 'aio_write -z 64k 64k'] }],
  },

  {
    name: 'blkdebug-above-qcow2',
    description: 'blkdebug ABOVE the qcow2 node (7.U stack): only the generic-layer events of the blkdebug node itself',
    images: [q2('c.qcow2', '1G', 'cluster_size=1024')],
    sessions: [{ args: ['--image-opts', 'driver=blkdebug,image.driver=qcow2,image.file.filename=c.qcow2'], ops: ['aio_write 0 128k', 'aio_write 0 4k', 'aio_read 0 4k', 'aio_write -z 64k 64k'] }],
  },

  // ------------------------------------------------------------------ more qcow2 paths
  {
    name: 'qcow2-partial-cluster-zero-cow',
    description: 'partial-cluster writes on a fresh image (cluster_alloc_space zero-fills the rest)',
    images: [q2('t.qcow2', '1M')],
    sessions: [{ args: ['-t', 'writeback', '-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_write 1000 100', 'aio_write 65535 2', 'aio_write 60k 4k', 'aio_write 192k 64k'] }],
  },
  {
    name: 'qcow2-compressed-read',
    description: 'reads of a compressed cluster written by real qemu-io (aio_write has no -c)',
    images: [q2('t.qcow2', '1M', '', [io('t.qcow2', 'write -c -P 5 0 64k', 'write -P 6 64k 64k')])],
    sessions: [{ args: ['-t', 'writeback', '-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_read 0 4k', 'aio_read 64k 4k', 'aio_write 4k 4k', 'aio_read 0 4k'] }],
  },
  {
    name: 'qcow2-after-discard',
    description: 'an image discarded by real qemu-io (discard is synchronous: not traceable): reads and re-allocation',
    images: [q2('t.qcow2', '1M', '', [io('t.qcow2', 'write -P 1 0 256k', 'discard 64k 64k', 'write -z 128k 64k')])],
    sessions: [{ args: ['-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_read 0 4k', 'aio_read 64k 4k', 'aio_read 128k 4k', 'aio_write 64k 4k', 'aio_write 128k 4k'] }],
  },
  {
    name: 'qcow2-backing-qcow2',
    description: 'qcow2 over qcow2 backing (data in the backing file), writethrough',
    images: [q2('b.qcow2', '1M', '', [io('b.qcow2', 'write -P 1 0 256k')]), { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.qcow2', '-F', 'qcow2', 'o.qcow2'] }],
    sessions: [{ args: ['-f', 'qcow2', 'blkdebug::o.qcow2'], ops: ['aio_read 0 4k', 'aio_read 512k 4k', 'aio_write 4k 4k', 'aio_write 64k 64k', 'aio_write 512k 4k'] }],
  },
  {
    name: 'qcow2-v2-write-z',
    description: 'compat=0.10 (no zero flag): write -z on allocated and unallocated clusters',
    images: [q2('t.qcow2', '1M', 'compat=0.10', [io('t.qcow2', 'write -P 1 0 128k')])],
    sessions: [{ args: ['-t', 'writeback', '-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_write -z 0 64k', 'aio_write -z 256k 64k', 'aio_write -z 64k 4k', 'aio_read 0 4k'] }],
  },
  {
    name: 'qcow2-refblock-alloc',
    description: '512 B clusters: a write that needs a second refcount block (refblock_alloc_hookup/_write)',
    images: [q2('t.qcow2', '1M', 'cluster_size=512', [io('t.qcow2', 'write -P 1 0 124k')])],
    sessions: [{ args: ['-t', 'writeback', '-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_write 124k 512', 'aio_write 128k 2k', 'aio_write 130k 2k', 'aio_write 200k 512'] }],
  },
  {
    name: 'qcow2-l2-cache-eviction',
    description: 'a 1 KiB L2 cache (one slice) with 1k clusters: reads alternate between two L2 tables',
    images: [q2('t.qcow2', '1M', 'cluster_size=1024', [io('t.qcow2', 'write -P 1 0 4k', 'write -P 2 512k 4k')])],
    sessions: [{ args: [], setup: ['open -t writeback -o driver=qcow2,l2-cache-size=1k,file.driver=blkdebug,file.image.filename=t.qcow2'], ops: ['aio_read 0 1k', 'aio_read 512k 1k', 'aio_read 0 1k', 'aio_write 1k 1k', 'aio_read 512k 1k'] }],
  },
  {
    name: 'qcow2-snapshot-cow',
    description: 'writes after `qemu-img snapshot -c`: shared L2 table (l2_alloc_cow_read) and shared data clusters are copied',
    images: [q2('t.qcow2', '1M', '', [io('t.qcow2', 'write -P 1 0 128k'), { qemuImg: ['snapshot', '-c', 's1', 't.qcow2'] }])],
    sessions: [{ args: ['-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_write 4k 4k', 'aio_write 64k 64k', 'aio_write 8k 4k', 'aio_read 0 4k'] }],
  },
  {
    name: 'qcow2-fua',
    description: 'qcow2 writeback, aio_write -f (FUA) on a new and an allocated cluster',
    images: [q2('t.qcow2', '1M')],
    sessions: [{ args: ['-t', 'writeback', '-f', 'qcow2', 'blkdebug::t.qcow2'], ops: ['aio_write -f 0 4k', 'aio_write -f 0 4k'] }],
  },
];
