// A session prints, command by command, what blkstudio-io prints for the same -c command lines.
import { describe, expect, it } from 'vitest';
import { qemuIoMain } from '../../../src/qemu-io/main';
import { Session } from '../../../src/session/index';
import { MemoryHost } from '../block/memory-host';
import { MemoryQemuIoHost } from '../qemu-io/memory-host';
import { mask, realEnv } from './helpers';

const LINES = [
  'length',
  'write -P 0xab 0 4k',
  'read -v 0 32',
  'read -P 0xab 0 4k',
  'read -P 0xcd 0 512',
  'readv -P 0xab 0 512 512',
  'writev -P 0x5a 8k 1k 1k',
  'write -z 4k 4k',
  'discard 0 512',
  'map',
  'alloc 0 4k',
  'flush',
  'truncate 2M',
  'length',
  'info',
  'read 3M 512',
  'write -P 0x100 0 512',
  'nosuch',
  'read',
  'help alloc',
  'break write_aio A',
];

function image(): MemoryHost {
  const host = new MemoryHost();
  host.addFile('d.raw', 1 << 20);
  return host;
}

describe('Session output matches blkstudio-io', () => {
  it('for the same command lines on the same image', async () => {
    const ioHost = new MemoryQemuIoHost();
    await qemuIoMain(['-f', 'raw', ...LINES.flatMap((l) => ['-c', l]), 'd.raw'], ioHost, image());

    const s = await Session.open(image(), { filename: 'd.raw', format: 'raw' }, realEnv());
    let stdout = '';
    let stderr = '';
    for (const line of LINES) {
      const r = await s.run(line);
      stdout += r.stdout;
      stderr += r.stderr;
    }
    await s.close();
    expect(ioHost.stdout).toContain('wrote 4096/4096 bytes at offset 0');
    expect(ioHost.stderr).toContain('command "nosuch" not found');
    expect(mask(stdout)).toBe(mask(ioHost.stdout));
    expect(stderr).toBe(ioHost.stderr);
  });
});
