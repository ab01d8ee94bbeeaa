// qemu-io compatibility cases for blkdebug: raw format over blkdebug over file only (no qcow2).
// Same case shape as cases.mjs (which imports and appends these). Every name starts with
// `blkdebug-`, so `node scripts/gen-golden.mjs blkdebug-` regenerates just these goldens and
// `IOTESTS_ONLY=blkdebug- npx vitest run test/differential` runs just them.
//
// Forms used: `-f raw blkdebug:CFG:IMG`, `-f raw blkdebug::IMG`, `json:{... driver blkdebug ...}`,
// `--image-opts driver=blkdebug,...`, `open -o driver=raw,file.driver=blkdebug,...`.
//
// Determinism rules (QEMU's completion order is not deterministic when two requests are in flight):
//   - at most one aio request runs at a time; a suspended request is always resumed (or
//     remove_break'd) before aio_flush / exit, and never more than one request is resumed by a
//     single command unless the others have already completed;
//   - never a breakpoint hit by a synchronous command (qemu-io would hang forever);
//   - when two requests are suspended (LIFO test), the first resume is followed by `sleep`
//     (aio_flush would wait for the still-suspended one forever).
// Check with `node scripts/gen-golden.mjs --check blkdebug-` (each case twice through qemu-io).

/** `c('read 0 512', 'write 0 1')` -> ['-c', 'read 0 512', '-c', 'write 0 1'] */
const c = (...cmds) => cmds.flatMap((cmd) => ['-c', cmd]);

const D = { name: 'd.raw', create: ['-f', 'raw', 'd.raw', '1M'] };
/** 64 KiB image of bytes i & 0xff (shows which bytes a read-modify-write preserved). */
const SEQ = { name: 'd.raw', bytes: { size: 65536, seq: true } };

/** One config-file section: sec('inject-error', { event: 'read_aio', errno: 28 }). */
const sec = (group, attrs) => `[${group}]\n${Object.entries(attrs).map(([k, v]) => `${k} = "${v}"\n`).join('')}`;
const ie = (attrs) => sec('inject-error', attrs);
const ss = (attrs) => sec('set-state', attrs);
/** Sections separated by blank lines, like the examples in docs/blkdebug.txt. */
const conf = (...sections) => sections.join('\n');

/** json: filename of raw over blkdebug over file d.raw with extra blkdebug options. */
const jsonBd = (opts, image = 'd.raw') =>
  `json:${JSON.stringify({ driver: 'raw', file: { driver: 'blkdebug', ...opts, image: { driver: 'file', filename: image } } })}`;

/** A case on `-f raw blkdebug:c.conf:d.raw` with the given config text and commands. */
const cfgCase = (name, description, confText, cmds, extra = {}) => ({
  name,
  description,
  images: [D],
  files: { 'c.conf': confText },
  argv: [...(extra.pre ?? []), '-f', 'raw', ...c(...cmds), 'blkdebug:c.conf:d.raw'],
  compareImages: ['d.raw'],
});

/** A case on `--image-opts driver=raw,file.driver=blkdebug,...` (flat options). */
const optsCase = (name, description, flat, cmds, extra = {}) => ({
  name,
  description,
  images: [extra.image ?? D],
  ...(extra.files ? { files: extra.files } : {}),
  argv: [...(extra.pre ?? []), '--image-opts', ...c(...cmds), `driver=raw,file.driver=blkdebug,file.image.driver=file,file.image.filename=d.raw${flat ? `,${flat}` : ''}`],
  compareImages: ['d.raw'],
});

/** A case that opens with `open -o OPTS` (errors print `can't open: ...`). */
const openCase = (name, description, opts, cmds = [], extra = {}) => ({
  name,
  description,
  images: [D],
  ...(extra.files ? { files: extra.files } : {}),
  argv: [...(extra.pre ?? []), ...c(`open -o ${opts}`, ...cmds)],
  compareImages: ['d.raw'],
});

const OPEN_BASE = 'driver=raw,file.driver=blkdebug,file.image.filename=d.raw';

const RW = ['read 0 512', 'write 0 512', 'read 0 512'];

export const blkdebugCases = [
  // ================================================================== config file syntax
  cfgCase('blkdebug-cfg-read-aio', 'reference 7.K: a read_aio rule stays active and also fails writes', ie({ event: 'read_aio' }), ['write 0 4k', 'read 0 4k', 'write 0 4k', 'aio_read 0 4k', 'aio_flush']),
  cfgCase(
    'blkdebug-cfg-comments-whitespace',
    '# comments, blank lines, leading spaces/tabs before keys, trailing text after the closing quote',
    '# a comment\n[inject-error]\n# another comment\n   event = "read_aio"   # trailing comment\n\t errno = "28"\n\n\n# end\n',
    RW,
  ),
  cfgCase('blkdebug-cfg-tabs-around-equals', 'tabs around = count as the spaces sscanf needs', '[inject-error]\nevent\t=\t"read_aio"\nerrno \t=  "1"\n', RW),
  cfgCase('blkdebug-cfg-group-id', '[inject-error "id"] groups are accepted', '[inject-error "first"]\nevent = "read_aio"\nerrno = "28"\n[set-state "s"]\nevent = "write_aio"\nnew_state = "2"\n', RW),
  cfgCase('blkdebug-cfg-crlf', 'CRLF line endings: the \\r after the closing quote is ignored', '[inject-error]\r\nevent = "read_aio"\r\nerrno = "28"\r\n', RW),
  cfgCase('blkdebug-cfg-no-final-newline', 'the last line has no newline', '[inject-error]\nevent = "read_aio"\nerrno = "1"', RW),
  cfgCase('blkdebug-cfg-empty-file', 'an empty config file: no rules, everything works', '', ['write -P 5 0 512', 'read -P 5 0 512', 'flush', 'discard 0 4k']),
  cfgCase('blkdebug-cfg-only-comments', 'only comments and empty lines', '# nothing\n\n# here\n', ['write 0 512', 'read 0 512']),
  cfgCase('blkdebug-cfg-bad-event', 'reference 7.P: unknown event name', ie({ event: 'nosuch_event' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-dotted-event', 'pre-2.5 dotted event names are rejected', ie({ event: 'l1_grow.alloc_table' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-event-case', 'event names are case-sensitive', ie({ event: 'READ_AIO' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-missing-event', 'reference 7.P: [inject-error] without event', '[inject-error]\nerrno = "5"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-missing-event-set-state', '[set-state] without event', '[set-state]\nstate = "1"\nnew_state = "2"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-empty-section', 'an [inject-error] header with nothing after it', '[inject-error]\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-bad-iotype', 'reference 7.P: iotype = "bogus"', ie({ event: 'read_aio', iotype: 'bogus' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-two-iotypes', 'only one iotype value can be given', ie({ event: 'read_aio', iotype: 'read,write' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-garbage', 'reference 7.P: a bare word before any group', 'garbage\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-key-before-group', 'a key = "value" line before any group', 'event = "read_aio"\n[inject-error]\nevent = "read_aio"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-unknown-key', 'reference 7.P: unknown key in [inject-error]', ie({ event: 'read_aio', foo: '1' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-set-state-errno', 'errno is not a set-state key', ss({ event: 'read_aio', errno: '5' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-inject-new-state', 'new_state is not an inject-error key', ie({ event: 'read_aio', new_state: '2' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-unknown-group', '[nosuch] group', '[nosuch]\nevent = "read_aio"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-unknown-group-id', '[nosuch "id"] group', '[nosuch "x"]\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-no-spaces-equals', 'errno="5" without spaces', '[inject-error]\nevent = "read_aio"\nerrno="5"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-unquoted-value', 'event = read_aio (unquoted) gives an empty event', '[inject-error]\nevent = read_aio\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-unquoted-errno', 'errno = 28 (unquoted): empty number', '[inject-error]\nevent = "read_aio"\nerrno = 28\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-errno-nonnumeric', 'errno = "abc"', ie({ event: 'read_aio', errno: 'abc' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-sector-nonnumeric', 'sector = "4k" (no size suffixes for numbers)', ie({ event: 'read_aio', sector: '4k' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-state-nonnumeric', 'state = "one"', ie({ event: 'read_aio', state: 'one' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-new-state-nonnumeric', 'new_state = "x" in set-state', ss({ event: 'read_aio', new_state: 'x' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-errno-hex', 'numbers accept 0x hex: errno = "0x1c" is ENOSPC', ie({ event: 'read_aio', errno: '0x1c' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-errno-negative', 'errno = "-5"', ie({ event: 'read_aio', errno: '-5' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-errno-empty', 'errno = "" (empty quoted)', ie({ event: 'read_aio', errno: '' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-bad-bool-once', 'once = "maybe"', ie({ event: 'read_aio', once: 'maybe' }), ['read 0 512']),
  cfgCase('blkdebug-cfg-bad-bool-immediately', 'immediately = "1"', ie({ event: 'read_aio', immediately: '1' }), ['read 0 512']),
  cfgCase(
    'blkdebug-cfg-bool-forms',
    'once accepts yes/true/on and off/no/false; three once rules on different sectors',
    conf(ie({ event: 'read_aio', sector: '0', once: 'yes' }), ie({ event: 'read_aio', sector: '8', once: 'true' }), ie({ event: 'read_aio', sector: '16', once: 'on', immediately: 'no' }), ie({ event: 'read_aio', sector: '24', once: 'false', immediately: 'off' })),
    ['read 0 512', 'read 0 512', 'read 4k 512', 'read 4k 512', 'read 8k 512', 'read 8k 512', 'read 12k 512', 'read 12k 512'],
  ),
  cfgCase('blkdebug-cfg-whitespace-only-line', 'a whitespace-only line is a parse error', '[inject-error]\nevent = "read_aio"\n   \n', ['read 0 512']),
  cfgCase('blkdebug-cfg-tab-only-line', 'a tab-only line is a parse error too', '[inject-error]\n\t\nevent = "read_aio"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-duplicate-key', 'a key given twice: the last value counts', ie({ event: 'read_aio', errno: '5' }) + 'errno = "28"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-unterminated-quote', 'a value without a closing quote', '[inject-error]\nevent = "read_aio\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-header-garbage', 'a group header with trailing garbage', '[inject-error] x\nevent = "read_aio"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-duplicate-id', 'two groups with the same id', '[inject-error "x"]\nevent = "read_aio"\n[inject-error "x"]\nevent = "write_aio"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-leading-space-header', 'a group header after leading spaces is not a header', '  [inject-error]\nevent = "read_aio"\n', ['read 0 512']),
  cfgCase('blkdebug-cfg-key-too-long', 'keys are cut at 63 characters', `[inject-error]\n${'k'.repeat(70)} = "1"\n`, ['read 0 512']),
  cfgCase('blkdebug-cfg-long-comment', 'lines are read 1023 bytes at a time: the rest of a long comment becomes a line of its own', `[inject-error]\n#${'a'.repeat(1500)}\nevent = "read_aio"\n`, ['read 0 512']),
  cfgCase('blkdebug-cfg-long-trailing-spaces', 'the whitespace beyond byte 1023 of a line becomes a whitespace-only line', `[inject-error]\nevent = "read_aio"\nerrno = "28"${' '.repeat(1100)}\n`, ['read 0 512']),
  cfgCase('blkdebug-cfg-long-line-fits', 'a 1000-byte line (value with trailing text) still parses', `[inject-error]\nevent = "read_aio" ${'#'.repeat(980)}\nerrno = "28"\n`, ['read 0 512']),
  {
    name: 'blkdebug-cfg-missing-file',
    description: 'reference 7.P: the config file does not exist',
    images: [D],
    argv: ['-f', 'raw', ...c('read 0 512'), 'blkdebug:missing.conf:d.raw'],
  },
  {
    name: 'blkdebug-cfg-is-directory',
    description: 'the config path is a directory',
    images: [D, { name: 'cfgdir', dir: true }],
    argv: ['-f', 'raw', ...c('read 0 512'), 'blkdebug:cfgdir:d.raw'],
  },
  {
    name: 'blkdebug-filename-no-second-colon',
    description: 'reference 7.P: blkdebug:IMG without the second colon; also bare blkdebug:',
    images: [D],
    argv: c('open -o driver=raw blkdebug:d.raw', 'open -o driver=raw blkdebug:', 'open -o driver=raw blkdebug::', 'open -o driver=raw blkdebug::nosuch.raw', 'open -o driver=raw blkdebug:nosuch.conf'),
  },
  {
    name: 'blkdebug-filename-missing-image',
    description: 'blkdebug::IMG whose image does not exist',
    images: [],
    argv: ['-f', 'raw', ...c('read 0 512'), 'blkdebug::nosuch.raw'],
  },
  {
    name: 'blkdebug-filename-subdir-config',
    description: 'config path in a subdirectory, image in another',
    images: [{ name: 'img/d.raw', create: ['-f', 'raw', 'img/d.raw', '64k'] }],
    files: { 'cfg/c.conf': ie({ event: 'write_aio', errno: '28' }) },
    argv: ['-f', 'raw', ...c('read 0 512', 'write 0 512', 'length'), 'blkdebug:cfg/c.conf:img/d.raw'],
  },
  {
    name: 'blkdebug-filename-probe',
    description: 'no -f: raw is probed on top of blkdebug (warning on stderr), writes to sector 0 restricted',
    images: [D],
    files: { 'c.conf': ie({ event: 'read_aio', sector: '100' }) },
    argv: [...c('read 0 512', 'write -P 1 4k 512', 'read -P 1 4k 512', 'read 50k 512'), 'blkdebug:c.conf:d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-filename-no-config-info',
    description: 'reference 7.O: blkdebug::IMG with no config; info shows the raw format',
    images: [D],
    argv: ['-f', 'raw', ...c('write -P 3 0 512', 'read -P 3 0 512', 'info', 'length'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },

  // ================================================================== inject-error attributes
  cfgCase('blkdebug-errno-0', 'errno 0: the rule never fails anything', ie({ event: 'read_aio', errno: '0' }), ['read 0 512', 'write 0 512', 'aio_read 0 512', 'aio_flush']),
  cfgCase('blkdebug-errno-28-immediately', 'reference 7.L: errno 28 with immediately', ie({ event: 'read_aio', errno: '28', immediately: 'on' }), ['read 0 4k', 'aio_read 0 4k', 'aio_flush']),
  cfgCase('blkdebug-errno-1', 'reference 7.L: EPERM', ie({ event: 'read_aio', errno: '1' }), ['read 0 512', 'readv 0 512 512']),
  cfgCase('blkdebug-errno-3', 'errno 3: No such process', ie({ event: 'read_aio', errno: '3' }), ['read 0 512', 'write 0 512']),
  cfgCase('blkdebug-errno-1000', 'errno 1000: Unknown error 1000', ie({ event: 'read_aio', errno: '1000' }), ['read 0 512', 'aio_read 0 512', 'aio_flush']),
  cfgCase('blkdebug-errno-misc', 'errnos 95, 122, 22, 12 on four sectors', conf(ie({ event: 'read_aio', errno: '95', sector: '0' }), ie({ event: 'read_aio', errno: '122', sector: '1' }), ie({ event: 'read_aio', errno: '22', sector: '2' }), ie({ event: 'read_aio', errno: '12', sector: '3' })), ['read 0 512', 'read 512 512', 'read 1k 512', 'read 1536 512', 'read 2k 512']),
  cfgCase('blkdebug-errno-large', 'errno 133 and 4096', conf(ie({ event: 'read_aio', errno: '133', sector: '0' }), ie({ event: 'read_aio', errno: '4096', sector: '1' })), ['read 0 512', 'read 512 512']),
  cfgCase('blkdebug-sector', 'reference 7.L: sector 8 (byte 4096) fails only overlapping requests', ie({ event: 'read_aio', sector: '8' }), ['read 0 4k', 'read 4k 512', 'read 3584 1024', 'read 4608 512', 'read 4097 1', 'read 4095 1', 'read 4095 2']),
  cfgCase('blkdebug-sector-write', 'sector rule on write_aio; image shows which writes happened', ie({ event: 'write_aio', sector: '2', errno: '28' }), ['write -P 1 0 512', 'write -P 2 0 2k', 'write -P 3 1k 1', 'write -P 4 1025 10', 'read -v 0 16', 'read -v 1k 16']),
  cfgCase('blkdebug-sector-beyond-image', 'a sector beyond the image never matches', ie({ event: 'read_aio', sector: '100000' }), ['read 0 1M', 'write 0 4k']),
  cfgCase('blkdebug-once', 'reference 7.L: once fails exactly one request', ie({ event: 'read_aio', once: 'on' }), ['read 0 4k', 'read 0 4k', 'read 0 4k']),
  cfgCase('blkdebug-once-sector', 'once + sector: a non-matching request does not consume it', ie({ event: 'read_aio', once: 'on', sector: '8' }), ['read 0 512', 'read 4k 512', 'read 4k 512']),
  cfgCase('blkdebug-once-deleted', 'a once rule that fired is deleted: the event does not re-arm it', ie({ event: 'write_aio', once: 'on' }), ['write 0 512', 'write 0 512', 'write 0 512', 'read 0 512']),
  cfgCase('blkdebug-iotype-write', 'reference 7.L: iotype write activated by read_aio', ie({ event: 'read_aio', iotype: 'write' }), ['read 0 4k', 'write 0 4k', 'read 0 4k', 'aio_write 0 4k', 'aio_flush', 'write -z 0 4k', 'discard 0 4k']),
  cfgCase('blkdebug-iotype-read', 'iotype read activated by write_aio', ie({ event: 'write_aio', iotype: 'read', errno: '28' }), ['read 0 512', 'write -P 9 0 512', 'read 0 512', 'write -P 8 0 512']),
  cfgCase('blkdebug-iotype-flush-writethrough', 'reference 7.N: a flush rule (event none) fails writes in writethrough mode, not reads', ie({ event: 'none', iotype: 'flush' }), ['write 0 512', 'read 0 512', 'flush', 'aio_write 0 512', 'aio_flush']),
  cfgCase('blkdebug-iotype-flush-writeback', 'reference 7.N: with -t writeback only a flush after a write fails', ie({ event: 'none', iotype: 'flush' }), ['flush', 'write 0 512', 'flush', 'flush', 'write 0 512'], { pre: ['-t', 'writeback'] }),
  cfgCase('blkdebug-flush-sector-rule', 'a rule with a sector never fails a flush', ie({ event: 'none', sector: '0', iotype: 'flush' }), ['write 4k 512', 'write 0 512', 'flush']),
  cfgCase('blkdebug-default-iotype-flush', 'event none + sector: only an overlapping write fails, flushes never', ie({ event: 'none', sector: '1000' }), ['write 0 512', 'flush', 'write 512000 512', 'flush'], { pre: ['-t', 'writeback'] }),
  {
    name: 'blkdebug-iotype-discard',
    description: 'reference 7.AB: iotype discard with event none',
    images: [D],
    argv: [...c('discard 0 4k', 'discard 0 1', 'write -z 0 4k', 'write 0 4k', 'discard 4k 4k'), jsonBd({ 'inject-error': [{ event: 'none', iotype: 'discard' }] })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-iotype-write-zeroes',
    description: 'reference 7.AB: iotype write-zeroes errno 28; -z -u too; plain writes pass',
    images: [D],
    argv: [...c('write -P 1 0 8k', 'write -z 0 4k', 'write -z -u 4k 4k', 'aio_write -z 0 4k', 'aio_flush', 'discard 0 4k', 'read -P 1 0 8k'), jsonBd({ 'inject-error': [{ event: 'none', iotype: 'write-zeroes', errno: 28 }] })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-iotype-block-status',
    description: 'reference 7.AB: iotype block-status fails map and alloc, not reads',
    images: [D],
    argv: ['--image-opts', ...c('alloc 0 4k', 'map', 'read 0 4k', 'write 0 4k'), 'driver=blkdebug,inject-error.0.event=none,inject-error.0.iotype=block-status,image.driver=file,image.filename=d.raw'],
  },
  {
    name: 'blkdebug-default-iotype-no-block-status',
    description: 'the default iotype mask excludes block-status: map works while reads fail',
    images: [D],
    argv: ['--image-opts', ...c('map', 'alloc 0 4k', 'read 0 512'), 'driver=blkdebug,inject-error.0.event=none,image.driver=file,image.filename=d.raw'],
  },
  {
    name: 'blkdebug-discard-events',
    description: 'write-zeroes/discard on raw fire no read_aio/write_aio; an iotype discard rule on write_aio',
    images: [D],
    files: { 'c.conf': ie({ event: 'write_aio', iotype: 'discard', errno: '95' }) },
    argv: ['-f', 'raw', ...c('discard 0 4k', 'write -z 0 4k', 'discard 0 4k', 'write 0 512', 'discard 0 4k', 'discard 4k 64k'), 'blkdebug:c.conf:d.raw'],
    compareImages: ['d.raw'],
  },
  cfgCase('blkdebug-aio-errors', 'aio_read and aio_write failures print readv failed / aio_write failed', ie({ event: 'write_aio', errno: '28' }), ['aio_read 0 512', 'aio_flush', 'aio_write 0 512', 'aio_flush', 'aio_read 0 512', 'aio_flush', 'writev 0 512 512', 'readv 0 512']),
  cfgCase('blkdebug-immediately-aio', 'immediately on: aio requests still complete through aio_flush', ie({ event: 'write_aio', immediately: 'on', errno: '1' }), ['aio_write 0 512', 'aio_flush', 'aio_read 0 512', 'aio_flush', 'write 0 512']),

  cfgCase('blkdebug-fua-writeback', 'write -f (FUA) in writeback mode is emulated by a flush: flush_to_os fires', ie({ event: 'flush_to_os', iotype: 'read' }), ['write 0 512', 'read 0 512', 'write -f 0 512', 'read 0 512'], { pre: ['-t', 'writeback'] }),
  cfgCase('blkdebug-truncate-with-rules', 'truncate is not subject to rules (goes to the child)', ie({ event: 'none' }), ['truncate 512k', 'length', 'read 0 512', 'truncate 1M', 'length']),
  cfgCase(
    'blkdebug-reopen',
    'reopen -r/-w keeps rules and state; changing align or the rule options by reopen is refused',
    ie({ event: 'read_aio', errno: '28', once: 'on' }),
    ['reopen -r', 'read 0 512', 'read 0 512', 'write 0 512', 'reopen -w', 'write -P 2 0 512', 'reopen -o file.align=4096', 'reopen -o file.inject-error.0.event=read_aio', 'reopen -o file.config=c.conf', 'read -P 2 0 512'],
  ),

  // ================================================================== rule ordering
  cfgCase('blkdebug-order-same-event', 'two rules on one event: the first defined (EIO) wins', conf(ie({ event: 'read_aio', errno: '5' }), ie({ event: 'read_aio', errno: '28' })), ['read 0 512', 'read 0 512']),
  cfgCase('blkdebug-order-sector-first-match', 'first defined rule whose sector matches wins', conf(ie({ event: 'read_aio', errno: '28', sector: '8' }), ie({ event: 'read_aio', errno: '1' })), ['read 0 512', 'read 4k 512', 'read 0 8k']),
  cfgCase('blkdebug-order-errno0-shadows', 'an errno 0 rule defined first shadows a later rule', conf(ie({ event: 'read_aio', errno: '0' }), ie({ event: 'read_aio', errno: '28' })), ['read 0 512', 'write 0 512']),
  cfgCase('blkdebug-order-once-then-next', 'a once rule fires once, then the next rule takes over', conf(ie({ event: 'read_aio', errno: '28', once: 'on' }), ie({ event: 'read_aio', errno: '1' })), ['read 0 512', 'read 0 512', 'read 0 512']),
  cfgCase('blkdebug-order-new-event-replaces', 'a later event with inject rules replaces the active set', conf(ie({ event: 'read_aio', errno: '28' }), ie({ event: 'write_aio', errno: '1', iotype: 'read' })), ['read 0 512', 'write 0 512', 'read 0 512', 'read 0 512']),
  {
    name: 'blkdebug-order-config-then-options',
    description: 'config-file rules come before option rules: with both on read_aio, the config one (28) wins',
    images: [D],
    files: { 'c.conf': ie({ event: 'read_aio', errno: '28' }) },
    argv: [...c('read 0 512'), jsonBd({ config: 'c.conf', 'inject-error': [{ event: 'read_aio', errno: 1 }] })],
  },
  {
    name: 'blkdebug-order-options-list',
    description: 'options list: index 0 defined first wins',
    images: [D],
    argv: [...c('read 0 512', 'read 0 512'), jsonBd({ 'inject-error': [{ event: 'read_aio', errno: 1, once: true }, { event: 'read_aio', errno: 28 }] })],
  },

  // ================================================================== state machine
  cfgCase('blkdebug-state-basic', 'reference 7.M: set-state on write_aio enables a state-2 read rule', conf(ss({ event: 'write_aio', state: '1', new_state: '2' }), ie({ event: 'read_aio', state: '2' })), ['read 0 512', 'write 0 512', 'read 0 512']),
  {
    name: 'blkdebug-state-066',
    description: 'reference 7.M / iotest 066: inject rule checked against the old state',
    images: [D],
    argv: [...c('write 0 512', 'write 0 512', 'read 0 512'), jsonBd({ 'set-state': [{ event: 'write_aio', new_state: 2 }], 'inject-error': [{ event: 'write_aio', state: 2 }] })],
    compareImages: ['d.raw'],
  },
  cfgCase(
    'blkdebug-state-chain',
    'states 1 -> 2 -> 3 -> 1 driven by writes; reads fail only in state 3',
    conf(ss({ event: 'write_aio', state: '1', new_state: '2' }), ss({ event: 'write_aio', state: '2', new_state: '3' }), ss({ event: 'write_aio', state: '3', new_state: '1' }), ie({ event: 'read_aio', state: '3', errno: '28' })),
    ['read 0 512', 'write 0 512', 'read 0 512', 'write 0 512', 'read 0 512', 'read 0 512', 'write 0 512', 'read 0 512'],
  ),
  cfgCase(
    'blkdebug-state-first-set-state-wins',
    'two matching set-state rules on one event: the first defined wins',
    conf(ss({ event: 'read_aio', new_state: '2' }), ss({ event: 'read_aio', new_state: '3' }), ie({ event: 'write_aio', state: '2', errno: '28' }), ie({ event: 'write_aio', state: '3', errno: '1' })),
    ['read 0 512', 'write 0 512'],
  ),
  cfgCase(
    'blkdebug-state-any-and-default-new-state',
    'state 0 matches any state; a missing new_state means 0 (then only state-0 rules match)',
    conf(ss({ event: 'read_aio' }), ie({ event: 'write_aio', state: '1', errno: '28' }), ie({ event: 'write_aio', errno: '1' })),
    ['write 0 512', 'read 0 512', 'write 0 512'],
  ),
  cfgCase(
    'blkdebug-state-nonmatching-keeps-active',
    'an event whose inject rules do not match the state leaves the active rule in place',
    conf(ie({ event: 'read_aio', errno: '28' }), ie({ event: 'write_aio', state: '5', errno: '1' })),
    ['read 0 512', 'write 0 512', 'read 0 512'],
  ),
  cfgCase(
    'blkdebug-state-none-event',
    'set-state on none (fires at open) moves to state 2 before the first request',
    conf(ss({ event: 'none', new_state: '2' }), ie({ event: 'read_aio', state: '2', errno: '28' }), ie({ event: 'write_aio', state: '1' })),
    ['write 0 512', 'read 0 512'],
  ),
  cfgCase('blkdebug-state-set-state-then-inject', 'set-state section before an inject-error section in the file', conf(ss({ event: 'read_aio', state: '1', new_state: '7' }), ie({ event: 'read_aio', state: '7' })), ['read 0 512', 'read 0 512', 'read 0 512']),

  // ================================================================== events fired by raw / generic layer
  cfgCase('blkdebug-event-none', 'reference 7.N: none fires once at open, the rule is active from the start', ie({ event: 'none' }), ['read 0 512', 'write 0 512']),
  cfgCase('blkdebug-event-none-write-only', 'reference 7.N: none + iotype write', ie({ event: 'none', iotype: 'write' }), ['write 0 512', 'read 0 512']),
  cfgCase('blkdebug-event-write-aio', 'write_aio rule: reads before the first write pass', ie({ event: 'write_aio' }), ['read 0 512', 'write 0 512', 'read 0 512']),
  cfgCase('blkdebug-event-pwritev', 'pwritev (generic layer) fires before the driver write', ie({ event: 'pwritev', errno: '28' }), ['read 0 512', 'write 0 512', 'read 0 512', 'write -z 0 512']),
  cfgCase('blkdebug-event-pwritev-done', 'pwritev_done fires after the write: the writethrough flush then fails the write', ie({ event: 'pwritev_done', errno: '28' }), ['read 0 512', 'write -P 1 0 512', 'read 0 512', 'write -P 2 0 512']),
  cfgCase('blkdebug-event-pwritev-done-writeback', 'pwritev_done with -t writeback: the write succeeds, the next request fails', ie({ event: 'pwritev_done', errno: '28' }), ['write -P 1 0 512', 'read 0 512', 'flush'], { pre: ['-t', 'writeback'] }),
  cfgCase('blkdebug-event-pwritev-zero', 'pwritev_zero fires for write -z, not for normal writes', ie({ event: 'pwritev_zero', errno: '28' }), ['write 0 512', 'read 0 512', 'write -z 0 4k', 'read 0 512']),
  cfgCase('blkdebug-event-pwritev-zero-writeback', 'pwritev_zero with -t writeback', ie({ event: 'pwritev_zero', iotype: 'read' }), ['write -z 0 4k', 'read 0 512', 'write 0 512'], { pre: ['-t', 'writeback'] }),
  cfgCase('blkdebug-event-flush-to-os-writethrough', 'flush_to_os fires in the writethrough flush after each write', ie({ event: 'flush_to_os', iotype: 'read' }), ['read 0 512', 'write 0 512', 'read 0 512']),
  cfgCase('blkdebug-event-flush-to-os-writeback', 'flush_to_os with -t writeback: only an explicit flush fires it', ie({ event: 'flush_to_os', iotype: 'read' }), ['write 0 512', 'read 0 512', 'flush', 'read 0 512'], { pre: ['-t', 'writeback'] }),
  cfgCase('blkdebug-event-flush-to-disk-writethrough', 'flush_to_disk in writethrough mode: skipped at the first flush after open, then fails the write itself', ie({ event: 'flush_to_disk' }), ['read 0 512', 'write 0 512', 'read 0 512', 'write 0 512', 'read 0 512']),
  cfgCase('blkdebug-event-flush-to-disk-writeback', 'flush_to_disk with -t writeback: skipped when nothing was written', ie({ event: 'flush_to_disk', errno: '28' }), ['flush', 'read 0 512', 'write 0 512', 'read 0 512', 'flush', 'read 0 512'], { pre: ['-t', 'writeback'] }),
  cfgCase('blkdebug-event-unfired-qcow2', 'qcow2 events never fire on raw', conf(ie({ event: 'l1_update' }), ie({ event: 'l2_load' }), ie({ event: 'cluster_alloc' }), ie({ event: 'refblock_alloc' }), ie({ event: 'read_backing_aio' }), ie({ event: 'cor_write' })), ['write 0 512', 'read 0 512', 'write -z 0 4k', 'discard 0 4k', 'flush']),
  {
    name: 'blkdebug-event-rmw-head',
    description: 'align=4096, writeback: an unaligned write fires pwritev_rmw_head (EIO on everything after)',
    images: [SEQ],
    argv: ['-t', 'writeback', ...c('write -P 1 512 512', 'read -v 0 16', 'write -P 2 0 4k'), jsonBd({ align: 4096, 'inject-error': [{ event: 'pwritev_rmw_head' }] })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-event-rmw-after-head',
    description: 'pwritev_rmw_after_head: the padding read already happened, the aligned write fails',
    images: [SEQ],
    argv: ['-t', 'writeback', ...c('write -P 1 4k 4k', 'write -P 2 512 512', 'read -P 1 4k 4k'), jsonBd({ align: 4096, 'inject-error': [{ event: 'pwritev_rmw_after_head', errno: 28 }] })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-event-rmw-tail',
    description: 'pwritev_rmw_tail: only writes with an unaligned end fire it',
    images: [SEQ],
    argv: ['-t', 'writeback', ...c('write -P 1 0 4k', 'write -P 2 4k 5000', 'write -P 3 0 4k'), jsonBd({ align: 4096, 'inject-error': [{ event: 'pwritev_rmw_tail', errno: 28, once: true }] })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-event-rmw-after-tail-iotype-write',
    description: 'pwritev_rmw_after_tail + iotype write: the padding read passes, the write fails',
    images: [SEQ],
    argv: ['-t', 'writeback', ...c('write -P 1 4k 100', 'read -v 4k 16', 'read -v 8k 16'), jsonBd({ align: 4096, 'inject-error': [{ event: 'pwritev_rmw_after_tail', iotype: 'write' }] })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-event-rmw-read-preserves',
    description: 'align=4096 RMW without rules keeps the surrounding bytes; sector rule matches the aligned range',
    images: [SEQ],
    argv: ['-t', 'writeback', ...c('write -P 0xee 100 10', 'read -v 96 32', 'write -P 0xdd 8200 1', 'read -v 8192 16'), jsonBd({ align: 4096, 'inject-error': [{ event: 'write_aio', sector: 23, errno: 28 }] })],
    compareImages: ['d.raw'],
  },

  {
    name: 'blkdebug-event-rmw-zero-write-order',
    description: 'align=4096, write -z unaligned at both ends: QEMU fires head, after_head, tail, after_tail before any write, so an after_tail rule fails the aligned middle zero write',
    images: [SEQ],
    argv: [...c('write -z 12333 8192', 'read -v 12320 32', 'write -z 12333 8192', 'read -v 20512 32'), jsonBd({ align: 4096, 'inject-error': [{ event: 'pwritev_rmw_after_tail', iotype: 'write-zeroes' }] })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-event-rmw-zero-write-head-rule',
    description: 'align=4096, write -z unaligned at both ends: an after_head rule (iotype write) fails the padded head write',
    images: [SEQ],
    argv: [...c('write -z 12333 8192', 'read -v 12320 32', 'write -z 16384 4096', 'read -v 16384 16'), jsonBd({ align: 4096, 'inject-error': [{ event: 'pwritev_rmw_after_head', iotype: 'write', once: true }] })],
    compareImages: ['d.raw'],
  },

  // ================================================================== options: limits
  openCase('blkdebug-opt-align-3', 'reference 7.P: align not a power of 2', `${OPEN_BASE},file.align=3`),
  openCase('blkdebug-opt-align-valid', 'align=4096 accepted; unaligned I/O still works', `${OPEN_BASE},file.align=4096`, ['write -P 7 100 50', 'read -P 7 100 50', 'read -P 0 0 100']),
  openCase('blkdebug-opt-align-0', 'align=0 means the default', `${OPEN_BASE},file.align=0`, ['read 0 512']),
  openCase('blkdebug-opt-align-negative', 'align=-1 is not a number', `${OPEN_BASE},file.align=-1`),
  openCase('blkdebug-opt-align-huge', 'align=4G is too large', `${OPEN_BASE},file.align=4G`),
  openCase('blkdebug-opt-max-transfer-1000', 'reference 7.P: max-transfer=1000 is fine with request_alignment 1', `${OPEN_BASE},file.max-transfer=1000`, ['write -P 1 0 4k', 'read -P 1 0 4k']),
  openCase('blkdebug-opt-max-transfer-bad', 'max-transfer not a multiple of align', `${OPEN_BASE},file.align=4096,file.max-transfer=1000`),
  openCase('blkdebug-opt-max-transfer-huge', 'max-transfer too large', `${OPEN_BASE},file.max-transfer=4G`),
  openCase('blkdebug-opt-max-transfer-split', 'align 512 + max-transfer 1k splits a 4k write; a sector rule fails one chunk', `${OPEN_BASE},file.align=512,file.max-transfer=1024,file.inject-error.event=write_aio,file.inject-error.sector=4,file.inject-error.errno=28`, ['write -P 1 0 4k', 'read -v 0 16', 'read -v 2k 16']),
  {
    name: 'blkdebug-opt-max-transfer-raw-splits-writes',
    description: 'max-transfer=512 is inherited by raw, which splits the write: each 512-byte chunk is its own blkdebug request (write_aio, pwritev, pwritev_done each), so a pwritev_done rule fails the second chunk',
    images: [SEQ],
    argv: ['-t', 'writeback', ...c('write -P 1 0 1024'), jsonBd({ 'max-transfer': 512, 'inject-error': [{ event: 'pwritev_done' }] })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-opt-max-transfer-raw-splits-reads',
    description: 'max-transfer=512: a 1 KiB read fires read_aio twice; set-state on the first chunk arms the state-2 rule for the second',
    images: [SEQ],
    argv: [...c('read 0 1024', 'read 0 512'), jsonBd({ 'max-transfer': 512, 'set-state': [{ event: 'read_aio', state: 1, new_state: 2 }], 'inject-error': [{ event: 'read_aio', state: 2, errno: 28 }] })],
  },
  openCase('blkdebug-opt-opt-write-zero-bad', 'opt-write-zero not a multiple of align', `${OPEN_BASE},file.align=512,file.opt-write-zero=100`),
  openCase('blkdebug-opt-max-write-zero-bad', 'max-write-zero not a multiple of opt-write-zero', `${OPEN_BASE},file.opt-write-zero=4096,file.max-write-zero=6144`),
  openCase('blkdebug-opt-opt-discard-bad', 'opt-discard not a multiple of align', `${OPEN_BASE},file.align=4096,file.opt-discard=512`),
  openCase('blkdebug-opt-max-discard-bad', 'max-discard not a multiple of opt-discard', `${OPEN_BASE},file.opt-discard=4096,file.max-discard=1000`),
  openCase('blkdebug-opt-limits-valid', 'all six limits valid together, then zero writes and discards', `${OPEN_BASE},file.align=512,file.max-transfer=64k,file.opt-write-zero=4k,file.max-write-zero=8k,file.opt-discard=4k,file.max-discard=16k`, ['write -P 1 0 64k', 'write -z 512 20k', 'discard 0 64k', 'read -P 0 512 20k', 'write -z 0 100']),
  openCase('blkdebug-opt-write-zero-small', 'opt-write-zero=4k: a smaller zero write falls back to a normal write (no write-zeroes rule check)', `${OPEN_BASE},file.opt-write-zero=4k,file.inject-error.event=none,file.inject-error.iotype=write-zeroes`, ['write -P 1 0 8k', 'write -z 0 1k', 'write -z 0 4k', 'read -P 0 0 1k', 'read -P 1 1k 1k']),
  openCase('blkdebug-opt-align-not-number', 'align=abc', `${OPEN_BASE},file.align=abc`),

  // ================================================================== options: rule lists
  {
    name: 'blkdebug-opt-json-lists',
    description: 'reference 7.O: json: inject-error list with errno/once; --image-opts with align and event none',
    images: [D],
    argv: [...c('read 0 512', 'read 0 512'), jsonBd({ 'inject-error': [{ event: 'read_aio', errno: 28, once: true }] })],
  },
  {
    name: 'blkdebug-opt-image-opts-none-read-once',
    description: 'reference 7.O: --image-opts driver=blkdebug directly (no raw on top)',
    images: [D],
    argv: ['--image-opts', ...c('read 0 512', 'read 0 512', 'info'), 'driver=blkdebug,align=4096,inject-error.0.event=none,inject-error.0.iotype=read,inject-error.0.once=on,image.driver=file,image.filename=d.raw'],
  },
  openCase('blkdebug-opt-open-unindexed', 'reference 7.O: open -o with a single unindexed inject-error', 'driver=raw,file.driver=blkdebug,file.inject-error.event=read_aio,file.image.filename=d.raw', ['read 0 512', 'write 0 512']),
  openCase('blkdebug-opt-open-indexed-set-state', 'indexed inject-error and set-state lists in -o', `${OPEN_BASE},file.set-state.0.event=write_aio,file.set-state.0.new_state=2,file.inject-error.0.event=read_aio,file.inject-error.0.state=2,file.inject-error.0.errno=28,file.inject-error.1.event=read_aio,file.inject-error.1.errno=1`, ['read 0 512', 'write 0 512', 'read 0 512']),
  openCase('blkdebug-opt-unindexed-set-state', 'single unindexed set-state', `${OPEN_BASE},file.set-state.event=read_aio,file.set-state.new_state=3,file.inject-error.event=write_aio,file.inject-error.state=3`, ['write 0 512', 'read 0 512', 'write 0 512']),
  openCase('blkdebug-opt-mixed-indexed', 'mixing indexed and unindexed keys: Unknown option', `${OPEN_BASE},file.inject-error.event=read_aio,file.inject-error.0.event=write_aio`),
  openCase('blkdebug-opt-unused-option', 'a non-numeric, unknown key in the list: Unused option', `${OPEN_BASE},file.inject-error.foo=1`),
  openCase('blkdebug-opt-unused-option-gap', 'indices 0 and 2 (gap): Unused option', `${OPEN_BASE},file.inject-error.0.event=read_aio,file.inject-error.2.event=write_aio`),
  openCase('blkdebug-opt-not-keys', 'inject-error.0=read_aio: does not consist of keys', `${OPEN_BASE},file.inject-error.0=read_aio`),
  openCase('blkdebug-opt-not-keys-index1', 'second element not a dict', `${OPEN_BASE},file.inject-error.0.event=read_aio,file.inject-error.1=x`),
  openCase('blkdebug-opt-unsupported-key', 'inject-error.0.foo: section does not support the option', `${OPEN_BASE},file.inject-error.0.event=read_aio,file.inject-error.0.foo=1`),
  openCase('blkdebug-opt-set-state-unsupported-key', 'set-state.0.errno is not supported', `${OPEN_BASE},file.set-state.0.event=read_aio,file.set-state.0.errno=1`),
  openCase('blkdebug-opt-missing-event', 'inject-error.0.errno without event', `${OPEN_BASE},file.inject-error.0.errno=5`),
  openCase('blkdebug-opt-bad-event', 'unknown event in options', `${OPEN_BASE},file.inject-error.0.event=bogus`),
  openCase('blkdebug-opt-bad-errno', 'errno=x in options', `${OPEN_BASE},file.inject-error.0.event=read_aio,file.inject-error.0.errno=x`),
  openCase('blkdebug-opt-bad-bool', 'once=maybe in options', `${OPEN_BASE},file.inject-error.0.event=read_aio,file.inject-error.0.once=maybe`),
  openCase('blkdebug-opt-unknown-option', 'an unknown top-level blkdebug option', `${OPEN_BASE},file.bogus=1`),
  openCase('blkdebug-opt-no-image', 'driver=blkdebug without image', 'driver=raw,file.driver=blkdebug'),
  openCase('blkdebug-opt-x-image', 'file.driver=blkdebug with a plain filename: the filename becomes the image', 'driver=raw,file.driver=blkdebug,file.inject-error.event=read_aio,file.inject-error.errno=28 d.raw', ['read 0 512', 'write 0 512']),
  openCase('blkdebug-opt-config-option', 'config given as an option', 'driver=raw,file.driver=blkdebug,file.config=c.conf,file.image.filename=d.raw', ['read 0 512', 'write 0 512'], { files: { 'c.conf': ie({ event: 'write_aio', errno: '28' }) } }),
  openCase('blkdebug-opt-config-missing', 'config option naming a missing file', 'driver=raw,file.driver=blkdebug,file.config=nosuch.conf,file.image.filename=d.raw'),
  openCase('blkdebug-opt-take-child-perms', 'take-child-perms / unshare-child-perms lists with valid values', `${OPEN_BASE},file.take-child-perms.0=resize,file.unshare-child-perms.0=write`, ['write -P 1 0 512', 'read -P 1 0 512']),
  openCase('blkdebug-opt-take-child-perms-bad', 'take-child-perms with an invalid value', `${OPEN_BASE},file.take-child-perms.0=bogus`),
  openCase('blkdebug-opt-unshare-child-perms-bad', 'unshare-child-perms not a list', `${OPEN_BASE},file.unshare-child-perms=write`),
  optsCase(
    'blkdebug-opts-flat-state-machine',
    '--image-opts raw over blkdebug: indexed set-state chain and inject-error lists in flat form',
    'file.set-state.0.event=write_aio,file.set-state.0.state=1,file.set-state.0.new_state=2,file.set-state.1.event=read_aio,file.set-state.1.state=2,file.set-state.1.new_state=3,file.inject-error.0.event=write_aio,file.inject-error.0.state=3,file.inject-error.0.errno=28,file.inject-error.0.once=on',
    ['write -P 1 0 512', 'write -P 2 0 512', 'read 0 512', 'write -P 3 0 512', 'write -P 4 0 512', 'read -P 4 0 512'],
  ),
  optsCase(
    'blkdebug-opts-writeback-flush-events',
    '--image-opts with -t writeback: flush_to_os/flush_to_disk rules on explicit flushes',
    'file.inject-error.0.event=flush_to_disk,file.inject-error.0.iotype=read,file.inject-error.0.errno=1,file.inject-error.1.event=flush_to_os,file.inject-error.1.iotype=write,file.inject-error.1.errno=28',
    ['read 0 512', 'flush', 'write -P 5 0 512', 'flush', 'read 0 512', 'write -P 6 0 512', 'flush', 'flush', 'read 0 512'],
    { pre: ['-t', 'writeback'] },
  ),
  optsCase('blkdebug-opts-bad-iotype', '--image-opts: iotype=bogus', 'file.inject-error.0.event=read_aio,file.inject-error.0.iotype=bogus', ['read 0 512']),
  optsCase('blkdebug-opts-empty-event', '--image-opts: event= (empty)', 'file.inject-error.event=', ['read 0 512']),
  {
    name: 'blkdebug-opt-json-not-dict-element',
    description: 'json: inject-error list with a string element',
    images: [D],
    argv: [...c('read 0 512'), jsonBd({ 'inject-error': ['read_aio'] })],
  },
  {
    name: 'blkdebug-opt-json-string-numbers',
    description: 'json: numbers and bools given as strings',
    images: [D],
    argv: [...c('read 0 512', 'read 0 512', 'write 0 512'), jsonBd({ 'inject-error': [{ event: 'read_aio', errno: '28', once: 'on', sector: '0' }], 'set-state': [{ event: 'read_aio', new_state: '2' }] })],
  },
  {
    name: 'blkdebug-opt-json-unknown-key',
    description: 'json: an unknown key inside a rule',
    images: [D],
    argv: [...c('read 0 512'), jsonBd({ 'inject-error': [{ event: 'read_aio', nope: 1 }] })],
  },
  {
    name: 'blkdebug-opt-json-file-filename',
    description: 'json: file.filename = blkdebug:CFG:IMG',
    images: [D],
    files: { 'c.conf': ie({ event: 'read_aio', errno: '28' }) },
    argv: [...c('read 0 512', 'write 0 512'), `json:${JSON.stringify({ driver: 'raw', file: { filename: 'blkdebug:c.conf:d.raw' } })}`],
  },
  {
    name: 'blkdebug-opt-image-opts-raw-over',
    description: '--image-opts raw over blkdebug with config, -t writeback, flush rule',
    images: [D],
    files: { 'c.conf': ie({ event: 'none', iotype: 'flush' }) },
    argv: ['-t', 'writeback', '--image-opts', ...c('write 0 512', 'flush', 'read 0 512'), 'driver=raw,file.driver=blkdebug,file.config=c.conf,file.image.driver=file,file.image.filename=d.raw'],
    compareImages: ['d.raw'],
  },

  // ================================================================== info / length / map / alloc
  {
    name: 'blkdebug-info-node',
    description: 'reference 7.T: info/length/map/alloc directly on a blkdebug node',
    images: [D],
    argv: ['--image-opts', ...c('info', 'length', 'map', 'alloc 0 4k', 'alloc 1020k 8k'), 'driver=blkdebug,image.driver=file,image.filename=d.raw'],
  },
  {
    name: 'blkdebug-info-raw-over',
    description: 'info/length/map/alloc on raw over blkdebug (sparse image with data)',
    images: [{ name: 'd.raw', sparse: { size: 1048576, extents: { 65536: { size: 4096, fill: 1 } } } }],
    argv: ['-f', 'raw', ...c('info', 'length', 'map', 'alloc 0 64k', 'alloc 64k 4k'), 'blkdebug::d.raw'],
  },
  {
    name: 'blkdebug-info-truncate',
    description: 'truncate goes through blkdebug to the file',
    images: [D],
    argv: ['-f', 'raw', ...c('truncate 512k', 'length', 'read 0 512', 'truncate 2M', 'length'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },

  // ================================================================== breakpoints
  {
    name: 'blkdebug-break-basic',
    description: 'reference 7.Q: break/wait_break/resume on write_aio',
    images: [D],
    argv: ['-f', 'raw', ...c('break write_aio A', 'aio_write -P 1 0 512', 'wait_break A', 'resume A', 'aio_flush', 'read -P 1 0 512'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-lifo',
    description: 'reference 7.Q: two requests suspended with tag A, resume takes the newest first',
    images: [D],
    argv: ['-f', 'raw', ...c('break write_aio A', 'aio_write -P 1 0 512', 'wait_break A', 'break write_aio A', 'aio_write -P 2 4k 512', 'wait_break A', 'resume A', 'sleep 100', 'resume A', 'aio_flush'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-two-tags',
    description: 'two requests suspended with different tags, resumed oldest first',
    images: [D],
    argv: ['-f', 'raw', ...c('break write_aio A', 'aio_write -P 1 0 512', 'wait_break A', 'break write_aio B', 'aio_write -P 2 4k 512', 'wait_break B', 'resume A', 'sleep 100', 'resume B', 'aio_flush', 'read -P 1 0 512', 'read -P 2 4k 512'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-remove-resumes',
    description: 'remove_break resuming the only suspended request reports ENOENT (quirk)',
    images: [D],
    argv: ['-f', 'raw', ...c('break write_aio A', 'aio_write -P 1 0 512', 'wait_break A', 'remove_break A', 'aio_flush', 'remove_break A', 'resume A', 'read -P 1 0 512'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-remove-immediately',
    description: 'remove_break resuming a request that an immediately=on rule fails: the failure is printed inside remove_break, before its ENOENT message',
    images: [D],
    files: { 'c.conf': ie({ event: 'write_aio', errno: '28', immediately: 'on' }) },
    argv: ['-f', 'raw', ...c('break write_aio A', 'aio_write 0 512', 'wait_break A', 'remove_break A', 'aio_flush', 'break read_aio B', 'aio_read 0 512', 'wait_break B', 'remove_break B', 'aio_flush'), 'blkdebug:c.conf:d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-remove-with-rule-left',
    description: 'remove_break with an untriggered rule left succeeds silently and also resumes',
    images: [D],
    argv: ['-f', 'raw', ...c('break write_aio A', 'break read_aio A', 'aio_write -P 1 0 512', 'wait_break A', 'remove_break A', 'aio_flush', 'aio_read -P 1 0 512', 'aio_flush'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-remove-unused',
    description: 'remove_break of an armed, untriggered breakpoint; the request then runs through',
    images: [D],
    argv: ['-f', 'raw', ...c('break write_aio B', 'remove_break B', 'aio_write -P 3 0 512', 'aio_flush', 'remove_break B'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-errors',
    description: 'reference 7.Q: unknown event, resume without a suspended request, remove_break of an unknown tag',
    images: [D],
    argv: ['-f', 'raw', ...c('break foo A', 'break READ_AIO A', 'resume A', 'remove_break A', 'resume', 'break write_aio', 'break l1_update X', 'read 0 512'), 'blkdebug::d.raw'],
  },
  {
    name: 'blkdebug-break-aio-read',
    description: 'breakpoint on read_aio with aio_read',
    images: [{ name: 'd.raw', bytes: { size: 65536, fill: 0x42 } }],
    argv: ['-f', 'raw', ...c('break read_aio R', 'aio_read -P 0x42 0 4k', 'wait_break R', 'resume R', 'aio_flush'), 'blkdebug::d.raw'],
  },
  {
    name: 'blkdebug-break-generic-events',
    description: 'reference 7.Q: pwritev and pwritev_done breakpoints on one request',
    images: [D],
    argv: ['-f', 'raw', ...c('break pwritev A', 'break pwritev_done B', 'aio_write -P 1 0 512', 'wait_break A', 'resume A', 'wait_break B', 'resume B', 'aio_flush'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-flush-to-os',
    description: 'breakpoint on flush_to_os hit by the writethrough flush of an aio_write',
    images: [D],
    argv: ['-f', 'raw', ...c('break flush_to_os F', 'aio_write -P 5 0 512', 'wait_break F', 'resume F', 'aio_flush', 'read -P 5 0 512'), 'blkdebug::d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-flush-to-disk',
    description: 'breakpoint on flush_to_disk, hit by the writethrough flush of an aio_write -z (flush_to_disk is skipped until something was flushed once)',
    images: [D],
    argv: ['-f', 'raw', ...c('write 0 512', 'break flush_to_disk F', 'aio_write -z 0 4k', 'wait_break F', 'resume F', 'aio_flush'), 'blkdebug::d.raw'],
  },
  {
    name: 'blkdebug-break-pwritev-zero',
    description: 'breakpoint on pwritev_zero with aio_write -z, then the write fails through an inject rule',
    images: [D],
    argv: [...c('break pwritev_zero Z', 'aio_write -z 0 4k', 'wait_break Z', 'resume Z', 'aio_flush'), jsonBd({ 'inject-error': [{ event: 'pwritev_zero', errno: 28 }] })],
  },
  {
    name: 'blkdebug-break-with-inject',
    description: 'a suspended write that an inject rule (activated by the same event) then fails',
    images: [D],
    files: { 'c.conf': ie({ event: 'write_aio', errno: '28', once: 'on' }) },
    argv: ['-f', 'raw', ...c('break write_aio A', 'aio_write 0 512', 'wait_break A', 'resume A', 'aio_flush', 'aio_write -P 6 0 512', 'aio_flush'), 'blkdebug:c.conf:d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-state',
    description: 'a breakpoint on an event that also changes the state',
    images: [D],
    files: { 'c.conf': conf(ss({ event: 'write_aio', new_state: '2' }), ie({ event: 'read_aio', state: '2', errno: '1' })) },
    argv: ['-f', 'raw', ...c('break write_aio A', 'aio_read 0 512', 'aio_flush', 'aio_write 0 512', 'wait_break A', 'resume A', 'aio_flush', 'aio_read 0 512', 'aio_flush'), 'blkdebug:c.conf:d.raw'],
  },
  {
    name: 'blkdebug-break-rmw',
    description: 'breakpoints on pwritev_rmw_head and pwritev with align=4096 (writeback)',
    images: [SEQ],
    argv: ['-t', 'writeback', ...c('break pwritev_rmw_head H', 'break pwritev P', 'aio_write -P 1 512 512', 'wait_break H', 'resume H', 'wait_break P', 'resume P', 'aio_flush', 'read -v 0 16', 'read -v 512 16'), jsonBd({ align: 4096 })],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-image-opts-node',
    description: 'blkdebug node opened directly with --image-opts: no raw, so write_aio never fires; pwritev does',
    images: [D],
    argv: ['--image-opts', ...c('break write_aio A', 'break pwritev B', 'aio_write -P 2 0 512', 'wait_break B', 'resume B', 'aio_flush', 'remove_break A'), 'driver=blkdebug,image.driver=file,image.filename=d.raw'],
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-stdin',
    description: 'interactive (stdin) breakpoint session: prompts and Suspended/Resuming lines',
    images: [D],
    argv: ['-f', 'raw', 'blkdebug::d.raw'],
    stdin: 'break write_aio A\naio_write -P 9 0 512\nwait_break A\nresume A\naio_flush\nread -P 9 0 512\nresume A\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-stdin-writeback-pwritev-done',
    description: 'interactive, -t writeback: resuming at pwritev_done completes the request inside `resume` (no more I/O), so `wrote` comes before the next prompt',
    images: [D],
    argv: ['-t', 'writeback', '-f', 'raw', 'blkdebug::d.raw'],
    stdin: 'break pwritev_done P\naio_write -P 4 0 512\nwait_break P\nresume P\naio_flush\nread -P 4 0 512\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-stdin-writethrough-pwritev-done',
    description: 'interactive, writethrough: after pwritev_done the flush is still to come, `wrote` follows the next prompt',
    images: [D],
    argv: ['-f', 'raw', 'blkdebug::d.raw'],
    stdin: 'break pwritev_done P\naio_write -P 4 0 512\nwait_break P\nresume P\naio_flush\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-stdin-immediately',
    description: 'interactive: a resumed request failed by an immediately=on rule completes inside `resume` (before the next prompt); immediately=off yields first (after it)',
    images: [D],
    files: { 'c.conf': conf(ie({ event: 'write_aio', errno: '28', immediately: 'on', sector: '0' }), ie({ event: 'write_aio', errno: '1', sector: '8' })) },
    argv: ['-f', 'raw', 'blkdebug:c.conf:d.raw'],
    stdin: 'break write_aio A\naio_write 0 512\nwait_break A\nresume A\naio_flush\nbreak write_aio B\naio_write 4k 512\nwait_break B\nresume B\naio_flush\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-stdin-chain-immediately',
    description: 'interactive: the write fails synchronously (immediately=on), so resuming at pwritev runs straight on to the pwritev_done breakpoint inside `resume`',
    images: [D],
    files: { 'c.conf': ie({ event: 'pwritev', immediately: 'on' }) },
    argv: ['-f', 'raw', 'blkdebug:c.conf:d.raw'],
    stdin: 'break pwritev P1\nbreak pwritev_done P2\naio_write 0 512\nwait_break P1\nresume P1\nwait_break P2\nresume P2\naio_flush\n',
    compareImages: ['d.raw'],
  },
  {
    name: 'blkdebug-break-close-reopen',
    description: 'breakpoints do not survive close/open; none fires again at the new open',
    images: [D],
    files: { 'c.conf': ie({ event: 'none', iotype: 'read', once: 'on' }) },
    argv: ['-f', 'raw', ...c('break write_aio A', 'read 0 512', 'read 0 512', 'close', 'open -o driver=raw blkdebug:c.conf:d.raw', 'resume A', 'read 0 512', 'aio_write 0 512', 'aio_flush'), 'blkdebug:c.conf:d.raw'],
  },
  {
    name: 'blkdebug-filename-in-probe-warning',
    description: "the blkdebug node's refreshed filename, as the probing WARNING names it: blkdebug:CFG:IMG, or json: with the strong options",
    images: [D],
    files: { 'c.conf': ie({ event: 'l1_update' }) },
    argv: [
      ...c('length'),
      'json:{"file":{"driver":"blkdebug","inject-error.0.event":"l1_update","image":{"driver":"file","filename":"d.raw"}}}',
    ],
  },
  {
    name: 'blkdebug-filename-in-probe-warning-config-align',
    images: [D],
    files: { 'c.conf': ie({ event: 'l1_update' }) },
    argv: [...c('open -o file.driver=blkdebug,file.config=c.conf,file.image.filename=d.raw', 'length', 'close', 'open -o file.driver=blkdebug,file.align=4096,file.image.filename=d.raw', 'length')],
  },
  {
    name: 'blkdebug-config-dev-zero',
    description: 'a config of /dev/zero: the first line is a NUL, a parse error (QEMU reads no further)',
    images: [D],
    argv: ['-f', 'raw', ...c('read 0 512'), 'blkdebug:/dev/zero:d.raw'],
  },
  {
    name: 'blkdebug-config-nul-ends-line',
    description: 'a NUL ends its line for the config parser (C strings): the rest of the line is not seen',
    images: [D],
    files: { 'c.conf': '[inject-error]\nevent = "read_aio\0x"\nerrno = "5\0junk"\n' },
    argv: ['-f', 'raw', ...c('read 0 512', 'write 0 512'), 'blkdebug:c.conf:d.raw'],
  },
  {
    name: 'blkdebug-rule-values-out-of-range',
    description: "parse_option_number in rule files: 2^64 and more is \"too large\" (any sign, base), junk after digits \"expects a number\", -1 wraps",
    images: [D],
    files: Object.fromEntries(
      [
        ['errno', '18446744073709551616'], ['errno', '99999999999999999999999'], ['errno', '99999999999999999999999x'],
        ['errno', '-18446744073709551616'], ['errno', '+18446744073709551616'], ['errno', '0x10000000000000000'],
        ['errno', '0200000000000000000000000'], ['errno', '  18446744073709551616'], ['errno', '18446744073709551615'],
        ['sector', '18446744073709551616'], ['sector', '1k'], ['state', '18446744073709551616'], ['state', '-1'],
      ].map(([key, value], i) => [`r${i}.conf`, `[inject-error]\nevent = "read_aio"\n${key} = "${value}"\n`]).concat(
        [['state', '18446744073709551616'], ['new_state', '18446744073709551616'], ['new_state', '2x']].map(([key, value], i) => [
          `s${i}.conf`,
          `[set-state]\nevent = "read_aio"\n${key === 'state' ? 'new_state = "2"' : 'state = "1"'}\n${key} = "${value}"\n`,
        ]),
      ),
    ),
    argv: [
      ...c(...[...Array(13).keys()].map((i) => `open -o driver=raw blkdebug:r${i}.conf:d.raw`).flatMap((cmd) => [cmd, 'close']), ...[0, 1, 2].map((i) => `open -o driver=raw blkdebug:s${i}.conf:d.raw`).flatMap((cmd) => [cmd, 'close'])),
    ],
  },
  {
    name: 'blkdebug-option-values-out-of-range',
    description: 'the same limits through -o options: numbers (errno, sector, state, new_state) and sizes (align, max-transfer, opt-discard: "out of range")',
    images: [D],
    argv: [
      ...c(
        ...[
          'inject-error.0.errno=18446744073709551616', 'inject-error.0.errno=99999999999999999999999x', 'inject-error.0.sector=18446744073709551616',
          'inject-error.0.state=-18446744073709551616', 'set-state.0.state=18446744073709551616', 'set-state.0.new_state=0x10000000000000000',
          'align=18446744073709551616', 'align=16Ek', 'align=16E', 'max-transfer=99999999999999999999999x', 'max-transfer=1534e3',
          'opt-discard=18446744073709551616k', 'opt-discard=-1',
        ].map((o) => `open -o driver=raw,file.driver=blkdebug,file.image.filename=d.raw,file.inject-error.0.event=read_aio,file.set-state.0.event=read_aio,file.set-state.0.new_state=2,file.${o}`),
      ),
    ],
  },
  {
    name: 'blkdebug-config-section-check-order',
    description: "qemu_config_foreach keeps a section's keys in a QDict until the section ends: the last value of a key wins, keys and values are checked in QDict (hash) order, a bad line fails at once",
    images: [D],
    files: {
      'o0.conf': '[inject-error]\nevent = "read_aio"\nerrno = "99999999999999999999"\nerrno = "5"\n',
      'o1.conf': '[inject-error]\nevent = "read_aio"\nerrno = "x"\nsector = "y"\n',
      'o2.conf': '[inject-error]\nevent = "read_aio"\nerrno = "x"\nbogus = "1"\n',
      'o3.conf': '[inject-error]\nevent = "read_aio"\nerrno = "x"\nonce = "maybe"\n',
      'o4.conf': '[set-state]\nevent = "read_aio"\nstate="1"\nnew_state = "2"\nstate = "18446744073709551616"\n',
      'o5.conf': '[inject-error]\nerrno = "x"\n \n',
      'o6.conf': '[bogus]\nerrno = "x"\n[inject-error]\nerrno = "x"\n',
      'o7.conf': '[inject-error]\nerrno = "x"\n[bogus]\n',
      'o8.conf': '[inject-error]\nevent = "read_aio"\nimmediately = "x"\nonce = "x"\nsector = "x"\nstate = "x"\nerrno = "x"\n',
      'o9.conf': '[set-state]\nevent = "read_aio"\nnew_state = "x"\nstate = "99999999999999999999"\n',
    },
    argv: c(...[...Array(10).keys()].flatMap((i) => [`open -o driver=raw blkdebug:o${i}.conf:d.raw`, 'read 0 512', 'close'])),
  },
  {
    name: 'blkdebug-json-number-beyond-uint64',
    description: 'a JSON integer beyond uint64 is a double in QEMU, "%.17g" as a string: "expects a number", not "too large"',
    images: [D],
    argv: c(
      ...['18446744073709551616', '99999999999999999999', '-18446744073709551616', '"18446744073709551616"', '5.5', '-1'].map(
        (n) => `open json:{"driver":"raw","file":{"driver":"blkdebug","image":{"driver":"file","filename":"d.raw"},"inject-error":[{"event":"read_aio","errno":${n}}]}}`,
      ).flatMap((cmd) => [cmd, 'close']),
    ),
  },
  // remove_break enters each resumed request before resuming the next (newest first): one that
  // fails at once (immediately=on) reports between the "Resuming request" lines.
  cfgCase('blkdebug-remove-break-immediate-failure-between-resumes', 'two parked writes, the newest fails at once when resumed',
    ie({ event: 'write_aio', errno: 5, immediately: 'on', once: 'on' }),
    ['break write_aio A', 'aio_write -P 1 0 512', 'break write_aio A', 'aio_write -P 2 512 512', 'remove_break A', 'aio_flush', 'read -P 1 0 512', 'read -P 0 512 512']),
  cfgCase('blkdebug-remove-break-deferred-failure-after-resumes', 'immediately=off: the failure waits for the next poll, after both resumes',
    ie({ event: 'write_aio', errno: 5, once: 'on' }),
    ['break write_aio A', 'aio_write -P 1 0 512', 'break write_aio A', 'aio_write -P 2 512 512', 'remove_break A', 'aio_flush']),
  cfgCase('blkdebug-remove-break-three-immediate-failures', 'three parked writes that all fail at once: each failure follows its resume',
    ie({ event: 'write_aio', errno: 28, immediately: 'on' }),
    ['break write_aio A', 'aio_write 0 512', 'break write_aio A', 'aio_write 512 512', 'break write_aio A', 'aio_write 1024 512', 'remove_break A', 'aio_flush']),
  cfgCase('blkdebug-remove-break-oldest-fails-at-once', 'the newest write succeeds later, the oldest (sector 0) fails at once after the second resume',
    ie({ event: 'write_aio', errno: 5, immediately: 'on', sector: 0 }),
    ['break write_aio A', 'aio_write -P 1 0 512', 'break write_aio A', 'aio_write -P 2 4096 512', 'remove_break A', 'aio_flush', 'read -P 2 4096 512']),
  cfgCase('blkdebug-resume-immediate-failure-inside-command', 'resume of a request that fails at once reports before the next command',
    ie({ event: 'write_aio', errno: 5, immediately: 'on' }),
    ['break write_aio A', 'aio_write 0 512', 'resume A', 'echo next', 'aio_flush']),

];
