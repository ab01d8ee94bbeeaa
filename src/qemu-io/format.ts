// printf-exact number formatting and qemu-io's report helpers (cvtstr, timestr, print_report,
// dump_buffer). glibc rounds %f exactly (round-half-even on the binary value), which
// Number.prototype.toFixed does not, so %f is done here with exact integer arithmetic.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** printf("%.<digits>f", value) as glibc prints it. */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return '-nan';
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  const negative = value < 0 || Object.is(value, -0);
  f64[0] = Math.abs(value);
  const hi = u32[1];
  const lo = u32[0];
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  let scaled = mantissa * 10n ** BigInt(digits);
  if (exponent >= 0) {
    scaled <<= BigInt(exponent);
  } else {
    const shift = BigInt(-exponent);
    const q = scaled >> shift;
    const r = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    scaled = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
  }
  let text = scaled.toString();
  if (digits > 0) {
    text = text.padStart(digits + 1, '0');
    text = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }
  return negative ? `-${text}` : text;
}

const UNITS: ReadonlyArray<readonly [number, string]> = [
  [2 ** 60, ' EiB'],
  [2 ** 50, ' PiB'],
  [2 ** 40, ' TiB'],
  [2 ** 30, ' GiB'],
  [2 ** 20, ' MiB'],
  [2 ** 10, ' KiB'],
];

/** qemu-io's cvtstr(): `1.500 KiB`, `4 KiB`, `512 bytes`, `938.475692 bytes`. */
export function cvtstr(value: number): string {
  let text: string | undefined;
  let suffix = ' bytes';
  for (const [unit, name] of UNITS) {
    if (value >= unit) {
      text = formatFixed(value / unit, 3);
      suffix = name;
      break;
    }
  }
  text ??= formatFixed(value, 6);
  const trim = text.indexOf('.000');
  return trim >= 0 ? text.slice(0, trim) + suffix : text + suffix;
}

const NS_PER_SEC = 1_000_000_000n;

/** qemu-io's timestr(): `00.01 sec`, or `h:mm:ss.ss` for -C and for a second or more. */
export function timestr(elapsedNs: bigint, verbose: boolean): string {
  const sec = elapsedNs / NS_PER_SEC;
  const frac = Number(elapsedNs % NS_PER_SEC) / 1e9;
  if (!verbose && sec === 0n) {
    return `${formatFixed(frac, 2).padStart(5, '0')} sec`;
  }
  const total = Number(sec);
  const hours = Math.floor(total / 3600);
  const mins = Math.floor(total / 60) % 60;
  const secs = (total % 60) + frac;
  return `${hours >>> 0}:${String(mins).padStart(2, '0')}:${formatFixed(secs, 2).padStart(5, '0')}`;
}

/** tdiv(): value per second of the elapsed time. */
function tdiv(value: number, elapsedNs: bigint): number {
  const seconds = Number(elapsedNs / NS_PER_SEC) + Number(elapsedNs % NS_PER_SEC) / 1e9;
  return value / seconds;
}

/** print_report(): the two report lines, or the -C line `bytes,ops,time,bytes/sec,ops/sec`. */
export function formatReport(
  op: string,
  elapsedNs: bigint,
  offset: number,
  count: number,
  total: number,
  cnt: number,
  cflag: boolean,
): string {
  const ts = timestr(elapsedNs, cflag);
  if (!cflag) {
    return (
      `${op} ${total}/${count} bytes at offset ${offset}\n` +
      `${cvtstr(total)}, ${cnt} ops; ${ts} (${cvtstr(tdiv(total, elapsedNs))}/sec and ${formatFixed(tdiv(cnt, elapsedNs), 4)} ops/sec)\n`
    );
  }
  return `${total},${cnt},${ts},${formatFixed(tdiv(total, elapsedNs), 3)},${formatFixed(tdiv(cnt, elapsedNs), 3)}\n`;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0') + ' ');
/** isalnum() in the C locale decides what the dump shows as a character. */
const SHOWN = Array.from({ length: 256 }, (_, i) =>
  (i >= 0x30 && i <= 0x39) || (i >= 0x41 && i <= 0x5a) || (i >= 0x61 && i <= 0x7a) ? String.fromCharCode(i) : '.',
);

/** dump_buffer(): `%08x:  ` address, `%02x ` per byte, a space, isalnum-or-dot text. */
export function dumpBuffer(buf: Uint8Array, offset: number, len: number): string {
  const lines: string[] = [];
  for (let i = 0; i < len; i += 16) {
    const end = Math.min(i + 16, len);
    let hex = '';
    let text = '';
    for (let j = i; j < end; j++) {
      hex += HEX[buf[j]];
      text += SHOWN[buf[j]];
    }
    lines.push(`${(offset + i).toString(16).padStart(8, '0')}:  ${hex} ${text}\n`);
  }
  return lines.join('');
}
