// Command-name completion and the one-line usage hint of the qemu-io console, readline-style:
// Tab completes the command word as far as it is unambiguous, a second Tab lists the
// candidates. Pure functions over AppInfo's command list.
import type { CommandInfo } from '../../../src/api';

export type CommandLike = Pick<CommandInfo, 'name' | 'altname' | 'args' | 'oneline'>;

export type Completion =
  /** Nothing to complete here (past the command word, or no command starts so). */
  | { kind: 'none' }
  /** One candidate: the line with it completed (and a space after). */
  | { kind: 'unique'; line: string; cursor: number }
  /** Several: the line extended to their longest common prefix (maybe unchanged). */
  | { kind: 'ambiguous'; line: string; cursor: number; candidates: string[]; changed: boolean };

/** Every command name and altname, sorted, once each. */
export function commandWords(commands: readonly CommandLike[]): string[] {
  const words = new Set<string>();
  for (const c of commands) {
    words.add(c.name);
    if (c.altname) words.add(c.altname);
  }
  return [...words].sort();
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) {
    let i = 0;
    while (i < prefix.length && i < w.length && prefix[i] === w[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

/** Complete the command word the cursor is in. */
export function complete(line: string, cursor: number, commands: readonly CommandLike[]): Completion {
  const before = line.slice(0, cursor);
  const wordStart = before.length - before.trimStart().length;
  const prefix = before.slice(wordStart);
  if (/\s/.test(prefix)) return { kind: 'none' };
  const candidates = commandWords(commands).filter((w) => w.startsWith(prefix));
  if (candidates.length === 0) return { kind: 'none' };
  // The rest of the word under the cursor is replaced, as readline does at the end of a word.
  const restMatch = /^\S*/.exec(line.slice(cursor));
  const after = line.slice(cursor + (restMatch ? restMatch[0].length : 0));
  if (candidates.length === 1) {
    const word = candidates[0];
    const sep = after.startsWith(' ') ? '' : ' ';
    const head = line.slice(0, wordStart) + word + sep;
    return { kind: 'unique', line: head + after, cursor: head.length + (sep ? 0 : 1) };
  }
  const common = commonPrefix(candidates);
  const head = line.slice(0, wordStart) + common;
  return { kind: 'ambiguous', line: head + line.slice(cursor), cursor: head.length, candidates, changed: common.length > prefix.length };
}

/** Candidates in columns down then across, as readline lists them on a second Tab. */
export function formatCandidates(candidates: readonly string[], width = 80): string {
  if (candidates.length === 0) return '';
  const colWidth = Math.max(...candidates.map((c) => c.length)) + 2;
  const cols = Math.max(1, Math.floor(width / colWidth));
  const rows = Math.ceil(candidates.length / cols);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let text = '';
    for (let c = 0; c < cols; c++) {
      const word = candidates[c * rows + r];
      if (word === undefined) continue;
      const last = candidates[(c + 1) * rows + r] === undefined;
      text += last ? word : word.padEnd(colWidth);
    }
    lines.push(text);
  }
  return lines.join('\n');
}

/** `write [-bcCfnquz] [-P pattern] off len -- writes a number of bytes at a specified offset`. */
export function usageLine(cmd: CommandLike): string {
  return `${cmd.name}${cmd.args ? ` ${cmd.args}` : ''} -- ${cmd.oneline}`;
}

/**
 * The hint under the command line: the usage of the command typed (by name or altname), or of
 * the only command the word can still become, or the candidates while it is ambiguous.
 */
export function commandHint(line: string, commands: readonly CommandLike[]): string | null {
  const trimmed = line.trimStart();
  const word = /^\S*/.exec(trimmed)?.[0] ?? '';
  if (!word) return null;
  const exact = commands.find((c) => c.name === word || c.altname === word);
  if (exact) return usageLine(exact);
  if (trimmed.length > word.length) return `unknown command '${word}' (help lists them)`;
  const matches = commands.filter((c) => c.name.startsWith(word) || c.altname?.startsWith(word));
  if (matches.length === 1) return usageLine(matches[0]);
  if (matches.length > 1) return commandWords(matches).filter((w) => w.startsWith(word)).join('  ');
  return `no command starts with '${word}'`;
}
