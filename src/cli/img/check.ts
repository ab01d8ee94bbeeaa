// `blkstudio img check`: qemu-img 7.2's check for qcow2 (raw has no checks), human or JSON
// output, repairs with -r leaks / -r all, QEMU's exit codes (0 clean, 1 check failed,
// 2 corruptions, 3 leaks, 63 format without checks).

import * as fs from 'node:fs';
import { checkQcow2Image, Qcow2OpenError, Qcow2RepairUnsupportedError, type CheckResult } from '../../block/drivers/qcow2/check';
import { QemuError, strerror } from '../../block/errors';
import { LockBytes } from '../../block/drivers/file/lock-bytes';
import { BLK_PERM_ALL, BLK_PERM_CONSISTENT_READ, BLK_PERM_RESIZE, BLK_PERM_WRITE } from '../../block/permissions';
import { fdLocks } from '../../host/native-fs';
import { probeFormat } from './backing';
import { utf8ToBinaryString } from '../../common/binary-string';
import { openBlockBackend } from '../../block/open';
import { NodeBlockHost } from '../../host/node-block-host';
import { getopt } from './getopt';
import { ImgOutput, usageError } from './output';
import { qdictToJsonPretty } from './qjson';

/**
 * printf("%0.2f") of a non-negative double: glibc rounds the exact binary value, and an exact tie
 * (x * 8 an odd integer, 3.125) to even (3.12), where toFixed rounds it up (3.13).
 */
export function printfFixed2(x: number): string {
  if (Number.isInteger(x * 8) && !Number.isInteger(x * 4)) {
    const k = Math.floor(x * 100);
    return ((k % 2 === 0 ? k : k + 1) / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/** dump_human_image_check. */
export function renderHumanCheck(r: CheckResult): string {
  let s = '';
  if (!(r.corruptions || r.leaks || r.checkErrors)) s += 'No errors were found on the image.\n';
  else {
    if (r.corruptions) {
      s += `\n${r.corruptions} errors were found on the image.\nData may be corrupted, or further writes to the image may corrupt it.\n`;
    }
    if (r.leaks) s += `\n${r.leaks} leaked clusters were found on the image.\nThis means waste of disk space, but no harm to data.\n`;
    if (r.checkErrors) s += `\n${r.checkErrors} internal errors have occurred during the check.\n`;
  }
  if (r.totalClusters !== 0 && r.allocatedClusters !== 0) {
    const pct = (n: number, d: number) => printfFixed2((n * 100) / d);
    s +=
      `${r.allocatedClusters}/${r.totalClusters} = ${pct(r.allocatedClusters, r.totalClusters)}% allocated, ` +
      `${pct(r.fragmentedClusters, r.allocatedClusters)}% fragmented, ${pct(r.compressedClusters, r.allocatedClusters)}% compressed clusters\n`;
  }
  if (r.imageEndOffset) s += `Image end offset: ${r.imageEndOffset}\n`;
  return s;
}

/** dump_json_image_check: ImageCheck's members in QAPI order, optional ones only when non-zero. */
export function renderJsonCheck(r: CheckResult, filename: string, format: string): string {
  const entries: [string, string | number][] = [
    ['filename', filename],
    ['format', format],
    ['check-errors', r.checkErrors],
  ];
  const optional: [string, number][] = [
    ['image-end-offset', r.imageEndOffset],
    ['corruptions', r.corruptions],
    ['leaks', r.leaks],
    ['corruptions-fixed', r.corruptionsFixed],
    ['leaks-fixed', r.leaksFixed],
    ['total-clusters', r.totalClusters],
    ['allocated-clusters', r.allocatedClusters],
    ['fragmented-clusters', r.fragmentedClusters],
    ['compressed-clusters', r.compressedClusters],
  ];
  for (const [k, v] of optional) if (v) entries.push([k, v]);
  return qdictToJsonPretty(entries) + '\n';
}

function errnoOf(e: unknown): number {
  return Math.abs((e as NodeJS.ErrnoException).errno ?? 5);
}

/** The external data file is opened with the image (relative to the working directory): it must exist. */
function openDataFile(name: string, writable: boolean): void {
  try {
    fs.closeSync(fs.openSync(name, writable ? 'r+' : 'r'));
  } catch (e) {
    throw new Qcow2OpenError(`Could not open '${name}': ${strerror(errnoOf(e))}`);
  }
}

/** `img check [-q] [-f fmt] [--output=human|json] [-r leaks|all] [-T cache] [-U] filename`. */
export async function imgCheck(argv: readonly string[], o: ImgOutput): Promise<number> {
  const after: { storeBitmaps?: string } = {};
  const rc = await checkImage(argv, o, after);
  if (after.storeBitmaps !== undefined) await storePersistentBitmaps(after.storeBitmaps, o);
  return rc;
}

/**
 * A repairing check opens the image read-write, so QEMU's qcow2 marks the bitmaps in_use and
 * stores them anew when the image is closed: the same happens here through the qcow2 driver,
 * after the repair (nothing the repair does depends on it).
 */
async function storePersistentBitmaps(filename: string, o: ImgOutput): Promise<void> {
  const host = new NodeBlockHost({ syncIo: true });
  try {
    const blk = await openBlockBackend(host, { filename: utf8ToBinaryString(filename), format: 'qcow2', readOnly: false }, { warn: (t) => o.err(t) });
    await blk.close();
  } catch (e) {
    o.error(`Lost persistent bitmaps of '${filename}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function checkImage(argv: readonly string[], o: ImgOutput, after: { storeBitmaps?: string }): Promise<number> {
  const { items, positionals } = getopt(argv, ':hf:r:T:qU', [
    { name: 'help', hasArg: false, key: 'h' },
    { name: 'format', hasArg: true, key: 'f' },
    { name: 'repair', hasArg: true, key: 'r' },
    { name: 'output', hasArg: true, key: 'output' },
    { name: 'object', hasArg: true, key: 'object' },
    { name: 'image-opts', hasArg: false, key: 'image-opts' },
    { name: 'force-share', hasArg: false, key: 'U' },
  ]);
  let fmt: string | undefined;
  let output: string | undefined;
  let quiet = false;
  let fixLeaks = false;
  let fixErrors = false;
  let forceShare = false;
  for (const it of items) {
    if (it.kind === 'missing') return usageError(o, `missing argument for option '${it.arg}'`);
    if (it.kind === 'unknown') return usageError(o, `unrecognized option '${it.arg}'`);
    switch (it.key) {
      case 'h':
        o.out('usage: blkstudio img check [-q] [-f fmt] [--output=human|json] [-r leaks|all] filename\n');
        return 0;
      case 'f':
        fmt = it.arg;
        break;
      case 'U':
        forceShare = true;
        break;
      case 'r':
        if (it.arg === 'leaks') fixLeaks = true;
        else if (it.arg === 'all') fixLeaks = fixErrors = true;
        else return usageError(o, `Unknown option value for -r (expecting 'leaks' or 'all'): ${it.arg}`);
        break;
      case 'output':
        output = it.arg;
        break;
      case 'q':
        quiet = true;
        break;
      case 'image-opts':
        o.error('blkstudio img check does not support --image-opts yet');
        return 1;
    }
  }
  if (positionals.length !== 1) return usageError(o, 'Expecting one image file name');
  const filename = positionals[0];
  let json = false;
  if (output === 'json') json = true;
  else if (output !== undefined && output !== 'human') {
    o.error('--output must be used with human or json as argument.');
    return 1;
  }

  if (forceShare && fixLeaks) {
    o.error(`Could not open '${filename}': force-share=on can only be used with read-only images`);
    return 1;
  }
  let fd: number;
  try {
    fd = fs.openSync(filename, fixLeaks ? 'r+' : 'r');
  } catch (e) {
    o.error(`Could not open '${filename}': Could not open '${filename}': ${strerror(errnoOf(e))}`);
    return 1;
  }
  try {
    const fileSize = fs.fstatSync(fd).size;
    const read = async (offset: number, bytes: number) => {
      const buf = new Uint8Array(bytes);
      let done = 0;
      while (done < bytes) {
        const n = fs.readSync(fd, buf, done, bytes - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return buf;
    };
    const head = await read(0, Math.min(512, fileSize));
    const format = fmt ?? probeFormat(head);
    if (format !== 'qcow2' && format !== 'raw') {
      o.error(`Could not open '${filename}': Unknown driver '${format}'`);
      return 1;
    }
    if (format === 'raw') {
      if (fmt === undefined && fixLeaks) {
        // A probed raw image opened for writing gets QEMU's warning first.
        o.err(
          `WARNING: Image format was not specified for '${filename}' and probing guessed raw.\n` +
            '         Automatically detecting the format is dangerous for raw images, write operations on block 0 will be restricted.\n' +
            "         Specify the 'raw' format explicitly to remove the restrictions.\n",
        );
      }
      // raw passes the BlockBackend's permissions through: read, and write with -r.
      const refused = takeLocks(fd, filename, BLK_PERM_CONSISTENT_READ | (fixLeaks ? BLK_PERM_WRITE : 0), BLK_PERM_ALL);
      if (refused) {
        o.error(`Could not open '${filename}': ${refused}`);
        return 1;
      }
      o.error('This image format does not support checks');
      return 63;
    }
    const write = async (offset: number, data: Uint8Array) => {
      for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done, offset + done);
    };
    // qcow2 locks its file before reading the header: nobody else may write or resize it.
    const refused = takeLocks(
      fd,
      filename,
      BLK_PERM_CONSISTENT_READ | (fixLeaks ? BLK_PERM_WRITE | BLK_PERM_RESIZE : 0),
      forceShare ? BLK_PERM_ALL : BLK_PERM_ALL & ~(BLK_PERM_WRITE | BLK_PERM_RESIZE),
    );
    if (refused) {
      o.error(`Could not open '${filename}': ${refused}`);
      return 1;
    }
    let r: CheckResult;
    try {
      r = await checkQcow2Image(read, fileSize, { fixLeaks, fixErrors, write, openDataFile: (name) => openDataFile(name, fixLeaks) });
    } catch (e) {
      if (e instanceof Qcow2OpenError) {
        o.error(`Could not open '${filename}': ${e.message}`);
        return 1;
      }
      if (e instanceof Qcow2RepairUnsupportedError) {
        o.error(e.message);
        return 1;
      }
      throw e;
    }
    if (fixLeaks && r.persistentBitmaps && !r.failedErrno) after.storeBitmaps = filename;
    // The first pass's lines, then (after a repair) the summary and the re-check's lines.
    const repaired = (r.leaksFixed || r.corruptionsFixed) && (!r.failedErrno || r.failedAfterRepair);
    for (const line of r.messages) o.err(line);
    if (repaired && !json && !quiet) {
      o.out(
        `The following inconsistencies were found and repaired:\n\n    ${r.leaksFixed} leaked clusters\n    ${r.corruptionsFixed} corruptions\n\nDouble checking the fixed image now...\n`,
      );
    }
    if (r.failedErrno) {
      if (r.failedReport) o.error(r.failedReport);
      o.error(`Check failed: ${strerror(r.failedErrno)}`);
      return 1;
    }
    if (!quiet) o.out(json ? renderJsonCheck(r, filename, 'qcow2') : renderHumanCheck(r));
    if (r.checkErrors) {
      o.error('Check failed');
      return 1;
    }
    return r.corruptions ? 2 : r.leaks ? 3 : 0;
  } finally {
    fs.closeSync(fd);
  }
}

/** file.locking as the file node of qemu-img check's graph takes it: null, or QEMU's refusal. The descriptor's close drops the locks. */
function takeLocks(fd: number, filename: string, perm: number, shared: number): string | null {
  const target = fdLocks(fd);
  const locks = target && LockBytes.on(target, filename);
  try {
    locks?.set(perm, shared);
    return null;
  } catch (e) {
    if (e instanceof QemuError) return e.message;
    throw e;
  }
}
