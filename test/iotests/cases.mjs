// qemu-io compatibility cases. Each case runs in a fresh scratch directory (relative file names,
// so messages mention the same names on both sides) as
//   qemu-io ARGV  <  STDIN
// and is compared on stdout, stderr (both with timings masked, see harness.mjs maskOutput),
// exit status, and the bytes of each image in compareImages.
//
// Shape of a case:
//   { name, description?,
//     images: [ { name, create: [qemu-img create args] }        (raw: made without qemu-img)
//             | { name, bytes: 'hex' | {size, fill, seq, text, at} }
//             | { name, sparse: { size, extents: { offset: bytes } } }  (holes elsewhere)
//             | { name, dir: true } ],
//     files?: { name: 'content' | bytes spec },
//     argv: [...], stdin?: 'text' (latin1: '\xff' is the byte 0xff), compareImages?: [names] }
//
// qcow2 cases live in cases-qcow2.mjs (driver behaviour), cases-qcow2-errors.mjs (iotest 026
// error matrix) and cases-qcow2-corrupt.mjs (hostile images); they may also use the image fields
// `prepare` / `patch` and the case fields `compareData`, `checkImages`, `checkLoose` (harness.mjs).
//
// Rules for adding cases: blkverify cases live in cases-blkverify.mjs (never `write -z` through
// blkverify: QEMU 7.2 aborts there); blkdebug cases
// (raw over blkdebug over file) live in cases-blkdebug.mjs and are appended to `cases` below; no
// timing-dependent aio completion order (at most one aio request in flight, completed by
// aio_flush, a synchronous command that cannot race, or exit), small sleeps, and never
// `wait_break` without blkdebug (it waits forever).
//
// Regenerate the goldens with `npm run golden` after changing this file.

import { blkdebugCases } from './cases-blkdebug.mjs';
import { qcow2Cases } from './cases-qcow2.mjs';
import { qcow2ErrorCases } from './cases-qcow2-errors.mjs';
import { qcow2CorruptCases } from './cases-qcow2-corrupt.mjs';
import { blkverifyCases } from './cases-blkverify.mjs';
import { cliCases } from './cases-cli.mjs';

/** `c('read 0 512', 'write 0 1')` -> ['-c', 'read 0 512', '-c', 'write 0 1'] */
const c = (...cmds) => cmds.flatMap((cmd) => ['-c', cmd]);

const raw = (name = 'd.raw', size = '1M') => ({ name, create: ['-f', 'raw', name, size] });
const D = raw();

/** A 64 KiB image whose bytes are i & 0xff, handy to see what was read. */
const SEQ = { name: 'seq.raw', bytes: { size: 65536, seq: true } };
/** Printable text with some non-printable bytes mixed in. */
const TEXT = {
  name: 't.raw',
  bytes: {
    size: 4096,
    text: 'Hello, World! 0123456789abcdefXYZ\n\x01\x02\xff',
    at: { 1024: { text: '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./ \t\x7f\x80\xfe' } },
  },
};

const HELP_COMMANDS = [
  'abort', 'aio_flush', 'aio_read', 'aio_write', 'alloc', 'break', 'close', 'discard', 'flush', 'help',
  'info', 'length', 'map', 'open', 'quit', 'read', 'readv', 'remove_break', 'reopen', 'resume',
  'sigraise', 'sleep', 'truncate', 'wait_break', 'write', 'writev',
];

const jsonRaw = (opts) => `json:${JSON.stringify({ driver: 'raw', ...opts, file: { driver: 'file', filename: 'd.raw' } })}`;

export const cases = [
  // ------------------------------------------------------------------ read / write basics
  {
    name: 'rw-basic',
    description: 'reference 7.A: write/read with -P, -q, -C, -v, -s/-l and pattern failures',
    images: [D],
    argv: ['-f', 'raw', ...c('write -P 0xab 0 4k', 'read -P 0xab 0 4k', 'read -P 0xcd 0 4k', 'read -q -P 0xab 0 4k', 'read -q -P 0xcd 0 4k', 'read -C 0 4k', 'write -C 4096 512', 'read -v 0 40', 'read -P 0xab -s 16 -l 16 0 64', 'read -P 0xab -s 16 -l 100 0 64'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'rw-aliases',
    description: 'r and w are aliases of read and write',
    images: [D],
    argv: ['-f', 'raw', ...c('w -P 7 512 512', 'r -P 7 512 512', 'r -P 0 0 512', 'w 0 1', 'r -v 0 2'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'read-fresh-image',
    description: 'a fresh sparse raw image reads as zeroes',
    images: [D],
    argv: ['-f', 'raw', ...c('read -P 0 0 1M', 'read -P 0 1020k 4k', 'read -v 1048560 16'), 'd.raw'],
  },
  {
    name: 'read-v-printable',
    description: '-v hexdump: only [0-9A-Za-z] shown, the rest as dots, short last line unpadded',
    images: [TEXT],
    argv: ['-f', 'raw', ...c('read -v 0 64', 'read -v 3 5', 'read -v 1024 48', 'read -v 1030 17', 'read -v 4095 1'), 't.raw'],
  },
  {
    name: 'read-v-all-bytes',
    description: '-v hexdump of every byte value 0..255',
    images: [SEQ],
    argv: ['-f', 'raw', ...c('read -v 0 256'), 'seq.raw'],
  },
  {
    name: 'read-v-16k',
    description: 'a long hexdump (1024 lines)',
    images: [SEQ],
    argv: ['-f', 'raw', ...c('read -v 0 16k'), 'seq.raw'],
  },
  {
    name: 'read-v-unaligned-offsets',
    description: 'dump addresses are absolute offsets, lines start at the request offset',
    images: [SEQ],
    argv: ['-f', 'raw', ...c('read -v 17 40', 'read -v 65520 16', 'read -v 0x1fff 3', 'read -q -v 0 16', 'read -v -P 0 0 8'), 'seq.raw'],
  },
  {
    name: 'read-pattern-s-l',
    description: 'pattern verification window (-s/-l) and its errors',
    images: [{ name: 'p.raw', bytes: { size: 8192, fill: 0x11, at: { 100: { fill: 0x22, len: 50 } } } }],
    argv: ['-f', 'raw', ...c('read -P 0x22 -s 100 -l 50 0 512', 'read -P 0x22 -s 100 0 512', 'read -P 0x11 -l 100 0 512', 'read -P 0x22 -s 99 -l 50 0 512', 'read -P 0x11 -s 600 0 512', 'read -P 0x11 -s 512 0 512', 'read -P 0x11 -s 500 -l 13 0 512', 'read -s 4 0 512', 'read -l 4 0 512', 'read -P 0x11 -s x 0 512', 'read -P 0x11 -l 1k 0 512'), 'p.raw'],
  },
  {
    name: 'read-pattern-bytes',
    description: 'pattern bytes: decimal, hex, octal, out of range, garbage',
    images: [{ name: 'p.raw', bytes: { size: 4096, fill: 8 } }],
    argv: ['-f', 'raw', ...c('read -q -P 8 0 1', 'read -q -P 0x8 0 1', 'read -q -P 010 0 1', 'read -q -P 0X08 0 1', 'read -q -P 08 0 1', 'read -q -P 256 0 1', 'read -q -P 0x100 0 1', 'read -q -P -1 0 1', 'read -q -P 1a 0 1', 'read -q -P x 0 1', 'read -q -P 255 0 1', 'read -q -P +8 0 1', 'read -q -P 0x 0 1', 'read -q -P 0x08x 0 1', 'read -q -P 8 -l 0 0 512', 'read -q -P 9 -s 0 -l 0 0 512', 'read -q -P 8 -s 511 -l 1 0 512'), 'p.raw'],
  },
  {
    name: 'read-stats-c-and-q',
    description: 'machine-readable statistics and quiet mode',
    images: [D],
    argv: ['-f', 'raw', ...c('read -C 0 4k', 'read -C -q 0 4k', 'read -q 0 4k', 'read -C -P 0 0 512', 'read -C -P 1 0 512', 'read -C 0 0', 'read -C -v 0 16'), 'd.raw'],
  },
  {
    name: 'read-b-vmstate-raw',
    description: 'raw has no VM state: -b fails with ENOTSUP; alignment errors come first',
    images: [D],
    argv: ['-f', 'raw', ...c('read -b 0 512', 'read -b 1 512', 'read -b 0 100', 'write -b 0 512', 'write -b 0 100', 'write -b 7 512'), 'd.raw'],
  },
  {
    name: 'read-unknown-flags',
    description: 'getopt errors print the usage line; -a is listed but not accepted, -p is ignored',
    images: [D],
    argv: ['-f', 'raw', ...c('read -a 0 512', 'read -p 0 512', 'read -x 0 512', 'read -P', 'read -P 1', 'read 0 -1', 'read -- 0 512', 'read -r 0 512'), 'd.raw'],
  },
  {
    name: 'read-arg-counts',
    images: [D],
    argv: ['-f', 'raw', ...c('read', 'read 0', 'read 0 1 2', 'r', 'readv', 'readv 0', 'write', 'write 0', 'write 0 1 2', 'writev 0', 'discard 0', 'discard 0 1 2', 'alloc', 'alloc 0 1 2', 'length 1', 'info 1', 'map 1', 'flush 1', 'aio_flush 1', 'truncate', 'sleep', 'sleep 1 2', 'sigraise', 'break x', 'remove_break', 'resume', 'wait_break', 'close 1', 'help a b', 'quit now'), 'd.raw'],
  },
  {
    name: 'numbers-suffixes',
    description: 'cvtnum: suffixes, hex, fractions, leading zeros',
    images: [raw('big.raw', '2G')],
    argv: ['-f', 'raw', ...c('read -q 0x10 1', 'read -q 1k 1', 'read -q 1K 1', 'read -q 1M 1', 'read -q 1G 1', 'read -q 1.5k 512', 'read -q 010 1', 'read -q 1b 1', 'read -q 1B 1', 'alloc 1.5G 1', 'alloc 1.25k 1', 'alloc 0x7ff 1', 'alloc 00012 1', 'alloc 0.5M 1', 'alloc 1.999999m 1', 'alloc 2047m 1'), 'big.raw'],
  },
  {
    name: 'numbers-bad',
    description: 'cvtnum errors: unknown suffix, garbage, too large, negative, hex with suffix, fractions of bytes',
    images: [D],
    argv: ['-f', 'raw', ...c('read 0 1x', 'read 0 99999999999999999999', 'read 0 9223372036854775807', 'read 0 9223372036854775808', 'read 0 8E', 'read 0 7E', 'read 0 1.5', 'read 0 1.5b', 'read 0 0x10k', 'read 0 0x', 'read 0 x10', 'read 0 1kk', 'read 0 1e3', 'read 0 1Z', 'read 0 .5k', 'read 0 1.k', 'read 0 +1', 'read -q 0 -0', 'read 1e 1', 'read 1p 1', 'read 1t 1', 'alloc 1..5k', 'alloc 0x1.8k'), 'd.raw'],
  },
  {
    name: 'read-length-limits',
    description: 'BDRV_REQUEST_MAX_BYTES checks for every command that has one',
    images: [D],
    argv: ['-f', 'raw', ...c('read 0 3G', 'read 0 2147483137', 'write 0 3G', 'write 0 2147483137', 'discard 0 3G', 'writev 0 3G', 'readv 0 2147483137', 'readv 0 2G 2G', 'writev 0 1G 1G 1G', 'aio_read 0 3G', 'aio_write 0 3G', 'write -z 0 3G'), 'd.raw'],
  },
  {
    name: 'io-beyond-eof',
    description: 'reads/writes past the end of a raw image fail with EIO; zero-length ones succeed',
    images: [D],
    argv: ['-f', 'raw', ...c('read 1M 512', 'read 1023k 2k', 'write 1M 512', 'write 1023k 2k', 'write -z 1M 512', 'readv 1023k 1k 1k', 'writev 1023k 1k 1k', 'read 1M 0', 'write 1M 0', 'read 2M 0', 'discard 1M 512', 'discard 2M 512', 'read 0x7fffffffffff 1', 'write -P 1 1048575 1', 'read -P 1 1048575 1'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'read-zero-length',
    images: [D],
    argv: ['-f', 'raw', ...c('read 0 0', 'read -P 1 0 0', 'read -v 0 0', 'write 0 0', 'write -z 0 0', 'readv 0 0', 'writev 0 0', 'discard 0 0', 'read -C 5 0'), 'd.raw'],
  },

  // ------------------------------------------------------------------ write flags
  {
    name: 'write-flags',
    description: 'write -z/-u/-n/-f and the option conflict messages, in QEMU order',
    images: [D],
    argv: ['-f', 'raw', ...c('write -P 0x55 0 64k', 'write -z 4k 4k', 'read -P 0 4k 4k', 'read -P 0x55 0 4k', 'write -z -u 8k 4k', 'read -P 0 8k 4k', 'write -z -n 12k 4k', 'write -f -P 3 16k 4k', 'read -P 3 16k 4k', 'write -n 0 512', 'write -u 0 512', 'write -b -z 0 512', 'write -f -b 0 512', 'write -f -c 0 512', 'write -z -P 1 0 512', 'write -P 1 -s f 0 512', 'write -z -s f 0 512', 'write -c 0 512', 'write -c -z 0 512', 'write -n -u 0 512', 'write -p 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'write-stats-c-and-q',
    images: [D],
    argv: ['-f', 'raw', ...c('write -C 0 4k', 'write -C -q 0 4k', 'write -q -P 9 0 4k', 'write -q -z 0 512', 'write -C -z 0 512', 'read -q -P 0 0 512', 'read -q -P 9 512 3584'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'write-source-file',
    description: 'write -s fills the buffer from a file, cyclically when it is shorter',
    images: [D],
    files: { 'pat.bin': 'Hello, World! 0123456789abcdefXYZ\n\x01\x02\xff' },
    argv: ['-f', 'raw', ...c('write -s pat.bin 0 64', 'read -v 0 64', 'write -s pat.bin 1000 100', 'read -v 1000 100', 'write -q -s pat.bin 4096 4096', 'read -v 4096 48'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'write-source-file-errors',
    description: 'missing, empty and directory source files',
    images: [D, { name: 'adir', dir: true }],
    files: { 'empty.bin': '' , 'big.bin': { size: 8192, seq: true } },
    argv: ['-f', 'raw', ...c('write -s nosuch.bin 0 512', 'write -s empty.bin 0 512', 'write -s adir 0 512', 'write -s big.bin 0 512', 'read -v 250 12', 'write -s', 'write -s big.bin -P 1 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'write-sizes-cvtstr',
    description: 'the human size in the statistics line for many sizes',
    images: [raw('d.raw', '8M')],
    argv: ['-f', 'raw', ...c('write 0 1', 'write 0 511', 'write 0 1000', 'write 0 1023', 'write 0 1024', 'write 0 1025', 'write 0 1536', 'write 0 2047', 'write 0 4095', 'write 0 65535', 'write 0 1047552', 'write 0 1048575', 'write 0 1M', 'write 0 1572864', 'write 0 2000000', 'write 0 7654321', 'read 0 8M', 'read 0 1234567'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'write-unaligned',
    description: 'byte-granular writes on raw keep neighbouring bytes',
    images: [SEQ],
    argv: ['-f', 'raw', ...c('write -P 0xee 3 5', 'write -P 0xdd 511 2', 'write -P 0xcc 4095 4098', 'read -v 0 16', 'read -v 504 16', 'read -P 0xcc 4095 4098', 'read -v 8192 4'), 'seq.raw'],
    compareImages: ['seq.raw'],
  },

  // ------------------------------------------------------------------ readv / writev
  {
    name: 'readv-writev',
    description: 'reference 7.C first half',
    images: [D],
    argv: ['-f', 'raw', ...c('writev -P 1 0 512 1k 2k', 'readv -P 1 0 512 1k 2k', 'readv -v 0 16 16', 'readv -P 2 0 512', 'writev -q -P 3 4k 1 2 3', 'readv -q -P 3 4k 6', 'readv -C 4k 3 3', 'writev -C -P 4 8k 512', 'writev -f -P 5 12k 4k 4k', 'readv -P 5 12k 8k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'pattern-fail-with-dump',
    description: 'order of the pattern message, the -v dump and the report for read and readv',
    images: [{ name: 'd.raw', bytes: { size: 4096, fill: 0x30 } }],
    argv: ['-f', 'raw', ...c('read -v -P 0x31 0 20', 'readv -v -P 0x31 0 10 10', 'read -q -v -P 0x31 0 8', 'readv -C -P 0x31 0 8', 'read -C -v -P 0x30 0 8', 'writev -C -q -P 0x32 0 8 8', 'readv -q -C -P 0x32 0 16'), 'd.raw'],
  },
  {
    name: 'readv-writev-errors',
    images: [D],
    argv: ['-f', 'raw', ...c('readv -x 0 512', 'writev -z 0 512', 'readv 0 1x', 'writev 0 512 y', 'readv -P 300 0 512', 'writev -P abc 0 512', 'readv 0 2147483137', 'writev 0 1G 1G 1G', 'readv -v 1023k 512 512 512', 'readv 0 0 0'), 'd.raw'],
  },

  // ------------------------------------------------------------------ aio
  {
    name: 'aio-basic',
    description: 'reference 7.C second half, one request in flight at a time',
    images: [D],
    argv: ['-f', 'raw', ...c('aio_write -P 2 8k 4k', 'aio_flush', 'aio_read -P 2 8k 4k', 'aio_flush', 'aio_read -P 3 8k 4k', 'aio_flush', 'aio_read -v 8k 16', 'aio_flush', 'aio_read -C 8k 512', 'aio_flush', 'aio_read -q -P 2 8k 512', 'aio_flush'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'aio-multi-length',
    description: 'aio_read/aio_write with several lengths (one vectored request)',
    images: [D],
    argv: ['-f', 'raw', ...c('aio_write -P 3 0 512 1k 2k', 'aio_flush', 'aio_read -P 3 0 512 1k 2k', 'aio_flush', 'aio_read -v 0 8 8', 'aio_flush', 'aio_write -C 64k 1 2 3', 'aio_flush', 'aio_read -P 4 0 3584', 'aio_flush'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'aio-write-z-u-f',
    description: 'aio_write -z (time is garbage in QEMU, masked), -u, -f and their restrictions',
    images: [{ name: 'd.raw', bytes: { size: 65536, fill: 0x77 } }],
    argv: ['-f', 'raw', ...c('aio_write -z 0 4k', 'aio_flush', 'aio_write -z -u 4k 4k', 'aio_flush', 'aio_write -f -P 1 8k 4k', 'aio_flush', 'aio_write -z 0 512 512', 'aio_write -u 0 512', 'aio_write -z -P 1 12k 512', 'aio_flush', 'read -v 12k 16', 'read -P 0 0 8k', 'read -P 1 8k 4k', 'read -P 0x77 16k 4k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'aio-invalid-requests',
    description: 'aio_read -i / aio_write -i only bump statistics; arg count is checked before options',
    images: [D],
    argv: ['-f', 'raw', ...c('aio_read -i', 'aio_write -i', 'aio_read -i 0 512', 'aio_write -i 0 512', 'aio_flush', 'aio_read -x 0 512', 'aio_write -x 0 512', 'aio_read -P 1', 'aio_read 0 1x', 'aio_write -P 999 0 512'), 'd.raw'],
  },
  {
    name: 'aio-stats-flags',
    description: '-C and -q on aio requests; -v with a pattern mismatch',
    images: [{ name: 'd.raw', bytes: { size: 65536, fill: 0x44 } }],
    argv: ['-f', 'raw', ...c('aio_write -C -P 0x45 0 4k', 'aio_flush', 'aio_write -q -P 0x46 4k 4k', 'aio_flush', 'aio_read -C -q 0 4k', 'aio_flush', 'aio_read -v -P 0x47 4k 16', 'aio_flush', 'aio_read -q -P 0x47 4k 16', 'aio_flush', 'aio_read -C -P 0x45 0 512 512', 'aio_flush'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'aio-completes-at-exit',
    description: 'an aio request still in flight when the commands end completes (and prints) at exit',
    images: [D],
    argv: ['-f', 'raw', ...c('aio_write -P 6 0 4k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'aio-errors',
    description: 'aio requests beyond EOF fail in their completion; that does not change the exit status',
    images: [D],
    argv: ['-f', 'raw', ...c('aio_read 1M 512', 'aio_flush', 'aio_write 1M 512', 'aio_flush', 'aio_read 0 0', 'aio_flush', 'aio_read -P 1 0 512', 'aio_flush', 'read 0 512'), 'd.raw'],
  },
  {
    name: 'aio-flush-alone',
    images: [D],
    argv: ['-f', 'raw', ...c('aio_flush', 'flush', 'f', 'aio_flush', 'flush'), 'd.raw'],
  },

  // ------------------------------------------------------------------ discard, truncate, length, info, map, alloc
  {
    name: 'discard-etc-raw',
    description: 'reference 7.D',
    images: [D],
    argv: ['-f', 'raw', ...c('length', 'info', 'map', 'alloc 0', 'alloc 0 64k', 'discard 0 64k', 'discard -q 0 4k', 'discard -C 0 4k', 'flush', 'truncate 2M', 'length', 'truncate 1000', 'length'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'discard-variants',
    images: [{ name: 'd.raw', bytes: { size: 1048576, fill: 0x5a } }],
    argv: ['-f', 'raw', ...c('d 0 4k', 'discard 1 1', 'discard 0 0', 'discard 512 1023', 'discard -x 0 1', 'discard 0 1x', 'discard 1023k 2k', 'discard 0 3G', 'discard -q -C 0 512', 'read -P 0x5a 64k 4k'), 'd.raw'],
  },
  {
    name: 'discard-mode-ignore',
    description: '-d ignore / unmap / off / on on the command line',
    images: [{ name: 'd.raw', bytes: { size: 65536, fill: 0x5a } }],
    argv: ['-f', 'raw', '-d', 'ignore', ...c('discard 0 4k', 'read -P 0x5a 0 4k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'truncate-modes',
    description: 'truncate and the -m preallocation modes on a raw file',
    images: [D],
    argv: ['-f', 'raw', ...c('t 2M', 'length', 'truncate -m off 3M', 'length', 'truncate -m falloc 4M', 'length', 'truncate -m full 5M', 'length', 'truncate -m metadata 6M', 'truncate -m bogus 6M', 'truncate -m', 'truncate -x 1M', 'truncate 1x', 'truncate 1000', 'length', 'read 0 1000', 'read 1000 24', 'truncate 0', 'length', 'read 0 1', 'truncate 1M 2', 'map'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'truncate-shrink-grow-data',
    description: 'data survives shrinking and growing; the grown area reads as zeroes',
    images: [{ name: 'd.raw', bytes: { size: 8192, fill: 0x42 } }],
    argv: ['-f', 'raw', ...c('truncate 4k', 'read -P 0x42 0 4k', 'truncate 64k', 'read -P 0 4k 60k', 'read -P 0x42 0 4k', 'write -P 0x43 60k 4k', 'length'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'length-info-aliases',
    images: [raw('d.raw', '1536k')],
    argv: ['-f', 'raw', ...c('l', 'length', 'i', 'info', 'truncate 1537k', 'length', 'truncate 1', 'l', 'truncate 513', 'l'), 'd.raw'],
  },
  {
    name: 'length-odd-size-file',
    description: 'a file whose size is not a multiple of 512: length rounds up, the tail reads as zeroes',
    images: [{ name: 'odd.raw', bytes: { size: 1000, fill: 0x61 } }],
    argv: ['-f', 'raw', ...c('length', 'read -v 992 16', 'read -P 0x61 0 1000', 'read 0 1024', 'read 0 1025', 'map', 'alloc 0 1024', 'write -P 0x62 1020 4', 'length'), 'odd.raw'],
    compareImages: ['odd.raw'],
  },
  {
    name: 'alloc-map-raw',
    description: 'alloc with default count, partial ranges and beyond EOF; map on a raw image',
    images: [D],
    argv: ['-f', 'raw', ...c('a 0', 'alloc 0 0', 'alloc 1M', 'alloc 1M 1', 'alloc 1023k 2k', 'alloc 1 1', 'alloc 100k 1k', 'alloc 0 2M', 'alloc x', 'alloc 0 y', 'alloc 3M', 'map'), 'd.raw'],
  },
  {
    name: 'map-file-node',
    description: 'map/alloc directly on a file node: a fully written file is all data',
    images: [{ name: 'd.raw', bytes: { size: 131072, fill: 1 } }],
    argv: ['--image-opts', ...c('map', 'alloc 0 128k', 'info', 'length'), 'driver=file,filename=d.raw'],
  },
  {
    name: 'map-file-node-sparse',
    description: 'map/alloc on the file node of a fresh sparse image: protocol nodes always report allocated',
    images: [D],
    argv: ['--image-opts', ...c('map', 'alloc 0 64k', 'alloc 512k'), 'driver=file,filename=d.raw'],
  },

  {
    name: 'map-file-node-holes',
    description: 'map/alloc on the file node of a sparse file: holes still count as allocated for a protocol node',
    images: [{ name: 's.raw', sparse: { size: 1048576, extents: { 0: { size: 65536, fill: 1 }, 262144: { size: 131072, fill: 2 }, 983040: { size: 65536, fill: 3 } } } }],
    argv: ['--image-opts', ...c('map', 'alloc 0 64k', 'alloc 64k 64k', 'alloc 60k 8k', 'alloc 0 1M', 'alloc 300k', 'read -P 0 64k 192k', 'read -P 2 256k 128k'), 'driver=file,filename=s.raw'],
  },
  {
    name: 'map-raw-over-sparse-file',
    description: 'the raw format over a sparse file reports everything allocated',
    images: [{ name: 's.raw', sparse: { size: 1048576, extents: { 0: { size: 65536, fill: 1 }, 524288: { size: 65536, fill: 2 } } } }],
    argv: ['-f', 'raw', ...c('map', 'alloc 64k 64k', 'alloc 0 1M'), 's.raw'],
  },
  {
    name: 'discard-file-node-punches-holes',
    description: 'discard on a file node punches a hole: the range reads back as zeroes, map still says allocated',
    images: [{ name: 'd.raw', bytes: { size: 262144, fill: 0x6b } }],
    argv: ['--image-opts', ...c('discard 64k 64k', 'map', 'read -P 0 64k 64k', 'read -P 0x6b 0 64k', 'read -P 0x6b 128k 128k'), 'driver=file,filename=d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'truncate-file-node',
    images: [{ name: 'd.raw', bytes: { size: 4096, fill: 0x21 } }],
    argv: ['-f', 'file', ...c('truncate 1000', 'length', 'read -v 990 16', 'truncate 8k', 'length', 'read -P 0 1000 7192', 'truncate -m falloc 16k', 'length', 'truncate -m full 20k', 'length'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'raw-over-null-co',
    images: [],
    argv: ['--image-opts', ...c('length', 'info', 'read -P 0 0 4k', 'write -z -u 0 4k', 'discard 0 4k', 'map', 'truncate 2M'), 'driver=raw,file.driver=null-co,file.size=1M,file.read-zeroes=on'],
  },
  {
    name: 'file-node-options',
    images: [D],
    argv: ['--image-opts', ...c('length', 'read 0 1', 'write -P 1 0 1'), 'driver=file,filename=d.raw,locking=off,aio=threads'],
    compareImages: ['d.raw'],
  },
  {
    name: 'file-node-bad-aio-option',
    images: [D],
    argv: ['--image-opts', ...c('length'), 'driver=file,filename=d.raw,aio=bogus'],
  },

  // ------------------------------------------------------------------ open / close / reopen
  {
    name: 'open-close-cycle',
    description: 'open with -o driver=raw, close, reopen, o and c aliases',
    images: [D],
    argv: c('open -o driver=raw d.raw', 'write -P 1 0 512', 'close', 'read 0 512', 'o -o driver=raw d.raw', 'read -P 1 0 512', 'c', 'close', 'info', 'length', 'map', 'alloc 0', 'flush', 'aio_flush', 'truncate 1M', 'discard 0 512'),
    compareImages: ['d.raw'],
  },
  {
    name: 'open-errors',
    description: 'reference 7.G: open while open, -f is not an open option, missing files',
    images: [D],
    argv: c('read 0 512', 'nosuch 1 2', 'open -f raw d.raw', 'open -o driver=raw d.raw', 'open -o driver=raw d.raw', 'close', 'open -r nosuch.img', 'open -o driver=raw nosuch.img', 'open', 'open -o', 'open -x d.raw', 'open d.raw d.raw'),
  },
  {
    name: 'open-probe-warning',
    description: 'open without a format probes raw and prints the WARNING',
    images: [D],
    argv: c('open d.raw', 'info', 'close', 'open -o driver=raw d.raw', 'info'),
  },
  {
    name: 'open-flags',
    description: 'open -r -s -C -k -U -t -d -o variations',
    images: [D],
    argv: c('open -r -o driver=raw d.raw', 'write 0 512', 'read 0 512', 'close', 'open -s -o driver=raw d.raw', 'write -P 9 0 512', 'read -P 9 0 512', 'close', 'open -C -o driver=raw d.raw', 'read 0 512', 'close', 'open -U -o driver=raw d.raw', 'read 0 512', 'close', 'open -t writeback -o driver=raw d.raw', 'write -P 2 0 512', 'close', 'open -t unsafe -d unmap -o driver=raw d.raw', 'discard 0 512', 'close', 'open -t directsync -d ignore -o driver=raw d.raw', 'read -P 2 0 512', 'close'),
    compareImages: ['d.raw'],
  },
  {
    name: 'open-flag-errors',
    images: [D],
    argv: c('open -t bogus -o driver=raw d.raw', 'open -d bogus -o driver=raw d.raw', 'open -i bogus -o driver=raw d.raw', 'open -k -t writeback -o driver=raw d.raw', 'open -o bogus=1 d.raw', 'open -o driver=raw,bogus=1 d.raw', 'open -o driver=nosuch d.raw', 'open -o driver=raw', 'open -o driver=raw,file.driver=file,file.filename=d.raw', 'info', 'close', 'open -o driver=raw,,x d.raw', 'open -t', 'open -d'),
  },
  {
    name: 'open-o-options',
    description: 'open with options only (no path) and json: filenames',
    images: [D],
    argv: c('open -o driver=null-co,size=4096', 'length', 'info', 'close', 'open -o driver=raw,offset=512,size=1k,file.driver=file,file.filename=d.raw', 'length', 'write -P 3 0 1k', 'close', 'open -o driver=raw d.raw', 'read -P 0 0 512', 'read -P 3 512 1k', 'read -P 0 1536 512', 'close', 'open json:{"driver":"null-co","size":"8192"}', 'length', 'close'),
    compareImages: ['d.raw'],
  },
  {
    name: 'close-twice-and-commands-after',
    images: [D],
    argv: ['-f', 'raw', ...c('close', 'close', 'read 0 512', 'write 0 512', 'readv 0 512', 'writev 0 512', 'aio_read 0 512', 'aio_write 0 512', 'reopen -r', 'break write_aio A', 'remove_break A', 'resume A', 'help close'), 'd.raw'],
  },
  {
    name: 'reopen-r-w',
    description: 'reference 7.Z: reopen read-only and back',
    images: [D],
    argv: ['-f', 'raw', ...c('reopen -r', 'write 0 512', 'discard 0 512', 'truncate 2M', 'read 0 512', 'reopen -w', 'write -P 8 0 512', 'read -P 8 0 512', 'reopen', 'write -P 9 0 512', 'length'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'reopen-errors',
    images: [D],
    argv: ['-f', 'raw', ...c('reopen -r -w', 'reopen -w -r', 'reopen -c bogus', 'reopen -c writeback', 'reopen -c none', 'reopen -c unsafe', 'reopen -o bogus=1', 'reopen -o read-only=on', 'write 0 512', 'reopen -o read-only=off', 'write 0 512', 'reopen -x', 'reopen extra', 'reopen -c', 'reopen -o', 'reopen -r -r'), 'd.raw'],
  },
  {
    name: 'reopen-on-readonly-open',
    description: 'reopen -w of an image opened with -r',
    images: [D],
    argv: ['-r', '-f', 'raw', ...c('write 0 512', 'reopen -w', 'write -P 4 0 512', 'reopen -r', 'write 0 512', 'read -P 4 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },

  // ------------------------------------------------------------------ help
  {
    name: 'help-all',
    description: 'reference 7.F: help lists every command',
    images: [],
    argv: c('help'),
  },
  {
    name: 'help-question-mark-and-errors',
    images: [],
    argv: c('?', '? read', 'help nosuch', 'help r', 'help w', 'help o', 'help c', 'help q', 'help ?', 'help a', 'help l', 'help i', 'help t', 'help d', 'help f', 'help HELP'),
  },
  ...HELP_COMMANDS.map((cmd) => ({ name: `help-${cmd.replace(/_/g, '-')}`, images: [], argv: c(`help ${cmd}`) })),
  {
    name: 'help-stdin-no-file',
    description: 'help via stdin without any image',
    images: [],
    argv: [],
    stdin: 'help info\nhelp length\n',
  },

  // ------------------------------------------------------------------ quit, sleep, abort, sigraise
  {
    name: 'quit-stops-commands',
    images: [D],
    argv: ['-f', 'raw', ...c('write -P 1 0 512', 'quit', 'write -P 2 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'quit-alias-and-args',
    images: [D],
    argv: ['-f', 'raw', ...c('quit 1', 'q x', 'read -q 0 1', 'q', 'read 0 1'), 'd.raw'],
  },
  {
    name: 'quit-after-error',
    description: 'quit does not reset the exit status of an earlier failure',
    images: [D],
    argv: ['-f', 'raw', ...c('read 2M 1', 'quit'), 'd.raw'],
  },
  {
    name: 'sleep',
    images: [D],
    argv: ['-f', 'raw', ...c('sleep 1', 'sleep 0', 'sleep 0x5', 'sleep 010', 'sleep -1', 'sleep x', 'sleep 1k', 'sleep 5x', 'read -q 0 512'), 'd.raw'],
  },
  {
    name: 'abort-loses-buffered-stdout',
    description: 'abort() kills qemu-io (134) and the block-buffered stdout is lost',
    images: [D],
    argv: ['-f', 'raw', ...c('write -P 3 0 512', 'read 0 512', 'abort', 'read 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'abort-no-file',
    images: [],
    argv: c('abort'),
  },
  {
    name: 'sigraise-term',
    description: 'sigraise flushes stdout, then the signal kills qemu-io (143)',
    images: [D],
    argv: ['-f', 'raw', ...c('read 0 512', 'sigraise 15', 'read 0 512'), 'd.raw'],
  },
  {
    name: 'sigraise-kill',
    images: [],
    argv: c('sigraise 9'),
  },
  {
    name: 'sigraise-hup',
    images: [],
    argv: c('help sigraise', 'sigraise 1'),
  },
  {
    name: 'sigraise-usr1-ignored',
    description: 'qemu-io ignores SIGUSR1 (10) and carries on (node would start its inspector)',
    images: [],
    argv: c('sigraise 10', 'help quit'),
  },
  {
    name: 'sigraise-usr2',
    images: [],
    argv: c('sigraise 12', 'help quit'),
  },
  {
    name: 'sigraise-errors',
    images: [],
    argv: c('sigraise 99', 'sigraise 65', 'sigraise 0', 'sigraise x', 'sigraise -1', 'sigraise 1k', 'sigraise 0x10000000000', 'help quit'),
  },
  {
    name: 'sigraise-int-next-command-never-runs',
    description: 'SIGINT kills qemu-io inside sigraise (130): the write after it never reaches the image',
    images: [D],
    argv: ['-f', 'raw', ...c('read 0 512', 'sigraise 2', 'write -P 7 0 512', 'read 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'sigraise-int-stdin',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'sigraise 2\nwrite -P 7 0 512\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'sigraise-quit-and-abrt',
    images: [D],
    argv: ['-f', 'raw', ...c('sigraise 3', 'write -P 7 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },

  // ------------------------------------------------------------------ breakpoints without blkdebug
  {
    name: 'break-without-blkdebug',
    description: 'break/resume/remove_break on a plain raw image fail with ENOTSUP (wait_break would hang)',
    images: [D],
    argv: ['-f', 'raw', ...c('break write_aio A', 'break nosuch_event A', 'resume A', 'remove_break A', 'break', 'break a b c', 'aio_write 0 512', 'aio_flush'), 'd.raw'],
  },
  {
    name: 'break-no-file',
    images: [],
    argv: c('break write_aio A', 'resume A', 'remove_break A', 'wait_break A'),
  },

  // ------------------------------------------------------------------ command-line options
  {
    name: 'cli-version',
    images: [],
    argv: ['-V'],
  },
  {
    name: 'cli-version-long',
    images: [D],
    argv: ['--version', '-c', 'read 0 512', 'd.raw'],
  },
  {
    name: 'cli-help',
    images: [],
    argv: ['-h'],
  },
  {
    name: 'cli-help-long',
    images: [],
    argv: ['--help', '-c', 'help'],
  },
  {
    name: 'cli-bad-option',
    images: [D],
    argv: ['-x', 'd.raw'],
  },
  {
    name: 'cli-bad-long-option',
    images: [D],
    argv: ['--bogus', 'd.raw'],
  },
  {
    name: 'cli-missing-option-argument',
    images: [],
    argv: ['-c'],
  },
  {
    name: 'cli-missing-format-argument',
    images: [],
    argv: ['-f'],
  },
  {
    name: 'cli-two-files',
    images: [D, raw('e.raw')],
    argv: ['-f', 'raw', ...c('read 0 512'), 'd.raw', 'e.raw'],
  },
  {
    name: 'cli-image-opts-and-f',
    images: [D],
    argv: ['--image-opts', '-f', 'raw', ...c('length'), 'driver=raw,file.filename=d.raw'],
  },
  {
    name: 'cli-no-args-empty-stdin',
    description: 'no file, no commands, empty stdin: just the prompt',
    images: [],
    argv: [],
    stdin: '',
  },
  {
    name: 'cli-commands-no-file',
    images: [],
    argv: c('read 0 512', 'write 0 512', 'length', 'info', 'help quit', 'sleep 1'),
  },
  {
    name: 'cli-c-order-and-long-cmd',
    description: '-c and --cmd run in the given order, before and after the file argument',
    images: [D],
    argv: ['-c', 'write -P 1 0 512', '-f', 'raw', 'd.raw', '--cmd', 'read -P 1 0 512', '--cmd=read -q -P 1 0 512', '-c', 'length'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-format-raw-long',
    images: [D],
    argv: ['--format', 'raw', '-c', 'info', '--format=raw', 'd.raw'],
  },
  {
    name: 'cli-format-unknown',
    images: [D],
    argv: ['-f', 'nosuch', '-c', 'info', 'd.raw'],
  },
  {
    name: 'cli-format-file',
    description: '-f file opens the protocol node itself',
    images: [D],
    argv: ['-f', 'file', ...c('info', 'length', 'write -P 1 0 512', 'read -P 1 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-read-only',
    description: 'reference 7.J plus every write-like command on a -r image',
    images: [D],
    argv: ['-r', '-f', 'raw', ...c('write 0 512', 'read 0 512', 'writev 0 512', 'aio_write 0 512', 'aio_flush', 'write -z 0 512', 'discard 0 512', 'truncate 2M', 'flush', 'length'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-read-only-long',
    images: [D],
    argv: ['--read-only', '-f', 'raw', ...c('write 0 512', 'info'), 'd.raw'],
  },
  {
    name: 'cli-snapshot',
    description: '-s: writes go to a temporary overlay, the image is untouched',
    images: [{ name: 'd.raw', bytes: { size: 65536, fill: 0x10 } }],
    argv: ['-s', '-f', 'raw', ...c('write -P 9 0 4k', 'read -P 9 0 4k', 'read -P 0x10 4k 4k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-snapshot-map-discard-truncate',
    description: '-s: the overlay allocates 64 KiB clusters; discard and write -z make zero clusters; growth past the image is unallocated',
    images: [D],
    argv: ['-s', '-f', 'raw', ...c('write -P 1 64k 4k', 'map', 'alloc 0 128k', 'discard 64k 64k', 'read -P 0 64k 4k', 'write -z 0 4k', 'map', 'truncate 2M', 'length', 'write 1M 4k', 'flush', 'map'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-snapshot-shrink-grow',
    description: '-s: shrinking then growing the overlay must not let the image underneath shine through',
    images: [{ name: 'd.raw', bytes: { size: 1048576, fill: 7 } }],
    argv: ['-s', '-f', 'raw', ...c('truncate 512k', 'truncate 1M', 'map', 'read -P 0 512k 512k', 'read -P 7 0 512k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-nocache',
    description: '-n (cache=none, O_DIRECT): needs a scratch filesystem with O_DIRECT',
    images: [D],
    argv: ['-f', 'raw', '-n', ...c('write -P 1 0 4k', 'read -P 1 0 4k', 'write -P 1 1 1', 'read -P 1 1 1'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-cache-modes',
    images: [D],
    argv: ['-f', 'raw', '-t', 'writeback', ...c('write -P 1 0 4k', 'flush', 'read -P 1 0 4k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-cache-none',
    description: '-t none (O_DIRECT): unaligned requests still work (bounce buffers)',
    images: [D],
    argv: ['-f', 'raw', '-t', 'none', ...c('write -P 3 1 511', 'read -P 3 1 511', 'read -v 0 4', 'readv -P 3 1 100 411'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-aio-native-nocache',
    images: [D],
    argv: ['-f', 'raw', '-i', 'native', '-n', ...c('write -P 4 0 4k', 'read -P 4 0 4k', 'aio_write -P 5 4k 4k', 'aio_flush', 'aio_read -P 5 4k 4k', 'aio_flush'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-discard-modes',
    images: [{ name: 'd.raw', bytes: { size: 65536, fill: 0x5a } }],
    argv: ['-f', 'raw', '-d', 'off', ...c('discard 0 4k', 'read -P 0x5a 0 4k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'open-nocache-and-native',
    images: [D],
    argv: c('open -n -o driver=raw d.raw', 'write -P 6 0 4k', 'read -P 6 0 4k', 'close', 'open -k -n -o driver=raw d.raw', 'read -P 6 0 4k', 'close', 'open -i threads -t writethrough -o driver=raw d.raw', 'read -P 6 0 4k'),
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-cache-unsafe-long',
    images: [D],
    argv: ['-f', 'raw', '--cache=unsafe', ...c('write -P 2 0 4k', 'read -P 2 0 4k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-cache-bogus',
    images: [D],
    argv: ['-f', 'raw', '-t', 'bogus', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'cli-discard-bogus',
    images: [D],
    argv: ['-f', 'raw', '-d', 'bogus', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'cli-discard-unmap-long',
    images: [D],
    argv: ['-f', 'raw', '--discard=unmap', ...c('discard 0 4k'), 'd.raw'],
  },
  {
    name: 'cli-aio-threads',
    images: [D],
    argv: ['-f', 'raw', '-i', 'threads', ...c('write -P 1 0 4k', 'read -P 1 0 4k'), 'd.raw'],
  },
  {
    name: 'cli-aio-bogus',
    images: [D],
    argv: ['-f', 'raw', '-i', 'bogus', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'cli-aio-native-without-direct',
    description: 'aio=native needs cache.direct=on',
    images: [D],
    argv: ['-f', 'raw', '-k', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'cli-force-share-copy-on-read-misalign',
    description: '-U, -C and -m do not change the output of simple I/O',
    images: [D],
    argv: ['-U', '-C', '-m', '-f', 'raw', ...c('write -P 2 0 4k', 'read -P 2 0 4k', 'readv -P 2 0 1k 3k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-long-option-forms',
    images: [D],
    argv: ['--force-share', '--copy-on-read', '--misalign', '--read-only', '--nocache', '--format', 'raw', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'cli-long-option-forms-ok',
    images: [D],
    argv: ['--force-share', '--misalign', '--snapshot', '--cache=writeback', '--aio=threads', '--discard=unmap', '--format=raw', ...c('write -P 1 0 512', 'read -P 1 0 512', 'discard 0 512'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-native-aio-nocache',
    description: '-k with -n: Linux native AIO with O_DIRECT',
    images: [D],
    argv: ['-k', '-n', '-f', 'raw', ...c('write -P 1 0 4k', 'read -P 1 0 4k'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-image-opts-raw',
    images: [D],
    argv: ['--image-opts', ...c('write -P 5 0 512', 'read -P 5 0 512', 'info', 'length'), 'driver=raw,file.driver=file,file.filename=d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'cli-image-opts-file-only',
    description: '--image-opts with only a filename opens the file protocol node (no probing)',
    images: [D],
    argv: ['--image-opts', ...c('info', 'length'), 'filename=d.raw'],
  },
  {
    name: 'cli-image-opts-bad',
    images: [D],
    argv: ['--image-opts', ...c('info'), 'driver=raw'],
  },
  {
    name: 'cli-image-opts-unknown-driver',
    images: [D],
    argv: ['--image-opts', ...c('info'), 'driver=nosuch,file.filename=d.raw'],
  },
  {
    name: 'cli-image-opts-unknown-option',
    images: [D],
    argv: ['--image-opts', ...c('info'), 'driver=raw,file.filename=d.raw,bogus=1'],
  },
  {
    name: 'cli-image-opts-parse-error',
    images: [D],
    argv: ['--image-opts', ...c('info'), 'driver=raw,file.filename'],
  },
  {
    name: 'cli-image-opts-empty',
    images: [],
    argv: ['--image-opts', ...c('info'), ''],
  },
  {
    name: 'cli-image-opts-open-o-refused',
    description: 'with --image-opts the open command refuses -o',
    images: [D],
    argv: ['--image-opts', ...c('open -o driver=raw d.raw', 'open driver=raw,file.filename=d.raw', 'info')],
  },

  // ------------------------------------------------------------------ stdin scripts
  {
    name: 'stdin-basic',
    description: 'reference 7.H: the prompt is printed before every read, also before EOF',
    images: [D],
    argv: [],
    stdin: 'open -o driver=raw d.raw\nwrite -P 5 0 512\nread -P 5 0 512\nquit\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'stdin-empty-lines-eof',
    description: 'empty lines are skipped, EOF without quit, pattern failure sets exit status 1',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'write -P 5 0 512\n\nread -P 6 0 512\n\n\n',
  },
  {
    name: 'stdin-unknown-commands',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'nosuch\n# comment\nREAD 0 512\nread 0 512 x\nread 0 512\n',
  },
  {
    name: 'stdin-no-trailing-newline',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'write -P 1 0 512\nread -P 1 0 512',
  },
  {
    name: 'stdin-spaces',
    description: 'tokens are split on single spaces, empty tokens skipped; tabs are not separators',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: '  read   0    512  \nread\t0 512\n \n   \nlength \n',
  },
  {
    name: 'stdin-crlf',
    description: 'a CR stays part of the last token',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'read 0 512\r\nlength\r\nquit\r\n',
  },
  {
    name: 'stdin-quit-then-more',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'write -P 7 0 512\nquit\nwrite -P 8 0 512\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'stdin-ignored-with-c',
    description: 'with -c, stdin is not read',
    images: [D],
    argv: ['-f', 'raw', '-c', 'read -q 0 512', 'd.raw'],
    stdin: 'write -P 7 0 512\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'stdin-long-line',
    description: 'lines longer than 1023 bytes are read in pieces (fgets)',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: `read 0 512${' '.repeat(1100)}length\nlength\n`,
  },
  {
    name: 'stdin-non-ascii-bytes',
    description: 'bytes >= 0x80 in commands come back verbatim in the messages (not as UTF-8)',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'read 0 \xff\n\xe9t\xe9\nread -P \xb5 0 1\nhelp \xc3\xa9\nread 0 1\xc3\xa9\n',
  },
  {
    name: 'stdin-many-lines',
    description: '600 commands through the prompt loop',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: Array.from({ length: 300 }, (_, i) => `write -P ${i & 0xff} ${i * 512} 512\n`).join('') + Array.from({ length: 300 }, (_, i) => `read -P ${i & 0xff} ${i * 512} 512\n`).join(''),
    compareImages: ['d.raw'],
  },
  {
    name: 'stdin-sleep-and-whitespace-only',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: '   \n\nsleep 1\n \nlength\n',
  },
  {
    name: 'stdin-open-close-help',
    images: [D],
    argv: [],
    stdin: 'info\nopen -o driver=raw d.raw\ninfo\nclose\nclose\nhelp length\n?\n',
  },
  {
    name: 'stdin-errors-exit-status',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'read 2M 1\nread 0 1\n',
  },
  {
    name: 'stdin-sigraise',
    description: 'interactive output before sigraise survives (stdout flushed by the prompt)',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'read -q 0 1\nsigraise 15\nread 0 1\n',
  },
  {
    name: 'stdin-abort',
    description: 'interactive: the prompt flushes stdout, so output before abort survives',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: 'read 0 1\nabort\nread 0 1\n',
  },

  // ------------------------------------------------------------------ drivers: null-co
  {
    name: 'null-co-probed',
    description: 'null-co:// probes as raw (WARNING), 1 GiB, info fails silently (exit 1)',
    images: [],
    argv: [...c('length', 'info', 'read 0 512', 'write 0 512'), 'null-co://'],
  },
  {
    name: 'null-co-raw',
    description: 'null-co without read-zeroes does not touch the buffer: reads show 0xab',
    images: [],
    argv: ['-f', 'raw', ...c('length', 'read -v 0 32', 'read -P 0xab 0 4k', 'write -P 1 0 4k', 'read -P 0xab 0 4k', 'write -z 0 4k', 'discard 0 4k', 'map', 'alloc 0 4k', 'flush', 'truncate 1M'), 'null-co://'],
  },
  {
    name: 'null-co-image-opts',
    images: [],
    argv: ['--image-opts', ...c('length', 'info', 'read -v 0 16', 'map', 'read 1k 1'), 'driver=null-co,size=1k,read-zeroes=on'],
  },
  {
    name: 'null-co-json',
    images: [],
    argv: [...c('length', 'read -v 0 16', 'readv -P 0 0 512 512', 'aio_read -P 0 0 512', 'aio_flush', 'read 4096 1'), 'json:{"driver":"null-co","size":4096,"read-zeroes":true}'],
  },
  {
    name: 'null-co-odd-size',
    description: 'null-co with a size that is not a multiple of 512',
    images: [],
    argv: ['--image-opts', ...c('length', 'read 0 1000', 'read 0 1024', 'read 999 1', 'read 1000 1', 'alloc 0 2k', 'map'), 'driver=null-co,size=1000,read-zeroes=on'],
  },
  {
    name: 'null-co-errors',
    description: 'QEMU 7.2 quirk: a bad size in --image-opts hits &error_abort (message, then abort: 134)',
    images: [],
    argv: ['--image-opts', ...c('length'), 'driver=null-co,size=x'],
  },
  {
    name: 'null-co-bad-option',
    images: [],
    argv: ['--image-opts', ...c('length'), 'driver=null-co,bogus=1'],
  },
  {
    name: 'null-aio',
    images: [],
    argv: ['-f', 'raw', ...c('length', 'aio_read -P 0xab 0 512', 'aio_flush', 'aio_write 0 512', 'aio_flush', 'read -q 0 512'), 'null-aio://'],
  },
  {
    name: 'null-co-filename-suffix',
    description: 'null-co:// accepts only an empty filename after the prefix',
    images: [],
    argv: ['-f', 'raw', ...c('length'), 'null-co://x'],
  },

  // ------------------------------------------------------------------ drivers: raw options, file:, json:
  {
    name: 'raw-offset-size-json',
    description: 'raw offset/size window via json: writes land at the offset in the file',
    images: [D],
    argv: [...c('length', 'write -P 0x31 0 4k', 'read -P 0x31 0 8k', 'write -P 0x32 4k 4k', 'read 8k 1', 'write 8k 1', 'map', 'info'), jsonRaw({ offset: 4096, size: 8192 })],
    compareImages: ['d.raw'],
  },
  {
    name: 'raw-offset-size-image-opts',
    images: [{ name: 'd.raw', bytes: { size: 65536, seq: true } }],
    argv: ['--image-opts', ...c('length', 'read -v 0 16', 'read -v 1000 8', 'write -P 0x99 0 512', 'read 1024 1', 'truncate 512', 'truncate 2048'), 'driver=raw,offset=512,size=1024,file.driver=file,file.filename=d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'raw-offset-only',
    images: [{ name: 'd.raw', bytes: { size: 8192, seq: true } }],
    argv: ['--image-opts', ...c('length', 'read -v 0 16', 'read -v 7670 16'), 'driver=raw,offset=512,file.filename=d.raw'],
  },
  {
    name: 'raw-offset-size-errors',
    description: 'offset+size beyond the file, misaligned size, negative/garbage values',
    images: [D],
    argv: ['--image-opts', ...c('length'), 'driver=raw,offset=1M,size=512,file.filename=d.raw'],
  },
  {
    name: 'raw-offset-garbage',
    images: [D],
    argv: ['--image-opts', ...c('length'), 'driver=raw,offset=x,file.filename=d.raw'],
  },
  {
    name: 'raw-size-unaligned',
    images: [D],
    argv: [...c('length', 'read -v 990 16'), jsonRaw({ size: 1000 })],
  },
  {
    name: 'file-prefix',
    description: 'file: prefix, probed (WARNING) and with -f raw',
    images: [D],
    argv: [...c('length', 'info'), 'file:d.raw'],
  },
  {
    name: 'file-prefix-raw',
    images: [D],
    argv: ['-f', 'raw', ...c('write -P 4 0 512', 'read -P 4 0 512'), 'file:d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'file-prefix-missing',
    images: [],
    argv: ['-f', 'raw', ...c('length'), 'file:nosuch.raw'],
  },
  {
    name: 'probe-raw-warning',
    description: 'plain filename without -f: raw is probed with the WARNING on stderr',
    images: [D],
    argv: [...c('write -P 1 0 512', 'read -P 1 0 512', 'info'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'probe-raw-block0-restriction',
    description: 'on a probed raw image, writing data that would probe as another format to block 0 fails (EPERM)',
    images: [D],
    files: { 'qcow2magic.bin': 'QFI\xfb\x00\x00\x00\x03' },
    argv: [...c('write -s qcow2magic.bin 0 512', 'write -s qcow2magic.bin 512 512', 'write -P 0 0 512', 'read -v 512 16'), 'd.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'qcow2-magic-as-raw',
    description: 'a file with the qcow2 magic opened with -f raw is just bytes',
    images: [{ name: 'q.img', bytes: { size: 4096, at: { 0: '514649fb00000003' } } }],
    argv: ['-f', 'raw', ...c('read -v 0 16', 'info', 'length'), 'q.img'],
  },
  {
    name: 'json-raw-file',
    images: [D],
    argv: [...c('write -P 6 0 512', 'read -P 6 0 512', 'info'), 'json:{"driver":"raw","file":{"driver":"file","filename":"d.raw"}}'],
    compareImages: ['d.raw'],
  },
  {
    name: 'json-single-quotes-and-dotted',
    description: 'QEMU JSON accepts single quotes; dotted keys inside json:',
    images: [D],
    argv: [...c('length', 'info'), "json:{'driver':'raw','file.driver':'file','file.filename':'d.raw'}"],
  },
  {
    name: 'json-malformed',
    images: [],
    argv: [...c('length'), 'json:{"driver":"raw",'],
  },
  {
    name: 'json-not-an-object',
    images: [],
    argv: [...c('length'), 'json:[1,2]'],
  },
  {
    name: 'json-garbage',
    images: [],
    argv: [...c('length'), 'json:hello'],
  },
  {
    name: 'json-unknown-driver',
    images: [],
    argv: [...c('length'), 'json:{"driver":"nosuch"}'],
  },
  {
    name: 'json-unknown-option',
    images: [D],
    argv: [...c('length'), 'json:{"driver":"raw","bogus":1,"file":{"driver":"file","filename":"d.raw"}}'],
  },
  {
    name: 'json-file-missing-filename',
    images: [],
    argv: [...c('length'), 'json:{"driver":"file"}'],
  },
  {
    name: 'json-missing-file',
    images: [],
    argv: [...c('length'), 'json:{"driver":"raw","file":{"driver":"file","filename":"nosuch.raw"}}'],
  },
  {
    name: 'json-wrong-type',
    description: 'QEMU 7.2 quirk: a bad size in json: hits &error_abort (message, then abort: 134)',
    images: [],
    argv: [...c('length'), 'json:{"driver":"null-co","size":"big"}'],
  },
  {
    name: 'json-read-only-option',
    images: [D],
    argv: [...c('write 0 512', 'read -q 0 512'), 'json:{"driver":"raw","read-only":true,"file":{"driver":"file","filename":"d.raw"}}'],
  },
  {
    name: 'json-with-format-option',
    description: 'json: filename plus -f raw',
    images: [D],
    argv: ['-f', 'raw', ...c('length'), 'json:{"driver":"file","filename":"d.raw"}'],
  },
  {
    name: 'json-empty-object',
    images: [],
    argv: [...c('length'), 'json:{}'],
  },
  {
    name: 'unknown-protocol',
    images: [],
    argv: ['-f', 'raw', ...c('length'), 'nosuch://foo'],
  },

  {
    name: 'json-file-string-reference',
    description: 'a string "file" is a node reference, not a filename',
    images: [D],
    argv: [...c('length'), 'json:{"driver":"raw","file":"d.raw"}'],
  },
  {
    name: 'open-json-malformed',
    images: [D],
    argv: c('open json:{"driver":', 'open -o driver=raw json:{}', 'open json:{"driver":"raw","file":{"driver":"file","filename":"d.raw"}}', 'length'),
  },
  {
    name: 'filename-with-space',
    images: [{ name: 'my disk.raw', create: ['-f', 'raw', 'my disk.raw', '64k'] }],
    argv: ['-f', 'raw', ...c('length', 'write -P 1 0 512'), 'my disk.raw'],
    compareImages: ['my disk.raw'],
  },
  {
    name: 'filename-with-colon',
    description: 'a colon before any slash makes the prefix a protocol name',
    images: [{ name: 'a:b.raw', create: ['-f', 'raw', 'a:b.raw', '64k'] }],
    argv: ['-f', 'raw', ...c('length'), 'a:b.raw'],
  },
  {
    name: 'filename-with-colon-dot-slash',
    images: [{ name: 'a:b.raw', create: ['-f', 'raw', 'a:b.raw', '64k'] }],
    argv: ['-f', 'raw', ...c('length'), './a:b.raw'],
  },
  {
    name: 'null-co-size-1t-alloc-huge',
    images: [],
    argv: ['--image-opts', ...c('length', 'alloc 0 1E', 'alloc 1023G 2G', 'map', 'read 1023G 512'), 'driver=null-co,size=1T'],
  },
  {
    name: 'null-co-size-fraction-pib',
    images: [],
    argv: ['--image-opts', ...c('length'), 'driver=null-co,size=1.5P'],
  },
  {
    name: 'null-co-size-7e',
    images: [],
    argv: ['--image-opts', ...c('length', 'read -q 6E 512', 'read 7E 1'), 'driver=null-co,size=7E'],
  },
  {
    name: 'null-co-size-8e-wraps',
    description: 'QEMU quirk: 8E is accepted and the length becomes 0',
    images: [],
    argv: ['--image-opts', ...c('length', 'read 0 1'), 'driver=null-co,size=8E'],
  },
  {
    name: 'object-secret',
    images: [D],
    argv: ['--object', 'secret,id=s0,data=x', '-f', 'raw', ...c('length'), 'd.raw'],
  },
  {
    name: 'object-bogus-type',
    images: [D],
    argv: ['--object', 'bogus', '-f', 'raw', ...c('length'), 'd.raw'],
  },
  {
    name: 'object-secret-without-data',
    images: [D],
    argv: ['--object', 'secret,id=s0', '-f', 'raw', ...c('length'), 'd.raw'],
  },
  {
    name: 'empty-command-string',
    images: [D],
    argv: ['-c', '', '-c', '   ', '-f', 'raw', ...c('length'), 'd.raw'],
  },
  {
    name: 'negative-and-dash-arguments',
    images: [D],
    argv: ['-f', 'raw', ...c('alloc -1', 'alloc 0 -1', 'truncate -1', 'discard -- 0 512', 'help -x', 'sleep --', 'write -P 1 -- 0 1', 'read -- -1 1', 'reopen --'), 'd.raw'],
  },
  {
    name: 'reopen-driver-options',
    images: [D],
    argv: ['-f', 'raw', ...c('reopen -o driver=file', 'reopen -o file.filename=e.raw', 'reopen -o offset=512', 'reopen -o read-only=x', 'reopen -c writethrough -o discard=unmap', 'length'), 'd.raw'],
  },

  // ------------------------------------------------------------------ missing / unusable files
  {
    name: 'missing-image',
    images: [],
    argv: [...c('read 0 512'), 'nosuch.img'],
  },
  {
    name: 'missing-image-with-format',
    images: [],
    argv: ['-f', 'raw', ...c('read 0 512'), 'nosuch.img'],
  },
  {
    name: 'missing-image-read-only-dir',
    images: [],
    argv: ['-r', '-f', 'raw', ...c('read 0 512'), 'nosuchdir/d.raw'],
  },
  {
    name: 'image-is-directory',
    images: [{ name: 'adir', dir: true }],
    argv: ['-f', 'raw', ...c('length'), 'adir'],
  },
  {
    name: 'image-is-directory-probed',
    images: [{ name: 'adir', dir: true }],
    argv: [...c('length'), 'adir'],
  },
  {
    name: 'empty-image',
    description: 'a zero-length file probes as raw and has length 0',
    images: [{ name: 'e.raw', bytes: '' }],
    argv: [...c('length', 'read 0 0', 'read 0 1', 'write 0 1', 'map', 'alloc 0', 'info'), 'e.raw'],
  },
  {
    name: 'empty-filename',
    images: [],
    argv: ['-f', 'raw', ...c('length'), ''],
  },

  // ------------------------------------------------------------------ exit statuses
  {
    name: 'exit-failure-then-success',
    description: 'reference 7.I',
    images: [D],
    argv: ['-f', 'raw', ...c('read -P 9 0 512', 'read 0 512'), 'd.raw'],
  },
  {
    name: 'exit-all-success',
    images: [D],
    argv: ['-f', 'raw', ...c('write -q 0 512', 'read -q 0 512', 'flush'), 'd.raw'],
  },
  {
    name: 'exit-parse-error-only',
    description: 'a parse error (printed on stdout) makes the exit status 1',
    images: [D],
    argv: ['-f', 'raw', ...c('read 0 1x'), 'd.raw'],
  },
  {
    name: 'exit-usage-error-only',
    images: [D],
    argv: ['-f', 'raw', ...c('read -z 0 1'), 'd.raw'],
  },
  {
    name: 'exit-unknown-command-only',
    images: [D],
    argv: ['-f', 'raw', ...c('bogus'), 'd.raw'],
  },
  {
    name: 'exit-help-unknown',
    images: [],
    argv: c('help bogus'),
  },
  {
    name: 'exit-open-fails',
    images: [],
    argv: ['-f', 'raw', ...c('help'), 'nosuch.raw'],
  },
  {
    name: 'write-s-device-stream',
    description: 'write -s reads only count bytes of its source (/dev/zero is endless)',
    images: [D],
    argv: ['-f', 'raw', ...c('write -P 0x11 0 4k', 'write -s /dev/zero 0 512', 'read -v 0 16', 'read -P 0x11 512 3584'), 'd.raw'],
  },
  {
    name: 'null-co-probed-buffer-fill',
    description: 'probed raw over null-co pads reads to 512 B, and the unread buffer keeps qemu-io\'s 0xab fill as with -f null-co',
    images: [],
    argv: [...c('read -v 0 16', 'read -v 4100 8', 'readv -v 1 3 5'), 'null-co://'],
  },
  {
    name: 'null-co-explicit-buffer-fill',
    images: [],
    argv: ['-f', 'null-co', ...c('read -v 0 16', 'read -v 4100 8'), 'null-co://'],
  },

  // ------------------------------------------------------------------ blkdebug (cases-blkdebug.mjs)
  ...blkdebugCases,

  // ------------------------------------------------------------------ qcow2 (cases-qcow2*.mjs)
  ...qcow2Cases,
  ...qcow2ErrorCases,
  ...qcow2CorruptCases,

  // ------------------------------------------------------------------ blkverify (cases-blkverify.mjs)
  ...blkverifyCases,

  // ------------------------------------------------------------------ command line (cases-cli.mjs)
  ...cliCases,
];
