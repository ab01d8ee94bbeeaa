// The header extensions between the header and the backing file name (or the end of the first
// cluster), as qcow2_read_extensions walks them, for the readers that fetch the bytes themselves
// (`img check`). The list stops at the end marker or at the first entry that would run past the
// end; `malformed` says which (QEMU's open then fails with "Header extension too large").
import { align8, be32, EXT_END, type QcowHeader } from './format';

export interface HeaderExtension {
  type: number;
  /** Offset of the extension's 8-byte type/length header in the image file. */
  offset: number;
  /** Length of its data (which starts at offset + 8). */
  len: number;
}

export async function readHeaderExtensions(
  read: (offset: number, bytes: number) => Promise<Uint8Array>,
  h: QcowHeader,
): Promise<{ list: HeaderExtension[]; malformed: boolean }> {
  const end = h.backingFileOffset ? h.backingFileOffset : 2 ** h.clusterBits;
  const list: HeaderExtension[] = [];
  for (let offset = h.headerLength; offset < end; ) {
    const ext = await read(offset, 8);
    const type = be32(ext, 0);
    const len = be32(ext, 4);
    if (offset + 8 > end || len > end - offset - 8) return { list, malformed: true };
    if (type === EXT_END) break;
    list.push({ type, offset, len });
    offset += 8 + align8(len);
  }
  return { list, malformed: false };
}
