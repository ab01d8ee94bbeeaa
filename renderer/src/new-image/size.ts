// Image sizes as people type them: 64M, 1.5G, 512k, 4096 (bytes), with qemu-img's binary suffixes.

const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Bytes, or an error message. */
export function parseImageSize(text: string): number | string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return 'Size: a number with an optional suffix k, M, G or T (e.g. 64M)';
  const bytes = Math.ceil(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  if (!Number.isSafeInteger(bytes)) return 'Size: too large';
  return bytes;
}

export function formatSize(bytes: number): string {
  for (const [unit, n] of [['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10]] as const) {
    if (bytes >= n) return `${(bytes / n).toFixed(bytes % n === 0 ? 0 : 1)} ${unit}iB`;
  }
  return `${bytes} B`;
}
