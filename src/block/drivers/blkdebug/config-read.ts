import type { BlockHost } from '../../block-host';
import { readFrom } from '../../host-read';
import { QemuError, strerror, toErrno } from '../../errors';

/** fgets(line, 1024) pieces: a line ends at '\n' or after 1023 bytes. */
const FGETS_MAX = 1023;
const FIRST_CHUNK = 64 * 1024;

/**
 * A blkdebug config file read the way QEMU's parser consumes it, line by line: reading stops as
 * soon as the lines read so far hold an error (`hasError`), since QEMU stops there too. A config
 * of /dev/zero or /dev/urandom therefore costs one chunk, not the whole stream.
 */
export async function readConfigText(host: BlockHost, path: string, hasError: (completeLines: string) => boolean): Promise<string> {
  let file;
  try {
    file = await host.openFile(path, { readOnly: true, direct: false });
  } catch (e) {
    throw new QemuError(`Could not read blkdebug config file: ${strerror(toErrno(e))}`, toErrno(e));
  }
  try {
    let text = '';
    for (let chunk = FIRST_CHUNK; ; chunk = Math.min(chunk * 2, 64 * 1024 * 1024)) {
      let bytes: Uint8Array;
      try {
        bytes = await readFrom(file, text.length, chunk);
      } catch (e) {
        // fopen() of a directory works and the read fails: QEMU's parser reports that one.
        const errno = toErrno(e);
        throw new QemuError(`Cannot read config file: ${strerror(errno)}`, errno);
      }
      text += latin1(bytes);
      if (bytes.length < chunk) return text;
      if (hasError(text.slice(0, completeLinesEnd(text)))) return text;
    }
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** Where the last whole fgets() piece of `text` ends (a partial last line may still grow). */
function completeLinesEnd(text: string): number {
  const afterNl = text.lastIndexOf('\n') + 1;
  return afterNl + Math.floor((text.length - afterNl) / FGETS_MAX) * FGETS_MAX;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}
