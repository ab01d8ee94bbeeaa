// qemu-io compatibility cases for the blkverify driver (a raw reference copy and a test image;
// reads go to both and are compared). Same case shape as cases.mjs (which imports and appends
// these); every name starts with `blkverify-`, so `node scripts/gen-golden.mjs blkverify-`
// regenerates just these goldens and `IOTESTS_ONLY=blkverify- npx vitest run test/differential`
// runs just them.
//
// Forms used: `-f raw blkverify:RAW:TEST`, probed `blkverify:RAW:TEST`, `open -o driver=raw,
// file.driver=blkverify,file.raw.filename=RAW TEST`, `json:{...}`, `--image-opts ...`.
//
// Rules: no `write -z` (QEMU 7.2 asserts and dies with 134 there; we deliberately zero both
// children instead); no `mode=record` (our extension, QEMU rejects the option; see the unit
// tests); every case that writes compares the bytes of both the raw copy and the test image (and
// checks qcow2 test images); at most one aio request in flight, completed by `aio_flush`.
// A mismatch makes qemu-io exit(1) at once: the commands before it have printed (stdout is
// flushed by exit), the ones after it never run.

/** `c('read 0 512', 'write 0 1')` -> ['-c', 'read 0 512', '-c', 'write 0 1'] */
const c = (...cmds) => cmds.flatMap((cmd) => ['-c', cmd]);

const MiB = 1048576;

/** The raw reference copy: 1 MiB of i & 0xff, optionally with other bytes `at` offsets. */
const base = (at = undefined, name = 'base.raw') => ({ name, bytes: { size: MiB, seq: true, ...(at ? { at } : {}) } });
/** An empty (sparse) raw file. */
const empty = (name = 'base.raw', size = '1M') => ({ name, create: ['-f', 'raw', name, size] });

/**
 * A qcow2 test image holding what `from` holds (converted by the REAL qemu-img), then changed
 * by the given qemu-io commands (the planted differences).
 */
const q2of = (from = 'base.raw', cmds = [], name = 't.qcow2') => ({
  name,
  create: ['-f', 'qcow2', name, '1M'],
  prepare: [{ qemuImg: ['convert', '-f', 'raw', '-O', 'qcow2', from, name] }, ...(cmds.length ? [['-f', 'qcow2', ...c(...cmds), name]] : [])],
});
/** A fresh, empty qcow2 test image. */
const q2 = (name = 't.qcow2', size = '1M', opts = []) => ({ name, create: ['-f', 'qcow2', ...opts, name, size] });

const BV = 'blkverify:base.raw:t.qcow2';
/** `open -o` with blkverify below a raw format node (QEMU's 7.S form). */
const openO = (test = 't.qcow2', more = '') => `open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw${more} ${test}`;

/** A case on `-f raw blkverify:base.raw:TEST`. */
const bv = (name, description, images, cmds, extra = {}) => ({
  name,
  description,
  images,
  ...(extra.files ? { files: extra.files } : {}),
  argv: [...(extra.pre ?? []), '-f', 'raw', ...c(...cmds), extra.filename ?? BV],
  ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}),
  compareImages: extra.compareImages ?? images.map((i) => i.name),
  ...(extra.noCheck ? {} : qcowChecks(images)),
});

/** checkImages for the qcow2 images of a case. */
const qcowChecks = (images) => {
  const names = images.filter((i) => i.name.endsWith('.qcow2')).map((i) => i.name);
  return names.length ? { checkImages: names } : {};
};

const SBIS = ['read 0 512', 'write -P 42 0x38000 512', 'read -P 42 0x38000 512', 'writev -P 7 4k 512 512', 'readv -P 7 4k 512 512', 'discard 0 64k', 'flush', 'length', 'info', 'map'];

/** blkdebug config: fail every `event` request with errno (default EIO). */
const inject = (event, errno = undefined, extra = '') => `[inject-error]\nevent = "${event}"\n${errno ? `errno = "${errno}"\n` : ''}${extra}`;

export const blkverifyCases = [
  // ================================================================== reference 7.S-bis, every command block
  {
    name: 'blkverify-sbis-qcow2',
    description: 'reference 7.S-bis: read, write, writev/readv, discard (no-op), flush (silent), length, info, map on a fresh qcow2 test image',
    images: [empty('base.raw', '64M'), q2('t.qcow2', '64M')],
    argv: c(openO(), ...SBIS, 'alloc 0 64k', 'alloc 0x38000 512', 'alloc 0 64M'),
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'blkverify-sbis-raw-test',
    description: 'the 7.S-bis commands with a raw test image (probed as raw below blkverify)',
    images: [base(), base(undefined, 't.raw')],
    argv: c(openO('t.raw'), ...SBIS, 'alloc 0 64k', 'read -P 42 0x38000 512', 'read -v 4090 16'),
    compareImages: ['base.raw', 't.raw'],
  },
  bv('blkverify-rw-seq', 'reads and writes of every size/alignment on a converted qcow2 copy; both files get every write', [base(), q2of()], [
    'read -v 0 32',
    'read -v 1000 30',
    'read 0 1M',
    'read 1 1',
    'read 65535 2',
    'write -P 0xaa 100 1000',
    'read -P 0xaa 100 1000',
    'write -P 0xbb 65000 2000',
    'read -P 0xbb 65000 2000',
    'read -v 64990 20',
    'writev -P 0xcc 200k 1k 3 4k',
    'readv -P 0xcc 200k 1k 3 4k',
    'aio_write -P 0xdd 300k 8k',
    'aio_flush',
    'aio_read -P 0xdd 300k 8k',
    'aio_flush',
    'read 0 1M',
    'flush',
    'map',
    'alloc 0 1M',
  ]),
  bv('blkverify-ref-aio', 'reference 7.S block 4: write/read/aio_write/aio_flush/read', [empty(), q2()], ['write -P 1 0 4k', 'read -P 1 0 4k', 'aio_write -P 2 4k 4k', 'aio_flush', 'read -P 2 4k 4k']),
  bv('blkverify-length-info', 'length is the test image\'s; info comes from the raw copy; map/alloc all data', [empty('base.raw', '2M'), q2('t.qcow2', '1M')], ['length', 'info', 'map', 'alloc 0 1M', 'alloc 512k 4k', 'read 0 64k']),

  // ================================================================== contents mismatches
  bv('blkverify-mismatch-first-byte', 'reference 7.S block 2: the test image differs at the first byte of the read', [empty(), q2of('base.raw', ['write -P 1 4k 1'])], ['read 0 4k', 'read 4k 512']),
  {
    name: 'blkverify-mismatch-ref2',
    description: 'reference 7.S block 2 verbatim: read -P 42 through open -o',
    images: [empty(), { ...q2(), prepare: [['-f', 'qcow2', ...c('write -P 42 0 512'), 't.qcow2']] }],
    argv: c(openO(), 'read -P 42 0 512', 'read 0 512'),
    compareImages: ['base.raw', 't.qcow2'],
  },
  bv('blkverify-mismatch-at-0', 'first differing byte is the first byte of a multi-sector read', [base(), q2of('base.raw', ['write -P 0xee 0 1'])], ['read 512 4k', 'read 0 8k', 'read 0 512']),
  bv('blkverify-mismatch-mid', 'first differing byte in the middle of a 64k read (later differences ignored)', [base(), q2of('base.raw', ['write -P 0xee 30000 3', 'write -P 0xee 40000 100'])], ['read 0 29999', 'read 0 64k']),
  bv('blkverify-mismatch-last', 'first differing byte is the last byte of a multi-sector read', [base(), q2of('base.raw', ['write -P 0xee 8191 1'])], ['read 0 8191', 'read 8192 8k', 'read 0 8k']),
  bv('blkverify-mismatch-across-clusters', 'difference in the second cluster of a read spanning two qcow2 clusters', [base(), q2of('base.raw', ['write -P 0xee 65540 1'])], ['read 60k 8k']),
  {
    name: 'blkverify-mismatch-unaligned',
    description: 'reference 7.S block 3: unaligned read -v 990 30, difference at 1000 (request reaches blkverify unaligned)',
    images: [empty(), { ...q2(), prepare: [['-f', 'qcow2', ...c('write -P 42 1000 10'), 't.qcow2']] }],
    argv: ['-f', 'raw', ...c('read -v 990 10', 'read -v 1010 20', 'read -v 990 30'), BV],
    compareImages: ['base.raw', 't.qcow2'],
  },
  bv('blkverify-mismatch-outside', 'a difference just outside the request is not seen (no alignment to sectors)', [base(), q2of('base.raw', ['write -P 0xee 989 1', 'write -P 0xee 1020 1'])], ['read -v 990 30', 'read -v 1019 1', 'read 4k 4k']),
  bv('blkverify-mismatch-readv', 'contents mismatch in the second buffer of a readv', [base(), q2of('base.raw', ['write -P 0xee 5000 1'])], ['readv 4k 256 256', 'readv 4k 512 1k']),
  bv('blkverify-mismatch-raw-test', 'raw test image with a planted difference', [base(), base({ 2047: '00' }, 't.raw')], ['read -v 2040 4', 'read -v 2044 8'], { filename: 'blkverify:base.raw:t.raw' }),
  bv('blkverify-mismatch-healed', 'a write through blkverify overwrites the difference on both sides; then the read matches', [base(), q2of('base.raw', ['write -P 0xee 100 1'])], ['write -P 9 0 512', 'read -P 9 0 512', 'read 0 64k', 'read 0 64k']),

  // ================================================================== output ordering on exit(1)
  bv('blkverify-order-stdout', 'several commands print before the mismatch; the commands after it never run', [base(), q2of('base.raw', ['write -P 0xee 128k 1'])], [
    'read -v 0 16',
    'write -P 5 4k 512',
    'length',
    'info',
    'read 0 1k',
    'read 127k 4k',
    'read 0 512',
    'write -P 6 8k 512',
  ]),
  bv('blkverify-order-aio', 'aio_read of a differing range: the mismatch comes out at aio_flush, after the earlier output', [base(), q2of('base.raw', ['write -P 0xee 64k 1'])], [
    'read 0 512',
    'aio_read -v 0 16',
    'aio_flush',
    'aio_read 64k 512',
    'aio_flush',
    'read 0 512',
  ]),
  bv('blkverify-order-stdin', 'interactive: prompts and results before the mismatch are flushed', [base(), q2of('base.raw', ['write -P 0xee 4k 1'])], [], {
    stdin: 'read 0 512\nwrite -P 3 0 512\nread -P 3 0 512\nread 4k 512\nread 0 512\n',
  }),
  bv('blkverify-order-failed-before', 'a failed command before the mismatch (exit status stays 1)', [base(), q2of('base.raw', ['write -P 0xee 4k 1'])], ['read -P 9 0 512', 'read 2M 512', 'read 4k 512']),

  // ================================================================== return value mismatches
  {
    name: 'blkverify-retval-test-l2load',
    description: 'reference 7.S block 6: test = qcow2 over blkdebug failing l2_load: -5 != 0',
    images: [base(), q2of('base.raw', [], 't2.qcow2')],
    files: { 'c.conf': inject('l2_load') },
    argv: c(
      'open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw,file.test.driver=qcow2,file.test.file.driver=blkdebug,file.test.file.config=c.conf,file.test.file.image.filename=t2.qcow2',
      'length',
      'read 0 512',
      'read 0 512',
    ),
    compareImages: ['base.raw', 't2.qcow2'],
  },
  {
    name: 'blkverify-retval-test-l2load-unallocated',
    description: 'l2_load injection on an empty qcow2 test image: no L2 table to load, the read matches',
    images: [empty(), q2()],
    files: { 'c.conf': inject('l2_load') },
    argv: c(
      'open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw,file.test.driver=qcow2,file.test.file.driver=blkdebug,file.test.file.config=c.conf,file.test.file.image.filename=t.qcow2',
      'read 0 512',
      'map',
    ),
    compareImages: ['base.raw', 't.qcow2'],
  },
  {
    name: 'blkverify-retval-test-readaio',
    description: 'test = raw over blkdebug failing read_aio once with ENOSPC: -28 != 0, after a good write',
    images: [base(), base(undefined, 't.raw')],
    files: { 'c.conf': inject('read_aio', '28', 'once = "on"\n') },
    argv: c(
      'open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw,file.test.driver=raw,file.test.file.driver=blkdebug,file.test.file.config=c.conf,file.test.file.image.filename=t.raw',
      'write -P 1 0 512',
      'read -P 1 0 512',
    ),
    compareImages: ['base.raw', 't.raw'],
  },
  {
    name: 'blkverify-retval-raw-side',
    description: 'raw copy = raw format over blkdebug failing read_aio: 0 != -5',
    images: [base(), q2of()],
    files: { 'c.conf': inject('read_aio') },
    argv: c('open -o driver=raw,file.driver=blkverify,file.raw.driver=raw,file.raw.file.driver=blkdebug,file.raw.file.config=c.conf,file.raw.file.image.filename=base.raw t.qcow2', 'length', 'read 0 512', 'read 0 512'),
    compareImages: ['base.raw', 't.qcow2'],
  },
  {
    name: 'blkverify-retval-raw-no-event',
    description: 'raw copy = blkdebug directly below blkverify: nothing fires read_aio there, so nothing fails',
    images: [base(), q2of()],
    files: { 'c.conf': inject('read_aio') },
    argv: c('open -o driver=raw,file.driver=blkverify,file.raw.driver=blkdebug,file.raw.config=c.conf,file.raw.image.filename=base.raw t.qcow2', 'length', 'read 0 512', 'write -P 1 0 512', 'read -P 1 0 512'),
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'blkverify-retval-both-fail',
    description: 'both sides fail with the same errno: same return value, but QEMU compares the buffers anyway (the 0xab fill of qemu-io vs the untouched bounce buffer) and reports a contents mismatch',
    images: [base(), base(undefined, 't.raw')],
    files: { 'c.conf': inject('read_aio') },
    argv: c(
      'open -o driver=raw,file.driver=blkverify,file.raw.driver=raw,file.raw.file.driver=blkdebug,file.raw.file.config=c.conf,file.raw.file.image.filename=base.raw,file.test.driver=raw,file.test.file.driver=blkdebug,file.test.file.config=c.conf,file.test.file.image.filename=t.raw',
      'read 0 512',
      'write -P 4 0 512',
      'length',
    ),
    compareImages: ['base.raw', 't.raw'],
  },
  {
    name: 'blkverify-retval-write-test',
    description: 'write failing on the test side only: write return value mismatch -5 != 0',
    images: [base(), base(undefined, 't.raw')],
    files: { 'c.conf': inject('write_aio') },
    argv: c(
      'open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw,file.test.driver=raw,file.test.file.driver=blkdebug,file.test.file.config=c.conf,file.test.file.image.filename=t.raw',
      'read 0 512',
      'write -P 1 4k 4k',
      'read 0 512',
    ),
    compareImages: ['base.raw', 't.raw'],
  },
  {
    name: 'blkverify-retval-write-raw',
    description: 'write failing with ENOSPC on the raw side only: 0 != -28',
    images: [empty(), q2()],
    files: { 'c.conf': inject('write_aio', '28') },
    argv: c('open -o driver=raw,file.driver=blkverify,file.raw.driver=raw,file.raw.file.driver=blkdebug,file.raw.file.config=c.conf,file.raw.file.image.filename=base.raw t.qcow2', 'read 0 512', 'writev -P 1 0 512 512', 'read 0 512'),
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'blkverify-retval-flush-test',
    description: 'flush failing on the test side: only the test image is flushed, the failure is silent like in 7.N',
    images: [empty(), empty('t.raw')],
    files: { 'c.conf': inject('flush_to_disk') },
    argv: c('open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw,file.test.driver=raw,file.test.file.driver=blkdebug,file.test.file.config=c.conf,file.test.file.image.filename=t.raw', 'flush', 'write -P 1 0 512', 'read -P 1 0 512'),
    compareImages: ['base.raw', 't.raw'],
  },

  // ================================================================== backing files
  {
    name: 'blkverify-backing',
    description: 'qcow2 test image over a raw backing file holding the raw copy\'s data: read-through, COW, writes',
    images: [base(), base(undefined, 'b.raw'), { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    argv: ['-f', 'raw', ...c('read -v 0 16', 'read 0 1M', 'write -P 0xee 4k 4k', 'read -v 4090 12', 'read 0 1M', 'writev -P 3 100k 1000 24', 'read 0 1M', 'map', 'alloc 0 1M', 'info'), 'blkverify:base.raw:o.qcow2'],
    compareImages: ['base.raw', 'b.raw', 'o.qcow2'],
    checkImages: ['o.qcow2'],
  },
  {
    name: 'blkverify-backing-mismatch',
    description: 'the backing file differs from the raw copy: the mismatch is found through the overlay',
    images: [base(), base({ 300000: ' 00 00' }, 'b.raw'), { name: 'o.qcow2', create: ['-f', 'qcow2', '-b', 'b.raw', '-F', 'raw', 'o.qcow2'] }],
    argv: ['-f', 'raw', ...c('write -P 0xee 256k 4k', 'read 256k 4k', 'read 256k 64k'), 'blkverify:base.raw:o.qcow2'],
    compareImages: ['base.raw', 'b.raw', 'o.qcow2'],
    checkImages: ['o.qcow2'],
  },

  // ================================================================== filenames and open errors
  bv('blkverify-err-missing-test-part', 'reference 7.S block 5: blkverify:base.raw has no test part', [empty()], ['read 0 512'], { filename: 'blkverify:base.raw', noCheck: true }),
  bv('blkverify-err-empty-raw', 'blkverify::t.qcow2: empty raw path', [q2()], ['read 0 512'], { filename: 'blkverify::t.qcow2' }),
  bv('blkverify-err-no-raw', 'nonexistent raw copy on the command line', [q2()], ['read 0 512'], { filename: 'blkverify:nosuch.raw:t.qcow2' }),
  bv('blkverify-err-no-test', 'nonexistent test image on the command line', [empty()], ['read 0 512'], { filename: 'blkverify:base.raw:nosuch.qcow2' }),
  {
    name: 'blkverify-err-open-o',
    description: 'open -o errors: missing raw, missing test, nonexistent raw/test, then a good open',
    images: [empty(), q2()],
    argv: c(
      'open -o driver=raw,file.driver=blkverify,file.test.filename=t.qcow2',
      'read 0 512',
      'open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw',
      'open -o driver=raw,file.driver=blkverify,file.raw.filename=nosuch.raw t.qcow2',
      'open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw nosuch.qcow2',
      'open -o driver=raw,file.driver=blkverify,file.raw.filename=base.raw,file.test.filename=t.qcow2',
      'read 0 512',
      'info',
    ),
    compareImages: ['base.raw', 't.qcow2'],
  },

  // ================================================================== json: / --image-opts
  {
    name: 'blkverify-json',
    description: 'json: filename with raw and test children (test = qcow2 over file)',
    images: [base(), q2of('base.raw', ['write -P 0xee 512k 1'])],
    argv: [
      ...c('read -v 0 16', 'write -P 1 4k 4k', 'read -P 1 4k 4k', 'length', 'info', 'map', 'read 512k 512'),
      `json:${JSON.stringify({ driver: 'raw', file: { driver: 'blkverify', raw: { driver: 'file', filename: 'base.raw' }, test: { driver: 'qcow2', file: { driver: 'file', filename: 't.qcow2' } } } })}`,
    ],
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'blkverify-json-filenames',
    description: 'json: blkverify children given as bare filenames: refused (Must specify either driver or file)',
    images: [base(), base(undefined, 't.raw')],
    argv: [...c('read 0 64k', 'write -P 2 0 512', 'read -P 2 0 512', 'info'), `json:${JSON.stringify({ driver: 'raw', file: { driver: 'blkverify', raw: { filename: 'base.raw' }, test: { filename: 't.raw' } } })}`],
    compareImages: ['base.raw', 't.raw'],
  },
  {
    name: 'blkverify-image-opts',
    description: '--image-opts with raw over blkverify, test = qcow2 over file',
    images: [base(), q2of('base.raw', ['write -P 0xee 900k 2'])],
    argv: ['--image-opts', ...c('read 0 64k', 'writev -P 3 8k 4k 4k', 'readv -P 3 8k 8k', 'length', 'info', 'read 896k 8k'), 'driver=raw,file.driver=blkverify,file.raw.filename=base.raw,file.test.driver=qcow2,file.test.file.filename=t.qcow2'],
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'blkverify-image-opts-test-filename',
    description: '--image-opts with a bare file.test.filename: refused (Must specify either driver or file)',
    images: [base(), q2of()],
    argv: ['--image-opts', ...c('read 0 64k'), 'driver=raw,file.driver=blkverify,file.raw.filename=base.raw,file.test.filename=t.qcow2'],
    compareImages: ['base.raw', 't.qcow2'],
  },
  {
    name: 'blkverify-image-opts-root',
    description: '--image-opts with blkverify itself as the root node',
    images: [base(), q2of()],
    argv: ['--image-opts', ...c('read 0 4k', 'write -P 4 0 4k', 'read -P 4 0 4k', 'length', 'info', 'map', 'alloc 0 1M', 'discard 0 4k', 'read -P 4 0 4k'), 'driver=blkverify,raw.filename=base.raw,test.driver=qcow2,test.file.filename=t.qcow2'],
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'blkverify-image-opts-x',
    description: '--image-opts with the x-raw / x-image options the filename parser sets',
    images: [base(), base(undefined, 't.raw')],
    argv: ['--image-opts', ...c('read 0 4k', 'write -P 4 0 4k', 'read -P 4 0 4k'), 'driver=raw,file.driver=blkverify,file.x-raw=base.raw,file.x-image=t.raw'],
    compareImages: ['base.raw', 't.raw'],
  },

  // ================================================================== read-only, truncate, unsupported requests
  bv('blkverify-readonly', '-r: writes fail, reads are still compared', [base(), q2of('base.raw', ['write -P 0xee 8k 1'])], ['read 0 4k', 'write -P 1 0 512', 'writev -P 1 0 512', 'discard 0 4k', 'truncate 512k', 'flush', 'read 4k 8k'], { pre: ['-r'] }),
  {
    name: 'blkverify-truncate',
    description: 'reference 7.S block 7: truncate only affects the raw copy; length stays the test size',
    images: [empty('base.raw', '64M'), q2('t.qcow2', '64M')],
    argv: c(openO(), 'truncate 32M', 'length', 'info'),
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
  bv('blkverify-truncate-then-io', 'after truncating the raw copy: reads beyond its end, writes that grow it again', [base(), q2of()], [
    'truncate 512k',
    'length',
    'read 500k 12k',
    'read 0 512k',
    'write -P 7 768k 4k',
    'read -P 7 768k 4k',
    'truncate 2M',
    'length',
    'read 0 64k',
    'read 1020k 4k',
  ]),
  bv('blkverify-unsupported', 'write -b / read -b / write -c fail with Operation not supported', [base(), q2of()], ['write -b 0 512', 'read -b 0 512', 'write -c 0 64k', 'write -b -P 1 0 64k', 'read 0 64k']),
  bv('blkverify-unsupported-raw-test', 'write -c with a raw test image; discard and flush succeed', [base(), base(undefined, 't.raw')], ['write -c 0 64k', 'read -b 0 512', 'discard 0 1M', 'flush', 'read 0 1M'], { filename: 'blkverify:base.raw:t.raw' }),

  // ================================================================== format probing
  {
    name: 'blkverify-probed',
    description: 'no -f: the format over blkverify is probed as raw (WARNING, block 0 restricted)',
    images: [base(), q2of()],
    argv: [...c('read 0 512', 'write -P 0 0 512', 'write -P 1 512 512', 'read -P 1 512 512', 'info'), BV],
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
  {
    name: 'blkverify-probed-qcow2-header',
    description: 'probed raw over blkverify: writing a qcow2 header to block 0 is refused',
    images: [empty(), empty('t.raw')],
    files: { 'hdr.bin': { size: 512, at: { 0: '514649fb00000003' } } },
    argv: [...c('write -s hdr.bin 0 512', 'write -s hdr.bin 4k 512', 'read -v 4k 8'), 'blkverify:base.raw:t.raw'],
    compareImages: ['base.raw', 't.raw'],
  },
  bv('blkverify-format-raw', '-f raw: no warning, block 0 writable', [base(), q2of()], ['write -P 0 0 512', 'read -P 0 0 512', 'info']),
  {
    name: 'blkverify-f-blkverify',
    description: '-f blkverify with a blkverify: filename (blkverify as the root node)',
    images: [base(), q2of()],
    argv: ['-f', 'blkverify', ...c('read 0 4k', 'write -P 5 4k 4k', 'read -P 5 4k 4k', 'info', 'length'), BV],
    compareImages: ['base.raw', 't.qcow2'],
    checkImages: ['t.qcow2'],
  },
];
