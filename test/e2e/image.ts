// The raw image the e2e web server opens: 1 MiB of zeros in the system temp dir.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const E2E_IMAGE = join(tmpdir(), 'blkstudio-e2e', 'disk.raw');

export function createE2eImage(): string {
  mkdirSync(join(tmpdir(), 'blkstudio-e2e'), { recursive: true });
  writeFileSync(E2E_IMAGE, Buffer.alloc(1024 * 1024));
  return E2E_IMAGE;
}
