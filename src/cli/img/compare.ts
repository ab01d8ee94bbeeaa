// `blkstudio img compare`: qemu-img 7.2's compare for raw and qcow2 images (and chains of them):
// "Images are identical." (0), the first mismatching sector (1), -s strict mode, -p progress,
// open errors (2), block-status errors (3) and read errors (4), with qemu-img's messages.

import { utf8ToBinaryString } from '../../common/binary-string';
import type { CacheMode } from '../../block/block-backend-api';
import type { BlockBackend } from '../../block/block-backend';
import { imgCompare } from '../../block/compare';
import { QemuError, toErrno, strerror } from '../../block/errors';
import { openBlockBackend } from '../../block/open';
import { NodeBlockHost } from '../../host/node-block-host';
import { getopt } from './getopt';
import { ImgOutput, usageError } from './output';
import { QemuProgress } from './progress';

const USAGE = 'usage: blkstudio img compare [--object objectdef] [--image-opts] [-f fmt] [-F fmt] [-T src_cache] [-p] [-q] [-s] [-U] filename1 filename2\n';

const CACHE_MODES: readonly string[] = ['none', 'off', 'writeback', 'writethrough', 'directsync', 'unsafe'];

/** Exit status of an image that failed to open. */
const OPEN_FAILED = 2;

/** user_creatable_add_opts for --object: only the secret objects image options may refer to. */
function objectError(def: string): string | null {
  const first = def.split(',')[0];
  const type = first.startsWith('qom-type=') ? first.slice(9) : first;
  if (type === 'help') return null;
  return type === 'secret' ? null : `Parameter 'qom-type' does not accept value '${type}'`;
}

/** qemu-img parses --image-opts with the implied key "file": a bare first element names it. */
function impliedFileKey(optstr: string): string {
  const first = optstr.split(/(?<!,),(?!,)/)[0];
  return first.includes('=') ? optstr : `file=${optstr}`;
}

/** `img compare [--object ...] [--image-opts] [-f fmt] [-F fmt] [-T cache] [-p] [-q] [-s] [-U] filename1 filename2`. */
export async function imgCompareCommand(argv: readonly string[], o: ImgOutput): Promise<number> {
  const { items, positionals } = getopt(argv, ':hf:F:T:pqsU', [
    { name: 'help', hasArg: false, key: 'h' },
    { name: 'object', hasArg: true, key: 'object' },
    { name: 'image-opts', hasArg: false, key: 'image-opts' },
    { name: 'force-share', hasArg: false, key: 'U' },
  ]);
  let fmtA: string | undefined;
  let fmtB: string | undefined;
  let cache = 'writeback';
  let progress = false;
  let quiet = false;
  let strict = false;
  let forceShare = false;
  let imageOpts = false;
  for (const it of items) {
    if (it.kind === 'missing') return usageError(o, `missing argument for option '${it.arg}'`);
    if (it.kind === 'unknown') return usageError(o, `unrecognized option '${it.arg}'`);
    switch (it.key) {
      case 'h':
        o.out(USAGE);
        return 0;
      case 'f':
        fmtA = it.arg;
        break;
      case 'F':
        fmtB = it.arg;
        break;
      case 'T':
        cache = it.arg ?? cache;
        break;
      case 'p':
        progress = true;
        break;
      case 'q':
        quiet = true;
        break;
      case 's':
        strict = true;
        break;
      case 'U':
        forceShare = true;
        break;
      case 'image-opts':
        imageOpts = true;
        break;
      case 'object': {
        // Objects are created while the options are parsed, before the file names are counted.
        const err = objectError(it.arg ?? '');
        if (err) {
          o.error(err);
          return OPEN_FAILED;
        }
        break;
      }
    }
  }
  if (quiet) progress = false;
  if (positionals.length !== 2) return usageError(o, 'Expecting two image file names');
  const [nameA, nameB] = positionals;
  if (imageOpts && (fmtA !== undefined || fmtB !== undefined)) {
    o.error('--image-opts and --format are mutually exclusive');
    return OPEN_FAILED;
  }
  if (!CACHE_MODES.includes(cache)) {
    o.error(`Invalid source cache option: ${cache}`);
    return OPEN_FAILED;
  }

  const host = new NodeBlockHost({ syncIo: true });
  const meter = new QemuProgress(progress, 2.0, (t) => {
    o.out(t);
    o.flush();
  });
  const open = async (name: string, format: string | undefined): Promise<BlockBackend | null> => {
    try {
      return await openBlockBackend(
        host,
        { filename: utf8ToBinaryString(imageOpts ? impliedFileKey(name) : name), format, imageOpts, readOnly: true, forceShare, cache: cache as CacheMode },
        { warn: (t) => o.err(t) },
      );
    } catch (e) {
      if (!(e instanceof QemuError) && toErrno(e) === 0) throw e;
      const message = e instanceof QemuError ? e.message : strerror(toErrno(e));
      o.error(`Could not open '${name}': ${message}`);
      return null;
    }
  };
  const blkA = await open(nameA, fmtA);
  if (!blkA) return OPEN_FAILED;
  let blkB: BlockBackend | null = null;
  try {
    blkB = await open(nameB, fmtB);
    if (!blkB) return OPEN_FAILED;
    const status = await imgCompare(
      blkA.rootChild,
      blkB.rootChild,
      { strict, nameA, nameB, bytesEqual: host.bytesEqual.bind(host) },
      {
        message: (t) => {
          if (!quiet) o.out(t);
        },
        error: (t) => o.error(t),
        progress: (bytes, base) => meter.advanceBytes(bytes, base),
      },
    );
    meter.end();
    return status;
  } finally {
    await blkB?.close().catch(() => undefined);
    await blkA.close().catch(() => undefined);
  }
}
