// QEMU's JSON output of a QDict (qobject_to_json_pretty): keys come out in hash-bucket order
// (tdb_hash modulo 512 buckets; newest first within a bucket), strings escaped as QEMU does.

const BUCKETS = 512;

function tdbHash(name: string): number {
  let value = Math.imul(0x238f13af, name.length) >>> 0;
  for (let i = 0; i < name.length; i++) value = (value + ((name.charCodeAt(i) << ((i * 5) % 24)) >>> 0)) >>> 0;
  return (Math.imul(1103515243, value) + 12345) >>> 0;
}

/** to_json's string escaping: control and non-ASCII characters as \uXXXX. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c >= 0x7f) {
      if (c > 0xffff) {
        const v = c - 0x10000;
        out += `\\u${(0xd800 + (v >> 10)).toString(16).toUpperCase().padStart(4, '0')}\\u${(0xdc00 + (v & 0x3ff)).toString(16).toUpperCase().padStart(4, '0')}`;
      } else out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

/** Entries in insertion order (the QAPI struct's member order); numbers and strings only. */
export function qdictToJsonPretty(entries: readonly [string, string | number][]): string {
  const buckets = new Map<number, [string, string | number][]>();
  for (const e of entries) {
    const b = tdbHash(e[0]) % BUCKETS;
    buckets.set(b, [e, ...(buckets.get(b) ?? [])]);
  }
  const ordered = [...buckets.keys()].sort((a, b) => a - b).flatMap((b) => buckets.get(b)!);
  const lines = ordered.map(([k, v]) => `    ${quote(k)}: ${typeof v === 'number' ? String(v) : quote(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}
