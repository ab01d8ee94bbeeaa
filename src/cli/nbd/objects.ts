// qemu-nbd --object: user_creatable_process_cmdline() for the object types an NBD server uses,
// checked with QEMU 7.2's messages. The result is plain data; src/host/nbd-listen.ts (the TLS
// side) turns a NbdTlsCredsObject into a secure context.

import { existsSync } from 'node:fs';
import { parseKeyValueOptions } from '../../block/qdict';
import { NBD_OBJECT_HELP } from './usage';

/** `secret`: a password or key given inline (data=) or in a file (file=). */
export interface NbdSecretObject {
  type: 'secret';
  id: string;
  data?: string;
  file?: string;
  format?: 'raw' | 'base64';
}

/**
 * `tls-creds-x509` / `tls-creds-psk` / `tls-creds-anon`. `dir` holds the PEM files QEMU expects
 * (x509: ca-cert.pem, server-cert.pem, server-key.pem; psk: keys.psk lines `username:hexkey`).
 */
export interface NbdTlsCredsObject {
  type: 'tls-creds-x509' | 'tls-creds-psk' | 'tls-creds-anon';
  id: string;
  endpoint: 'server' | 'client';
  /** Absent only for tls-creds-anon. */
  dir?: string;
  /** x509: ask clients for a certificate signed by the CA (QEMU's default: yes). */
  verifyPeer: boolean;
  /** psk: the username (default `qemu`). */
  username?: string;
  /** x509: id of a `secret` holding the server key's password. */
  passwordId?: string;
  /** tls-cipher-suites-style priority string, if given. */
  priority?: string;
}

/** `authz-simple,id=,identity=`: the one client identity (x509 DN or psk username) allowed. */
export interface NbdAuthzObject {
  type: 'authz-simple';
  id: string;
  identity: string;
}

/** Any other type QEMU accepts; kept (so --tls-creds can name it) but not used. */
export interface NbdOtherObject {
  type: 'other';
  qomType: string;
  id: string;
}

export type NbdObject = NbdSecretObject | NbdTlsCredsObject | NbdAuthzObject | NbdOtherObject;

/** A --object the user got wrong: `message` is what qemu-nbd prints after `qemu-nbd: `. */
export class ObjectError extends Error {}

/** `--object help` / `?`. */
export class ObjectHelp {
  readonly text = NBD_OBJECT_HELP;
}

const TYPES = new Set(
  NBD_OBJECT_HELP.split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.trim()),
);
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9._-]*$/;

const PROPS: Record<string, readonly string[]> = {
  secret: ['data', 'file', 'format', 'keyid', 'iv', 'loaded'],
  'tls-creds-x509': ['dir', 'endpoint', 'verify-peer', 'loaded', 'sanity-check', 'passwordid', 'priority'],
  'tls-creds-psk': ['dir', 'endpoint', 'verify-peer', 'loaded', 'username', 'priority'],
  'tls-creds-anon': ['dir', 'endpoint', 'verify-peer', 'loaded', 'priority'],
  'authz-simple': ['identity'],
};

function bool(name: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === 'on' || v === 'yes' || v === 'true' || v === 'y') return true;
  if (v === 'off' || v === 'no' || v === 'false' || v === 'n') return false;
  throw new ObjectError(`Parameter '${name}' expects 'on' or 'off'`);
}

function needFile(path: string): void {
  if (!existsSync(path)) throw new ObjectError(`Unable to access credentials ${path}: No such file or directory`);
}

/** Parse one --object argument against the objects defined so far (ids must be new). */
export function parseObject(text: string, known: ReadonlyMap<string, NbdObject>): NbdObject | ObjectHelp {
  if (text === 'help' || text === '?') return new ObjectHelp();
  const comma = text.search(/,(?!,)/);
  const first = comma < 0 ? text : text.slice(0, comma);
  const implied = first !== '' && !first.includes('=');
  let o: Record<string, string>;
  try {
    o = parseKeyValueOptions(implied ? (comma < 0 ? '' : text.slice(comma + 1)) : text);
  } catch (e) {
    throw new ObjectError(e instanceof Error ? e.message : String(e));
  }
  const type = implied ? first : o['qom-type'];
  delete o['qom-type'];
  if (type === undefined) throw new ObjectError("Parameter 'qom-type' is missing");
  if (!TYPES.has(type) && type !== 'iothread') throw new ObjectError(`Parameter 'qom-type' does not accept value '${type}'`);
  const id = o.id;
  if (id === undefined) throw new ObjectError("Parameter 'id' is missing");
  if (!IDENTIFIER.test(id)) {
    throw new ObjectError("Parameter 'id' expects an identifier\nIdentifiers consist of letters, digits, '-', '.', '_', starting with a letter.");
  }
  if (known.has(id)) throw new ObjectError(`attempt to add duplicate property '${id}' to object (type 'container')`);
  delete o.id;
  const allowed = PROPS[type];
  if (allowed) for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new ObjectError(`Parameter '${k}' is unexpected`);

  switch (type) {
    case 'secret': {
      if (o.format !== undefined && o.format !== 'raw' && o.format !== 'base64') {
        throw new ObjectError(`Parameter 'format' does not accept value '${o.format}'`);
      }
      if (o.data === undefined && o.file === undefined) throw new ObjectError("Either 'file' or 'data' must be provided");
      return { type, id, data: o.data, file: o.file, format: o.format as 'raw' | 'base64' | undefined };
    }
    case 'tls-creds-x509':
    case 'tls-creds-psk':
    case 'tls-creds-anon': {
      const endpoint = o.endpoint ?? 'client';
      if (endpoint !== 'server' && endpoint !== 'client') throw new ObjectError(`Parameter 'endpoint' does not accept value '${endpoint}'`);
      const verifyPeer = bool('verify-peer', o['verify-peer'], true);
      const dir = o.dir;
      if (type !== 'tls-creds-anon') {
        if (dir === undefined) throw new ObjectError("Missing 'dir' property value");
        if (type === 'tls-creds-psk') needFile(`${dir}/keys.psk`);
        else {
          needFile(`${dir}/ca-cert.pem`);
          if (endpoint === 'server') {
            needFile(`${dir}/server-cert.pem`);
            needFile(`${dir}/server-key.pem`);
          }
        }
      }
      return { type, id, endpoint, dir, verifyPeer, username: o.username, passwordId: o.passwordid, priority: o.priority };
    }
    case 'authz-simple':
      if (o.identity === undefined) throw new ObjectError("Parameter 'identity' is missing");
      return { type, id, identity: o.identity };
    default:
      return { type: 'other', qomType: type, id };
  }
}

/** --tls-creds ID: the server credentials it names (qemu-nbd's nbd_get_tls_creds()). */
export function lookupTlsCreds(id: string, known: ReadonlyMap<string, NbdObject>, list: boolean): NbdTlsCredsObject {
  const obj = known.get(id);
  if (!obj) throw new ObjectError(`Failed to get TLS creds: No TLS credentials with id '${id}'`);
  if (obj.type !== 'tls-creds-x509' && obj.type !== 'tls-creds-psk' && obj.type !== 'tls-creds-anon') {
    throw new ObjectError(`Failed to get TLS creds: Object with id '${id}' is not TLS credentials`);
  }
  const want = list ? 'client' : 'server';
  if (obj.endpoint !== want) throw new ObjectError(`Failed to get TLS creds: Expected TLS credentials for a ${want} endpoint`);
  return obj;
}
