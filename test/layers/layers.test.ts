// Scans every import (including `import type` and dynamic imports) in the app and engine and
// checks it against the layering rules.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { violation, type ImportRef } from './import-rules';

const ROOT = resolve(__dirname, '..', '..');
const SCANNED = ['src', 'main', 'renderer'];

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|cts)$/.test(e.name) ? [path] : [];
  });
}

function importsOf(file: string): ImportRef[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const from = relative(ROOT, file).split('\\').join('/');
  return info.importedFiles.map((f) => ({ from, specifier: f.fileName }));
}

describe('import layering (DESIGN.md §2)', () => {
  const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d)));
  const refs = files.flatMap(importsOf);

  it('finds the code to check', () => {
    expect(files.some((f) => f.includes('/main/'))).toBe(true);
    expect(files.some((f) => f.includes('/renderer/'))).toBe(true);
    expect(refs.length).toBeGreaterThan(10);
  });

  it('has no import that crosses a layer boundary', () => {
    const bad = refs.flatMap((r) => {
      const why = violation(r);
      return why ? [`${r.from}: '${r.specifier}': ${why}`] : [];
    });
    expect(bad).toEqual([]);
  });
});

describe('the rule checker', () => {
  const check = (from: string, specifier: string) => violation({ from, specifier });

  it.each([
    ['src/block/driver.ts', 'node:fs'],
    ['src/block/driver.ts', 'fs/promises'],
    ['src/api/index.ts', 'electron'],
    ['src/session/session.ts', 'react'],
    ['src/qemu-io/commands/read.ts', '../../host/node-file'],
    ['src/common/x.ts', '../../main/ipc'],
    ['src/block/drivers/raw/raw.ts', '../file/file'],
    ['src/block/drivers/qcow2/l2.ts', '../../drivers/blkdebug/index'],
    ['renderer/src/App.tsx', '../../src/block/driver'],
    ['renderer/src/App.tsx', '../../src/session/session'],
    ['renderer/src/App.tsx', 'electron'],
    ['renderer/src/App.tsx', 'node:path'],
    ['main/index.ts', '../src/block/index'],
    ['main/index.ts', '../src/qemu-io/run'],
    ['main/index.ts', '../renderer/src/App'],
    ['main/index.ts', 'react'],
  ])('flags %s importing %s', (from, specifier) => {
    expect(check(from, specifier)).toBeDefined();
  });

  it.each([
    ['src/block/open.ts', './drivers/raw/raw'],
    ['src/block/drivers/raw/raw.ts', './helpers'],
    ['src/block/drivers/raw/raw.ts', '../../driver'],
    ['src/block/drivers/qcow2/l2/table.ts', '../header'],
    ['src/api/index.ts', '../common/emitter'],
    ['src/host/node-file.ts', 'node:fs'],
    ['src/cli/blkstudio.ts', '../host/web-server'],
    ['renderer/src/App.tsx', '../../src/api'],
    ['renderer/src/App.tsx', 'react'],
    ['renderer/src/App.tsx', './styles.css'],
    ['main/index.ts', 'electron'],
    ['main/index.ts', '../src/session/index'],
    ['main/index.ts', '../src/host/api-handlers'],
    ['main/preload/index.ts', '../../src/api/channels'],
  ])('allows %s importing %s', (from, specifier) => {
    expect(check(from, specifier)).toBeUndefined();
  });
});
