// The "Open Recent" list: the last images opened, most recent first, kept in a small JSON file
// (app.getPath('userData')/recent-files.json). Plain node; no Electron here, so it is unit-tested.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const RECENT_LIMIT = 10;
export const RECENT_FILE_NAME = 'recent-files.json';

export function recentFilePath(userDataDir: string): string {
  return join(userDataDir, RECENT_FILE_NAME);
}

/** Reads the list; a missing, unreadable or malformed file is an empty list. */
export function loadRecent(file: string, limit = RECENT_LIMIT): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const list = (parsed as { recent?: unknown } | null)?.recent;
  if (!Array.isArray(list)) return [];
  return dedupe(list.filter((p): p is string => typeof p === 'string' && p.length > 0)).slice(0, limit);
}

/** Writes the list atomically (temp file + rename). */
export function saveRecent(file: string, list: readonly string[], limit = RECENT_LIMIT): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ recent: dedupe(list).slice(0, limit) }, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Moves `path` to the front (no duplicates, at most `limit`), saves and returns the new list. */
export function addRecent(file: string, path: string, limit = RECENT_LIMIT): string[] {
  const next = [path, ...loadRecent(file, limit).filter((p) => p !== path)].slice(0, limit);
  saveRecent(file, next, limit);
  return next;
}

/** Empties the list. */
export function clearRecent(file: string): string[] {
  saveRecent(file, []);
  return [];
}

function dedupe(list: readonly string[]): string[] {
  return [...new Set(list)];
}
