// blkdebug's rules: what `[inject-error]` and `[set-state]` sections (or the inject-error /
// set-state option lists) turn into, with QEMU's checks and messages (blkdebug.c add_rule).
import { BLKDBG_EVENTS, parseBlkdebugEvent, type BlkdebugEvent } from '../../events';
import { checkType, parseQemuBool, parseQemuNumber, type ConfigDiagnostic, type GroupSchema } from './config-file';

/** BlkdebugIOType in enum order: the index is the bit in a rule's iotype mask. */
export const IO_TYPES = ['read', 'write', 'write-zeroes', 'discard', 'flush', 'block-status'] as const;
export type IoType = (typeof IO_TYPES)[number];
export const IOTYPE_READ = 0;
export const IOTYPE_WRITE = 1;
export const IOTYPE_WRITE_ZEROES = 2;
export const IOTYPE_DISCARD = 3;
export const IOTYPE_FLUSH = 4;
export const IOTYPE_BLOCK_STATUS = 5;
/** Without `iotype` a rule fails every kind of request except block-status. */
export const DEFAULT_IOTYPE_MASK = (1 << IOTYPE_READ) | (1 << IOTYPE_WRITE) | (1 << IOTYPE_WRITE_ZEROES) | (1 << IOTYPE_DISCARD) | (1 << IOTYPE_FLUSH);

export const EIO_DEFAULT = 5;

/** Where a rule came from, for the editor and the rule list. */
export interface RuleSource {
  origin: 'config' | 'options' | 'breakpoint' | 'api';
  /** 1-based line of the section header in a config file. */
  line?: number;
  /** Index in the inject-error / set-state option list. */
  index?: number;
}

interface RuleBase {
  /** Unique within one engine; stable while the rule exists. */
  id: number;
  event: BlkdebugEvent;
  /** 0 = any state. */
  state: number;
  source: RuleSource;
  /** How often the rule matched an event (activated, changed state or suspended). */
  hits: number;
}

export interface InjectErrorRule extends RuleBase {
  kind: 'inject-error';
  errno: number;
  /** Byte offset the request must cover (sector * 512), or -1 for any request. */
  offset: number;
  once: boolean;
  immediately: boolean;
  iotypeMask: number;
  /** How many requests this rule failed. */
  injected: number;
}

export interface SetStateRule extends RuleBase {
  kind: 'set-state';
  newState: number;
}

export interface SuspendRule extends RuleBase {
  kind: 'suspend';
  tag: string;
}

export type Rule = InjectErrorRule | SetStateRule | SuspendRule;

/** The keys and QemuOpts types of the two sections (inject_error_opts, set_state_opts). */
export const RULE_SCHEMA: GroupSchema = {
  'inject-error': {
    event: 'string',
    state: 'number',
    iotype: 'string',
    errno: 'number',
    sector: 'number',
    once: 'bool',
    immediately: 'bool',
  },
  'set-state': {
    event: 'string',
    state: 'number',
    new_state: 'number',
  },
};

/** A rule as written, before it gets an id: what add_rule reads from one section. */
export type RuleSpec =
  | Omit<InjectErrorRule, 'id' | 'hits' | 'injected'>
  | Omit<SetStateRule, 'id' | 'hits'>;

export class RuleError extends Error {
  constructor(
    message: string,
    readonly diagnostic?: ConfigDiagnostic,
  ) {
    super(message);
  }
}

/** Values of one section, each with where it was written (for diagnostics). */
export type SectionValues = Map<string, { value: string; line?: number; column?: number }>;

function diag(message: string, at: { line?: number; column?: number } | undefined, len: number): ConfigDiagnostic | undefined {
  if (!at?.line) return undefined;
  const column = at.column ?? 1;
  return { message, line: at.line, column, endColumn: column + Math.max(1, len) };
}

/** add_rule: turn one section into a rule, or throw QEMU's message. */
export function ruleFromSection(group: 'inject-error' | 'set-state', values: SectionValues, source: RuleSource, header?: { line: number }): RuleSpec {
  const ev = values.get('event');
  if (ev === undefined) {
    throw new RuleError('Missing event name for rule', header ? { message: 'Missing event name for rule', line: header.line, column: 1, endColumn: group.length + 3 } : undefined);
  }
  const event = parseBlkdebugEvent(ev.value);
  if (event === undefined) {
    const message = `invalid parameter value: ${ev.value}`;
    throw new RuleError(message, diag(message, ev, ev.value.length));
  }
  const num = (key: string, dflt: number) => {
    const v = values.get(key);
    return v === undefined ? dflt : (parseQemuNumber(v.value) ?? dflt);
  };
  const bool = (key: string) => {
    const v = values.get(key);
    return v === undefined ? false : (parseQemuBool(v.value) ?? false);
  };
  const state = num('state', 0);
  if (group === 'set-state') {
    return { kind: 'set-state', event, state, newState: num('new_state', 0), source };
  }
  let iotypeMask = DEFAULT_IOTYPE_MASK;
  const io = values.get('iotype');
  if (io !== undefined) {
    const idx = (IO_TYPES as readonly string[]).indexOf(io.value);
    if (idx < 0) {
      const message = `invalid parameter value: ${io.value}`;
      throw new RuleError(message, diag(message, io, io.value.length));
    }
    iotypeMask = 1 << idx;
  }
  const sector = num('sector', -1);
  return {
    kind: 'inject-error',
    event,
    state,
    // errno and the offset are C int / int64: keep the wrap-around of huge values.
    errno: num('errno', EIO_DEFAULT) | 0,
    offset: sector === -1 ? -1 : sector * 512,
    once: bool('once'),
    immediately: bool('immediately'),
    iotypeMask,
    source,
  };
}

/** Type-check a value from the option form (json:/-o), where QEMU reports the same texts. */
export function checkOptionValue(group: 'inject-error' | 'set-state', key: string, value: string): string | null {
  const type = RULE_SCHEMA[group][key];
  if (type === undefined) return null;
  return checkType(key, value, type);
}

export const ALL_EVENTS: readonly BlkdebugEvent[] = BLKDBG_EVENTS;
