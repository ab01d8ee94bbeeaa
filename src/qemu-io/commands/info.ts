import type { CmdInfo } from '../cmdinfo';
import { cvtstr } from '../format';
import { negErrno, type QemuIo } from '../qemu-io';

const ENOTSUP = 95;

/** info: driver names, bdrv_get_info() and the format specific information. */
export const infoCmd: CmdInfo = {
  name: 'info',
  altname: 'i',
  oneline: 'prints information about the current file',
  argmin: 0,
  argmax: 0,
  flags: 0,
  async cfunc(io: QemuIo) {
    const blk = io.blk!;
    if (blk.driverPresent) {
      io.out.print(`format name: ${blk.formatName}\n`);
      if (blk.protocolName !== undefined) io.out.print(`format name: ${blk.protocolName}\n`);
    }
    let info;
    try {
      info = await blk.getInfo();
    } catch (e) {
      return negErrno(e);
    }
    // No bdrv_get_info in the driver: -ENOTSUP, and nothing more is printed.
    if (!info) return -ENOTSUP;
    io.out.print(`cluster size: ${cvtstr(info.clusterSize)}\n`);
    io.out.print(`vm state offset: ${cvtstr(info.vmStateOffset)}\n`);
    if (info.specific) {
      io.out.print('Format specific information:\n');
      for (const [key, value] of info.specific) {
        if (typeof value === 'string') io.out.print(`    ${key}: ${value}\n`);
        else io.out.print(`    ${key}:\n${value.map((line) => `        ${line}\n`).join('')}`);
      }
    }
    return 0;
  },
};
