// Making a new image file for the app (Session.createImage): raw (sparse, or every byte written
// with preallocation=full) or qcow2 as qemu-img 7.2 lays it out. Never over an existing file;
// cancelled or failed, the half-made file is removed, so nothing is lost and nothing is left.
import { open, unlink, type FileHandle } from 'node:fs/promises';
import type { CreateImageRequest } from '../api';
import { layoutNewQcow2, Qcow2TooLargeError } from '../block/drivers/qcow2/create';
import type { JobControl } from '../session/jobs';
import { hostPath } from './node-block-host';

/** How much preallocation=full writes per step (progress and cancellation points). */
const FILL_STEP = 4 << 20;

const roundUp512 = (n: number) => Math.ceil(n / 512) * 512;

/** Writes the file's contents; the caller creates and removes the file. */
async function fill(fh: FileHandle, req: CreateImageRequest, control: JobControl): Promise<void> {
  const size = roundUp512(req.size);
  if (req.format === 'raw') {
    await fh.truncate(size);
    if (req.preallocation !== 'full') {
      // allocate_first_block, as qemu-img create does (qemu-img map shows it as data).
      if (size > 0) await fh.write(new Uint8Array(size < 4096 ? 512 : 4096), 0, size < 4096 ? 512 : 4096, 0);
      return control.progress(size, size);
    }
    const zeroes = new Uint8Array(Math.min(FILL_STEP, Math.max(size, 512)));
    for (let at = 0; at < size; at += zeroes.length) {
      if (control.aborted) return;
      const n = Math.min(zeroes.length, size - at);
      await fh.write(zeroes, 0, n, at);
      control.progress(at + n, size);
    }
    await fh.datasync();
    return;
  }
  if (req.preallocation === 'full') throw new Error("qcow2 images are created with preallocation 'off' here");
  const clusterSize = req.clusterSize ?? 65536;
  const clusterBits = Math.log2(clusterSize);
  if (!Number.isInteger(clusterBits) || clusterBits < 9 || clusterBits > 21) {
    throw new Error('Cluster size must be a power of two between 512 and 2048k');
  }
  let layout;
  try {
    layout = layoutNewQcow2({ size, clusterBits, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0 });
  } catch (e) {
    if (e instanceof Qcow2TooLargeError) throw new Error('The image size is too large for this cluster size');
    throw e;
  }
  const total = layout.writes.reduce((n, w) => n + w.data.length, 0);
  let done = 0;
  await fh.truncate(layout.length);
  for (const w of layout.writes) {
    if (control.aborted) return;
    await fh.write(w.data, 0, w.data.length, w.offset);
    done += w.data.length;
    control.progress(done, total);
  }
  await fh.datasync();
}

export async function createImageFile(req: CreateImageRequest, control: JobControl): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(hostPath(req.filename), 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'EEXIST' ? `${req.filename} exists already: choose a new file name` : `Could not create '${req.filename}': ${(e as Error).message}`);
  }
  let keep = false;
  try {
    await fill(fh, req, control);
    keep = !control.aborted;
  } finally {
    await fh.close();
    if (!keep) await unlink(hostPath(req.filename)).catch(() => undefined);
  }
}
