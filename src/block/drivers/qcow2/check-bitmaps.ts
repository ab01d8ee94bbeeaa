// The bitmaps of an image as `img check` sees them (it reads the bytes itself): the extension
// with qcow2_read_extensions' checks, the directory and tables with qcow2_load_dirty_bitmaps'
// (a bad one fails the open), and the clusters they take for the refcount comparison.
import { QemuError } from '../../errors';
import { type BitmapImage, bitmapListLoad, bitmapTableLoad, loadBitmap, parseBitmapsExt, type Qcow2Bitmap, tableEntryValid } from './bitmaps';
import { align8, AUTOCLEAR_BITMAPS, be32, EXT_BITMAPS, type QcowHeader } from './format';
import { readHeaderExtensions } from './header-extensions';

type ReadFn = (offset: number, bytes: number) => Promise<Uint8Array>;

export interface CheckBitmaps {
  directoryOffset: number;
  directorySize: number;
  list: Qcow2Bitmap[];
}

export interface BitmapsForCheck {
  bitmaps: CheckBitmaps | null;
  /** QEMU's warning for an extension whose autoclear bit is clear (no newline at the end). */
  warning: string | null;
  /** Where that stale extension sits (8-byte header included): a read-write open drops it. */
  stale: { offset: number; bytes: number } | null;
}

/** The open's part: throws the message qemu-img prints after "Could not open 'x': ". */
export async function readBitmapsForCheck(read: ReadFn, h: QcowHeader): Promise<BitmapsForCheck> {
  const out: BitmapsForCheck = { bitmaps: null, warning: null, stale: null };
  const clusterSize = 2 ** h.clusterBits;
  let data: Uint8Array | null = null;
  for (const { type, offset, len } of (await readHeaderExtensions(read, h)).list) {
    if (type === EXT_BITMAPS) {
      if (len !== 24) throw new QemuError('bitmaps_ext: Invalid extension length');
      if (h.version < 3 || !(h.autoclearFeatures & AUTOCLEAR_BITMAPS)) {
        out.warning =
          h.version < 3
            ? 'qemu-img: warning: This qcow2 v2 image contains bitmaps, but they may have been modified by a program without persistent bitmap support; so now they must all be considered inconsistent\n'
            : 'qemu-img: warning: a program lacking bitmap support modified this file, so all bitmaps are now considered inconsistent\n';
        out.warning += "Some clusters may be leaked, run 'qemu-img check -r' on the image file to fix.";
        out.stale = { offset, bytes: 8 + align8(len) };
      } else {
        data = await read(offset + 8, len);
      }
    }
  }
  if (!data) return out;
  const ext = parseBitmapsExt(data, clusterSize);
  const img = imageOver(read, clusterSize, h.size, ext.nbBitmaps);
  const list = await bitmapListLoad(img, ext.directoryOffset, ext.directorySize);
  for (const bm of list) await loadBitmap(img, bm);
  out.bitmaps = { directoryOffset: ext.directoryOffset, directorySize: ext.directorySize, list };
  return out;
}

/**
 * qcow2_check_bitmaps_refcounts: the directory, each table and its data clusters take a
 * reference. Returns false when a table holds an invalid entry (a corruption that fails the check).
 */
export async function countBitmapRefcounts(
  read: ReadFn,
  clusterSize: number,
  bitmaps: CheckBitmaps,
  inc: (offset: number, size: number) => void,
): Promise<boolean> {
  inc(bitmaps.directoryOffset, bitmaps.directorySize);
  const img = imageOver(read, clusterSize, 0, 0);
  for (const bm of bitmaps.list) {
    inc(bm.tableOffset, bm.tableSize * 8);
    const raw = await read(bm.tableOffset, bm.tableSize * 8);
    for (let i = 0; i < bm.tableSize; i++) {
      if (!tableEntryValid(be32(raw, i * 8), be32(raw, i * 8 + 4), clusterSize)) return false;
    }
    for (const offset of await bitmapTableLoad(img, bm)) if (offset > 0) inc(offset, clusterSize);
  }
  return true;
}

/** The bitmap loaders' view of an image whose bytes `img check` reads itself. */
function imageOver(read: ReadFn, clusterSize: number, size: number, nbBitmaps: number): BitmapImage {
  return { clusterSize, size, nbBitmaps, file: { preadv: async (offset, bytes, buf) => buf.set((await read(offset, bytes)).subarray(0, bytes)) } };
}
