import type { BlockHost, HostFile } from './block-host';

/**
 * Up to `len` bytes from the start of a host file, as fread() gets them: short only at end of
 * file. Reads never more than asked, so /dev/zero or a FIFO cannot fill memory. Throws the
 * BlockError of open(2) or read(2).
 */
export async function readHostPrefix(host: BlockHost, path: string, len: number): Promise<Uint8Array> {
  const file = await host.openFile(path, { readOnly: true, direct: false });
  try {
    return await readFrom(file, 0, len);
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** `len` bytes at `offset` (fewer at end of file). */
export async function readFrom(file: HostFile, offset: number, len: number): Promise<Uint8Array> {
  const buf = new Uint8Array(len);
  let done = 0;
  while (done < len) {
    const n = await file.pread(buf.subarray(done), offset + done);
    if (n <= 0) break;
    done += n;
  }
  return done === len ? buf : buf.subarray(0, done);
}
