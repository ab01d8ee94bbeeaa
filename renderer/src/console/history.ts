// The console's command history: the last HISTORY_LIMIT lines, kept in localStorage, walked
// with Up/Down like readline (the line being typed is kept as a draft below the newest entry).
export const HISTORY_LIMIT = 200;
export const HISTORY_KEY = 'blkstudio.console.history';

/** Append a line: blank lines and a repeat of the newest entry are not kept. */
export function addToHistory(history: readonly string[], line: string): string[] {
  const text = line.trim();
  if (!text || history[history.length - 1] === text) return [...history];
  return [...history, text].slice(-HISTORY_LIMIT);
}

/** What the history needs of localStorage (an interface, so node tests can pass a fake). */
interface Store {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function loadHistory(storage: Store | null): string[] {
  try {
    const raw = storage?.getItem(HISTORY_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string').slice(-HISTORY_LIMIT) : [];
  } catch {
    return [];
  }
}

export function saveHistory(storage: Store | null, history: readonly string[]): void {
  try {
    storage?.setItem(HISTORY_KEY, JSON.stringify(history.slice(-HISTORY_LIMIT)));
  } catch {
    // Storage full or disabled: history lives for this window only.
  }
}

/** Where Up/Down stand: index === history.length is the draft (the line being typed). */
export interface HistoryNav {
  index: number;
  draft: string;
}

export const atDraft = (history: readonly string[]): HistoryNav => ({ index: history.length, draft: '' });

/** Up: the previous entry (saving the typed line as the draft), or null at the oldest. */
export function historyUp(history: readonly string[], nav: HistoryNav, current: string): { nav: HistoryNav; line: string } | null {
  const from = Math.min(nav.index, history.length);
  if (from <= 0) return null;
  const draft = from === history.length ? current : nav.draft;
  return { nav: { index: from - 1, draft }, line: history[from - 1] };
}

/** Down: the next entry, then the draft; null when already at the draft. */
export function historyDown(history: readonly string[], nav: HistoryNav): { nav: HistoryNav; line: string } | null {
  if (nav.index >= history.length) return null;
  const index = nav.index + 1;
  return { nav: { index, draft: nav.draft }, line: index === history.length ? nav.draft : history[index] };
}
