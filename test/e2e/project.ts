// Facts about the project the e2e tests compare the UI against.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const PACKAGE = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
