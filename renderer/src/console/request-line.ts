// The request bar: one qemu-io line composed from an operation, an offset, a length and a
// pattern byte, so a race can be stepped by clicking alone.
export const REQUEST_OPS = ['aio_write', 'aio_read', 'aio_flush', 'write', 'read', 'flush', 'discard', 'write -z'] as const;
export type RequestOp = (typeof REQUEST_OPS)[number];

export interface RequestForm {
  op: RequestOp;
  offset: string;
  length: string;
  pattern: string;
}

export const takesRange = (op: RequestOp): boolean => op !== 'aio_flush' && op !== 'flush';
/** -P fills writes and is verified by reads. */
export const takesPattern = (op: RequestOp): boolean => op === 'aio_write' || op === 'write' || op === 'aio_read' || op === 'read';

/** What qemu-io's cvtnum takes: bytes, hex, or a number with a k/M/G/T/P/E suffix. */
const SIZE = /^(0x[0-9a-f]+|\d+(\.\d+)?[bkmgtpe]?)$/i;

/** qemu-io's parse_pattern: one byte, in any C base. */
export function parsePattern(text: string): number | null {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.test(t)) return null;
  const n = /^0x/i.test(t) ? parseInt(t.slice(2), 16) : /^0\d/.test(t) ? parseInt(t, 8) : Number(t);
  return n >= 0 && n <= 255 ? n : null;
}

export function composeRequest(form: RequestForm): { ok: true; line: string } | { ok: false; error: string } {
  const parts: string[] = [form.op];
  if (takesPattern(form.op) && form.pattern.trim()) {
    if (parsePattern(form.pattern) === null) return { ok: false, error: `${form.pattern.trim()} is not a pattern byte (0-255, e.g. 0xab)` };
    parts.push('-P', form.pattern.trim());
  }
  if (takesRange(form.op)) {
    const offset = form.offset.trim();
    const length = form.length.trim();
    if (!SIZE.test(offset)) return { ok: false, error: offset ? `offset ${offset} is not a number (e.g. 0, 4k, 0x1000)` : 'offset is empty' };
    if (!SIZE.test(length)) return { ok: false, error: length ? `length ${length} is not a number (e.g. 4096, 4k)` : 'length is empty' };
    parts.push(offset, length);
  }
  return { ok: true, line: parts.join(' ') };
}
