// `json:{...}` filenames: QEMU's JSON dialect (single-quoted strings allowed) with its error texts,
// so a typo in a filename gets the same message qemu-io prints.
import { QemuError } from './errors';
import { flattenInto, type QDict } from './qdict';

type Tok =
  | { t: 'punct'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'kw'; v: string }
  | { t: 'err'; v: string };

const parseError = (msg: string) => new QemuError(`Could not parse the JSON options: ${msg}`);

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if ('{}[]:,'.includes(c)) {
      toks.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      let out = '';
      i++;
      let closed = false;
      while (i < src.length) {
        const d = src[i];
        if (d === c) {
          closed = true;
          i++;
          break;
        }
        if (d === '\\') {
          const e = src[i + 1];
          const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          if (e !== undefined && e in simple) {
            out += simple[e];
            i += 2;
            continue;
          }
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
            out += String.fromCharCode(Number.parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          throw parseError('JSON parse error, invalid escape sequence in string');
        }
        out += d;
        i++;
      }
      if (!closed) {
        toks.push({ t: 'err', v: src.slice(start) });
        return toks;
      }
      toks.push({ t: 'str', v: out });
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i));
      const text = m ? m[0] : '';
      const next = src[i + text.length];
      if (!m || m[0] === '-' || (next !== undefined && /[0-9.eE+-]/.test(next))) {
        // The lexer fails on the character that cannot continue the number, and reports it too.
        toks.push({ t: 'err', v: src.slice(i, i + Math.max(text.length, 1) + 1) });
        return toks;
      }
      toks.push({ t: 'num', v: Number(text) });
      i += text.length;
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      const m = /^[a-zA-Z]+/.exec(src.slice(i));
      const word = m ? m[0] : c;
      toks.push({ t: 'kw', v: word });
      i += word.length;
      continue;
    }
    toks.push({ t: 'err', v: c });
    return toks;
  }
  return toks;
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  atEnd(): boolean {
    return this.pos >= this.toks.length;
  }

  private next(): Tok {
    const tok = this.toks[this.pos++];
    if (!tok) throw parseError('JSON parse error, premature EOI');
    if (tok.t === 'err') throw parseError(`JSON parse error, stray '${tok.v}'`);
    return tok;
  }

  private peekPunct(v: string): boolean {
    const tok = this.toks[this.pos];
    return tok !== undefined && tok.t === 'punct' && tok.v === v;
  }

  value(): unknown {
    const tok = this.next();
    switch (tok.t) {
      case 'str':
      case 'num':
        return tok.v;
      case 'kw':
        if (tok.v === 'true') return true;
        if (tok.v === 'false') return false;
        if (tok.v === 'null') return null;
        throw parseError(`JSON parse error, invalid keyword '${tok.v}'`);
      case 'punct':
        if (tok.v === '{') return this.object();
        if (tok.v === '[') return this.list();
        throw parseError('JSON parse error, expecting value');
      default:
        throw parseError('JSON parse error, expecting value');
    }
  }

  private object(): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    if (this.peekPunct('}')) {
      this.pos++;
      return obj;
    }
    for (;;) {
      const key = this.next();
      if (key.t === 'punct' && (key.v === ',' || key.v === '}')) throw parseError('JSON parse error, expecting value');
      if (key.t !== 'str') throw parseError('JSON parse error, key is not a string in object');
      const colon = this.next();
      if (colon.t !== 'punct' || colon.v !== ':') throw parseError('JSON parse error, missing : in object pair');
      obj[key.v] = this.value();
      const sep = this.next();
      if (sep.t === 'punct' && sep.v === '}') return obj;
      if (sep.t !== 'punct' || sep.v !== ',') throw parseError('JSON parse error, expected separator in dict');
    }
  }

  private list(): unknown[] {
    const arr: unknown[] = [];
    if (this.peekPunct(']')) {
      this.pos++;
      return arr;
    }
    for (;;) {
      arr.push(this.value());
      const sep = this.next();
      if (sep.t === 'punct' && sep.v === ']') return arr;
      if (sep.t !== 'punct' || sep.v !== ',') throw parseError('JSON parse error, expected separator in list');
    }
  }
}

/** Parse the text after `json:` into flat options (parse_json_filename + qdict_flatten). */
export function parseJsonFilename(text: string): QDict {
  const toks = lex(text);
  if (toks.length === 0) throw parseError('Expecting a JSON value');
  const parser = new Parser(toks);
  const value = parser.value();
  if (!parser.atEnd()) throw parseError('Expecting at most one JSON value');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new QemuError('Invalid JSON object given');
  }
  const dict: QDict = new Map();
  flattenInto(dict, value, '');
  return dict;
}
