import { describe, expect, it } from 'vitest';
import { openBlockBackend } from '../../../src/block/open';
import { MemoryHost } from './memory-host';

const WARNING_D_RAW =
  "WARNING: Image format was not specified for 'd.raw' and probing guessed raw.\n" +
  '         Automatically detecting the format is dangerous for raw images, write operations on block 0 will be restricted.\n' +
  "         Specify the 'raw' format explicitly to remove the restrictions.\n";

async function open(req: Parameters<typeof openBlockBackend>[1], host = hostWithImage()) {
  const warnings: string[] = [];
  const blk = await openBlockBackend(host, req, { warn: (t) => warnings.push(t) });
  return { blk, warnings, host };
}

function hostWithImage(): MemoryHost {
  const host = new MemoryHost();
  host.addFile('d.raw', 1 << 20);
  return host;
}

async function openError(req: Parameters<typeof openBlockBackend>[1], host = hostWithImage()): Promise<string> {
  try {
    await openBlockBackend(host, req, { warn: () => {} });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('open succeeded');
}

describe('opening a graph', () => {
  it('probes a plain filename as raw over file, with the warning', async () => {
    const { blk, warnings } = await open({ filename: 'd.raw' });
    expect(blk.formatName).toBe('raw');
    expect(blk.root.children[0].node.driver.formatName).toBe('file');
    expect(warnings).toEqual([WARNING_D_RAW]);
    expect(await blk.getLength()).toBe(1 << 20);
  });

  it('-f raw opens without probing', async () => {
    const { warnings } = await open({ filename: 'd.raw', format: 'raw' });
    expect(warnings).toEqual([]);
  });

  it('json: filenames and --image-opts', async () => {
    const a = await open({ filename: 'json:{"driver":"raw","file":{"driver":"file","filename":"d.raw"}}' });
    expect(a.blk.formatName).toBe('raw');
    const b = await open({ filename: 'driver=raw,file.driver=file,file.filename=d.raw,offset=512,size=1024', imageOpts: true });
    expect(await b.blk.getLength()).toBe(1024);
    const c = await open({ filename: "json:{'driver':'file','filename':'d.raw'}" });
    expect(c.blk.formatName).toBe('file');
  });

  it('gives QEMU messages for bad opens (texts captured from qemu-io 7.2)', async () => {
    expect(await openError({ filename: 'nosuch.img' })).toBe("Could not open 'nosuch.img': No such file or directory");
    expect(await openError({ filename: 'd.raw', format: 'bogus' })).toBe("Unknown driver 'bogus'");
    expect(await openError({ filename: 'nosuch:foo' })).toBe("Unknown protocol 'nosuch'");
    expect(await openError({ filename: 'json:{}' })).toBe('Must specify either driver or file');
    expect(await openError({ filename: 'json:{"a":' })).toBe('Could not parse the JSON options: JSON parse error, premature EOI');
    expect(await openError({ filename: 'json:[1]' })).toBe('Invalid JSON object given');
    expect(await openError({ filename: 'json:{"driver":"raw" "x"}' })).toBe(
      'Could not parse the JSON options: JSON parse error, expected separator in dict',
    );
    expect(await openError({ filename: 'driver=raw,file.filename=d.raw,foo=1', imageOpts: true })).toBe(
      "Block format 'raw' does not support the option 'foo'",
    );
    expect(await openError({ filename: 'driver=file,filename=d.raw,foo=1', imageOpts: true })).toBe(
      "Block protocol 'file' doesn't support the option 'foo'",
    );
    expect(await openError({ filename: 'driver=raw', imageOpts: true })).toBe('A block device must be specified for "file"');
    expect(await openError({ filename: 'driver=file', imageOpts: true })).toBe("The 'file' block driver requires a file name");
    expect(await openError({ filename: 'null-co://foo' })).toBe("The only allowed filename for this driver is 'null-co://'");
    expect(await openError({ filename: 'driver=raw,file.filename=d.raw,offset=2M', imageOpts: true })).toBe(
      'Offset (2097152) cannot be greater than size of the containing file (1048576)',
    );
    expect(await openError({ filename: 'driver=raw,file.filename=d.raw,offset=512,size=1000', imageOpts: true })).toBe(
      'Specified size is not multiple of 512',
    );
    expect(await openError({ filename: 'json:{"driver":"raw","file":"d.raw"}' })).toBe(
      "Cannot find device='d.raw' nor node-name='d.raw'",
    );
  });

  it('closes what it opened when an open fails', async () => {
    const host = hostWithImage();
    let closes = 0;
    const orig = host.openFile.bind(host);
    host.openFile = async (p, f) => {
      const file = await orig(p, f);
      return { ...file, close: async () => void closes++ };
    };
    await openError({ filename: 'driver=raw,file.filename=d.raw,foo=1', imageOpts: true }, host);
    expect(closes).toBe(1);
  });
});

describe('I/O through the gateway', () => {
  it('writes and reads back, pads unaligned writes on a probed raw image', async () => {
    const { blk, host } = await open({ filename: 'd.raw' });
    const data = new Uint8Array(100).fill(7);
    await blk.pwrite(1000, 100, data, 0);
    const back = new Uint8Array(200);
    await blk.pread(950, 200, back);
    expect([...back.subarray(0, 50)].every((b) => b === 0)).toBe(true);
    expect([...back.subarray(50, 150)].every((b) => b === 7)).toBe(true);
    expect(host.files.get('d.raw')?.[1099]).toBe(7);
    // Writethrough: every write was flushed to the host.
    expect(host.syncs).toBeGreaterThan(0);
  });

  it('refuses requests beyond the end with EIO', async () => {
    const { blk } = await open({ filename: 'd.raw', format: 'raw' });
    await expect(blk.pread(2 << 20, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
    await expect(blk.pwrite((1 << 20) - 100, 512, new Uint8Array(512), 0)).rejects.toMatchObject({ errno: 5 });
  });

  it('a probed raw image refuses to get a qcow2 header in block 0', async () => {
    const { blk } = await open({ filename: 'd.raw' });
    const hdr = new Uint8Array(512);
    hdr.set([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]);
    await expect(blk.pwrite(0, 512, hdr, 0)).rejects.toMatchObject({ errno: 1 });
    // Anywhere else, or on an image opened with -f raw, the same bytes are fine.
    await blk.pwrite(512, 512, hdr, 0);
    const explicit = await open({ filename: 'd.raw', format: 'raw' });
    await explicit.blk.pwrite(0, 512, hdr, 0);
  });

  it('an image in a format blkstudio cannot open yet is refused, not read as raw', async () => {
    const host = hostWithImage();
    // QED's magic: recognised, but no driver here can open it.
    (host.files.get('d.raw') as Uint8Array).set([0x51, 0x45, 0x44, 0x00]);
    expect(await openError({ filename: 'd.raw' }, host)).toMatch(/in qed format/);
  });

  it('discard reads back as zeroes, write-zeroes too; discard=ignore keeps data', async () => {
    const { blk } = await open({ filename: 'd.raw', format: 'raw' });
    await blk.pwrite(0, 8192, new Uint8Array(8192).fill(1), 0);
    await blk.pdiscard(0, 4096);
    await blk.pwriteZeroes(4096, 1024, 0);
    const back = new Uint8Array(8192);
    await blk.pread(0, 8192, back);
    expect(back.subarray(0, 5120).every((b) => b === 0)).toBe(true);
    expect(back.subarray(5120).every((b) => b === 1)).toBe(true);

    const ign = await open({ filename: 'd.raw', format: 'raw', discard: 'ignore' });
    await ign.blk.pwrite(0, 4096, new Uint8Array(4096).fill(3), 0);
    await ign.blk.pdiscard(0, 4096);
    const b2 = new Uint8Array(4096);
    await ign.blk.pread(0, 4096, b2);
    expect(b2.every((b) => b === 3)).toBe(true);
  });

  it('raw offset/size window maps to the file', async () => {
    const { blk, host } = await open({ filename: 'driver=raw,file.filename=d.raw,offset=4096,size=8192', imageOpts: true });
    await blk.pwrite(0, 4, new Uint8Array([1, 2, 3, 4]), 0);
    expect([...(host.files.get('d.raw') as Uint8Array).subarray(4096, 4100)]).toEqual([1, 2, 3, 4]);
    await expect(blk.pwrite(8192, 1, new Uint8Array(1), 0)).rejects.toMatchObject({ errno: 5 });
  });

  it('truncate grows and shrinks; preallocation errors use QEMU texts', async () => {
    const { blk } = await open({ filename: 'd.raw', format: 'raw' });
    await blk.truncate(2 << 20, false, 'off');
    expect(await blk.getLength()).toBe(2 << 20);
    await blk.truncate(1000, false, 'off');
    expect(await blk.getLength()).toBe(1024);
    await expect(blk.truncate(5000, false, 'metadata')).rejects.toThrow('Unsupported preallocation mode: metadata');
    await expect(blk.truncate(10, false, 'full')).rejects.toThrow('Cannot use preallocation for shrinking files');
  });

  it('null-co: reads leave the buffer unless read-zeroes, allocation status', async () => {
    const { blk } = await open({ filename: 'null-co://', format: 'null-co' });
    expect(await blk.getLength()).toBe(1 << 30);
    const buf = new Uint8Array(16).fill(0xab);
    await blk.pread(0, 16, buf);
    expect(buf[0]).toBe(0xab);
    expect((await blk.isAllocated(0, 1024)).allocated).toBe(false);
    const z = await open({ filename: 'driver=null-co,size=1M,read-zeroes=on', imageOpts: true });
    await z.blk.pread(0, 16, buf);
    expect(buf[0]).toBe(0);
    expect(await z.blk.isAllocated(0, 1024)).toEqual({ allocated: true, pnum: 1024 });
    await expect(z.blk.truncate(2 << 20, false, 'off')).rejects.toThrow('Image format driver does not support resize');
  });

  it('raw over file is allocated everywhere; debug commands are unsupported', async () => {
    const { blk } = await open({ filename: 'd.raw', format: 'raw' });
    expect(await blk.isAllocated(0, 1 << 20)).toEqual({ allocated: true, pnum: 1 << 20 });
    expect(blk.debugBreakpoint('write_aio', 'A')).toBe(-95);
  });
});
