// External data files (qcow2's "external data file" incompatible feature, the "raw external
// data" autoclear bit and the 0x44415441 header extension naming the file): guest data lives in
// a second child, `data-file`, at host offset == guest offset, while the L1/L2 tables and the
// refcounts (of metadata only) stay in the image file. With data-file-raw the data file must
// stay a valid raw image by itself, so zero writes go to it too and growing preallocates the
// mapping. This file holds what only the data-file case does; the hot paths test
// s.hasDataFile and use s.dataFile.
import { bytesToBinaryString } from '../../../common/binary-string';
import type { BdrvChild } from '../../child';
import { QemuError } from '../../errors';
import type { BlockNode } from '../../node';
import type { OpenContext } from '../../open-context';
import type { QDict } from '../../qdict';
import { type ClusterType, EXT_DATA_FILE, type QcowHeader } from './format';
import { readHeaderExtensions } from './header-extensions';
import type { DiscardType, Qcow2State } from './state';

/** Whether the options name a data-file child (a node reference or `data-file.*` keys). */
function hasDataFileOptions(options: QDict): boolean {
  if (options.has('data-file')) return true;
  for (const key of options.keys()) if (key.startsWith('data-file.')) return true;
  return false;
}

/**
 * The data-file part of qcow2_do_open: the `data-file` options win, else the file named in the
 * header (a plain host file name, relative to the working directory, never a protocol or json:
 * filename); an image without the feature bit takes neither. Returns the child guest data goes
 * to: the image file itself when there is no external data file.
 */
export async function openDataFile(
  node: BlockNode,
  options: QDict,
  ctx: OpenContext,
  file: BdrvChild,
  hasFeature: boolean,
  isRaw: boolean,
  imageDataFile: string | null,
): Promise<BdrvChild> {
  let child: BdrvChild | null = null;
  if (hasDataFileOptions(options)) child = await ctx.openChild(node, options, 'data-file', 'data', { protocolOnly: true });
  if (hasFeature) {
    if (!child && imageDataFile !== null) {
      options.set('data-file.filename', imageDataFile);
      child = await ctx.openChild(node, options, 'data-file', 'data', { protocolOnly: true });
    }
    if (!child) throw new QemuError("'data-file' is required for this image");
    return child;
  }
  if (child) throw new QemuError("'data-file' can only be set for images with an external data file");
  if (isRaw) throw new QemuError('data-file-raw requires a data file');
  return file;
}

/** The data file name from its header extension: the bytes up to the first NUL (a C string). */
export function dataFileName(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return bytesToBinaryString(nul >= 0 ? data.subarray(0, nul) : data);
}

/**
 * qcow2_free_any_cluster with a data file: no refcounts to drop, only the data file's range is
 * discarded when this kind of discard is passed down (errors are ignored, as QEMU does).
 */
export async function discardDataCluster(s: Qcow2State, type: ClusterType, offset: number, why: DiscardType): Promise<void> {
  if (!s.discardPassthrough[why] || (type !== 'normal' && type !== 'zero-alloc')) return;
  await s.dataFile.pdiscard(offset, s.clusterSize).catch(() => undefined);
}

/** qcow2_subcluster_zeroize, first step: a raw data file is zeroed too, so it stays in sync. */
export async function zeroRawDataFile(s: Qcow2State, offset: number, bytes: number, flags: number): Promise<void> {
  if (s.dataFileRaw && s.hasDataFile) await s.dataFile.pwriteZeroes(offset, bytes, flags);
}

/** The "data file" lines of qcow2's ImageInfoSpecific: the name if the header has one, raw if external. */
export function dataFileInfo(s: Qcow2State): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  if (s.imageDataFile !== null) lines.push(['data file', s.imageDataFile]);
  if (s.hasDataFile) lines.push(['data file raw', String(s.dataFileRaw)]);
  return lines;
}

/**
 * The data file name of an image's header extensions (for `img check`, which reads the bytes
 * itself), null without the extension, false when the extension list is malformed (QEMU's open
 * fails with "Header extension too large").
 */
export async function findDataFileName(read: (offset: number, bytes: number) => Promise<Uint8Array>, h: QcowHeader): Promise<string | null | false> {
  const { list, malformed } = await readHeaderExtensions(read, h);
  if (malformed) return false;
  // As in QEMU, a later data file extension replaces an earlier one.
  let name: string | null = null;
  for (const e of list) if (e.type === EXT_DATA_FILE) name = dataFileName(await read(e.offset + 8, e.len));
  return name;
}
