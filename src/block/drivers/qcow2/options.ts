// qcow2's runtime options (QEMU's qcow2_runtime_opts, read_cache_sizes and
// qcow2_update_options_prepare): parsed and checked in QEMU's order with its messages, at open
// and again at every reopen (which may change all of them while the image is open).
import { QemuError } from '../../errors';
import { extractSubdict, OptionReader, qvalueToString, type QDict } from '../../qdict';
import { COMPAT_LAZY_REFCOUNTS, INCOMPAT_EXTL2, type QcowHeader } from './format';
import type { Qcow2Options } from './state';

/** The options qcow2 7.2 accepts (discard-no-unref came later). */
export const QCOW2_RUNTIME_OPTIONS = [
  'lazy-refcounts', 'pass-discard-request', 'pass-discard-snapshot', 'pass-discard-other',
  'overlap-check', 'overlap-check.template', 'overlap-check.main-header', 'overlap-check.active-l1',
  'overlap-check.active-l2', 'overlap-check.refcount-table', 'overlap-check.refcount-block',
  'overlap-check.snapshot-table', 'overlap-check.inactive-l1', 'overlap-check.inactive-l2',
  'overlap-check.bitmap-directory', 'cache-size', 'l2-cache-size', 'l2-cache-entry-size',
  'refcount-cache-size', 'cache-clean-interval', 'encrypt.format', 'encrypt.key-secret', 'data-file', 'data-file-raw',
];

/** The per-kind overlap-check flags, in QEMU's bit order (QCOW2_OL_*_BITNR). */
export const OVERLAP_FLAG_OPTIONS = [
  'overlap-check.main-header', 'overlap-check.active-l1', 'overlap-check.active-l2', 'overlap-check.refcount-table',
  'overlap-check.refcount-block', 'overlap-check.snapshot-table', 'overlap-check.inactive-l1',
  'overlap-check.inactive-l2', 'overlap-check.bitmap-directory',
] as const;

/** QCOW2_OL_CONSTANT, QCOW2_OL_CACHED and QCOW2_OL_ALL. */
const OL_CONSTANT = 0x1 | 0x2 | 0x8 | 0x20 | 0x100;
const OL_CACHED = OL_CONSTANT | 0x4 | 0x10 | 0x40;
const OL_ALL = OL_CACHED | 0x80;
const OVERLAP_TEMPLATES: Record<string, number> = { none: 0, constant: OL_CONSTANT, cached: OL_CACHED, all: OL_ALL };

const DEFAULT_L2_CACHE_MAX_SIZE = 32 * 1024 * 1024;
const MIN_L2_CACHE_SIZE = 2;
const MIN_REFCOUNT_CACHE_SIZE = 4;
const DEFAULT_CACHE_CLEAN_INTERVAL = 600;
const INT_MAX = 0x7fffffff;
const UINT_MAX = 0xffffffff;

const BOOL_OPTIONS = ['lazy-refcounts', 'pass-discard-request', 'pass-discard-snapshot', 'pass-discard-other', ...OVERLAP_FLAG_OPTIONS];
const SIZE_OPTIONS = ['cache-size', 'l2-cache-size', 'l2-cache-entry-size', 'refcount-cache-size'];

/** What the options depend on in the image. */
export interface Qcow2Geometry {
  clusterSize: number;
  /** bs->total_sectors * 512. */
  virtualSize: number;
  /** 8, or 16 with extended L2 entries. */
  l2EntryBytes: number;
  version: number;
  /** The header's lazy-refcounts compatible bit: the default of lazy-refcounts. */
  lazyRefcountsBit: boolean;
  /** The header's crypt_method (0 none, 1 aes, 2 luks). */
  cryptMethod: number;
}

/** The geometry of an image being opened, from its header. */
export function headerGeometry(h: QcowHeader): Qcow2Geometry {
  return {
    clusterSize: 2 ** h.clusterBits,
    virtualSize: Math.floor(h.size / 512) * 512,
    l2EntryBytes: h.incompatibleFeatures & INCOMPAT_EXTL2 ? 16 : 8,
    version: h.version,
    lazyRefcountsBit: (h.compatibleFeatures & COMPAT_LAZY_REFCOUNTS) !== 0,
    cryptMethod: h.cryptMethod,
  };
}

/** The options as given, typed (qemu_opts_absorb_qdict). */
export interface GivenOptions {
  bools: Map<string, boolean>;
  sizes: Map<string, number>;
  overlapCheck?: string;
  overlapTemplate?: string;
  cacheCleanInterval?: number;
  /** encrypt.* without the prefix (QEMU takes them all out before anything else). */
  encrypt: QDict;
}

/**
 * qcow2_join_options: a new overlap template drops the old overlap flags, a new cache-size the
 * old L2/refcount sizes; and, as QEMU's check reads, an old cache-size goes as soon as any cache
 * size is set after the join (which includes itself).
 */
export function joinQcow2Options(options: QDict, old: QDict): void {
  const drop = (keys: readonly string[]) => keys.forEach((key) => old.delete(key));
  if (options.has('overlap-check') || options.has('overlap-check.template')) {
    // QEMU's list stops before bitmap-directory.
    drop(['overlap-check', 'overlap-check.template', ...OVERLAP_FLAG_OPTIONS.slice(0, 8)]);
  }
  const newTotal = options.has('cache-size');
  if (newTotal) drop(['l2-cache-size', 'refcount-cache-size']);
  for (const [key, value] of old) if (!options.has(key)) options.set(key, value);
  const anyCacheSize = options.has('cache-size') || options.has('l2-cache-size') || options.has('refcount-cache-size');
  if (anyCacheSize && !newTotal) options.delete('cache-size');
}

/** What a reopen does between the checks (QEMU flushes the old caches, then marks the image clean). */
export interface UpdateSteps {
  flushCaches?(): Promise<void>;
  /** lazy-refcounts goes from on to off. */
  disableLazyRefcounts?(): Promise<void>;
}

/**
 * Take qcow2's options out of `options` and type them, with QemuOpts' messages. data-file and
 * data-file-raw are left where they are for the code that handles them.
 */
export function takeQcow2Options(options: QDict): GivenOptions {
  const o = new OptionReader(options);
  const given: GivenOptions = { bools: new Map(), sizes: new Map(), encrypt: extractSubdict(options, 'encrypt') };
  for (const key of [...options.keys()]) {
    if (BOOL_OPTIONS.includes(key)) {
      given.bools.set(key, o.takeBool(key) as boolean);
    } else if (SIZE_OPTIONS.includes(key)) {
      given.sizes.set(key, takeSize(o, key));
    } else if (key === 'overlap-check') {
      given.overlapCheck = o.takeString(key);
    } else if (key === 'overlap-check.template') {
      given.overlapTemplate = o.takeString(key);
    } else if (key === 'cache-clean-interval') {
      given.cacheCleanInterval = takeUnsigned(o, key);
    }
  }
  return given;
}

/** parse_option_size (the reader's, with QEMU's messages). */
function takeSize(o: OptionReader, key: string): number {
  return o.takeSize(key) ?? 0;
}

/** parse_option_number (qemu_strtou64): "-1" wraps to UINT64_MAX, 2^64 and more are too large. */
function takeUnsigned(o: OptionReader, key: string): number {
  const text = o.takeString(key) ?? '';
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) throw new QemuError(`Parameter '${key}' expects a number`);
  const magnitude = BigInt(/^0[0-7]+$/.test(m[2]) ? `0o${m[2].slice(1)}` : m[2]);
  if (magnitude >= 1n << 64n) throw new QemuError(`Value '${text}' is too large for parameter '${key}'`);
  const value = m[1] === '-' && magnitude !== 0n ? (1n << 64n) - magnitude : magnitude;
  return Number(value);
}

/** read_cache_sizes: the L2 and refcount cache sizes in bytes and the L2 cache entry size. */
function cacheSizes(given: GivenOptions, g: Qcow2Geometry): { l2: number; entry: number; refcount: number } {
  const cs = g.clusterSize;
  const minRefcountCache = MIN_REFCOUNT_CACHE_SIZE * cs;
  const maxL2Cache = Math.ceil((Math.ceil(g.virtualSize / cs) * g.l2EntryBytes) / cs) * cs;
  const combined = given.sizes.get('cache-size');
  const l2Setting = given.sizes.get('l2-cache-size');
  const refSetting = given.sizes.get('refcount-cache-size');
  const entrySetting = given.sizes.get('l2-cache-entry-size');
  let l2 = Math.min(maxL2Cache, l2Setting ?? DEFAULT_L2_CACHE_MAX_SIZE);
  let refcount = refSetting ?? 0;
  let entry = entrySetting ?? cs;
  if (combined !== undefined) {
    if (l2Setting !== undefined && refSetting !== undefined) {
      throw new QemuError('cache-size, l2-cache-size and refcount-cache-size may not be set at the same time');
    } else if (l2Setting !== undefined && l2Setting > combined) {
      throw new QemuError('l2-cache-size may not exceed cache-size');
    } else if (refcount > combined) {
      throw new QemuError('refcount-cache-size may not exceed cache-size');
    }
    if (l2Setting !== undefined) {
      refcount = combined - l2;
    } else if (refSetting !== undefined) {
      l2 = combined - refcount;
    } else if (combined >= maxL2Cache + minRefcountCache) {
      // As much as possible for the L2 cache, the rest for the refcounts.
      l2 = maxL2Cache;
      refcount = combined - l2;
    } else {
      refcount = Math.min(combined, minRefcountCache);
      l2 = combined - refcount;
    }
  }
  // An L2 cache that cannot cover the whole disk works better with small entries.
  if (l2 < maxL2Cache && entrySetting === undefined) entry = Math.min(cs, 4096);
  if (entry < 512 || entry > cs || (entry & (entry - 1)) !== 0) {
    throw new QemuError(`L2 cache entry size must be a power of two between 512 and the cluster size (${cs})`);
  }
  return { l2, entry, refcount };
}

/**
 * qcow2_update_options_prepare on typed options: every check in QEMU's order, the reopen's side
 * effects (`steps`) where QEMU has them. Throws QEMU's message on the first problem.
 */
export async function resolveQcow2Options(
  given: GivenOptions,
  g: Qcow2Geometry,
  unmap: boolean,
  currentlyLazy: boolean,
  steps: UpdateSteps = {},
): Promise<Qcow2Options> {
  const sizes = cacheSizes(given, g);
  const l2Entries = Math.max(MIN_L2_CACHE_SIZE, Math.floor(sizes.l2 / sizes.entry));
  if (l2Entries > INT_MAX) throw new QemuError('L2 cache size too big');
  const refcountEntries = Math.max(MIN_REFCOUNT_CACHE_SIZE, Math.floor(sizes.refcount / g.clusterSize));
  if (refcountEntries > INT_MAX) throw new QemuError('Refcount cache size too big');
  await steps.flushCaches?.();

  const interval = given.cacheCleanInterval ?? DEFAULT_CACHE_CLEAN_INTERVAL;
  if (interval > UINT_MAX) throw new QemuError('Cache clean interval too big');

  const lazy = given.bools.get('lazy-refcounts') ?? g.lazyRefcountsBit;
  if (lazy && g.version < 3) throw new QemuError('Lazy refcounts require a qcow2 image with at least qemu 1.1 compatibility level');
  if (currentlyLazy && !lazy) await steps.disableLazyRefcounts?.();

  const check = given.overlapCheck;
  const template = given.overlapTemplate;
  if (check !== undefined && template !== undefined && check !== template) {
    throw new QemuError(`Conflicting values for qcow2 options 'overlap-check' ('${check}') and 'overlap-check.template' ('${template}')`);
  }
  const mode = check ?? template ?? 'cached';
  const base = OVERLAP_TEMPLATES[mode];
  if (base === undefined || !Object.hasOwn(OVERLAP_TEMPLATES, mode)) {
    throw new QemuError(`Unsupported value '${mode}' for qcow2 option 'overlap-check'. Allowed are any of the following: none, constant, cached, all`);
  }
  let overlapCheck = 0;
  OVERLAP_FLAG_OPTIONS.forEach((key, bit) => {
    if (given.bools.get(key) ?? (base & (1 << bit)) !== 0) overlapCheck |= 1 << bit;
  });

  const passDiscardRequest = given.bools.get('pass-discard-request') ?? unmap;
  const passDiscardSnapshot = given.bools.get('pass-discard-snapshot') ?? true;
  const passDiscardOther = given.bools.get('pass-discard-other') ?? false;

  const format = given.encrypt.has('format') ? qvalueToString(given.encrypt.get('format') ?? null) : undefined;
  if (g.cryptMethod === 0 && format !== undefined) {
    throw new QemuError(`No encryption in image header, but options specified format '${format}'`);
  }
  const headerFormat = g.cryptMethod === 1 ? 'aes' : 'luks';
  if (g.cryptMethod !== 0 && format !== undefined && format !== headerFormat) {
    throw new QemuError(`Header reported '${headerFormat}' encryption format but options specify '${format}'`);
  }

  return {
    l2CacheEntries: l2Entries,
    l2SliceEntries: sizes.entry / g.l2EntryBytes,
    refcountCacheEntries: refcountEntries,
    lazyRefcounts: lazy,
    passDiscardRequest,
    passDiscardSnapshot,
    passDiscardOther,
    overlapCheck,
    cacheCleanInterval: interval,
  };
}
