import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addRecent, clearRecent, loadRecent, RECENT_LIMIT, recentFilePath, saveRecent } from '../../../main/recent';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'blkstudio-recent-'));
  file = recentFilePath(join(dir, 'userData'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recent files', () => {
  it('keeps the file in the userData directory', () => {
    expect(recentFilePath('/u')).toBe(join('/u', 'recent-files.json'));
  });

  it('is empty when the file is missing, malformed or of the wrong shape', () => {
    expect(loadRecent(file)).toEqual([]);
    saveRecent(file, []);
    writeFileSync(file, '{not json');
    expect(loadRecent(file)).toEqual([]);
    writeFileSync(file, JSON.stringify({ recent: 'x' }));
    expect(loadRecent(file)).toEqual([]);
    writeFileSync(file, 'null');
    expect(loadRecent(file)).toEqual([]);
    writeFileSync(file, JSON.stringify({ recent: ['/a', 3, '', null, '/b'] }));
    expect(loadRecent(file)).toEqual(['/a', '/b']);
  });

  it('adds most recent first, without duplicates, and persists as JSON (creating the directory)', () => {
    expect(addRecent(file, '/img/a.raw')).toEqual(['/img/a.raw']);
    expect(addRecent(file, '/img/b.raw')).toEqual(['/img/b.raw', '/img/a.raw']);
    expect(addRecent(file, '/img/a.raw')).toEqual(['/img/a.raw', '/img/b.raw']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ recent: ['/img/a.raw', '/img/b.raw'] });
    expect(loadRecent(file)).toEqual(['/img/a.raw', '/img/b.raw']);
  });

  it('keeps the last 10', () => {
    expect(RECENT_LIMIT).toBe(10);
    for (let i = 0; i < 15; i++) addRecent(file, `/img/${i}.raw`);
    const list = loadRecent(file);
    expect(list).toHaveLength(10);
    expect(list[0]).toBe('/img/14.raw');
    expect(list[9]).toBe('/img/5.raw');
  });

  it('truncates and dedupes a hand-edited file on load', () => {
    saveRecent(file, []);
    writeFileSync(file, JSON.stringify({ recent: ['/x', '/x', ...Array.from({ length: 20 }, (_, i) => `/f${i}`)] }));
    expect(loadRecent(file)).toEqual(['/x', ...Array.from({ length: 9 }, (_, i) => `/f${i}`)]);
  });

  it('clears', () => {
    addRecent(file, '/img/a.raw');
    expect(clearRecent(file)).toEqual([]);
    expect(loadRecent(file)).toEqual([]);
  });
});
