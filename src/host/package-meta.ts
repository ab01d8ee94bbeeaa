// Reads name and version from the project's package.json (the web host's answer to app:info;
// Electron main gets the same values from app.getName()/getVersion()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppMeta } from './api-handlers';

export function readPackageMeta(projectRoot: string): AppMeta {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as Partial<AppMeta>;
  return { name: String(pkg.name ?? 'blkstudio'), version: String(pkg.version ?? '0.0.0') };
}
