// How deep a JSON text nests, found without parsing it (so without recursion): a message
// nested thousands deep must be refused before JSON.parse, zod or String() walk it
// recursively and overflow the stack.

/** Whether `text` nests arrays/objects deeper than `max` (brackets inside strings do not count). */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** Deepest nesting a call may have: the contract's payloads need well under 10 levels. */
export const MAX_MESSAGE_DEPTH = 64;
