// qcow2 error-path matrix in the spirit of QEMU iotest 026 ("qcow2 error path testing"): an
// inject-error rule on one qcow2 metadata event, a write through `blkdebug:b.conf:t.qcow2` with
// -f qcow2 (qemu-io's default cache mode, writethrough), then the REAL `qemu-img check` of the
// image (checkImages) and its bytes (compareImages: blkstudio allocates exactly like QEMU, also
// on error paths). Unlike 026 the "refcount=1 reference=0" leak lines are kept.
//
// Same case shape as cases.mjs (which imports and appends these); names start with `qcow2-026-`.
// 026 runs several qemu-io processes for l2_load; here one process closes and reopens the image
// (`close` + `open`), which drops the caches and resets blkdebug's `once` rules the same way.
// Note (reference 7.R): with once=off the rule still fires at close, so qcow2's cache flushes fail
// and qemu-io prints `Failed to flush the L2 table cache` / `... refcount block cache` on stderr.

/** `c('read 0 512', 'write 0 1')` -> ['-c', 'read 0 512', '-c', 'write 0 1'] */
const c = (...cmds) => cmds.flatMap((cmd) => ['-c', cmd]);

/** The blkdebug config 026 writes (event names in their current underscore spelling). */
const conf = (event, errno, once) => `[inject-error]\nevent = "${event}"\nerrno = "${errno}"\nimmediately = "off"\nonce = "${once}"\n`;

const IMG = 'blkdebug:b.conf:t.qcow2';
const OPEN = `open -o driver=qcow2 ${IMG}`;

/** One matrix case. */
function errCase({ section, event, errno, once, vm, clusterSize, cmds, prepare, createOpts = '' }) {
  const name = `qcow2-026-${section ? `${section}-` : ''}${event.replace(/_/g, '-')}-e${errno}-once-${once}${vm ? '-vmstate' : ''}`;
  return {
    name,
    description: `026: event ${event}, errno ${errno}, once ${once}, write${vm ? ' -b' : ''}, ${clusterSize} B clusters${createOpts ? `, ${createOpts}` : ''}, 1G`,
    images: [{ name: 't.qcow2', create: ['-f', 'qcow2', '-o', `cluster_size=${clusterSize}${createOpts ? `,${createOpts}` : ''}`, 't.qcow2', '1G'], ...(prepare ? { prepare } : {}) }],
    files: { 'b.conf': conf(event, errno, once) },
    argv: ['-f', 'qcow2', ...c(...cmds), IMG],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  };
}

/** The same errors on extended L2 images (16 KiB clusters, 512 B subclusters): a partial write. */
function extL2Cases() {
  const out = [];
  for (const event of MAIN_EVENTS) {
    for (const once of ['on', 'off']) {
      const w = 'write 1000 100k';
      const prepare = event === 'l2_update' ? [['-f', 'qcow2', '-c', 'write 0 512', 't.qcow2']] : undefined;
      const cmds = event === 'l2_load' ? [w, 'close', OPEN, w, 'close', OPEN, 'read 1000 100k'] : [w];
      out.push(errCase({ section: 'extl2', event, errno: 5, once, vm: '', clusterSize: 16384, cmds, prepare, createOpts: 'extended_l2=on' }));
    }
  }
  return out;
}

const MAIN_EVENTS = ['l1_update', 'l2_load', 'l2_update', 'l2_alloc_write', 'write_aio', 'refblock_load', 'refblock_update_part', 'refblock_alloc', 'cluster_alloc'];
const GROWTH_EVENTS = ['refblock_alloc_hookup', 'refblock_alloc_write', 'refblock_alloc_write_blocks', 'refblock_alloc_write_table', 'refblock_alloc_switch_table'];
const L1_EVENTS = ['l1_grow_alloc_table', 'l1_grow_write_table', 'l1_grow_activate_table'];

const cases = [];

// Errors while writing 128 kB (1k clusters)
for (const event of MAIN_EVENTS) {
  for (const errno of [5, 28]) {
    for (const once of ['on', 'off']) {
      for (const vm of ['', '-b']) {
        const w = `write ${vm ? `${vm} ` : ''}0 128k`;
        const r = `read ${vm ? `${vm} ` : ''}0 128k`;
        // l2_update: catch a simple L2 update, not the allocation of the first L2 table.
        const prepare = event === 'l2_update' ? [['-f', 'qcow2', '-c', `write ${vm ? `${vm} ` : ''}0 512`, 't.qcow2']] : undefined;
        // l2_load is not fired on allocation: write again and read after reopening.
        const cmds = event === 'l2_load' ? [w, 'close', OPEN, w, 'close', OPEN, r] : [w];
        cases.push(errCase({ event, errno, once, vm, clusterSize: 1024, cmds, prepare }));
      }
    }
  }
}

// Refcount table growth tests (512 B clusters, 64M write; ENOSPC only, as 026). The refcount
// table itself only grows once ~8M of the file are in use; for the three events of that path the
// REAL qemu-io first writes the first 7M (prepare, same on both sides) and the case writes the
// remaining 57M, so the tool under test does not spend its time on 7M of uneventful allocation.
const TABLE_GROWTH = new Set(['refblock_alloc_write_blocks', 'refblock_alloc_write_table', 'refblock_alloc_switch_table']);
for (const event of GROWTH_EVENTS) {
  for (const once of ['on', 'off']) {
    for (const vm of ['', '-b']) {
      const b = vm ? `${vm} ` : '';
      const skip = TABLE_GROWTH.has(event);
      cases.push(
        errCase({
          section: 'growth',
          event,
          errno: 28,
          once,
          vm,
          clusterSize: 512,
          cmds: [skip ? `write ${b}7M 57M` : `write ${b}0 64M`],
          prepare: skip ? [['-t', 'unsafe', '-f', 'qcow2', '-c', `write ${b}0 7M`, 't.qcow2']] : undefined,
        }),
      );
    }
  }
}

// L1 growth tests (1k clusters, vm state write)
for (const event of L1_EVENTS) {
  for (const errno of [5, 28]) {
    for (const once of ['on', 'off']) {
      cases.push(errCase({ section: 'l1', event, errno, once, vm: '-b', clusterSize: 1024, cmds: ['write -b 0 64k'] }));
    }
  }
}

// Aftermath: the REAL qemu-io fails a write through blkdebug (prepare), then the tool under test
// opens the damaged-but-consistent image without blkdebug and writes and reads 1M (the image may
// contain leaked clusters and half-set-up refcount structures that allocation must cope with).
for (const [event, clusterSize, w] of [
  ...MAIN_EVENTS.map((e) => [e, 1024, 'write 0 128k']),
  ...GROWTH_EVENTS.filter((e) => !TABLE_GROWTH.has(e)).map((e) => [e, 512, 'write 0 64M']),
]) {
  const name = `qcow2-026-after-${event.replace(/_/g, '-')}`;
  cases.push({
    name,
    description: `026 aftermath: ${w} failed on ${event} (errno 5, once on) under the real qemu-io, then plain writes`,
    images: [{ name: 't.qcow2', create: ['-f', 'qcow2', '-o', `cluster_size=${clusterSize}`, 't.qcow2', '1G'], prepare: [{ qemuIo: ['-f', 'qcow2', '-c', w, IMG], status: event === 'l2_load' ? 0 : 1 }] }],
    files: { 'b.conf': conf(event, 5, 'on') },
    argv: ['-f', 'qcow2', ...c('write -P 5 0 1M', 'read -P 5 0 1M', 'write -P 6 100M 64k', 'read -P 6 100M 64k', 'map'), 't.qcow2'],
    compareImages: ['t.qcow2'],
    checkImages: ['t.qcow2'],
  });
}

cases.push(...extL2Cases());

export const qcow2ErrorCases = cases;
