// qemu-img compare's decision procedure (img_compare in qemu-img 7.2): stop at the first
// mismatching sector, -s also fails on a size difference or any block-status difference.
// The CLI prints; this reports what to print, through callbacks, in QEMU's order.
import type { BytesEqual } from '../../common/first-difference';
import type { BdrvChild } from '../child';
import { strerror } from '../errors';
import { CompareReadError, CompareStatusError, CompareWalk } from './compare-walk';
import { scanStep } from './mismatch-scan';

/** qemu-img compare's exit statuses. */
export const COMPARE_IDENTICAL = 0;
export const COMPARE_DIFFERENT = 1;
export const COMPARE_STATUS_ERROR = 3;
export const COMPARE_READ_ERROR = 4;

export interface ImgCompareHooks {
  /** qprintf: a result line for stdout ("Images are identical.\n" ...). */
  message(text: string): void;
  /** error_report: a line for stderr (without the "qemu-img: " prefix). */
  error(text: string): void;
  /** qemu_progress_print: `bytes` more of `base` were compared. */
  progress(bytes: number, base: number): void;
}

export interface ImgCompareOptions {
  strict?: boolean;
  /** The names in messages ("Sector allocation test failed for NAME"). */
  nameA: string;
  nameB: string;
  bytesEqual?: BytesEqual;
}

const SECTOR = 512;

/** Compares a and b as qemu-img compare does; resolves to its exit status. */
export async function imgCompare(a: BdrvChild, b: BdrvChild, opts: ImgCompareOptions, hooks: ImgCompareHooks): Promise<number> {
  const lenA = await a.getLength();
  const lenB = await b.getLength();
  const base = Math.max(lenA, lenB);
  hooks.progress(0, base);
  if (opts.strict && lenA !== lenB) {
    hooks.message('Strict mode: Image size mismatch!\n');
    return COMPARE_DIFFERENT;
  }
  const walk = new CompareWalk(a, b, lenA, lenB, 0, base);
  const common = Math.min(lenA, lenB);
  let warned = false;
  let mismatch = -1;
  const first = (unitStart: number) => {
    mismatch = unitStart;
    return false;
  };
  try {
    while (!walk.done) {
      if (walk.offset >= common && !warned) {
        warned = true;
        hooks.message('Warning: Image size mismatch!\n');
      }
      const step = await walk.next();
      if (opts.strict && step.statusA !== step.statusB) {
        hooks.message(`Strict mode: Offset ${step.offset} block status mismatch!\n`);
        return COMPARE_DIFFERENT;
      }
      scanStep(step, walk.bufA, walk.bufB, SECTOR, opts.bytesEqual, first);
      if (mismatch >= 0) {
        hooks.message(`Content mismatch at offset ${mismatch}!\n`);
        return COMPARE_DIFFERENT;
      }
      hooks.progress(step.bytes, base);
    }
  } catch (e) {
    if (e instanceof CompareStatusError) {
      hooks.error(`Sector allocation test failed for ${e.side === 'a' ? opts.nameA : opts.nameB}`);
      return COMPARE_STATUS_ERROR;
    }
    if (e instanceof CompareReadError) {
      hooks.error(`Error while reading offset ${e.offset} of ${e.side === 'a' ? opts.nameA : opts.nameB}: ${strerror(e.errno)}`);
      return COMPARE_READ_ERROR;
    }
    throw e;
  }
  // Equal sizes never get here with warned unset; unequal ones whose tail is empty still warn.
  if (lenA !== lenB && !warned) hooks.message('Warning: Image size mismatch!\n');
  hooks.message('Images are identical.\n');
  return COMPARE_IDENTICAL;
}
