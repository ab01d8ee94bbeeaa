// Facts about the project the e2e tests compare the UI against.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const PACKAGE = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/** The web host's token in e2e runs (BLKSTUDIO_WEB_TOKEN; a real run gets a random one). */
export const E2E_TOKEN = 'e2e-token-for-playwright-only-0123456789';

/** Where scenario screenshots go (kept as CI artifacts): <output dir>/screenshots/NAME.png. */
export function screenshotPath(name: string): string {
  return resolve(PROJECT_ROOT, process.env.E2E_OUTPUT ?? 'test-results', 'screenshots', `${name}.png`);
}

/** The seeds' example (QEMU's docs/blkdebug.txt): the first write_aio moves to state 2, where
 * the second write_aio fails with EIO. The demo workspace runs the same rules. */
export { DEMO_RULES as SEEDS_RULES } from '../../src/host/demo-workspace';
