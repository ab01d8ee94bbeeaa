// qemu-io compatibility cases for hostile (corrupt or malicious) qcow2 images. Same case shape as
// cases.mjs (which imports and appends these); every name starts with `qcow2-corrupt-`, so
// `node scripts/gen-golden.mjs qcow2-corrupt-` regenerates just these goldens and
// `IOTESTS_ONLY=qcow2-corrupt- npx vitest run test/differential` runs just them.
//
// Each image is made by the REAL tools, then damaged:
//   { name, create: [qemu-img create args],
//     prepare: [[qemu-io argv...]]   each one a full qemu-io command line (image name included)
//                                    run by the real qemu-io in the scratch dir (harness.mjs
//                                    prepareImage: after every image is created, in image order),
//     patch: [{ at: offset, hex: 'bytes' }]  then these bytes are written over the file. }
// No case writes to a host offset of 2^44 or more: whether that fails ("File too large") depends
// on the scratch filesystem (ext4 refuses, tmpfs makes a sparse file), so it is the image
// fuzzer's job (test/fuzz/qcow2-image.fuzz.test.ts compares on one filesystem). Backing loops
// opened with -r are not cases either: qemu-io 7.2 recurses until it runs out of file
// descriptors (minutes, gigabytes).
//
// Layout of the base image `qemu-img create -f qcow2 d.qcow2 1M` (64 KiB clusters, v3, 16-bit
// refcounts) after `write -P 0x11 0 64k` (checked with xxd):
//   0x00000 header (header_length 0x70, then the feature-table extension at 0x70; its 48-byte
//           entries start at 0x78: incompat bits 0..4, compat bit 0, autoclear bits 0..1)
//   0x10000 refcount table (one entry: 0x20000)
//   0x20000 refcount block (clusters 0..5 have refcount 1)
//   0x30000 L1 table (l1_size 1; entry 0 = 0x8000000000040000)
//   0x40000 L2 table (entry 0 = 0x8000000000050000)
//   0x50000 data cluster of guest cluster 0 (0x11 bytes)
// v2 images (compat=0.10) have the same layout, header_length 72 and no extensions.
//
// Header fields (big-endian): 0 magic, 4 version, 8 backing_file_offset (8), 16 backing_file_size,
// 20 cluster_bits, 24 size (8), 32 crypt_method, 36 l1_size, 40 l1_table_offset (8),
// 48 refcount_table_offset (8), 56 refcount_table_clusters, 60 nb_snapshots, 64 snapshots_offset (8),
// 72 incompatible_features (8), 80 compatible_features (8), 88 autoclear_features (8),
// 96 refcount_order, 100 header_length, 104 compression_type.
//
// Every case was run through the real qemu-io 7.2 twice (same output both times) and its
// transcript read against what QEMU 7.2's block/qcow2*.c says for that input.

/** `c('read 0 512', 'write 0 1')` -> ['-c', 'read 0 512', '-c', 'write 0 1'] */
const c = (...cmds) => cmds.flatMap((cmd) => ['-c', cmd]);

/** A big-endian 32-bit patch. */
const u32 = (at, v) => ({ at, hex: (v >>> 0).toString(16).padStart(8, '0') });
/** A big-endian 64-bit patch (v: number or bigint). */
const u64 = (at, v) => ({ at, hex: BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0') });
/** A raw-bytes patch of latin1 text (NUL padded to `len` when given). */
const text = (at, s, len = s.length) => ({ at, hex: Buffer.from(s.padEnd(len, '\0'), 'latin1').toString('hex') });

const COPIED = 1n << 63n;
const COMPRESSED = 1n << 62n;

const L1 = 0x30000;
const L2 = 0x40000;
const REFTABLE = 0x10000;
const REFBLOCK = 0x20000;

/** qemu-img create args of the base image. */
const create = (name, { size = '1M', compat, cluster, refbits, backing } = {}) => {
  const o = [];
  if (compat) o.push(`compat=${compat}`);
  if (cluster) o.push(`cluster_size=${cluster}`);
  if (refbits) o.push(`refcount_bits=${refbits}`);
  return ['-f', 'qcow2', ...(o.length ? ['-o', o.join(',')] : []), ...(backing ? ['-u', '-b', backing, '-F', 'qcow2'] : []), name, size];
};

/** The base image d.qcow2 (guest cluster 0 written with 0x11), damaged by `patch`. */
const img = (patch, opts = {}) => ({
  name: opts.name ?? 'd.qcow2',
  create: create(opts.name ?? 'd.qcow2', opts),
  prepare: opts.prepare ?? [['-f', 'qcow2', ...c('write -P 0x11 0 64k'), opts.name ?? 'd.qcow2']],
  patch,
});

/** A case on `-f qcow2 [extra] -c ... d.qcow2`. */
const qc = (name, description, patch, cmds, { opts = {}, pre = [], compare = true } = {}) => ({
  name: `qcow2-corrupt-${name}`,
  description,
  images: [img(patch, opts)],
  argv: [...pre, '-f', 'qcow2', ...c(...cmds), 'd.qcow2'],
  ...(compare ? { compareImages: ['d.qcow2'] } : {}),
});

const READ = ['read -P 0x11 0 4k'];
/** Guest cluster 0 = 0x11, snapshot `snap1`, then guest cluster 0 = 0x22 (COW: refcounts 2, no COPIED). */
// The snapshot table lands at 0x80000; its one entry's date (+16: seconds, nanoseconds) is zeroed
// so both sides of a comparison start from the same bytes.
const SNAP_TABLE = 0x80000;
const SNAP_DATE = { at: SNAP_TABLE + 16, hex: '0000000000000000' };
const SNAP_PREPARE = [['-f', 'qcow2', ...c('write -P 0x11 0 128k'), 'd.qcow2'], { qemuImg: ['snapshot', '-c', 'snap1', 'd.qcow2'] }, ['-f', 'qcow2', ...c('write -P 0x22 0 4k'), 'd.qcow2']];
const READ_INFO = ['read -P 0x11 0 4k', 'map', 'info'];

export const qcow2CorruptCases = [
  // ------------------------------------------------------------------ header: magic, version
  qc('bad-magic', 'magic QFI\\xfa with -f qcow2: not a qcow2 image', [u32(0, 0x514649fa)], READ),
  {
    name: 'qcow2-corrupt-bad-magic-probed',
    description: 'magic QFI\\xfa without -f: probing guesses raw (warning) and reads the raw bytes',
    images: [img([u32(0, 0x514649fa)])],
    argv: [...c('read -v 0 16'), 'd.qcow2'],
    compareImages: ['d.qcow2'],
  },
  qc('version-1', 'version 1 (qcow, not qcow2 with -f qcow2)', [u32(4, 1)], READ),
  qc('version-4', 'version 4', [u32(4, 4)], READ),
  qc('version-huge', 'version 0xffffffff', [u32(4, 0xffffffff)], READ),
  // ------------------------------------------------------------------ cluster size
  qc('cluster-bits-8', 'cluster_bits 8 (256 B, below the minimum of 512 B)', [u32(20, 8)], READ),
  qc('cluster-bits-22', 'cluster_bits 22 (4 MiB, above the maximum of 2 MiB)', [u32(20, 22)], READ),
  qc('cluster-bits-huge', 'cluster_bits 0xffffffff', [u32(20, 0xffffffff)], READ),
  // ------------------------------------------------------------------ header length / extensions
  qc('header-too-short', 'v3 header_length 100 (< 104)', [u32(100, 100)], READ),
  qc('header-exceeds-cluster', 'header_length 0x20000 with 64 KiB clusters', [u32(100, 0x20000)], READ),
  qc('ext-length-beyond-cluster', 'feature table extension claiming 0x100000 bytes', [u32(0x74, 0x100000)], READ),
  qc('ext-unknown-type', 'an unknown header extension type instead of the feature table is ignored', [u32(0x70, 0x12345678)], READ_INFO),
  qc('backing-offset-beyond-cluster', 'backing_file_offset 0x20000 > cluster size', [u64(8, 0x20000), u32(16, 4)], READ),
  qc('backing-name-too-long', 'backing_file_size 1024 (> 1023)', [u64(8, 0x200), u32(16, 1024)], READ),
  // ------------------------------------------------------------------ feature bits
  qc('incompat-unknown-bit', 'incompatible bit 5, which the feature table does not name', [u64(72, 0x20)], READ),
  qc('incompat-unknown-bits-named', 'incompatible bits 5 and 40; the feature table names bit 5 (rewritten extended-L2 entry)', [u64(72, (1n << 40n) | 0x20n), { at: 0x139, hex: '05' }, text(0x13a, 'shiny new feature', 46)], READ),
  qc('incompat-unknown-no-table', 'incompatible bit 63 in an image whose feature table was replaced by an unknown extension', [u64(72, 1n << 63n), u32(0x70, 0x12345678)], READ),
  qc('compat-unknown-bit', 'unknown compatible bits are ignored', [u64(80, 0xfffe)], READ_INFO),
  qc('autoclear-unknown-bit', 'unknown autoclear bits are cleared on a read/write open', [u64(88, 0xfc)], READ_INFO),
  qc('autoclear-unknown-bit-ro', 'unknown autoclear bits stay with -r', [u64(88, 0xfc)], READ_INFO, { pre: ['-r'] }),
  qc('corrupt-bit-rw', 'the corrupt bit set, opened read/write', [u64(72, 2)], READ),
  qc('corrupt-bit-ro', 'the corrupt bit set, opened with -r: reads work, info says corrupt: true', [u64(72, 2)], READ_INFO, { pre: ['-r'] }),
  qc('corrupt-bit-ro-write', 'the corrupt bit set, -r, then a write', [u64(72, 2)], ['write -P 0x22 0 4k', 'read -P 0x11 0 4k'], { pre: ['-r'] }),
  qc('dirty-bit-rw', 'the dirty bit set without lazy refcounts, opened read/write (repaired at open)', [u64(72, 1)], READ_INFO),
  qc('dirty-bit-rw-repair', 'the dirty bit set and the data cluster with refcount 2: the read/write open repairs it and says so', [u64(72, 1), { at: REFBLOCK + 10, hex: '0002' }], READ_INFO),
  // Not a case: the dirty bit with an unaligned L1 entry. QEMU's repair at open then reads the data
  // cluster as an L2 table and "repairs" 0x1111111111111111 entries (some 130 lines): a QEMU quirk.
  qc('dirty-bit-ro', 'the dirty bit set, opened with -r', [u64(72, 1)], READ_INFO, { pre: ['-r'] }),
  qc('data-file-bit-no-ext', 'the external-data-file bit without a data-file extension', [u64(72, 4)], READ),
  qc('refcount-order-7', 'refcount_order 7 (128-bit refcounts)', [u32(96, 7)], READ),
  qc('compression-type-unknown', 'compression type 5 with the compression-type bit set', [u64(72, 8), { at: 104, hex: '05' }], READ),
  qc('compression-type-no-bit', 'compression type 1 (zstd) without the compression-type bit', [{ at: 104, hex: '01' }], READ),
  qc('crypt-method-3', 'crypt_method 3', [u32(32, 3)], READ),
  qc('crypt-method-minus-1', 'crypt_method 0xffffffff (printed as a signed int)', [u32(32, 0xffffffff)], READ),
  qc('crypt-method-aes', 'crypt_method 1 (AES) without a key secret', [u32(32, 1)], READ),
  qc('crypt-method-luks-no-header', 'crypt_method 2 (LUKS) without a crypto header extension', [u32(32, 2)], READ),
  qc('crypto-ext-without-luks', 'a crypto header extension (the feature table retyped) in an unencrypted image', [u32(0x70, 0x0537be77)], READ),
  qc('bitmaps-ext-bad-length', 'a bitmaps extension (the feature table retyped) with a length that is not 24', [u32(0x70, 0x23852875)], READ),
  qc('autoclear-data-file-raw', 'autoclear bit 1 (data-file-raw) without an external data file', [u64(88, 2)], READ),
  qc('autoclear-data-file-raw-ro', 'autoclear bit 1 (data-file-raw) without an external data file, -r', [u64(88, 2)], READ, { pre: ['-r'] }),
  // Which check comes first when several fields are bad (QEMU's qcow2_do_open order).
  qc('order-snapshots-vs-crypt', 'nb_snapshots 65537 and crypt_method 3', [u32(60, 65537), u32(32, 3)], READ),
  qc('order-l1-vs-crypt', 'l1_size 0x2000000 and crypt_method 2', [u32(36, 0x2000000), u32(32, 2)], READ),
  qc('order-refcount-order-vs-extl2', 'refcount_order 7 and the extended-L2 bit', [u32(96, 7), u64(72, 16)], READ),
  qc('order-cluster-bits-vs-version', 'version 4 and cluster_bits 30', [u32(4, 4), u32(20, 30)], READ),
  qc('order-header-length-vs-refcount-order', 'header_length 100 and refcount_order 7', [u32(100, 100), u32(96, 7)], READ),
  qc('size-max', 'virtual size 2^64-1', [u64(24, (1n << 64n) - 1n)], READ),
  qc('size-2p63-minus-1', 'virtual size 2^63-1', [u64(24, (1n << 63n) - 1n)], READ),
  // ------------------------------------------------------------------ L1 table
  qc('l1-too-large', 'l1_size 0x2000000 (over QCOW_MAX_L1_SIZE)', [u32(36, 0x2000000)], READ),
  qc('l1-too-small', 'a 16 GiB virtual size with l1_size 1', [u64(24, 16n << 30n)], READ),
  qc('l1-size-zero', 'l1_size 0 for a 1 MiB image', [u32(36, 0)], READ),
  qc('l1-unaligned', 'l1_table_offset 0x30200 (not cluster aligned)', [u64(40, 0x30200)], READ),
  qc('l1-in-header', 'l1_table_offset 0: the header bytes are the L1 table', [u64(40, 0)], READ_INFO),
  qc('l1-beyond-eof', 'l1_table_offset 0x1000000, far beyond the end of the file', [u64(40, 0x1000000)], READ_INFO),
  qc('l1-offset-huge', 'l1_table_offset 2^62', [u64(40, 1n << 62n)], READ),
  qc('l1-entry-unaligned', 'L1 entry 0 = 0x40200 (unaligned L2 offset), read', [u64(L1, COPIED | 0x40200n)], READ),
  qc('l1-entry-unaligned-ro', 'L1 entry 0 = 0x40200 (unaligned L2 offset), read with -r', [u64(L1, COPIED | 0x40200n)], READ, { pre: ['-r'] }),
  qc('l1-entry-reserved-bits', 'L1 entry with reserved bits 1..8 set', [u64(L1, COPIED | 0x40000n | 0x1fen)], READ),
  qc('l1-entry-beyond-eof', 'L1 entry 0 -> L2 at 0x1000000 (beyond EOF: reads as zeros)', [u64(L1, COPIED | 0x1000000n)], ['read -P 0 0 4k', 'map']),
  // ------------------------------------------------------------------ L2 entries
  qc('l2-offset-zero-copied', 'L2 entry 0 = COPIED with host offset 0: unallocated (reads zeros), a write allocates', [u64(L2, COPIED)], ['read -v 0 16', 'write -P 0x22 0 4k', 'read -P 0x22 0 4k', 'map']),
  qc('refcount-header-zero-write', 'cluster 0 (the header) has refcount 0: the next allocation lands on the header and the overlap check marks the image corrupt', [{ at: REFBLOCK, hex: '0000' }], ['read -P 0x11 0 4k', 'write -P 0x22 128k 4k', 'write -P 0x22 256k 4k', 'read -P 0x11 0 4k']),
  qc('l2-into-l1-write', 'L2 entry 0 -> the L1 table cluster, then a write', [u64(L2, COPIED | BigInt(L1))], ['write -P 0x22 0 512']),
  qc('l2-into-reftable-write', 'L2 entry 0 -> the refcount table cluster, then a write', [u64(L2, COPIED | BigInt(REFTABLE))], ['write -P 0x22 4k 512']),
  qc('l2-into-refblock-ro', 'L2 entry 0 -> the refcount block, read with -r (reads the metadata bytes)', [u64(L2, COPIED | BigInt(REFBLOCK))], ['read -v 0 32'], { pre: ['-r'] }),
  qc('l2-unaligned-read', 'L2 entry 0 -> 0x50200 (unaligned data offset), read', [u64(L2, COPIED | 0x50200n)], READ),
  qc('l2-unaligned-write', 'L2 entry 0 -> 0x50200 (unaligned data offset), write', [u64(L2, COPIED | 0x50200n)], ['write -P 0x22 0 4k']),
  qc('l2-beyond-eof', 'L2 entry 0 -> 0x1000000 (beyond EOF), read', [u64(L2, COPIED | 0x1000000n)], ['read -P 0 0 4k', 'map']),
  qc('l2-reserved-bits', 'L2 entry 0 with reserved bits 1..8 set', [u64(L2, COPIED | 0x50000n | 0x1fen)], READ),
  qc('l2-compressed-huge', 'L2 entry 0 a compressed descriptor with the largest sector count', [u64(L2, COMPRESSED | (0xffn << 54n) | 0x50000n)], READ),
  qc('l2-compressed-beyond-eof', 'L2 entry 0 a compressed descriptor beyond EOF', [u64(L2, COMPRESSED | 0x1000000n)], READ),
  qc('l2-compressed-garbage', 'L2 entry 0 a compressed descriptor over uncompressed data (inflate fails)', [u64(L2, COMPRESSED | 0x50000n)], READ),
  qc('v2-zero-cluster', 'zero flag in an L2 entry of a v2 image: corruption', [u64(L2, 1n)], ['read -P 0 0 4k'], { opts: { compat: '0.10' } }),
  qc('v2-zero-cluster-ro', 'zero flag in an L2 entry of a v2 image, -r', [u64(L2, 1n)], ['read -P 0 0 4k', 'map'], { opts: { compat: '0.10' }, pre: ['-r'] }),
  // ------------------------------------------------------------------ refcounts
  qc('reftable-unaligned', 'refcount_table_offset 0x10200', [u64(48, 0x10200)], READ),
  qc('reftable-too-large', 'refcount_table_clusters 0x10000 (over QCOW_MAX_REFTABLE_SIZE)', [u32(56, 0x10000)], READ),
  qc('reftable-zero-clusters', 'refcount_table_clusters 0, then a write that allocates', [u32(56, 0)], ['write -P 0x22 128k 4k']),
  qc('reftable-beyond-eof', 'refcount_table_offset beyond EOF, read then allocating write', [u64(48, 0x1000000)], ['read -P 0x11 0 4k', 'write -P 0x22 128k 4k']),
  qc('reftable-entry-unaligned', 'refcount table entry 0 = 0x20200, allocating write', [u64(REFTABLE, 0x20200)], ['read -P 0x11 0 4k', 'write -P 0x22 128k 4k']),
  qc('reftable-entry-into-header', 'refcount table entry 0 -> cluster 0 (the header), allocating write', [u64(REFTABLE, 0)], ['write -P 0x22 128k 4k']),
  qc('refcount-header-zero-compressed', 'cluster 0 (the header) has refcount 0, then a compressed write allocates there', [{ at: REFBLOCK, hex: '0000' }], ['write -c -P 0x22 128k 64k', 'read -P 0x11 0 4k']),
  qc('refcount-header-zero-new-l2', 'cluster 0 (the header) has refcount 0 and l1_size 2 in a 1 GiB image: a write past 512 MiB needs a new L2 table', [{ at: REFBLOCK, hex: '0000' }], ['write -P 0x22 600M 4k', 'read -P 0x11 0 4k'], { opts: { size: '1G' } }),
  qc('refcount-l1-zero', 'the L1 table cluster has refcount 0, allocating write: the new L2 would overlap the L1', [{ at: REFBLOCK + 6, hex: '0000' }], ['write -P 0x22 128k 4k']),
  qc('refcount-data-zero', 'the data cluster has refcount 0, allocating write', [{ at: REFBLOCK + 10, hex: '0000' }], ['write -P 0x22 960k 4k', 'read -P 0x11 0 4k']),
  qc('refcount-max-cow', 'a data cluster at the maximum refcount 0xffff without COPIED: overwrite needs a COW', [{ at: REFBLOCK + 10, hex: 'ffff' }, u64(L2, 0x50000n)], ['write -P 0x22 0 4k', 'read -P 0x22 0 4k', 'read -P 0x11 4k 4k']),
  // Block status (map / alloc) first runs qcow2_detect_metadata_preallocation, which reads the
  // refcount of every cluster: a bad refcount table shows up there even with -r.
  qc('map-refblock-unaligned-ro', 'refcount table entry 0 = 0x20200, -r, map and alloc', [u64(REFTABLE, 0x20200)], ['read -P 0x11 0 4k', 'map', 'alloc 0 1M'], { pre: ['-r'] }),
  qc('map-refblock-unaligned', 'refcount table entry 0 = 0x20200, read/write, map then a write', [u64(REFTABLE, 0x20200)], ['map', 'write -P 0x22 0 4k', 'read -P 0x22 0 4k']),
  qc('map-reftable-beyond-eof-ro', 'refcount table beyond EOF (reads as zeros), -r, map', [u64(48, 0x1000000)], ['map'], { pre: ['-r'] }),
  // ------------------------------------------------------------------ snapshots
  qc('too-many-snapshots', 'nb_snapshots 65537', [u32(60, 65537)], READ),
  qc('snapshots-unaligned', 'nb_snapshots 1 at an unaligned offset', [u32(60, 1), u64(64, 0x60200)], READ),
  qc('snapshots-beyond-eof', 'nb_snapshots 1 at an offset beyond EOF', [u32(60, 1), u64(64, 0x1000000)], READ),
  qc('snapshots-table-in-header', 'nb_snapshots 100 with snapshots_offset 0: the header is read as the snapshot table', [u32(60, 100)], READ),
  qc('snapshots-valid', 'a real internal snapshot (qemu-img snapshot -c), then the active layer is overwritten: reads, map, a write', [SNAP_DATE], ['read -P 0x22 0 4k', 'read -P 0x11 64k 4k', 'map', 'info', 'write -P 0x33 0 4k', 'read -P 0x33 0 4k'], { opts: { prepare: SNAP_PREPARE } }),
  qc('snapshots-one-too-many', 'a real snapshot table with nb_snapshots 2 (the second entry is zeros)', [SNAP_DATE, u32(60, 2)], READ, { opts: { prepare: SNAP_PREPARE } }),
  qc('snapshots-l1-unaligned', 'a real snapshot whose L1 table offset is unaligned', [SNAP_DATE, u64(SNAP_TABLE, 0x60200)], ['read -P 0x22 0 4k', 'write -P 0x33 0 4k'], { opts: { prepare: SNAP_PREPARE } }),
  qc('snapshots-nb-zero', 'a real snapshot table but nb_snapshots 0: the snapshot clusters look leaked, the COW still happens', [SNAP_DATE, u32(60, 0)], ['read -P 0x11 64k 4k', 'write -P 0x33 64k 4k', 'read -P 0x33 64k 4k'], { opts: { prepare: SNAP_PREPARE } }),
  // ------------------------------------------------------------------ size
  qc('size-huge', 'virtual size 2^63-512', [u64(24, (1n << 63n) - 512n)], READ),
  qc('size-unaligned', 'virtual size 1M+1 (not a sector multiple)', [u64(24, 0x100001)], ['read -P 0x11 0 4k', 'length', 'read 1M 1']),
  // ------------------------------------------------------------------ backing chains
  {
    name: 'qcow2-corrupt-backing-loop',
    description: 'a.qcow2 -> b.qcow2 -> a.qcow2',
    images: [
      { name: 'a.qcow2', create: create('a.qcow2', { backing: 'b.qcow2' }) },
      { name: 'b.qcow2', create: create('b.qcow2', { backing: 'a.qcow2' }) },
    ],
    argv: ['-f', 'qcow2', ...c('read 0 4k'), 'a.qcow2'],
    compareImages: ['a.qcow2', 'b.qcow2'],
  },
  // Not a case: the same loop with -r, where no image lock stops the recursion: qemu-io 7.2 opens
  // the chain again and again (3,900 fds and 500 MiB after 20 s) until it runs out of file
  // descriptors (the fuzzer only requires blkstudio-io to finish in bounded time).
  {
    name: 'qcow2-corrupt-backing-self',
    description: 'a.qcow2 names itself as its backing file (qemu-img create refuses that, so the name is patched in)',
    // `qemu-img create -f qcow2 -u -b z.qcow2 -F qcow2 a.qcow2 1M` stores the name at 0x210.
    images: [{ name: 'a.qcow2', create: create('a.qcow2', { backing: 'z.qcow2' }), patch: [text(0x210, 'a.qcow2')] }],
    argv: ['-f', 'qcow2', ...c('read 0 4k'), 'a.qcow2'],
    compareImages: ['a.qcow2'],
  },
  // Not a case either: the self-reference with -r (the same endless recursion in qemu-io 7.2).
  {
    name: 'qcow2-corrupt-backing-missing',
    description: 'the backing file does not exist',
    images: [{ name: 'a.qcow2', create: create('a.qcow2', { backing: 'nothere.qcow2' }) }],
    argv: ['-f', 'qcow2', ...c('read 0 4k'), 'a.qcow2'],
    compareImages: ['a.qcow2'],
  },
  // ------------------------------------------------------------------ after the image is marked corrupt
  // QEMU drops the node's driver (bs->drv = NULL): every later request finds no medium.
  qc(
    'marked-then-no-medium',
    'a write marks the image corrupt; then discard, length, truncate, reads, writes, flush, map, alloc and info find no medium',
    [u64(L2, COPIED | BigInt(L1))],
    ['write -P 0x22 0 512', 'discard 0 64k', 'discard 0 512', 'length', 'truncate 2M', 'truncate -m full 2M', 'read 0 512', 'read 2M 512', 'write -z 0 512', 'write -c 0 64k', 'flush', 'map', 'alloc 0 64k', 'info', 'aio_write 0 512', 'aio_flush', 'discard 64k 64k'],
  ),
  {
    name: 'qcow2-corrupt-marked-then-no-medium-blkdebug-above',
    description: 'blkdebug above qcow2: once qcow2 marks the image corrupt, the blkdebug node has no medium either (info names blkdebug, nothing more)',
    images: [img([u64(L2, COPIED | BigInt(L1))])],
    argv: c('open -o driver=blkdebug,image.driver=qcow2 blkdebug::d.qcow2', 'write -P 0x22 0 512', 'discard 0 64k', 'length', 'truncate 2M', 'read 0 512', 'flush', 'map', 'alloc 0 64k', 'info'),
    compareImages: ['d.qcow2'],
  },
  // ------------------------------------------------------------------ 64-bit fields past 2^53 (checked exactly)
  qc('reftable-offset-int64-edge', 'refcount_table_offset 2^63-64K: the table would end past INT64_MAX by one byte', [u64(48, (1n << 63n) - 0x10000n)], READ),
  qc('reftable-offset-bdrv-max', 'refcount_table_offset 2^63-1G (valid): reading it fails at BDRV_MAX_LENGTH', [u64(48, (1n << 63n) - (1n << 30n))], READ),
  qc('l1-offset-int64-edge', 'l1_table_offset 2^63-64K: valid, but the read fails at BDRV_MAX_LENGTH', [u64(40, (1n << 63n) - 0x10000n)], READ),
  qc('snapshots-offset-int64-edge', 'nb_snapshots 1 at 2^63-64K: valid, the read fails at BDRV_MAX_LENGTH', [u32(60, 1), u64(64, (1n << 63n) - 0x10000n)], READ),
  qc('snapshots-offset-unaligned-huge', 'nb_snapshots 1 at 2^62+512 (not a double): unaligned', [u32(60, 1), u64(64, (1n << 62n) + 512n)], READ),
  qc('incompat-unknown-bits-not-double', 'incompatible bits 60 and 5 (2^60+32 is not a double)', [u64(72, (1n << 60n) | 0x21n)], READ),
  qc('backing-offset-huge', 'backing_file_offset 2^64-1', [u64(8, (1n << 64n) - 1n), u32(16, 4)], READ),
  // ------------------------------------------------------------------ extended L2 entries
  {
    name: 'qcow2-corrupt-extl2-invalid-subcluster',
    description: 'extended L2: subcluster 0 both allocated and zero (QEMU\'s message has two spaces before the parenthesis)',
    images: [{ name: 'd.qcow2', create: ['-f', 'qcow2', '-o', 'extended_l2=on', 'd.qcow2', '1M'], prepare: [['-f', 'qcow2', ...c('write -P 0x11 0 64k'), 'd.qcow2']], patch: [u64(L2 + 8, 0x100000001n)] }],
    argv: ['-f', 'qcow2', ...c('read -P 0x11 0 4k', 'read -P 0x11 0 4k'), 'd.qcow2'],
    compareImages: ['d.qcow2'],
  },
  // ------------------------------------------------------------------ open-time check order (several fields wrong)
  qc('order-extl2-4k-and-refcount-order', 'extended L2 bit on 4 KiB clusters (128-byte subclusters) and refcount_order 7: the subcluster size is reported first', [{ at: 79, hex: '10' }, u32(96, 7)], READ, { opts: { cluster: '4k' } }),
  qc('order-backing-offset-and-compression', 'backing_file_offset past the cluster and compression type 2: the backing offset is reported first', [u64(8, 0x20000), { at: 104, hex: '02' }], READ),
  qc('order-size-wraps-and-snapshots-eio', 'size 2^64-128K-1 (size_to_l1 wraps to 0) and a snapshot table at BDRV_MAX_LENGTH: the snapshot read fails before the size is refused', [u64(24, 0xfffffffffffdffffn), u32(60, 1), u64(64, (1n << 63n) - (1n << 30n))], READ),
  qc('size-wraps', 'size 2^64-128K-1: size_to_l1 wraps to 0, the total sector count cannot be set', [u64(24, 0xfffffffffffdffffn)], READ),
];
