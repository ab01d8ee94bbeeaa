// Image format signatures, as QEMU's format drivers recognise them in block 0. Used to probe an
// image's format and to keep a probed raw image from turning into another format. Formats
// blkstudio cannot open yet are still recognised, so they are refused instead of read as raw.

const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const le32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const ascii = (b: Uint8Array, o: number, s: string) => [...s].every((c, i) => b[o + i] === c.charCodeAt(0));

export interface FormatSignature {
  name: string;
  /** QEMU's probe score for this buffer (0 = not this format). */
  score(buf: Uint8Array, filename: string): number;
}

export const FORMAT_SIGNATURES: readonly FormatSignature[] = [
  { name: 'qcow2', score: (b) => (be32(b, 0) === 0x514649fb && be32(b, 4) >= 2 ? 100 : 0) },
  { name: 'qcow', score: (b) => (be32(b, 0) === 0x514649fb && be32(b, 4) === 1 ? 100 : 0) },
  { name: 'qed', score: (b) => (le32(b, 0) === 0x00444551 ? 100 : 0) },
  { name: 'vdi', score: (b) => (le32(b, 0x40) === 0xbeda107f ? 100 : 0) },
  { name: 'vpc', score: (b) => (ascii(b, 0, 'conectix') ? 100 : 0) },
  { name: 'vhdx', score: (b) => (ascii(b, 0, 'vhdxfile') ? 100 : 0) },
  { name: 'vmdk', score: (b) => (le32(b, 0) === 0x564d444b || le32(b, 0) === 0x44574f43 ? 100 : 0) },
  { name: 'luks', score: (b) => (ascii(b, 0, 'LUKS\xba\xbe') && (b[6] << 8 | b[7]) === 1 ? 100 : 0) },
  { name: 'parallels', score: (b) => (ascii(b, 0, 'WithoutFreeSpace') || ascii(b, 0, 'WithouFreSpacExt') ? 100 : 0) },
  { name: 'bochs', score: (b) => (ascii(b, 0, 'Bochs Virtual HD Image') && ascii(b, 32, 'Redolog') ? 100 : 0) },
  { name: 'dmg', score: (_b, f) => (f.endsWith('.dmg') ? 2 : 0) },
];

/** The best-scoring known format other than raw, or null. */
export function probeSignature(buf: Uint8Array, filename: string): { name: string; score: number } | null {
  let best: { name: string; score: number } | null = null;
  for (const sig of FORMAT_SIGNATURES) {
    const score = sig.score(buf, filename);
    if (score > 0 && (!best || score > best.score)) best = { name: sig.name, score };
  }
  return best;
}
