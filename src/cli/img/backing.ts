// Opening a backing file the way bdrv_img_create does, only to learn its size (and to fail
// with QEMU's messages): the path is relative to the new image's directory, the format is the
// given one (raw or qcow2) or probed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { be32, be64, QCOW_MAGIC } from '../../block/drivers/qcow2/format';
import { strerror } from '../../block/errors';

export type BackingResult = { ok: true; size: bigint; format: string } | { ok: false; message: string };

/** bdrv_get_full_backing_filename_from_filename for plain paths. */
export function fullBackingPath(imagePath: string, backing: string): string {
  if (path.isAbsolute(backing) || !imagePath.includes('/')) return backing;
  return imagePath.slice(0, imagePath.lastIndexOf('/') + 1) + backing;
}

function readHead(file: string): Uint8Array | { errno: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return { errno: Math.abs((e as NodeJS.ErrnoException).errno ?? 5) };
  }
  try {
    const buf = new Uint8Array(512);
    const n = fs.readSync(fd, buf, 0, 512, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export function probeFormat(head: Uint8Array): 'qcow2' | 'raw' {
  return head.length >= 8 && be32(head, 0) === QCOW_MAGIC && be32(head, 4) >= 2 ? 'qcow2' : 'raw';
}

export function openBacking(imagePath: string, backing: string, format: string | undefined): BackingResult {
  const file = fullBackingPath(imagePath, backing);
  if (format !== undefined && format !== 'raw' && format !== 'qcow2') {
    return { ok: false, message: `Unknown driver '${format}'` };
  }
  const head = readHead(file);
  if (!(head instanceof Uint8Array)) return { ok: false, message: `Could not open '${file}': ${strerror(head.errno)}` };
  const fmt = format ?? probeFormat(head);
  if (fmt === 'qcow2') {
    if (head.length < 4 || be32(head, 0) !== QCOW_MAGIC) return { ok: false, message: 'Image is not in qcow2 format' };
    if (head.length < 32) return { ok: false, message: `Could not open '${file}': Invalid argument` };
    return { ok: true, size: BigInt(be64(head, 24)), format: fmt };
  }
  // bdrv_getlength counts whole sectors.
  return { ok: true, size: (BigInt(fs.statSync(file).size) + 511n) & ~511n, format: fmt };
}
