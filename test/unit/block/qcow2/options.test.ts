// qcow2's runtime options: cache geometry as read_cache_sizes works it out, the overlap-check
// bits, QEMU's order of checks and its messages, the reopen steps, and qcow2_join_options.
import { describe, expect, it } from 'vitest';
import {
  joinQcow2Options,
  type Qcow2Geometry,
  resolveQcow2Options,
  takeQcow2Options,
} from '../../../../src/block/drivers/qcow2/options';
import type { QDict } from '../../../../src/block/qdict';

/** A 64 MiB v3 image with 64 KiB clusters: the whole L2 cache is one 64 KiB cluster. */
const G: Qcow2Geometry = { clusterSize: 65536, virtualSize: 64 << 20, l2EntryBytes: 8, version: 3, lazyRefcountsBit: false, cryptMethod: 0 };

const dict = (o: Record<string, string>): QDict => new Map(Object.entries(o));
const resolve = (o: Record<string, string>, g: Qcow2Geometry = G, unmap = false) => resolveQcow2Options(takeQcow2Options(dict(o)), g, unmap, false);
const message = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e as Error).message,
  );

describe('cache sizes', () => {
  it('defaults to an L2 cache covering the disk in cluster-sized entries and 4 refcount blocks', async () => {
    const o = await resolve({});
    expect(o).toMatchObject({ l2CacheEntries: 2, l2SliceEntries: 8192, refcountCacheEntries: 4, overlapCheck: 0x17f, cacheCleanInterval: 600 });
  });

  it('uses 4 KiB entries when the L2 cache cannot cover the disk', async () => {
    // 64 GiB: 8 MiB of L2 tables, more than the 1 MiB asked for.
    const o = await resolve({ 'l2-cache-size': '1M' }, { ...G, virtualSize: 64 * 2 ** 30 });
    expect(o.l2SliceEntries).toBe(512);
    expect(o.l2CacheEntries).toBe(256);
  });

  it('splits cache-size as QEMU does: L2 first, the rest for refcounts', async () => {
    // 64 KiB of L2 covers the disk: 1 MiB - 64 KiB for the refcount cache (15 blocks).
    expect(await resolve({ 'cache-size': '1M' })).toMatchObject({ l2CacheEntries: 2, refcountCacheEntries: 15 });
    // Too small for both: the refcount cache gets its minimum first.
    const small = await resolve({ 'cache-size': '256k' }, { ...G, virtualSize: 2 ** 40 });
    expect(small.refcountCacheEntries).toBe(4);
    expect(small.l2CacheEntries).toBe(2);
    expect(await resolve({ 'cache-size': '1M', 'refcount-cache-size': '512k' })).toMatchObject({ refcountCacheEntries: 8 });
  });

  it("refuses what QEMU refuses, with QEMU's words", async () => {
    expect(await message(resolve({ 'cache-size': '1M', 'l2-cache-size': '2M' }))).toBe('l2-cache-size may not exceed cache-size');
    expect(await message(resolve({ 'cache-size': '1M', 'refcount-cache-size': '2M' }))).toBe('refcount-cache-size may not exceed cache-size');
    expect(await message(resolve({ 'cache-size': '1M', 'l2-cache-size': '512k', 'refcount-cache-size': '512k' }))).toBe(
      'cache-size, l2-cache-size and refcount-cache-size may not be set at the same time',
    );
    for (const size of ['1000', '256', '128k']) {
      expect(await message(resolve({ 'l2-cache-entry-size': size }))).toBe('L2 cache entry size must be a power of two between 512 and the cluster size (65536)');
    }
    expect(await message(resolve({ 'refcount-cache-size': '200T' }))).toBe('Refcount cache size too big');
  });
});

describe('typed values', () => {
  it('gives QemuOpts messages while taking the options', () => {
    expect(() => takeQcow2Options(dict({ 'lazy-refcounts': 'foo' }))).toThrow("Parameter 'lazy-refcounts' expects 'on' or 'off'");
    expect(() => takeQcow2Options(dict({ 'cache-clean-interval': 'abc' }))).toThrow("Parameter 'cache-clean-interval' expects a number");
    expect(() => takeQcow2Options(dict({ 'cache-clean-interval': '18446744073709551616' }))).toThrow(
      "Value '18446744073709551616' is too large for parameter 'cache-clean-interval'",
    );
    expect(() => takeQcow2Options(dict({ 'l2-cache-size': '18446744073709551616' }))).toThrow(
      "Value '18446744073709551616' is out of range for parameter 'l2-cache-size'",
    );
    expect(() => takeQcow2Options(dict({ 'l2-cache-size': 'foo' }))).toThrow("Parameter 'l2-cache-size' expects a non-negative number below 2^64");
  });

  it('takes only its own keys (data-file and unknown ones stay)', () => {
    const d = dict({ 'lazy-refcounts': 'on', 'data-file': 'x', 'discard-no-unref': 'on', 'overlap-check.active-l1': 'off' });
    takeQcow2Options(d);
    expect([...d.keys()]).toEqual(['data-file', 'discard-no-unref']);
  });

  it('takes every encrypt.* key; a format needs an encrypted image of that format', async () => {
    const d = dict({ 'encrypt.key-secret': 'sec0', 'encrypt.foo': 'bar' });
    expect(takeQcow2Options(d).encrypt).toEqual(new Map([['key-secret', 'sec0'], ['foo', 'bar']]));
    expect(d.size).toBe(0);
    expect(await message(resolve({ 'encrypt.format': 'luks' }))).toBe("No encryption in image header, but options specified format 'luks'");
    expect(await message(resolve({ 'encrypt.format': 'luks' }, { ...G, cryptMethod: 1 }))).toBe(
      "Header reported 'aes' encryption format but options specify 'luks'",
    );
    expect(await message(resolve({ 'encrypt.format': 'luks' }, { ...G, cryptMethod: 2 }))).toBe('resolved');
  });

  it('treats -1 as UINT64_MAX for the clean interval, which is too big', async () => {
    expect(await message(resolve({ 'cache-clean-interval': '-1' }))).toBe('Cache clean interval too big');
    expect(await message(resolve({ 'cache-clean-interval': '4294967296' }))).toBe('Cache clean interval too big');
    expect((await resolve({ 'cache-clean-interval': '4294967295' })).cacheCleanInterval).toBe(4294967295);
  });
});

describe('lazy refcounts, overlap checks, discard passthrough', () => {
  it('refuses lazy refcounts on version 2 images and follows the header bit by default', async () => {
    expect(await message(resolve({ 'lazy-refcounts': 'on' }, { ...G, version: 2 }))).toBe(
      'Lazy refcounts require a qcow2 image with at least qemu 1.1 compatibility level',
    );
    expect((await resolve({ 'lazy-refcounts': 'off' }, { ...G, version: 2 })).lazyRefcounts).toBe(false);
    expect((await resolve({}, { ...G, lazyRefcountsBit: true })).lazyRefcounts).toBe(true);
  });

  it('builds the overlap bits from the template, then each flag', async () => {
    expect((await resolve({ 'overlap-check': 'none' })).overlapCheck).toBe(0);
    expect((await resolve({ 'overlap-check': 'constant' })).overlapCheck).toBe(0x12b);
    expect((await resolve({ 'overlap-check.template': 'all' })).overlapCheck).toBe(0x1ff);
    expect((await resolve({ 'overlap-check': 'all', 'overlap-check.template': 'all' })).overlapCheck).toBe(0x1ff);
    expect((await resolve({ 'overlap-check': 'none', 'overlap-check.active-l1': 'on' })).overlapCheck).toBe(0x2);
    expect((await resolve({ 'overlap-check.main-header': 'off' })).overlapCheck).toBe(0x17e);
    expect(await message(resolve({ 'overlap-check': 'none', 'overlap-check.template': 'all' }))).toBe(
      "Conflicting values for qcow2 options 'overlap-check' ('none') and 'overlap-check.template' ('all')",
    );
    expect(await message(resolve({ 'overlap-check': 'toString' }))).toBe(
      "Unsupported value 'toString' for qcow2 option 'overlap-check'. Allowed are any of the following: none, constant, cached, all",
    );
  });

  it('passes discard requests down as the node does unless told otherwise', async () => {
    expect(await resolve({}, G, true)).toMatchObject({ passDiscardRequest: true, passDiscardSnapshot: true, passDiscardOther: false });
    expect(await resolve({ 'pass-discard-request': 'off', 'pass-discard-other': 'on' }, G, true)).toMatchObject({ passDiscardRequest: false, passDiscardOther: true });
  });
});

describe('reopen steps', () => {
  it('flushes the caches after the size checks and marks clean only when lazy refcounts go off', async () => {
    const steps: string[] = [];
    const run = (o: Record<string, string>, lazyNow: boolean) =>
      resolveQcow2Options(takeQcow2Options(dict(o)), G, false, lazyNow, {
        flushCaches: async () => void steps.push('flush'),
        disableLazyRefcounts: async () => void steps.push('clean'),
      });
    await run({ 'lazy-refcounts': 'off' }, true);
    expect(steps).toEqual(['flush', 'clean']);
    steps.length = 0;
    // A later check failing does not undo what was done before it, as in QEMU.
    expect(await message(run({ 'lazy-refcounts': 'off', 'overlap-check': 'foo' }, true))).toMatch(/^Unsupported value 'foo'/);
    expect(steps).toEqual(['flush', 'clean']);
    steps.length = 0;
    expect(await message(run({ 'cache-size': '1M', 'l2-cache-size': '2M' }, true))).toBe('l2-cache-size may not exceed cache-size');
    expect(steps).toEqual([]);
    await run({ 'lazy-refcounts': 'on' }, false);
    expect(steps).toEqual(['flush']);
  });
});

describe('qcow2_join_options', () => {
  const join = (now: Record<string, string>, old: Record<string, string>) => {
    const d = dict(now);
    joinQcow2Options(d, dict(old));
    return Object.fromEntries(d);
  };

  it('keeps old options that are not given again', () => {
    expect(join({ 'lazy-refcounts': 'off' }, { 'lazy-refcounts': 'on', 'pass-discard-other': 'on' })).toEqual({ 'lazy-refcounts': 'off', 'pass-discard-other': 'on' });
  });

  it('drops old overlap flags under a new template', () => {
    expect(join({ 'overlap-check': 'cached' }, { 'overlap-check.active-l1': 'off', 'overlap-check.bitmap-directory': 'off' })).toEqual({
      'overlap-check': 'cached',
      'overlap-check.bitmap-directory': 'off',
    });
    expect(join({}, { 'overlap-check.active-l1': 'off' })).toEqual({ 'overlap-check.active-l1': 'off' });
  });

  it('lets a new cache size replace an old total, and a new total replace old sizes', () => {
    expect(join({ 'l2-cache-size': '2M' }, { 'cache-size': '1M' })).toEqual({ 'l2-cache-size': '2M' });
    expect(join({ 'cache-size': '4M' }, { 'l2-cache-size': '2M', 'refcount-cache-size': '1M' })).toEqual({ 'cache-size': '4M' });
    // QEMU's check reads "any cache size set": an old total alone does not survive a reopen.
    expect(join({}, { 'cache-size': '1M' })).toEqual({});
    expect(join({ 'cache-size': '1M', 'l2-cache-size': '512k', 'refcount-cache-size': '512k' }, {})).toEqual({
      'cache-size': '1M',
      'l2-cache-size': '512k',
      'refcount-cache-size': '512k',
    });
  });
});
