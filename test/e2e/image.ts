// The raw image the e2e web server opens: 1 MiB of zeros in the system temp dir.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One directory per port, so runs on different ports (E2E_PORT) never share an image.
const DIR = join(tmpdir(), `blkstudio-e2e-${process.env.E2E_PORT ?? 4173}`);
export const E2E_IMAGE = join(DIR, 'disk.raw');

export function createE2eImage(): string {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(E2E_IMAGE, Buffer.alloc(1024 * 1024));
  return E2E_IMAGE;
}
