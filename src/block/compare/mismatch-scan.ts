// Finding the mismatching units (sectors, by default) of one step: a fast whole-range test
// first (native memcmp when the host lends one), then a walk only from each difference on.
import { firstDifference, type BytesEqual } from '../../common/first-difference';
import { READ_A, READ_B, READ_BOTH, zeroBuffer, type CompareStep } from './compare-walk';

/**
 * Calls onUnit(unitStart) for each `unit`-aligned block (absolute offsets) of the step whose
 * bytes differ; stops early when onUnit returns false.
 */
export function scanStep(
  step: CompareStep,
  bufA: Uint8Array,
  bufB: Uint8Array,
  unit: number,
  equal: BytesEqual | undefined,
  onUnit: (unitStart: number) => boolean,
): void {
  if (step.read === 0) return;
  const x = step.read === READ_B ? bufB : bufA;
  const y = step.read === READ_BOTH ? bufB : zeroBuffer();
  scanUnits(x, y, step.offset, step.bytes, unit, equal, onUnit);
}

/**
 * The same over two buffers holding [base, base+len): onUnit(unitStart) for each `unit`-aligned
 * block (absolute offsets, so the first may start before base) where they differ.
 */
export function scanUnits(
  x: Uint8Array,
  y: Uint8Array,
  base: number,
  len: number,
  unit: number,
  equal: BytesEqual | undefined,
  onUnit: (unitStart: number) => boolean,
): void {
  // The common case, equal data, in one native call when the host lends one.
  if (equal && equal(x.subarray(0, len), y.subarray(0, len))) return;
  let i = 0;
  while (i < len) {
    const d = firstDifference(x.subarray(i, len), y.subarray(i, len), len - i, equal);
    if (d < 0) return;
    const at = base + i + d;
    const unitStart = at - (at % unit);
    if (!onUnit(unitStart)) return;
    i = unitStart + unit - base;
  }
}

export { READ_A, READ_B };
