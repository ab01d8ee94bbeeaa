// "Did you mean ...?" for a misspelt word against a known vocabulary (event names, keys, errno
// names): the closest candidate by edit distance, if it is close enough to be a typo.

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1 (so `wirte` is one edit from `write`).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the one before the previous is needed for swaps.
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

export interface DidYouMeanOptions {
  /** Compare ignoring case (errno names); an exact-case match still wins. Default false. */
  ignoreCase?: boolean;
  /** The largest distance still taken for a typo. Default: a third of the word's length, at least 1, at most 3. */
  maxDistance?: number;
}

/**
 * The candidate closest to `word`, or undefined when none is within the typo distance, or when
 * `word` is itself a candidate. Ties go to the candidate whose length is closer, then to the
 * earlier one in `candidates`.
 */
export function didYouMean(word: string, candidates: Iterable<string>, options: DidYouMeanOptions = {}): string | undefined {
  const fold = options.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const w = fold(word);
  if (w.length === 0) return undefined;
  const limit = options.maxDistance ?? Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { candidate: string; distance: number; lengthGap: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === word) return undefined;
    const distance = editDistance(w, fold(candidate));
    if (distance > limit) continue;
    const lengthGap = Math.abs(candidate.length - word.length);
    if (!best || distance < best.distance || (distance === best.distance && lengthGap < best.lengthGap)) best = { candidate, distance, lengthGap };
  }
  return best?.candidate;
}
