// The first-run demo workspace: what `npm start` opens when given no image, so a newcomer sees
// every view at work. One graph holds both of QEMU's debugging drivers:
//
//   raw ── blkverify (record mode) ─┬─ raw:  reference.raw                      (the truth)
//                                   └─ test: qcow2 ── blkdebug (demo.cfg) ── test.qcow2
//
// demo.cfg is the seeds' two-rule example (the second write_aio fails with EIO). test.qcow2
// holds the same data as reference.raw except for planted corruptions, so the first read over
// them is a blkverify mismatch. The steps the UI runs once show the rest: a state transition,
// an injected error (a return-value mismatch), a request parked at a breakpoint. (The read is
// parked, not a write: once the inject-error rule is active it fails every request, metadata
// writes included, before a new write could reach its write_aio event, as in QEMU.)
import { randomUUID } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenImageRequest, WorkspaceInfo } from '../api';
import { openBlockBackend } from '../block/index';
import { layoutNewQcow2 } from '../block/drivers/qcow2/create';
import { NodeBlockHost } from './node-block-host';

export const DEMO_IMAGE_SIZE = 64 << 20;

/** QEMU's docs/blkdebug.txt example: the first write_aio moves to state 2, the second fails. */
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

export interface DemoWorkspace {
  dir: string;
  open: OpenImageRequest;
  info: WorkspaceInfo;
}

/** Writes the demo files into `dir` (a fresh temporary directory) and says how to open them. */
export async function createDemoWorkspace(dir: string): Promise<DemoWorkspace> {
  const reference = join(dir, 'reference.raw');
  const test = join(dir, 'test.qcow2');
  const rules = join(dir, 'demo.cfg');
  writeFileSync(rules, DEMO_RULES);

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
  return {
    dir,
    open: { filename: `json:${JSON.stringify(json)}` },
    info: {
      id: randomUUID(),
      kind: 'demo',
      title: 'Demo workspace',
      notes: [
        `blkverify compares every read of test.qcow2 with reference.raw (in ${dir}); two places in test.qcow2 were corrupted on purpose.`,
        "blkdebug runs QEMU's two-rule example under the qcow2 image: the first write moves the state machine to 2, the second write fails with EIO.",
        'The steps below ran once: see the mismatches in Sector diff, the requests in Timeline, the parked read in Suspended requests.',
      ],
      steps: [
        { run: 'read 0 64k', note: 'clean data: both images agree' },
        { run: 'read 1M 64k', note: 'crosses a corrupted sector: a contents mismatch' },
        { run: 'write -P 0x11 8M 64k', note: 'first write: state 1 → 2' },
        { run: 'write -P 0x22 9M 64k', note: 'second write: EIO on the test side, a return value mismatch' },
        { breakpoint: { event: 'read_aio', tag: 'demo' }, note: 'park the next read' },
        { run: 'aio_read 4M 64k', note: 'parked at the breakpoint; Resume it: the injected error is still active, so it fails as in QEMU' },
      ],
    },
  };
}
