// The qemu-nbd command lines whose output test/nbd/golden/cli/*.json records (from the REAL
// qemu-nbd 7.2, scripts/gen-nbd-cli-golden.mjs) and test/nbd/cli.golden.test.ts replays against
// `blkstudio nbd`. Every case exits at once (an error, -h, -V). `@DIR@` is the case's scratch
// directory (fixtures img.raw, 1 MiB of zeros, and notimg.txt); it is written back as @DIR@ in
// the recorded output, the only masking.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const S = '@DIR@/nbd.sock';
const long = (n) => 'a'.repeat(n);

/** @type {Array<{ name: string, args: string[] }>} */
export const NBD_CLI_CASES = [
  { name: 'no-args', args: [] },
  { name: 'help', args: ['-h'] },
  { name: 'help-long', args: ['--help'] },
  { name: 'version', args: ['-V'] },
  { name: 'version-long', args: ['--version'] },
  { name: 'object-help', args: ['--object', 'help'] },
  { name: 'two-files', args: ['-k', S, 'a', 'b'] },
  { name: 'unknown-short', args: ['-Z', 'img.raw'] },
  { name: 'unknown-long', args: ['--bogus', 'img.raw'] },
  { name: 'ambiguous-long', args: ['--s', 'img.raw'] },
  { name: 'missing-arg-short', args: ['img.raw', '-p'] },
  { name: 'missing-arg-long', args: ['img.raw', '--port'] },
  { name: 'flag-with-arg', args: ['--read-only=yes', 'img.raw'] },
  { name: 'bad-port', args: ['-p', 'abc', '-f', 'raw', 'img.raw'] },
  { name: 'negative-port', args: ['-p', '-5', '-f', 'raw', 'img.raw'] },
  { name: 'bad-shared', args: ['-e', 'abc', 'img.raw'] },
  { name: 'negative-shared', args: ['-e', '-1', 'img.raw'] },
  { name: 'relative-socket', args: ['-k', 'nbd.sock', 'img.raw'] },
  { name: 'export-name-too-long', args: ['-x', long(4097), '-k', S, 'img.raw'] },
  { name: 'description-too-long', args: ['-D', long(4097), '-k', S, 'img.raw'] },
  { name: 'export-name-max', args: ['-x', long(4096), '-k', S, '-f', 'raw', 'missing.raw'] },
  { name: 'missing-file', args: ['-k', S, 'missing.raw'] },
  { name: 'missing-file-raw', args: ['-k', S, '-f', 'raw', 'missing.raw'] },
  { name: 'unknown-format', args: ['-k', S, '-f', 'nosuch', 'img.raw'] },
  { name: 'wrong-format', args: ['-k', S, '-f', 'qcow2', 'notimg.txt'] },
  { name: 'bad-json', args: ['-k', S, 'json:{"driver":"raw"'] },
  { name: 'bad-cache', args: ['-k', S, '--cache=bad', 'img.raw'] },
  { name: 'nocache-and-cache', args: ['-k', S, '-n', '--cache=none', 'img.raw'] },
  { name: 'bad-aio', args: ['-k', S, '--aio=bad', 'img.raw'] },
  { name: 'bad-discard', args: ['-k', S, '--discard=bad', 'img.raw'] },
  { name: 'bad-detect-zeroes', args: ['-k', S, '--detect-zeroes=bad', 'img.raw'] },
  { name: 'detect-zeroes-unmap-no-discard', args: ['-k', S, '--detect-zeroes=unmap', '-f', 'raw', 'img.raw'] },
  { name: 'image-opts-and-format', args: ['-k', S, '--image-opts', '-f', 'raw', 'driver=raw,file.filename=img.raw'] },
  { name: 'bad-offset', args: ['-o', '2M', '-k', S, '-f', 'raw', 'img.raw'] },
  { name: 'offset-past-end', args: ['-o', '1048577', '-k', S, '-f', 'raw', 'img.raw'] },
  { name: 'tls-creds-unknown', args: ['-k', S, '--tls-creds=foo', 'img.raw'] },
  { name: 'tls-creds-not-creds', args: ['-k', S, '--object', 'secret,id=s,data=a', '--tls-creds=s', 'img.raw'] },
  { name: 'tls-creds-client', args: ['-k', S, '--object', 'tls-creds-anon,id=t,endpoint=client', '--tls-creds', 't', 'img.raw'] },
  { name: 'tls-authz-without-creds', args: ['-k', S, '--tls-authz=foo', 'img.raw'] },
  { name: 'object-unknown-type', args: ['-k', S, '--object', 'foo,id=x', 'img.raw'] },
  { name: 'object-no-type', args: ['-k', S, '--object', 'id=x,data=y', 'img.raw'] },
  { name: 'object-no-id', args: ['-k', S, '--object', 'secret', 'img.raw'] },
  { name: 'object-bad-id', args: ['-k', S, '--object', 'secret,id=1x,data=a', 'img.raw'] },
  { name: 'object-duplicate-id', args: ['-k', S, '--object', 'secret,id=s,data=a', '--object', 'secret,id=s,data=b', 'img.raw'] },
  { name: 'secret-no-data', args: ['-k', S, '--object', 'secret,id=s', 'img.raw'] },
  { name: 'secret-unexpected', args: ['-k', S, '--object', 'secret,id=s,data=x,bogus=1', 'img.raw'] },
  { name: 'x509-no-dir', args: ['-k', S, '--object', 'tls-creds-x509,id=t,endpoint=server', 'img.raw'] },
  { name: 'x509-no-ca', args: ['-k', S, '--object', 'tls-creds-x509,id=t,dir=@DIR@,endpoint=server', 'img.raw'] },
  { name: 'x509-bad-endpoint', args: ['-k', S, '--object', 'tls-creds-x509,id=t,dir=@DIR@,endpoint=bogus', 'img.raw'] },
  { name: 'psk-no-keys', args: ['-k', S, '--object', 'tls-creds-psk,id=t,dir=@DIR@,endpoint=server', 'img.raw'] },
  { name: 'authz-no-identity', args: ['-k', S, '--object', 'authz-simple,id=a', 'img.raw'] },
  { name: 'pid-file-bad-dir', args: ['-k', S, '--pid-file=@DIR@/no/such/dir', '-f', 'raw', 'img.raw'] },
  { name: 'fork-missing-file', args: ['-k', S, '--fork', '-f', 'raw', 'missing.raw'] },
];

/** A scratch directory with the fixtures the cases name. */
export function makeCaseDir() {
  const dir = mkdtempSync(join(tmpdir(), 'nbd-cli-'));
  writeFileSync(join(dir, 'img.raw'), Buffer.alloc(1 << 20));
  writeFileSync(join(dir, 'notimg.txt'), 'hi\n');
  return dir;
}

export const substitute = (args, dir) => args.map((a) => a.replaceAll('@DIR@', dir));
export const mask = (text, dir) => text.replaceAll(dir, '@DIR@');
