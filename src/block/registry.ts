// The block drivers blkstudio knows, by name, and format probing.
import type { BlockDriver } from './driver';
import { blkdebugDriver } from './drivers/blkdebug';
import { blkverifyDriver } from './drivers/blkverify';
import { fileDriver } from './drivers/file/file';
import { nullAioDriver, nullCoDriver } from './drivers/null/null';
import { makeRawDriver, PROBE_BUF_SIZE } from './drivers/raw/raw';
import { qcow2Driver } from './drivers/qcow2';
import { probeSignature } from './probe';

export { PROBE_BUF_SIZE };

const drivers: BlockDriver[] = [];

export function registerDriver(drv: BlockDriver): void {
  drivers.push(drv);
}

export function findDriver(name: string): BlockDriver | undefined {
  return drivers.find((d) => d.formatName === name);
}

/** bdrv_find_protocol: the driver whose protocol_name is the filename's `prefix:`. */
export function findProtocolDriver(prefix: string): BlockDriver | undefined {
  return drivers.find((d) => d.protocolName === prefix);
}

export function driverNames(): string[] {
  return drivers.map((d) => d.formatName);
}

/**
 * The best-scoring format for the first bytes of an image (bdrv_probe_all / find_image_format):
 * a driver, or the name of a recognised format no driver here can open.
 */
export function probeFormat(buf: Uint8Array, filename: string): BlockDriver | string | undefined {
  let best: BlockDriver | string | undefined;
  let bestScore = 0;
  for (const d of drivers) {
    const score = d.probe?.(buf, filename) ?? 0;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  const sig = probeSignature(buf, filename);
  if (sig && sig.score > bestScore) best = findDriver(sig.name) ?? sig.name;
  return best;
}

/** Which non-raw format this block 0 would probe as (raw's guard against format changes). */
function probeOtherThanRaw(buf: Uint8Array): string | null {
  const d = probeFormat(buf, '');
  if (d === undefined) return null;
  const name = typeof d === 'string' ? d : d.formatName;
  return name !== 'raw' ? name : null;
}

registerDriver(fileDriver);
registerDriver(makeRawDriver(probeOtherThanRaw));
registerDriver(nullCoDriver);
registerDriver(nullAioDriver);
registerDriver(blkdebugDriver);
registerDriver(blkverifyDriver);
registerDriver(qcow2Driver);
