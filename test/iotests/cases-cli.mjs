// qemu-io compatibility cases for the command line itself: hostile numbers (cvtnum over
// qemu_strtosz, strtol), NUL bytes in stdin lines, and the open flags (-k, -i, -t, -n) with and
// without -f. Same case shape as cases.mjs (which imports and appends these). Names start with
// `cli-` like the command-line cases in cases.mjs, then the group: `node scripts/gen-golden.mjs
// cli-numbers-` regenerates just the hostile-number goldens.
//
// Rules: a number whose fraction makes strtod report ERANGE (`1.5e999`) must not end the last
// word of a line: QEMU then reads the heap past the command line's NUL, which differs from run
// to run. Inside a line it reads the next word, which is deterministic (cli-numbers-past-nul).

/** `c('read 0 512', 'write 0 1')` -> ['-c', 'read 0 512', '-c', 'write 0 1'] */
const c = (...cmds) => cmds.flatMap((cmd) => ['-c', cmd]);

const raw = (name = 'd.raw', size = '1M') => ({ name, create: ['-f', 'raw', name, size] });
const D = raw();

/** Hostile spellings of numbers, in the forms qemu_strtosz treats differently. */
const NUMBERS = {
  // An overflow is ERANGE only when nothing follows it; anything after it makes it EINVAL.
  overflow: [
    '1534e3', '99999999999999999999999', '99999999999999999999999k', '99999999999999999999999x',
    '18446744073709551616', '18446744073709551616k', '18446744073709551616b', '18446744073709551616bb',
    '18446744073709551615', '18446744073709551615k', '18446744073709551615b', '18446744073709551615bb',
    '16e', '16E', '16Ek', '15E', '8E', '8Ex', '7.99E', '7.9999999999E', '1e3', '1E3', '1ee', '1e',
    '0x10000000000000000', '0x10000000000000000k', '0x10000000000000000x', '0xffffffffffffffff',
    '0xffffffffffffffffk', '0xffffffffffffffffkk', '-18446744073709551616', '-18446744073709551616x',
    '-18446744073709551615', '9223372036854775807', '9223372036854775808', '9223372036854775808x',
  ],
  // Hex (with the deprecated suffix warning), octal-looking and signed forms.
  prefixes: [
    '0x', '0X10', '0x1g', '0x1k', '0x1kk', '0x1.5', '0x.5', '00x10', '017', '08', '09k', '0009',
    '-1', '-0', '-0x10', '-1k', '+1', '+-1', '--1', '+0x10', ' 1', '\t1', '1\t', 'k', '.', '-',
  ],
  // Fractions need a suffix; an exponent is refused unless strtod overflows (then 7.2 skips a byte).
  fractions: [
    '1.5k', '1.5', '1.', '1.k', '1..k', '.5k', '.5', '.k', '1.5b', '1.5B', '0.5M', '1.999999m',
    '1.999999999999999999999k', '0.9999999999999999999999k', '0.99999999999999999999999999',
    '1.0000000000000000000000001k', '1.5x', '1.5kx', '1.5e3k', '1.5E3', '1.5ek', '1.5e', '1.5e+',
    '1.5e999k', '1.5e999kk', '1.5e-999k', '1.5e-999kk', '1.5e-310k', '1.5e-310kk', '1.5e-300k',
  ],
  // Every suffix in both cases, and ones that are not suffixes.
  suffixes: ['1b', '1B', '1k', '1K', '1m', '1M', '1g', '1G', '1t', '1T', '1p', '1P', '1e', '1E', '1Z', '1x', '1kb', '1 k'],
};
const ALL_NUMBERS = Object.values(NUMBERS).flat();
/** The overflow table without the values that parse: no I/O at offsets only some filesystems take. */
const REFUSED = NUMBERS.overflow.filter((n) => !['1e', '7.99E', '7.9999999999E', '9223372036854775807'].includes(n));

export const cliCases = [
  // ------------------------------------------------------------------ hostile numbers
  ...Object.entries(NUMBERS).flatMap(([group, numbers]) => [
    {
      name: `cli-numbers-${group}-offset`,
      description: `alloc OFFSET: qemu_strtosz on the ${group} table (alloc prints the value it parsed)`,
      images: [D],
      argv: ['-f', 'raw', ...c(...numbers.map((n) => `alloc ${n} 1`)), 'd.raw'],
    },
    {
      name: `cli-numbers-${group}-count`,
      description: `alloc 0 COUNT: the ${group} table as the count (clipped to the image, printed)`,
      images: [D],
      argv: ['-f', 'raw', ...c(...numbers.map((n) => `alloc 0 ${n}`)), 'd.raw'],
    },
  ]),
  {
    name: 'cli-numbers-read-length',
    description: 'read 0 LEN: every hostile number as a length (the BDRV_REQUEST_MAX_BYTES check follows the parse)',
    images: [D],
    argv: ['-f', 'raw', ...c(...ALL_NUMBERS.map((n) => `read -q 0 ${n}`)), 'd.raw'],
  },
  {
    name: 'cli-numbers-commands',
    description: 'the refused overflow forms in every command that takes a number: offsets, lengths, -s/-l, truncate, sigraise',
    images: [D],
    argv: [
      '-f', 'raw',
      ...c(
        ...REFUSED.flatMap((n) => [
          `read ${n} 1`, `write -q -P 1 0 ${n}`, `readv 0 512 ${n}`, `writev ${n} 512`, `discard 0 ${n}`,
          `aio_read 0 ${n}`, `aio_write ${n} 512`, `read -P 0 -s ${n} 0 1`, `read -P 0 -l${n} 0 1`,
          `write -z ${n} 1`, `truncate ${n}`, `sigraise ${n}`,
        ]),
      ),
      'd.raw',
    ],
  },
  {
    name: 'cli-numbers-pattern-and-sleep',
    description: 'strtol(base 0) for -P bytes and sleep: junk after a number, overflow, signs',
    images: [D],
    argv: [
      '-f', 'raw',
      ...c(
        ...['1e', '0x', '0x1ff', '256', '-1', '+7', '010', '08', '99999999999999999999', '1 ', ' 1', '0x7', '1k'].map((n) => `write -q -P ${n} 0 1`),
        'read -q -P 1 0 1',
        ...['1e', '1k', '-1', '+0', '0x1', '010', '08', '9223372036854775807', '99999999999999999999', '-9223372036854775809'].map((n) => `sleep ${n}`),
      ),
      'd.raw',
    ],
  },
  {
    name: 'cli-numbers-past-nul',
    description: 'a fraction strtod finds out of range (1.5e999) makes 7.2 read one byte past it: inside a line, the next word',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: [
      'alloc 1.5e999 1', 'alloc 1.5e999  1', 'alloc 1.5e999 b', 'alloc 1.5e999 k', 'alloc 1.5e-999 1',
      'alloc 1.5e-999b 1', `alloc 1.${'0'.repeat(400)}1k 1`, `alloc 1.${'0'.repeat(400)}1kk 1`,
      `alloc 1.${'0'.repeat(400)}1 1`, 'read -P 0 -l 1.5e999 0 1', 'read -P 0 -l1.5e999 -s 1.5e999 0 1',
      'read -P 0 -s1.5e999 1024 1025', 'alloc 0x1.5e999 1', '',
    ].join('\n'),
  },
  {
    name: 'cli-numbers-exact-above-2-53',
    description: 'offsets and counts above 2^53 stay exact: -b/-c alignment messages, alloc counts clipped to the image',
    images: [raw('e.raw', '1000')],
    argv: [
      '-f', 'raw',
      ...c(
        ...['9007199254740993', '9223372036854775807', '9223372035781033985', '0x7ffffffffffffe01', '7.99E', '4611686018427387905'].flatMap((n) => [
          `write -b ${n} 512`, `read -b ${n} 512`, `write -c ${n} 512`, `alloc 0 ${n}`, `alloc 999 ${n}`,
        ]),
      ),
      'e.raw',
    ],
  },
  {
    name: 'cli-numbers-pattern-wrap-segv',
    description: 'read -s/-l whose sum wraps past INT64_MAX passes the range check; the compare far outside the buffer is SIGSEGV (stdout lost)',
    images: [D],
    argv: ['-f', 'raw', ...c('read -P 0 0 1', 'read -P 0 -s 9223372036854775807 -l 1 0 512'), 'd.raw'],
  },
  {
    name: 'cli-numbers-pattern-wrap-alloc',
    description: 'read -s/-l wrapping with a huge -l: g_malloc of the comparison buffer fails and traps',
    images: [D],
    argv: ['-f', 'raw', ...c('read -P 0 0 1', 'read -P 0 -s 1 -l 9223372036854775807 0 512'), 'd.raw'],
  },

  // ------------------------------------------------------------------ NUL bytes on stdin
  {
    name: 'cli-stdin-nul-ends-command',
    description: 'fgets keeps a NUL, then the line is a C string: the command ends at the NUL (mid-word, after a word, at the start, twice)',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: [
      'write -P 7 0 1\0 junk', 'read 0\0 512', '\0read 0 512', 'length\0', 'read\0\0', '\0', '\0length', 'length\0junk',
      'help\0x', 'bogus\0', 'alloc 0 1\0k', 'read -v 0 1\0\0\0', 'quit\0x', 'length', '',
    ].join('\n'),
  },
  {
    name: 'cli-stdin-nul-long-line-and-eof',
    description: 'fgets reads 1023 bytes at a time: a NUL in the second piece ends that piece only; a last line with a NUL and no newline',
    images: [D],
    argv: ['-f', 'raw', 'd.raw'],
    stdin: `length${' '.repeat(1017)}read -v 0 1\0x\nwrite -P 3 0 1\nread -v 0 1\0`,
  },

  // ------------------------------------------------------------------ -k / -i with and without -f
  {
    name: 'cli-aio-native-probed-raw',
    description: 'the file node refuses aio=native without cache.direct when it opens: before probing, so no WARNING',
    images: [D],
    argv: ['-k', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'cli-aio-native-before-format',
    description: '-i native with -f qcow2 on a raw file: the file error comes before "Image is not in qcow2 format"',
    images: [D],
    argv: ['-f', 'qcow2', '-i', 'native', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'cli-aio-threads-keeps-k',
    description: 'bdrv_parse_aio("threads") adds no flag: -k -i threads is still native aio (refused without -n)',
    images: [D],
    argv: ['-f', 'raw', '-k', '-i', 'threads', ...c('read 0 512'), 'd.raw'],
  },
  {
    name: 'cli-aio-native-open-matrix',
    description: 'open -k/-i with raw and qcow2, probed or not, with and without -n/-t none; a driver without a file ignores the flag',
    images: [D, { name: 'q.qcow2', create: ['-f', 'qcow2', 'q.qcow2', '1M'] }],
    argv: c(
      'open -k d.raw', 'open -i native d.raw', 'open -k -o driver=qcow2 d.raw', 'open -k -i threads d.raw',
      'open -i io_uring -i native -o driver=raw d.raw', 'open -i native -i io_uring -t writeback d.raw',
      'open -k -n d.raw', 'read 0 512', 'close', 'open -k -t none -o driver=raw d.raw', 'write -P 5 0 512', 'close',
      'open -k q.qcow2', 'open -k -o driver=qcow2 q.qcow2', 'open -k -n q.qcow2', 'read 0 512', 'close',
      'open -k -t directsync -o driver=raw q.qcow2', 'length', 'close', 'open -k -s q.qcow2', 'open -k -r -n -C q.qcow2', 'info', 'close',
      'open -k -o driver=raw null-co://', 'length', 'close', 'open -k -o driver=null-co', 'length',
    ),
    compareImages: ['d.raw'],
    checkImages: ['q.qcow2'],
  },

  // ------------------------------------------------------------------ JSON numbers as option strings
  {
    name: 'cli-json-double-as-string',
    description: 'qnum_to_string: a JSON fraction or an integer beyond uint64 becomes "%.17g" where a string is wanted (node-name)',
    images: [D],
    argv: c(
      ...['0.1', '1e30', '18446744073709551616', '1.5e-7', '123456789.125', '2.5e-5', '1e16'].map(
        (n) => `open json:{"driver":"raw","node-name":${n},"file":{"driver":"file","filename":"d.raw"}}`,
      ),
    ),
  },
];
