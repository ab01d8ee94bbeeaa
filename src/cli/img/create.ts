// `blkstudio img create`: qemu-img 7.2's create for raw and qcow2, with its option parsing,
// messages, exit codes and (for qcow2) byte-identical images.

import { utf8ToBinaryString } from '../../common/binary-string';
import * as fs from 'node:fs';
import { nativeFs } from '../../host/native-fs';
import * as path from 'node:path';
import { layoutNewQcow2, Qcow2TooLargeError } from '../../block/drivers/qcow2/create';
import { strerror } from '../../block/errors';
import { openBacking } from './backing';
import { optionHelp, QCOW2_CREATE_OPTS, QCOW2_UNSUPPORTED, RAW_CREATE_OPTS } from './create-formats';
import { getopt } from './getopt';
import { ImgOutput, usageError } from './output';
import { hasHelpOption, isValidOptionList, OptsError, QemuOpts } from './qemu-opts';
import { parseSize } from './size';

const INT64_MAX = (1n << 63n) - 1n;

/** Formats qemu-img knows but blkstudio cannot create: a clear refusal instead of "Unknown". */
const OTHER_QEMU_FORMATS = ['qcow', 'vmdk', 'vdi', 'vhdx', 'vpc', 'qed', 'parallels', 'luks', 'cloop', 'dmg', 'bochs', 'vvfat'];

/** An error reported as "qemu-img: FILE: message" plus an optional raw hint. */
class CreateError extends Error {
  constructor(
    message: string,
    readonly hint = '',
  ) {
    super(message);
  }
}

/** cvtnum("image size", ...): the size or undefined after printing QEMU's two-line complaint. */
export function cvtnumImageSize(text: string, o: ImgOutput): bigint | undefined {
  const r = parseSize(text);
  if (!r.ok && r.error === 'EINVAL') {
    o.error('Invalid image size specified. You may use k, M, G, T, P or E suffixes for');
    o.error('kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.');
    return undefined;
  }
  if (!r.ok || r.value > INT64_MAX) {
    o.error(`Invalid image size specified. Must be between 0 and ${INT64_MAX}.`);
    return undefined;
  }
  if (r.hexSuffixWarning) o.error(`warning: Using a multiplier suffix on hex numbers is deprecated: ${text}`);
  return r.value;
}

function roundUp512(n: bigint): bigint {
  return (n + 511n) & ~511n;
}

/** Creates/truncates the file (file-posix raw_co_create) and returns its descriptor. */
function createFile(filename: string): number {
  try {
    const fd = fs.openSync(filename, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    fs.ftruncateSync(fd, 0);
    return fd;
  } catch (e) {
    throw new CreateError(`Could not create '${filename}': ${strerror(Math.abs((e as NodeJS.ErrnoException).errno ?? 5))}`);
  }
}

function writeAll(fd: number, data: Uint8Array, offset: number): void {
  for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done, offset + done);
}

function createRaw(filename: string, opts: QemuOpts, size: bigint): void {
  const prealloc = opts.str('preallocation') ?? 'off';
  if (!['off', 'falloc', 'full'].includes(prealloc)) throw new CreateError(`Parameter 'preallocation' does not accept value '${prealloc}'`);
  const fd = createFile(filename);
  try {
    const total = roundUp512(size);
    if (total > INT64_MAX) throw new CreateError('Could not resize file: Invalid argument');
    if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new CreateError('EFBIG');
    try {
      const native = nativeFs();
      if (prealloc === 'off') fs.ftruncateSync(fd, Number(total));
      else if (prealloc === 'falloc' && native && total > 0n && native.fallocate(fd, 0, 0, Number(total)) === 0) {
        // posix_fallocate: allocated, reads as zeroes, nothing written.
      } else {
        // full (or falloc where the host has no fallocate) writes the zeroes.
        const chunk = new Uint8Array(1 << 20);
        for (let at = 0; at < Number(total); at += chunk.length) writeAll(fd, chunk.subarray(0, Math.min(chunk.length, Number(total) - at)), at);
      }
      // allocate_first_block: QEMU writes the first block of a new file (for O_DIRECT
      // alignment probing), which qemu-img map then shows as data.
      if (prealloc !== 'full' && total > 0n) writeAll(fd, new Uint8Array(total < 4096n ? 512 : 4096), 0);
    } catch (e) {
      const errno = Math.abs((e as NodeJS.ErrnoException).errno ?? 5);
      if (errno === 27) throw new CreateError('EFBIG');
      throw new CreateError(`Could not resize file: ${strerror(errno)}`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

const VERSIONS: Record<string, 2 | 3> = { '0.10': 2, v2: 2, '1.1': 3, v3: 3 };

function createQcow2(filename: string, opts: QemuOpts, size: bigint, o: ImgOutput): void {
  const fd = createFile(filename);
  let ok = false;
  // The external data file is created (emptied) right after the image file, as QEMU does.
  const dataOpt = opts.str('data_file');
  const dataName = dataOpt?.startsWith('file:') ? dataOpt.slice(5) : dataOpt;
  let dataFd: number | undefined;
  try {
    if (dataName !== undefined) dataFd = createDataFile(filename, dataName, o);
    // The QAPI visitor's checks, in its member order.
    const compat = opts.str('compat');
    if (compat !== undefined && !(compat in VERSIONS)) throw new CreateError(`Parameter 'version' does not accept value '${compat}'`);
    const prealloc = opts.str('preallocation') ?? 'off';
    if (!['off', 'metadata', 'falloc', 'full'].includes(prealloc)) throw new CreateError(`Parameter 'preallocation' does not accept value '${prealloc}'`);
    const compression = opts.str('compression_type') ?? 'zlib';
    if (compression !== 'zlib' && compression !== 'zstd') throw new CreateError(`Parameter 'compression-type' does not accept value '${compression}'`);

    // qcow2_co_create's checks, in its order.
    const version = compat === undefined ? 3 : VERSIONS[compat];
    const extendedL2 = opts.get('extended_l2')?.num === 1n;
    const v3Hint = 'compatibility level 1.1 and above (use version=v3 or greater)';
    if (extendedL2 && version < 3) throw new CreateError(`Extended L2 entries are only supported with ${v3Hint}`);
    const clusterSize = opts.get('cluster_size')?.num ?? 65536n;
    const clusterBits = clusterSize > 0n ? clusterSize.toString(2).length - 1 : -1;
    if (clusterBits < 9 || clusterBits > 21 || 1n << BigInt(clusterBits) !== clusterSize) {
      throw new CreateError('Cluster size must be a power of two between 512 and 2048k');
    }
    if (extendedL2 && clusterSize < 16384n) throw new CreateError('Extended L2 entries are only supported with cluster sizes of at least 16384 bytes');
    const backingFile = opts.str('backing_file');
    const backingFmt = opts.str('backing_fmt');
    if (backingFmt !== undefined && backingFile === undefined) throw new CreateError('Backing format cannot be used without backing file');
    if (backingFile !== undefined && prealloc !== 'off' && !extendedL2) {
      throw new CreateError('Backing file and preallocation can only be used at the same time if extended_l2 is on');
    }
    const lazy = opts.get('lazy_refcounts')?.num === 1n;
    if (lazy && version < 3) throw new CreateError(`Lazy refcounts only supported with ${v3Hint}`);
    const refcountBits = opts.get('refcount_bits')?.num ?? 16n;
    if (refcountBits > 64n || refcountBits === 0n || (refcountBits & (refcountBits - 1n)) !== 0n) {
      throw new CreateError('Refcount width must be a power of two and may not exceed 64 bits');
    }
    if (version < 3 && refcountBits !== 16n) {
      throw new CreateError('Different refcount widths than 16 bits require compatibility level 1.1 or above (use version=v3 or greater)');
    }
    const dataFileRaw = opts.get('data_file_raw')?.num === 1n;
    if (dataFileRaw && dataName === undefined) throw new CreateError('data-file-raw requires data-file');
    if (dataFileRaw && backingFile !== undefined) throw new CreateError('Backing file and data-file-raw cannot be used at the same time');
    if (dataName !== undefined && version < 3) {
      throw new CreateError('External data files are only supported with compatibility level 1.1 and above (use version=v3 or greater)');
    }
    if (version < 3 && compression !== 'zlib') throw new CreateError(`Non-zlib compression type is only supported with ${v3Hint}`);
    // With a data file, preallocation only maps the clusters (data_file_raw forces it).
    const mapData = dataName !== undefined && (dataFileRaw || prealloc !== 'off');
    if (mapData && backingFile !== undefined) throw new CreateError('blkstudio cannot create a preallocated qcow2 image with a data file and a backing file yet');
    if (prealloc !== 'off' && !mapData) throw new CreateError(`blkstudio cannot create qcow2 images with preallocation=${prealloc} yet (only off)`);

    let layout;
    try {
      layout = layoutNewQcow2({
        size: Number(roundUp512(size)),
        clusterBits,
        version,
        refcountOrder: refcountBits.toString(2).length - 1,
        lazyRefcounts: lazy,
        extendedL2,
        compressionType: compression === 'zstd' ? 1 : 0,
        // The header holds the name's bytes: the engine takes file names as binary strings.
        backingFile: backingFile === undefined ? undefined : utf8ToBinaryString(backingFile),
        backingFormat: backingFmt,
        dataFile: dataName === undefined ? undefined : utf8ToBinaryString(dataName),
        dataFileRaw,
        preallocateDataFile: mapData,
      });
    } catch (e) {
      if (e instanceof Qcow2TooLargeError) throw new CreateError('EFBIG');
      throw e;
    }
    for (const w of layout.writes) writeAll(fd, w.data, w.offset);
    if (fs.fstatSync(fd).size < layout.length) fs.ftruncateSync(fd, layout.length);
    if (dataFd !== undefined) fs.ftruncateSync(dataFd, layout.dataFileLength ?? 0);
    ok = true;
  } finally {
    fs.closeSync(fd);
    if (dataFd !== undefined) fs.closeSync(dataFd);
    // qcow2_co_create_opts deletes the files when creation fails after creating them.
    if (!ok) {
      fs.rmSync(filename, { force: true });
      if (dataFd !== undefined) fs.rmSync(dataName!, { force: true });
    }
  }
}

/** The data file of a new image (bdrv_create_file, then opened beside the image file). */
function createDataFile(filename: string, dataName: string, o: ImgOutput): number {
  const fd = createFile(dataName);
  if (path.resolve(dataName) === path.resolve(filename)) {
    // One file opened twice: the second open cannot get the lock the first holds. The image
    // file is deleted first, so deleting the data file then finds nothing.
    fs.closeSync(fd);
    fs.rmSync(filename, { force: true });
    o.error(`${dataName} is not a regular file: No such file or directory`);
    throw new CreateError('Failed to get shared "resize" lock', `Is another process using the image [${dataName}]?\n`);
  }
  return fd;
}

interface CreateArgs {
  fmt: string;
  filename: string;
  size: bigint | undefined;
  options: string | undefined;
  backing: string | undefined;
  backingFmt: string | undefined;
  noBacking: boolean;
  quiet: boolean;
}

/** bdrv_img_create for raw and qcow2. */
function imgCreateImage(a: CreateArgs, o: ImgOutput): void {
  if (a.fmt !== 'raw' && a.fmt !== 'qcow2') {
    if (OTHER_QEMU_FORMATS.includes(a.fmt)) throw new CreateError(`blkstudio cannot create '${a.fmt}' images (only raw and qcow2)`);
    throw new CreateError(`Unknown file format '${a.fmt}'`);
  }
  const opts = new QemuOpts(a.fmt === 'raw' ? RAW_CREATE_OPTS : QCOW2_CREATE_OPTS);
  if (a.options !== undefined) {
    try {
      opts.parse(a.options);
    } catch (e) {
      if (e instanceof OptsError) throw new CreateError(e.message);
      throw e;
    }
  }
  if (!opts.has('size')) opts.setNumber('size', a.size ?? (1n << 64n) - 1n);
  else if (a.size !== undefined) throw new CreateError('The image size must be specified only once');
  if (a.backing !== undefined && !opts.set('backing_file', a.backing)) {
    throw new CreateError(`Backing file not supported for file format '${a.fmt}'`);
  }
  if (a.backingFmt !== undefined && !opts.set('backing_fmt', a.backingFmt)) {
    throw new CreateError(`Backing file format not supported for file format '${a.fmt}'`);
  }
  const backingFile = opts.str('backing_file');
  const backingFmt = opts.str('backing_fmt');
  if (backingFile !== undefined) {
    if (backingFile === a.filename) throw new CreateError('Error: Trying to create an image with the same filename as the backing file');
    if (backingFile === '') throw new CreateError('Expected backing file name, got empty string');
  }
  let size = opts.get('size')!.num!;
  if (backingFile !== undefined && !a.noBacking) {
    const b = openBacking(a.filename, backingFile, backingFmt);
    if (!b.ok) throw new CreateError(b.message, 'Could not open backing image.\n');
    if (backingFmt === undefined) throw new CreateError('Backing file specified without backing format', `Detected format of ${b.format}.`);
    if (size === (1n << 64n) - 1n) {
      size = b.size;
      opts.setNumber('size', size);
    }
  } else if (backingFile !== undefined && backingFmt === undefined) {
    throw new CreateError('Backing file specified without backing format');
  }
  if (size === (1n << 64n) - 1n) throw new CreateError('Image creation needs a size parameter');
  if (a.fmt === 'qcow2') {
    const unsupported = QCOW2_UNSUPPORTED.find((p) => [...opts.descs].some((d) => d.name.startsWith(p) && opts.has(d.name)));
    if (unsupported) throw new CreateError(`blkstudio does not support the qcow2 option '${unsupported}' yet`);
  }
  if (!a.quiet) {
    o.out(`Formatting '${a.filename}', fmt=${a.fmt} ${opts.print()}\n`);
    o.flush();
  }
  try {
    if (a.fmt === 'raw') createRaw(a.filename, opts, size);
    else createQcow2(a.filename, opts, size, o);
  } catch (e) {
    if (e instanceof CreateError && e.message === 'EFBIG') {
      const hint = opts.str('cluster_size') ? ' (try using a larger cluster size)' : '';
      throw new CreateError(`The image size is too large for file format '${a.fmt}'${hint}`);
    }
    throw e;
  }
}

/** `img create [-q] [-f fmt] [-o options] [-b backing [-F fmt]] [-u] filename [size]`. */
export function imgCreate(argv: readonly string[], o: ImgOutput): number {
  const { items, positionals } = getopt(argv, ':F:b:f:ho:qu', [
    { name: 'help', hasArg: false, key: 'h' },
    { name: 'object', hasArg: true, key: 'object' },
  ]);
  const a: CreateArgs = { fmt: 'raw', filename: '', size: undefined, options: undefined, backing: undefined, backingFmt: undefined, noBacking: false, quiet: false };
  for (const it of items) {
    if (it.kind === 'missing') return usageError(o, `missing argument for option '${it.arg}'`);
    if (it.kind === 'unknown') return usageError(o, `unrecognized option '${it.arg}'`);
    switch (it.key) {
      case 'h':
        o.out('usage: blkstudio img create [-q] [-f fmt] [-o options] [-b backing_file [-F backing_fmt]] [-u] filename [size]\n');
        return 0;
      case 'F':
        a.backingFmt = it.arg;
        break;
      case 'b':
        a.backing = it.arg;
        break;
      case 'f':
        a.fmt = it.arg!;
        break;
      case 'o':
        if (!isValidOptionList(it.arg!)) {
          o.error(`Invalid option list: ${it.arg}`);
          return 1;
        }
        a.options = a.options === undefined ? it.arg : `${a.options},${it.arg}`;
        break;
      case 'q':
        a.quiet = true;
        break;
      case 'u':
        a.noBacking = true;
        break;
    }
  }
  if (a.options !== undefined && hasHelpOption(a.options)) {
    if (a.fmt !== 'raw' && a.fmt !== 'qcow2') {
      o.error(`Unknown file format '${a.fmt}'`);
      return 1;
    }
    o.out(optionHelp(a.fmt, positionals.length > 0));
    return 0;
  }
  if (positionals.length === 0) return usageError(o, 'Expecting image file name');
  a.filename = positionals[0];
  if (positionals.length > 1) {
    const size = cvtnumImageSize(positionals[1], o);
    if (size === undefined) return 1;
    a.size = size;
  }
  if (positionals.length > 2) return usageError(o, `Unexpected argument: ${positionals[2]}`);
  try {
    imgCreateImage(a, o);
  } catch (e) {
    if (!(e instanceof CreateError)) throw e;
    o.error(`${a.filename}: ${e.message}`);
    o.err(e.hint);
    return 1;
  }
  return 0;
}
