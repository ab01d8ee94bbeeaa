// Case generator for the hostile-qcow2 fuzzer (test/fuzz/qcow2-image.fuzz.test.ts).
//
// Base images are made by the REAL qemu-img / qemu-io (BASES below: cluster sizes 512 B .. 2 MiB,
// v2 and v3, refcount widths 1..64 bits, lazy refcounts, extended L2, compressed and zero
// clusters, an internal snapshot, a backing file, backing loops). generateCase(seed, n, bases)
// then picks one base, parses its metadata (header, extensions, L1, L2 tables, refcount table and
// blocks, snapshot table) and damages it with 1..4 mutations, each a list of byte patches:
//   header fields   magic, version, cluster_bits, size, crypt_method, l1_size, l1_table_offset,
//                   refcount_table_offset / _clusters, nb_snapshots / snapshots_offset,
//                   backing_file_offset / _size, incompatible / compatible / autoclear bits,
//                   refcount_order, header_length, compression_type, extension types / lengths
//   L1 entries      into the header / L1 / reftable / refblock, unaligned, beyond EOF, huge, reserved bits
//   L2 entries      the same, plus zero flags, compressed descriptors (huge sizes, beyond EOF,
//                   over garbage), shared clusters (two guest clusters on one host cluster)
//   refcounts       reftable entries (unaligned, into metadata, beyond EOF), refcount 0 for used
//                   clusters, the maximum refcount (overflow on the next reference), random values
//   raw bytes       random words in a metadata cluster
// and two command scripts: a read-only one (read / map / alloc / info / length, run with -r) and
// a writable one (write -P / -z / -z -u / -c, discard, read back, flush).
//
// Each case depends only on (seed, n) and the base images, which qemu-img builds identically
// every time (snapshot dates are zeroed), so a failure is reproducible on its own:
//   node test/fuzz/qcow2-mutate.mjs SEED N [DIR]    builds the bases, prints the case as JSON and
//                                                   writes its image files into DIR when given

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { caseSeed, prng } from './blkdebug-gen.mjs';
import { prepareScratch, removeScratch } from '../iotests/harness.mjs';

export { caseSeed, prng };

/** The image every command line opens. */
export const IMAGE = 'd.qcow2';

const c = (...cmds) => cmds.flatMap((cmd) => ['-c', cmd]);
const io = (...cmds) => ['-f', 'qcow2', ...c(...cmds), IMAGE];

/**
 * Base images: { id, images (harness image specs: create + prepare), size (virtual), weight,
 * qemuHangsReadOnly? (qemu-io -r on it never finishes: backing loops) }.
 */
export const BASES = [
  {
    id: 'c64k-v3',
    size: 4 << 20,
    weight: 4,
    images: [{
      name: IMAGE,
      create: ['-f', 'qcow2', IMAGE, '4M'],
      prepare: [io('write -P 0x11 0 64k', 'write -P 0x22 1M 4k', 'write -c -P 0x33 2M 64k', 'write -z 3M 64k', 'write -P 0x44 3200k 8k', 'discard 3200k 64k')],
    }],
  },
  {
    id: 'c512-v2',
    size: 256 << 10,
    weight: 3,
    images: [{
      name: IMAGE,
      create: ['-f', 'qcow2', '-o', 'compat=0.10,cluster_size=512', IMAGE, '256k'],
      prepare: [io('write -P 0x11 0 1k', 'write -P 0x22 100k 512', 'write -c -P 0x33 128k 512', 'write -P 0x44 200k 3k')],
    }],
  },
  {
    id: 'c4k-v3-r1',
    size: 1 << 20,
    weight: 2,
    images: [{
      name: IMAGE,
      create: ['-f', 'qcow2', '-o', 'cluster_size=4k,refcount_bits=1', IMAGE, '1M'],
      prepare: [io('write -P 0x11 0 8k', 'write -P 0x22 512k 4k', 'write -z 600k 4k', 'write -c -P 0x33 700k 4k')],
    }],
  },
  {
    id: 'c2M-v3-r64',
    size: 8 << 20,
    weight: 1,
    images: [{
      name: IMAGE,
      create: ['-f', 'qcow2', '-o', 'cluster_size=2M,refcount_bits=64', IMAGE, '8M'],
      prepare: [io('write -P 0x11 0 4k', 'write -c -P 0x33 2M 2M', 'write -P 0x22 6M 64k')],
    }],
  },
  {
    id: 'c64k-v3-r8-lazy',
    size: 2 << 20,
    weight: 2,
    images: [{
      name: IMAGE,
      create: ['-f', 'qcow2', '-o', 'refcount_bits=8,lazy_refcounts=on', IMAGE, '2M'],
      prepare: [io('write -P 0x11 0 64k', 'write -P 0x22 1M 4k')],
    }],
  },
  {
    id: 'c64k-v3-r2-extl2',
    size: 2 << 20,
    weight: 2,
    images: [{
      name: IMAGE,
      create: ['-f', 'qcow2', '-o', 'extended_l2=on,refcount_bits=2', IMAGE, '2M'],
      prepare: [io('write -P 0x11 0 4k', 'write -z 64k 2k', 'write -P 0x22 1M 64k', 'write -c -P 0x33 1536k 64k')],
    }],
  },
  {
    id: 'c64k-v3-snapshot',
    size: 1 << 20,
    weight: 2,
    images: [{
      name: IMAGE,
      create: ['-f', 'qcow2', IMAGE, '1M'],
      prepare: [io('write -P 0x11 0 128k'), { qemuImg: ['snapshot', '-c', 'snap1', IMAGE] }, io('write -P 0x22 64k 4k', 'write -P 0x23 512k 4k')],
    }],
  },
  {
    id: 'c64k-v3-backing',
    size: 1 << 20,
    weight: 3,
    images: [
      { name: 'base.qcow2', create: ['-f', 'qcow2', 'base.qcow2', '1M'], prepare: [['-f', 'qcow2', ...c('write -P 0x55 0 512k'), 'base.qcow2']] },
      {
        name: IMAGE,
        create: ['-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', IMAGE, '1M'],
        prepare: [io('write -P 0x66 32k 4k', 'write -P 0x77 700k 64k')],
      },
    ],
  },
  {
    // d.qcow2 -> e.qcow2 -> d.qcow2 (made with -u: qemu-img refuses nothing it cannot open).
    id: 'loop2',
    size: 1 << 20,
    weight: 1,
    qemuHangsReadOnly: true,
    images: [
      { name: IMAGE, create: ['-f', 'qcow2', '-u', '-b', 'e.qcow2', '-F', 'qcow2', IMAGE, '1M'] },
      { name: 'e.qcow2', create: ['-f', 'qcow2', '-u', '-b', IMAGE, '-F', 'qcow2', 'e.qcow2', '1M'] },
    ],
  },
  {
    // d.qcow2 -> d.qcow2: created naming x.qcow2 (same length), then the name is patched.
    id: 'loop-self',
    size: 1 << 20,
    weight: 1,
    qemuHangsReadOnly: true,
    selfBacking: 'x.qcow2',
    images: [{ name: IMAGE, create: ['-f', 'qcow2', '-u', '-b', 'x.qcow2', '-F', 'qcow2', IMAGE, '1M'] }],
  },
];

/** Builds every base with the real tools: Map id -> { base, files: { name: Buffer }, layout }. */
export function buildBases() {
  const out = new Map();
  for (const base of BASES) {
    const dir = prepareScratch({ name: `qcow2-base-${base.id}`, images: base.images, argv: [] }, 'qcow2-base');
    try {
      const files = {};
      for (const name of readdirSync(dir)) files[name] = readFileSync(join(dir, name));
      for (const name of Object.keys(files)) if (name.endsWith('.qcow2')) zeroSnapshotDates(files[name]);
      if (base.selfBacking) {
        const img = files[IMAGE];
        const h = parseHeader(img);
        img.write(IMAGE, h.backingFileOffset, 'latin1');
      }
      out.set(base.id, { base, files, layout: parseLayout(files[IMAGE]) });
    } finally {
      removeScratch(dir);
    }
  }
  return out;
}

/**
 * Zeroes the date of every internal snapshot (qemu-img snapshot -c stores the wall clock), so
 * the bases, and with them every case, depend only on the seed.
 */
function zeroSnapshotDates(b) {
  if (b.length < 72 || b.readUInt32BE(0) !== 0x514649fb) return;
  let o = Number(b.readBigUInt64BE(64));
  for (let i = 0; i < b.readUInt32BE(60) && o + 40 <= b.length; i++) {
    b.fill(0, o + 16, o + 24);
    const len = 40 + b.readUInt32BE(o + 36) + b.readUInt16BE(o + 12) + b.readUInt16BE(o + 14);
    o += Math.ceil(len / 8) * 8;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing (only what the mutations need; the bases are well-formed)

const U64 = (b, o) => b.readBigUInt64BE(o);
const OFFSET_MASK = 0x00fffffffffffe00n;
const COPIED = 1n << 63n;
const COMPRESSED = 1n << 62n;

export function parseHeader(b) {
  const version = b.readUInt32BE(4);
  return {
    version,
    backingFileOffset: Number(U64(b, 8)),
    backingFileSize: b.readUInt32BE(16),
    clusterBits: b.readUInt32BE(20),
    size: Number(U64(b, 24)),
    l1Size: b.readUInt32BE(36),
    l1TableOffset: Number(U64(b, 40)),
    refcountTableOffset: Number(U64(b, 48)),
    refcountTableClusters: b.readUInt32BE(56),
    nbSnapshots: b.readUInt32BE(60),
    snapshotsOffset: Number(U64(b, 64)),
    incompat: version >= 3 ? U64(b, 72) : 0n,
    refcountOrder: version >= 3 ? b.readUInt32BE(96) : 4,
    headerLength: version >= 3 ? b.readUInt32BE(100) : 72,
  };
}

/** Header, extensions, L1/L2 entries, reftable/refblocks of a well-formed image. */
export function parseLayout(b) {
  const h = parseHeader(b);
  const cs = 2 ** h.clusterBits;
  const extL2 = (h.incompat & 16n) !== 0n;
  const extensions = [];
  for (let o = h.headerLength; o + 8 <= cs && o + 8 <= b.length; ) {
    const type = b.readUInt32BE(o);
    const len = b.readUInt32BE(o + 4);
    if (type === 0) break;
    extensions.push({ at: o, type, len });
    o += 8 + Math.ceil(len / 8) * 8;
  }
  const l1 = [];
  const l2Tables = [];
  const l2Entries = [];
  for (let i = 0; i < h.l1Size; i++) {
    const at = h.l1TableOffset + i * 8;
    const v = U64(b, at);
    l1.push({ at, index: i, value: v });
    const off = Number(v & OFFSET_MASK);
    if (!off) continue;
    l2Tables.push(off);
    const entrySize = extL2 ? 16 : 8;
    for (let j = 0; j < cs / entrySize; j++) {
      const e = U64(b, off + j * entrySize);
      if (e !== 0n || (extL2 && U64(b, off + j * entrySize + 8) !== 0n)) l2Entries.push({ at: off + j * entrySize, l1Index: i, index: j, value: e });
    }
  }
  const reftable = [];
  for (let i = 0; i < (h.refcountTableClusters * cs) / 8; i++) {
    const v = U64(b, h.refcountTableOffset + i * 8);
    if (v) reftable.push({ at: h.refcountTableOffset + i * 8, index: i, offset: Number(v) });
  }
  const refBits = 2 ** h.refcountOrder;
  const usedClusters = Math.ceil(b.length / cs);
  return { h, cs, extL2, extensions, l1, l2Tables, l2Entries, reftable, refBits, usedClusters, fileSize: b.length };
}

/** Where cluster `index`'s refcount lives: { byte, bit, bits } or null (no refblock for it). */
function refcountSlot(layout, index) {
  const perBlock = (layout.cs * 8) / layout.refBits;
  const rt = layout.reftable.find((e) => e.index === Math.floor(index / perBlock));
  if (!rt) return null;
  const bitPos = (index % perBlock) * layout.refBits;
  return { byte: rt.offset + Math.floor(bitPos / 8), bit: bitPos % 8, bits: layout.refBits };
}

// ---------------------------------------------------------------------------------------------
// Patches

const hex64 = (v) => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
const hex32 = (v) => (Number(v) >>> 0).toString(16).padStart(8, '0');
const p64 = (at, v) => ({ at, hex: hex64(v) });
const p32 = (at, v) => ({ at, hex: hex32(v) });
const pBytes = (at, buf) => ({ at, hex: Buffer.from(buf).toString('hex') });

/** A refcount patch (sub-byte widths patch the whole byte they live in, see QEMU's get_refcount_ro0..). */
function refcountPatch(buf, layout, index, value) {
  const slot = refcountSlot(layout, index);
  if (!slot) return null;
  if (slot.bits < 8) {
    const mask = ((1 << slot.bits) - 1) << slot.bit;
    const byte = (buf[slot.byte] & ~mask) | ((Number(value) << slot.bit) & mask);
    return pBytes(slot.byte, [byte]);
  }
  const n = slot.bits / 8;
  const v = BigInt.asUintN(slot.bits, BigInt(value));
  return { at: slot.byte, hex: v.toString(16).padStart(n * 2, '0') };
}

/** Applies patches to a copy of buf (a patch beyond EOF extends the file, as pwrite would). */
export function applyPatches(buf, patches) {
  let end = buf.length;
  for (const p of patches) end = Math.max(end, p.at + p.hex.length / 2);
  const out = Buffer.alloc(end);
  buf.copy(out);
  for (const p of patches) Buffer.from(p.hex, 'hex').copy(out, p.at);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Mutations: each returns { what, patches } (patches relative to the current bytes).

/** Interesting host offsets for an image: metadata, unaligned, beyond EOF, huge. */
function hostileOffsets(r, L) {
  const cs = L.cs;
  const eofCluster = Math.ceil(L.fileSize / cs) * cs;
  const list = [
    0, 512, cs / 2, L.h.l1TableOffset, L.h.refcountTableOffset,
    L.reftable[0]?.offset ?? cs, L.l2Tables[0] ?? 2 * cs,
    eofCluster, eofCluster + 16 * cs, 2 ** 40, 2 ** 55, 2 ** 56 - cs,
    L.h.l1TableOffset + 512, (L.l2Tables[0] ?? cs) + 8,
  ];
  return r.pick(list.filter((x) => x >= 0 && Number.isFinite(x)));
}

const HEADER_MUTATIONS = [
  (r) => ({ what: 'magic', patches: [p32(0, r.pick([0x514649fa, 0, 0xffffffff, 0x51464900 | r.int(0, 255), 0x4649fb51]))] }),
  (r) => ({ what: 'version', patches: [p32(4, r.pick([0, 1, 2, 3, 4, 0xffffffff]))] }),
  (r, L) => ({ what: 'cluster_bits', patches: [p32(20, r.pick([0, 8, 9, 12, 16, 21, 22, 31, 32, 63, 64, 0xffffffff, L.h.clusterBits - 1, L.h.clusterBits + 1]))] }),
  (r, L) => ({ what: 'size', patches: [p64(24, r.pick([0n, 1n, 511n, 512n, BigInt(L.h.size) * 2n, BigInt(L.h.size) + 1n, BigInt(L.h.size) * 1024n, 1n << 56n, 1n << 62n, (1n << 63n) - 1n, (1n << 64n) - 1n, (1n << 63n) - 512n]))] }),
  (r) => ({ what: 'crypt_method', patches: [p32(32, r.pick([1, 2, 3, 0xffffffff]))] }),
  (r, L) => ({ what: 'l1_size', patches: [p32(36, r.pick([0, 1, L.h.l1Size + 1, Math.max(0, L.h.l1Size - 1), 0x400000, 0x400001, 0x7fffffff, 0xffffffff]))] }),
  (r, L) => ({ what: 'l1_table_offset', patches: [p64(40, hostileOffsets(r, L))] }),
  (r, L) => ({ what: 'refcount_table_offset', patches: [p64(48, hostileOffsets(r, L))] }),
  (r) => ({ what: 'refcount_table_clusters', patches: [p32(56, r.pick([0, 1, 2, 3, 0x100, 0x10000, 0xffffffff]))] }),
  (r, L) => ({
    what: 'snapshots',
    patches: [p32(60, r.pick([1, 2, 100, 65536, 65537, 0xffffffff])), ...(r.chance(0.7) ? [p64(64, r.chance(0.3) ? 0 : hostileOffsets(r, L))] : [])],
  }),
  (r, L) => ({ what: 'nb_snapshots=0', patches: L.h.nbSnapshots ? [p32(60, 0)] : [p32(60, 1)] }),
  (r, L) => ({
    what: 'backing_file',
    patches: [p64(8, r.pick([L.h.headerLength, 0x200, L.cs - 4, L.cs, L.cs + 8, 2 ** 40, 0])), p32(16, r.pick([0, 1, 7, 8, 100, 1023, 1024, 0xffffffff]))],
  }),
  (r) => {
    const bit = r.pick([0, 1, 2, 3, 4, 5, 6, 31, 32, 40, 63]);
    return { what: `incompat bit ${bit}`, patches: [p64(72, (r.chance(0.3) ? BigInt(r.int(0, 31)) : 0n) | (1n << BigInt(bit)))] };
  },
  (r) => ({ what: 'compat bits', patches: [p64(80, r.pick([1n, 2n, 0xffn, 1n << 63n, (1n << 64n) - 1n]))] }),
  (r) => ({ what: 'autoclear bits', patches: [p64(88, r.pick([1n, 2n, 3n, 4n, 0xffn, (1n << 64n) - 1n]))] }),
  (r) => ({ what: 'refcount_order', patches: [p32(96, r.pick([0, 1, 3, 5, 6, 7, 8, 64, 0xffffffff]))] }),
  (r, L) => ({ what: 'header_length', patches: [p32(100, r.pick([0, 71, 72, 100, 103, 104, 105, 112, 120, 0x1000, L.cs, L.cs + 1, 0xffffffff]))] }),
  (r) => ({ what: 'compression_type', patches: [pBytes(104, [r.pick([1, 2, 5, 0xff])]), ...(r.chance(0.5) ? [p64(72, 8)] : [])] }),
  (r, L) => {
    if (!L.extensions.length) return { what: 'extension (added junk)', patches: [p32(L.h.headerLength, r.int(1, 0xffffffff)), p32(L.h.headerLength + 4, r.pick([8, 48, L.cs, 0xffffffff]))] };
    const e = r.pick(L.extensions);
    return r.chance(0.5)
      ? { what: `extension 0x${e.type.toString(16)} length`, patches: [p32(e.at + 4, r.pick([0, 1, 7, e.len + 8, L.cs, L.cs - e.at, 0x7fffffff, 0xffffffff]))] }
      : { what: `extension 0x${e.type.toString(16)} type`, patches: [p32(e.at, r.pick([0, 0xe2792aca, 0x6803f857, 0x0537be77, 0x23852875, 0x44415441, r.int(1, 0xffffffff)]))] };
  },
  (r, L) => {
    // The feature table names incompatible bit 5 and the header sets it.
    const ft = L.extensions.find((e) => e.type === 0x6803f857);
    if (!ft) return { what: 'incompat bit 5', patches: [p64(72, 32)] };
    const entry = ft.at + 8 + 48 * r.int(0, Math.max(0, Math.floor(ft.len / 48) - 1));
    return { what: 'feature table names bit 5', patches: [pBytes(entry, [0, 5]), pBytes(entry + 2, Buffer.from('hostile feature'.padEnd(46, '\0'))), p64(72, 32)] };
  },
  (r, L) => {
    const at = r.int(0, Math.min(L.cs, 1024) - 1);
    return { what: `header byte 0x${at.toString(16)}`, patches: [pBytes(at, [r.int(0, 255)])] };
  },
];

function l2Value(r, L) {
  const off = BigInt(hostileOffsets(r, L));
  const data = L.l2Entries.find((e) => (e.value & OFFSET_MASK) !== 0n && !(e.value & COMPRESSED));
  return r.pick([
    ['copied->metadata', COPIED | off],
    ['not-copied->metadata', off],
    ['zero flag', 1n],
    ['zero flag + offset', COPIED | off | 1n],
    ['reserved bits', (data?.value ?? COPIED) | 0x1fen],
    ['shared data cluster', data ? data.value : COPIED | off],
    ['compressed huge', COMPRESSED | ((1n << 62n) - 1n)],
    ['compressed beyond EOF', COMPRESSED | BigInt(L.fileSize + 16 * L.cs)],
    ['compressed garbage', COMPRESSED | (data ? data.value & OFFSET_MASK : off)],
    ['compressed+copied', COPIED | COMPRESSED | off],
    ['all ones', (1n << 64n) - 1n],
    ['offset 2^56-512', COPIED | ((1n << 56n) - 512n)],
  ]);
}

const TABLE_MUTATIONS = [
  (r, L) => {
    const e = L.l1.length ? r.pick(L.l1) : { at: L.h.l1TableOffset, index: 0 };
    const v = r.pick([0n, COPIED | BigInt(hostileOffsets(r, L)), BigInt(hostileOffsets(r, L)), (e.value ?? 0n) | 0x1fen, (e.value ?? 0n) | COMPRESSED, (1n << 64n) - 1n]);
    return { what: `L1[${e.index}]=0x${v.toString(16)}`, patches: [p64(e.at, v)] };
  },
  (r, L) => {
    if (!L.l2Entries.length && !L.l2Tables.length) return null;
    const e = L.l2Entries.length ? r.pick(L.l2Entries) : { at: L.l2Tables[0], l1Index: 0, index: 0 };
    const [name, v] = l2Value(r, L);
    return { what: `L2[${e.l1Index}][${e.index}] ${name}=0x${v.toString(16)}`, patches: [p64(e.at, v)] };
  },
  (r, L) => {
    // An entry in an allocated L2 table that was empty (so the guest cluster becomes "allocated").
    if (!L.l2Tables.length) return null;
    const t = r.pick(L.l2Tables);
    const j = r.int(0, L.cs / (L.extL2 ? 16 : 8) - 1);
    const [name, v] = l2Value(r, L);
    return { what: `L2 table 0x${t.toString(16)} entry ${j} ${name}=0x${v.toString(16)}`, patches: [p64(t + j * (L.extL2 ? 16 : 8), v)] };
  },
  (r, L) => {
    if (!L.extL2 || !L.l2Entries.length) return null;
    const e = r.pick(L.l2Entries);
    const bm = r.pick([0xffffffffffffffffn, 0x00000001_00000001n, 0x80000000_00000000n, BigInt(r.int(0, 0xffffffff))]);
    return { what: `L2[${e.l1Index}][${e.index}] subcluster bitmap=0x${bm.toString(16)}`, patches: [p64(e.at + 8, bm)] };
  },
  (r, L) => {
    if (!L.reftable.length) return null;
    const e = r.pick(L.reftable);
    const v = r.pick([0, hostileOffsets(r, L), e.offset + 512, 2 ** 56, L.h.l1TableOffset]);
    return { what: `reftable[${e.index}]=0x${v.toString(16)}`, patches: [p64(e.at, v)] };
  },
];

function refcountMutation(r, L, buf) {
  const cluster = r.pick([0, L.h.l1TableOffset / L.cs, L.h.refcountTableOffset / L.cs, (L.reftable[0]?.offset ?? 0) / L.cs, ...L.l2Tables.map((o) => o / L.cs), ...L.l2Entries.filter((e) => !(e.value & COMPRESSED) && (e.value & OFFSET_MASK)).map((e) => Number(e.value & OFFSET_MASK) / L.cs), r.int(0, L.usedClusters + 4)]);
  if (!Number.isInteger(cluster)) return null;
  const max = (1n << BigInt(L.refBits)) - 1n;
  const [name, v] = r.pick([['0', 0n], ['0', 0n], ['max', max], ['max-1', max > 1n ? max - 1n : max], ['2', 2n], ['random', BigInt(r.int(0, 0x7fffffff)) & max]]);
  const patch = refcountPatch(buf, L, cluster, v);
  return patch ? { what: `refcount(cluster ${cluster})=${name}`, patches: [patch] } : null;
}

function junkMutation(r, L) {
  const targets = [L.h.l1TableOffset, L.h.refcountTableOffset, ...L.l2Tables, ...L.reftable.map((e) => e.offset), L.h.snapshotsOffset].filter((x) => x > 0 && x < L.fileSize);
  const t = r.pick(targets);
  const patches = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const at = t + 8 * r.int(0, Math.min(L.cs, 4096) / 8 - 1);
    patches.push(p64(at, (BigInt(r.int(0, 0xffffffff)) << 32n) | BigInt(r.int(0, 0xffffffff))));
  }
  return { what: `junk words at 0x${t.toString(16)}`, patches };
}

function mutate(r, L, buf) {
  const kind = r.next();
  if (kind < 0.4) return r.pick(HEADER_MUTATIONS)(r, L);
  if (kind < 0.7) return r.pick(TABLE_MUTATIONS)(r, L);
  if (kind < 0.9) return refcountMutation(r, L, buf);
  return junkMutation(r, L);
}

// ---------------------------------------------------------------------------------------------
// Commands

function fmtLen(n) {
  if (n % 1024 === 0) return `${n / 1024}k`;
  return String(n);
}

function span(r, size, cs) {
  const len = r.pick([512, 4096, cs, 2 * cs, r.int(1, 3) * 512, 65536, r.int(1, 70000)]);
  const off = r.pick([0, cs, size - len, r.int(0, Math.max(0, Math.floor((size - len) / 512))) * 512, r.int(0, size - 1), size - 512]);
  return { off: Math.max(0, off), len: Math.max(1, Math.min(len, 1 << 20)) };
}

function readOnlyCommands(r, size, cs) {
  const cmds = [];
  const n = r.int(2, 6);
  for (let i = 0; i < n; i++) {
    const { off, len } = span(r, size, cs);
    cmds.push(
      r.pick([
        `read ${off} ${fmtLen(len)}`,
        `read -q 0 ${Math.min(size, 4 << 20)}`,
        `read -v ${off} 32`,
        `read -P 0x11 ${off} ${fmtLen(len)}`,
        'map',
        `alloc ${off} ${fmtLen(len)}`,
        `alloc 0 ${size}`,
        'info',
        'length',
      ]),
    );
  }
  return cmds;
}

function writeCommands(r, size, cs) {
  const cmds = [];
  const n = r.int(2, 7);
  for (let i = 0; i < n; i++) {
    const { off, len } = span(r, size, cs);
    const p = `0x${r.int(0x80, 0xfe).toString(16)}`;
    const aligned = Math.floor(off / cs) * cs;
    cmds.push(
      r.pick([
        `write -P ${p} ${off} ${fmtLen(len)}`,
        `write -P ${p} ${off} ${fmtLen(len)}`,
        `write -z ${off} ${fmtLen(len)}`,
        `write -z -u ${aligned} ${cs}`,
        `discard ${off} ${fmtLen(len)}`,
        `write -c -P ${p} ${aligned} ${Math.min(cs, size - aligned)}`,
        `read -P ${p} ${off} ${fmtLen(len)}`,
        'flush',
        'map',
      ]),
    );
  }
  if (r.chance(0.5)) cmds.push(`read -q 0 ${Math.min(size, 4 << 20)}`);
  return cmds;
}

// ---------------------------------------------------------------------------------------------
// Cases

/**
 * Case n of the run `seed`: { n, seed, baseId, mutations: [what], patches: [{at, hex}],
 * files: { name: Buffer }, roArgv, rwArgv, qemuHangsReadOnly, summary }.
 */
export function generateCase(seed, n, bases) {
  const r = prng(caseSeed(seed, n));
  const total = BASES.reduce((s, b) => s + b.weight, 0);
  let pickW = r.next() * total;
  const base = BASES.find((b) => (pickW -= b.weight) < 0) ?? BASES[0];
  const built = bases.get(base.id);
  const L = built.layout;
  let img = built.files[IMAGE];
  const mutations = [];
  const patches = [];
  // Loops stay loops; sometimes mutated a little on top.
  const count = base.qemuHangsReadOnly ? r.int(0, 1) : r.int(1, 4);
  for (let i = 0; i < count; i++) {
    let m = null;
    for (let tries = 0; !m && tries < 8; tries++) m = mutate(r, L, img);
    if (!m) continue;
    mutations.push(m.what);
    patches.push(...m.patches);
    img = applyPatches(img, m.patches);
  }
  const files = { ...built.files, [IMAGE]: img };
  const size = base.size;
  const ro = readOnlyCommands(r, size, L.cs);
  const rw = writeCommands(r, size, L.cs);
  return {
    n,
    seed,
    baseId: base.id,
    mutations,
    patches,
    files,
    roArgv: ['-r', '-f', 'qcow2', ...c(...ro), IMAGE],
    rwArgv: ['-f', 'qcow2', ...c(...rw), IMAGE],
    qemuHangsReadOnly: Boolean(base.qemuHangsReadOnly),
    summary: `${base.id}: ${mutations.join('; ') || 'unmutated'}`,
  };
}

/** sha256 of a Buffer, hex. */
export function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

// `node test/fuzz/qcow2-mutate.mjs SEED N [DIR]`
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [seed, n, dir] = process.argv.slice(2);
  const tc = generateCase(Number(seed ?? 20261122), Number(n ?? 0), buildBases());
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of Object.entries(tc.files)) writeFileSync(join(dir, name), bytes);
  }
  const { files, ...rest } = tc;
  console.log(JSON.stringify({ ...rest, files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, `${v.length} bytes, sha256 ${sha256(v)}`])) }, null, 2));
}
