// The first-run demo workspace: what `npm start` opens when given no image, so a newcomer sees
// every view at work. One graph holds both of QEMU's debugging drivers:
//
//   raw ── blkverify (record mode) ─┬─ raw:  reference.raw                      (the truth)
//                                   └─ test: qcow2 ── blkdebug (demo.cfg) ── test.qcow2
//
// demo.cfg is the seeds' two-rule example (the second write_aio fails with EIO), its error made
// `once` so the test side reads again afterwards. test.qcow2 holds the same data as reference.raw
// except for two planted corruptions, so a read over either is a blkverify contents mismatch.
// The steps show the rest: a state transition, an injected error (a return-value mismatch), a
// request parked at a breakpoint. Each step says what it must do (WorkspaceStep.expect) and the
// session checks it. plantDemoFiles writes every file afresh, so a reset gives the same run again.
import { randomUUID } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenImageRequest, WorkspaceInfo, WorkspaceStep } from '../api';
import { openBlockBackend } from '../block/index';
import { layoutNewQcow2 } from '../block/drivers/qcow2/create';
import { NodeBlockHost } from './node-block-host';

export const DEMO_IMAGE_SIZE = 64 << 20;

/**
 * QEMU's docs/blkdebug.txt example: the first write_aio moves to state 2, the second fails.
 * (The seeds' rules: other tests use this text as it is.)
 */
export const DEMO_RULES = `# The example from QEMU's docs/blkdebug.txt: fail the second write
[set-state]
event = "write_aio"
state = "1"
new_state = "2"

[inject-error]
event = "write_aio"
state = "2"
errno = "5"
`;

/**
 * What the workspace plants as demo.cfg: the same example with the error injected `once`.
 * Without it the rule stays active after the second write and fails every request that reaches
 * the test side (metadata, later reads, the views' own reads): the planted corruptions would
 * never show again, only EIO.
 */
export const DEMO_WORKSPACE_RULES = `# The example from QEMU's docs/blkdebug.txt: fail the second write
# (once: afterwards the test image reads again, so its planted corruptions show)
[set-state]
event = "write_aio"
state = "1"
new_state = "2"

[inject-error]
event = "write_aio"
state = "2"
errno = "5"
once = "on"
`;

/** Guest data both images hold: readable text, so the hex view's ASCII column means something. */
function textBlock(title: string, bytes: number): Uint8Array {
  const lines: string[] = [];
  for (let i = 0; lines.join('').length < bytes; i++) {
    lines.push(`${title} record ${String(i).padStart(5, '0')}: payload ${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')} ok\n`);
  }
  return new TextEncoder().encode(lines.join('').slice(0, bytes));
}

const DATA: Array<{ offset: number; data: Uint8Array }> = [
  { offset: 0, data: textBlock('superblock', 64 << 10) },
  { offset: 1 << 20, data: textBlock('journal', 64 << 10) },
  { offset: 4 << 20, data: textBlock('inode-table', 128 << 10) },
];

/** What differs in test.qcow2: a few bytes in one sector, and a whole sector lost (zeroes). */
export const DEMO_CORRUPTIONS: Array<{ offset: number; data: Uint8Array }> = [
  { offset: (1 << 20) + 1030, data: new TextEncoder().encode('c0rrupt') },
  { offset: (4 << 20) + 7 * 512, data: new Uint8Array(512) },
];

/** The 512-byte sectors the planted corruptions lie in (what the sector diff lists). */
export const DEMO_CORRUPT_SECTORS = DEMO_CORRUPTIONS.map((c) => Math.floor(c.offset / 512));

/** The demo's steps: what each runs, what it depends on, and what it must have done. */
export const DEMO_STEPS: WorkspaceStep[] = [
  { run: 'read 0 64k', note: 'clean data: both images agree', expect: { rc: 0, noMismatch: true } },
  { run: 'read 1M 64k', note: 'crosses the first corrupted sector: a contents mismatch', expect: { mismatch: { kind: 'contents', op: 'read', sector: DEMO_CORRUPT_SECTORS[0]! } } },
  { run: 'read 4M 64k', note: 'crosses the sector lost in test.qcow2: another contents mismatch', expect: { mismatch: { kind: 'contents', op: 'read', sector: DEMO_CORRUPT_SECTORS[1]! } } },
  { run: 'write -P 0x11 8M 64k', note: 'first write: state 1 → 2', expect: { rc: 0, noMismatch: true, state: { from: 1, to: 2 } } },
  {
    run: 'write -P 0x22 9M 64k',
    needs: [3],
    note: 'second write: EIO once on the test side, a return value mismatch',
    expect: { rc: -5, mismatch: { kind: 'return-value', op: 'write', testErrno: 5 }, noActiveErrors: true },
  },
  { breakpoint: { event: 'read_aio', tag: 'demo' }, note: 'park the next read', expect: { breakpoint: 'demo' } },
  { run: 'aio_read 0 4k', needs: [5], note: 'parked at the breakpoint: Resume it in Suspended requests', expect: { rc: 0, parked: 'demo' } },
];

export interface DemoWorkspace {
  dir: string;
  open: OpenImageRequest;
  info: WorkspaceInfo;
}

/**
 * Writes the demo files into `dir`, over any earlier copies (the workspace's image must be
 * closed), and says how to open them: the same bytes every time.
 */
export async function plantDemoFiles(dir: string): Promise<OpenImageRequest> {
  const reference = join(dir, 'reference.raw');
  const test = join(dir, 'test.qcow2');
  const rules = join(dir, 'demo.cfg');
  writeFileSync(rules, DEMO_WORKSPACE_RULES);

  const fd = openSync(reference, 'w');
  try {
    ftruncateSync(fd, DEMO_IMAGE_SIZE);
    for (const d of DATA) writeSync(fd, d.data, 0, d.data.length, d.offset);
  } finally {
    closeSync(fd);
  }

  // An empty qcow2 as qemu-img creates it, then the same data and the planted corruptions
  // written through our own driver, so the image stays consistent (qemu-img check is clean).
  const layout = layoutNewQcow2({ size: DEMO_IMAGE_SIZE, clusterBits: 16, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0 });
  const qfd = openSync(test, 'w');
  try {
    ftruncateSync(qfd, layout.length);
    for (const w of layout.writes) writeSync(qfd, w.data, 0, w.data.length, w.offset);
  } finally {
    closeSync(qfd);
  }
  const blk = await openBlockBackend(new NodeBlockHost(), { filename: test, format: 'qcow2' }, { warn: () => undefined });
  try {
    for (const d of [...DATA, ...DEMO_CORRUPTIONS]) await blk.pwrite(d.offset, d.data.length, d.data, 0);
    await blk.flush();
  } finally {
    await blk.close();
  }

  const json = {
    driver: 'raw',
    file: {
      driver: 'blkverify',
      mode: 'record',
      raw: { driver: 'file', filename: reference },
      test: { driver: 'qcow2', file: { driver: 'blkdebug', config: rules, image: { driver: 'file', filename: test } } },
    },
  };
  return { filename: `json:${JSON.stringify(json)}` };
}

/** Writes the demo files into `dir` (a fresh temporary directory) and says how to open them. */
export async function createDemoWorkspace(dir: string): Promise<DemoWorkspace> {
  return {
    dir,
    open: await plantDemoFiles(dir),
    info: {
      id: randomUUID(),
      kind: 'demo',
      title: 'Demo workspace',
      notes: [
        `blkverify compares every read of test.qcow2 with reference.raw (in ${dir}); two sectors of test.qcow2 were corrupted on purpose (${DEMO_CORRUPT_SECTORS.map((s) => `sector ${s}`).join(' and ')}).`,
        "blkdebug runs QEMU's two-rule example under the qcow2 image: the first write moves the state machine to 2, the second write fails once with EIO.",
        'The steps below run at first sight; each is checked by the session before it gets its mark. Click a step to run it. Run the demo again plants fresh images and rules first, so every run gives the same result.',
      ],
      steps: DEMO_STEPS,
    },
  };
}
