// The blkdebug filter driver: sits between a format and its file, consumes the debug events the
// format and the gateway announce, and fails, delays or parks requests as its rules say.
import type { BdrvChild } from '../../child';
import type { BlockDriver, BlockStatus, DebugHooks, DriverInfo, DriverInstance, EventRequest, PreallocMode } from '../../driver';
import { forwardedInfo } from '../../forwarded-info';
import { BDRV_BLOCK_OFFSET_VALID, BDRV_BLOCK_RAW, BDRV_REQ_FUA, BDRV_REQ_INSPECT, BDRV_REQ_MAY_UNMAP, BDRV_REQ_NO_FALLBACK } from '../../driver';
import { BlockError, ENOTSUP, QemuError } from '../../errors';
import type { BlkdebugEvent } from '../../events';
import { nothingToDo, unsupported } from '../../driver-helpers';
import type { BlockNode } from '../../node';
import type { OpenContext } from '../../open-context';
import { OptionReader, type QDict, type QValue } from '../../qdict';
import { parseConfigFile, type ConfigDiagnostic, type ConfigSection } from './config-file';
import { readConfigText } from './config-read';
import { BlkdebugEngine } from './engine';
import { sectionsFromOptions } from './option-rules';
import {
  IOTYPE_BLOCK_STATUS,
  IOTYPE_DISCARD,
  IOTYPE_FLUSH,
  IOTYPE_READ,
  IOTYPE_WRITE,
  IOTYPE_WRITE_ZEROES,
  RULE_SCHEMA,
  RuleError,
  ruleFromSection,
  type RuleSpec,
  type SectionValues,
} from './rules';

const INT_MAX = 2 ** 31 - 1;
const PERMISSIONS = ['consistent-read', 'write', 'write-unchanged', 'resize', 'graph-mod'];

export class BlkdebugDriver implements DriverInstance {
  readonly supportedWriteFlags: number;
  readonly supportedZeroFlags: number;
  readonly debug: DebugHooks;
  limits: DriverInstance['limits'];

  constructor(
    readonly primaryChild: BdrvChild,
    readonly engine: BlkdebugEngine,
    limits: NonNullable<DriverInstance['limits']>,
    /** The host's "next main-loop iteration", where a failing request without `immediately` resumes. */
    private readonly nextTurn?: () => Promise<void>,
  ) {
    const child = primaryChild.node.drv;
    this.supportedWriteFlags = BDRV_REQ_FUA & child.supportedWriteFlags;
    this.supportedZeroFlags = (BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK) & child.supportedZeroFlags;
    this.limits = limits;
    this.debug = {
      wants: (event: BlkdebugEvent) => engine.observed || engine.hasRules(event),
      debugEvent: (event: BlkdebugEvent, req?: EventRequest) => {
        engine.currentRequest = req ?? null;
        return engine.debugEvent(event);
      },
      breakpoint: (event, tag) => engine.breakpoint(event, tag),
      removeBreakpoint: (tag) => engine.removeBreakpointEntering(tag),
      resume: (tag) => engine.resume(tag),
      isSuspended: (tag) => engine.isSuspended(tag),
    };
  }

  private get image(): BdrvChild {
    return this.primaryChild;
  }

  /**
   * rule_check: fail the request if an active rule covers it; without `immediately` yield first.
   * Resolves true when the request ends here without error: QEMU returns -errno, so a negative
   * errno in a rule is a "success" that never reaches the image.
   */
  private async check(offset: number, bytes: number, iotype: number): Promise<boolean> {
    const rule = this.engine.ruleCheck(offset, bytes, iotype);
    if (!rule) return false;
    if (!rule.immediately) await (this.nextTurn ? this.nextTurn() : Promise.resolve());
    if (rule.errno < 0) return true;
    throw new BlockError(rule.errno);
  }

  async preadv(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    // An inspection read passes untouched: no rule check, no injected error, no state.
    if (flags & BDRV_REQ_INSPECT) return this.image.preadv(offset, bytes, buf, flags);
    if (await this.check(offset, bytes, IOTYPE_READ)) return;
    return this.image.preadv(offset, bytes, buf, flags);
  }

  async pwritev(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    if (await this.check(offset, bytes, IOTYPE_WRITE)) return;
    return this.image.pwritev(offset, bytes, buf, flags);
  }

  /** Smaller than the zeroing alignment: ENOTSUP, so the gateway writes a zeroed buffer instead. */
  async pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void> {
    const align = Math.max(this.limits?.requestAlignment ?? 1, this.limits?.pwriteZeroesAlignment ?? 0);
    if (bytes < align) throw new BlockError(ENOTSUP);
    if (await this.check(offset, bytes, IOTYPE_WRITE_ZEROES)) return;
    return this.image.pwriteZeroes(offset, bytes, flags);
  }

  async pdiscard(offset: number, bytes: number): Promise<void> {
    if (bytes < (this.limits?.requestAlignment ?? 1)) throw new BlockError(ENOTSUP);
    if (await this.check(offset, bytes, IOTYPE_DISCARD)) return;
    return this.image.pdiscard(offset, bytes);
  }

  pwriteCompressed(): Promise<void> {
    return unsupported();
  }

  /** Flush carries no range: only rules without `sector` can fail it. */
  async flushToDisk(): Promise<void> {
    if (await this.check(0, 0, IOTYPE_FLUSH)) return;
    return this.image.flush();
  }

  flushToOs(): Promise<void> {
    return nothingToDo();
  }

  async blockStatus(offset: number, bytes: number, _wantZero: boolean, flags: number): Promise<BlockStatus> {
    // A "successful" failure leaves QEMU's status unset (0): nothing allocated. Inspection is not checked.
    if (!(flags & BDRV_REQ_INSPECT) && (await this.check(offset, bytes, IOTYPE_BLOCK_STATUS))) return { status: 0, pnum: bytes };
    return { status: BDRV_BLOCK_RAW | BDRV_BLOCK_OFFSET_VALID, pnum: bytes, map: offset, file: this.image };
  }

  /** A filter: the length, truncation and VM state are the image's. */
  getLength(): Promise<number> {
    return this.image.getLength();
  }

  truncate(offset: number, exact: boolean, prealloc: PreallocMode): Promise<void> {
    return this.image.truncate(offset, exact, prealloc);
  }

  saveVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    return this.image.saveVmstate(pos, bytes, buf);
  }

  loadVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    return this.image.loadVmstate(pos, bytes, buf);
  }

  getInfo(): Promise<DriverInfo | null> {
    return forwardedInfo(this.image);
  }

  close(): Promise<void> {
    // A request still parked at close would never finish: let it go.
    this.engine.resumeAll();
    return Promise.resolve();
  }
}

interface SectionInput {
  group: 'inject-error' | 'set-state';
  values: SectionValues;
  source: RuleSpec['source'];
  header?: { line: number };
}

/** Parsed config sections as add_rule inputs (values keep their line and column). */
function sectionInputs(sections: readonly ConfigSection[]): SectionInput[] {
  return sections.map((s) => ({
    group: s.group as 'inject-error' | 'set-state',
    values: new Map(s.options.map((o) => [o.key, { value: o.value, line: o.line, column: o.valueColumn }])),
    source: { origin: 'config' as const, line: s.line },
    header: { line: s.line },
  }));
}

/** The sections of a config file, or its first syntax error (with line and column). */
function configInputs(text: string): SectionInput[] {
  const parsed = parseConfigFile(text, RULE_SCHEMA);
  if (parsed.diagnostics.length > 0) throw new RuleError(parsed.diagnostics[0].message, parsed.diagnostics[0]);
  return sectionInputs(parsed.sections);
}

/** QEMU adds every inject-error section's rule first, then every set-state section's. */
function inQemuOrder(sections: SectionInput[]): SectionInput[] {
  return [...sections.filter((s) => s.group === 'inject-error'), ...sections.filter((s) => s.group === 'set-state')];
}

/** add_rule over every inject-error section, then every set-state section; throws RuleError. */
function buildRules(sections: SectionInput[]): RuleSpec[] {
  return inQemuOrder(sections).map((s) => ruleFromSection(s.group, s.values, s.source, s.header));
}

/** Rules from a config file as QEMU would load them, or the first error with where it is. */
export function rulesFromConfig(text: string): { specs: RuleSpec[]; error: RuleError | null } {
  const { specs, diagnostics } = lintRuleFile(text);
  if (diagnostics.length === 0) return { specs, error: null };
  return { specs: [], error: new RuleError(diagnostics[0].message, diagnostics[0]) };
}

/**
 * Every problem in a rule file, each with line and column (for an editor), and the rules of
 * the sections that are fine. QEMU would stop at the first problem: that is diagnostics[0]
 * when the file has syntax errors, else the first rule error in QEMU's order.
 */
export function lintRuleFile(text: string): { specs: RuleSpec[]; diagnostics: ConfigDiagnostic[] } {
  const parsed = parseConfigFile(text, RULE_SCHEMA);
  const diagnostics = [...parsed.diagnostics];
  const specs: RuleSpec[] = [];
  for (const s of inQemuOrder(sectionInputs(parsed.sections))) {
    try {
      specs.push(ruleFromSection(s.group, s.values, s.source, s.header));
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      diagnostics.push(e.diagnostic ?? { message: e.message, line: s.header?.line ?? 1, column: 1, endColumn: 2 });
    }
  }
  return { specs, diagnostics };
}

/** Options that make a blkdebug node different from its plain filename (strong_runtime_opts). */
const STRONG_OPTIONS = ['config', 'align', 'max-transfer', 'opt-write-zero', 'max-write-zero', 'opt-discard', 'max-discard'];
const isStrong = (key: string) => STRONG_OPTIONS.includes(key) || key.startsWith('inject-error.') || key.startsWith('set-state.');

/** QEMU's JSON text for a filename: `{"key": value, ...}`, values already JSON text. */
function jsonObject(entries: Array<[string, string]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`;
}

/**
 * blkdebug_refresh_filename: `blkdebug:CONFIG:IMAGE` when only the config file and the image
 * make the node, else a json: filename with the image, the driver and the strong options.
 */
function refreshFilename(config: string | undefined, image: BlockNode, strong: Array<[string, QValue]>): string {
  if (strong.every(([k]) => k === 'config')) return `blkdebug:${config ?? ''}:${image.filename}`;
  const imageJson = jsonObject([['driver', JSON.stringify(image.driver.formatName)], ['filename', JSON.stringify(image.filename)]]);
  const rest = strong.map(([k, v]): [string, string] => [k, JSON.stringify(v)]);
  return `json:${jsonObject([['image', imageJson], ['driver', '"blkdebug"'], ...rest])}`;
}

export const blkdebugDriver: BlockDriver = {
  formatName: 'blkdebug',
  protocolName: 'blkdebug',
  isFilter: true,
  isFormat: false,
  runtimeOptions: ['config', 'x-image', 'image', 'align', 'max-transfer', 'opt-write-zero', 'max-write-zero', 'opt-discard', 'max-discard', 'inject-error', 'set-state', 'take-child-perms', 'unshare-child-perms'],
  /** blkdebug:CONFIG:IMAGE, split at the first colon after the prefix. */
  parseFilename(filename: string, options: QDict): void {
    const rest = filename.startsWith('blkdebug:') ? filename.slice('blkdebug:'.length) : filename;
    if (!filename.startsWith('blkdebug:')) {
      options.set('x-image', filename);
      return;
    }
    const colon = rest.indexOf(':');
    if (colon < 0) throw new QemuError('blkdebug requires both config file and image path');
    if (colon > 0) options.set('config', rest.slice(0, colon));
    options.set('x-image', rest.slice(colon + 1));
  },
  async open(node: BlockNode, options: QDict, ctx: OpenContext): Promise<DriverInstance> {
    options.delete('filename');
    const opts = new OptionReader(options);
    const strong = [...options].filter(([k]) => isStrong(k));
    const config = opts.takeString('config');
    const xImage = opts.takeString('x-image');
    const sizes = {
      align: opts.takeSize('align') ?? 0,
      maxTransfer: opts.takeSize('max-transfer') ?? 0,
      optWriteZero: opts.takeSize('opt-write-zero') ?? 0,
      maxWriteZero: opts.takeSize('max-write-zero') ?? 0,
      optDiscard: opts.takeSize('opt-discard') ?? 0,
      maxDiscard: opts.takeSize('max-discard') ?? 0,
    };

    // Rules: the config file's, then the options' (all parsed before any rule is added).
    let configText: string | null = null;
    if (config !== undefined) configText = await readConfigText(ctx.host, config, (lines) => parseConfigFile(lines, RULE_SCHEMA).diagnostics.length > 0);
    let specs: RuleSpec[];
    try {
      const inputs = configText === null ? [] : configInputs(configText);
      for (const group of ['inject-error', 'set-state'] as const) {
        for (const s of sectionsFromOptions(options, group)) inputs.push({ group, values: s.values, source: { origin: 'options', index: s.index } });
      }
      specs = buildRules(inputs);
    } catch (e) {
      if (e instanceof RuleError) throw new QemuError(e.message);
      throw e;
    }

    parsePermissions(options, 'take-child-perms');
    parsePermissions(options, 'unshare-child-perms');

    const image = await ctx.openChild(node, options, 'image', 'filtered', { filename: xImage, protocolOnly: true });

    // Limits (blkdebug_open's alignment overrides), each with QEMU's message.
    const bad = (name: string, v: number) => new QemuError(`Cannot meet constraints with ${name} ${v}`);
    if (sizes.align && (sizes.align >= INT_MAX || (sizes.align & (sizes.align - 1)) !== 0)) throw bad('align', sizes.align);
    let align = Math.max(sizes.align, image.node.limits.requestAlignment);
    if (sizes.maxTransfer && (sizes.maxTransfer >= INT_MAX || sizes.maxTransfer % align !== 0)) throw bad('max-transfer', sizes.maxTransfer);
    if (sizes.optWriteZero && (sizes.optWriteZero >= INT_MAX || sizes.optWriteZero % align !== 0)) throw bad('opt-write-zero', sizes.optWriteZero);
    const zAlign = Math.max(sizes.optWriteZero, align);
    if (sizes.maxWriteZero && (sizes.maxWriteZero >= INT_MAX || sizes.maxWriteZero % zAlign !== 0)) throw bad('max-write-zero', sizes.maxWriteZero);
    if (sizes.optDiscard && (sizes.optDiscard >= INT_MAX || sizes.optDiscard % align !== 0)) throw bad('opt-discard', sizes.optDiscard);
    align = Math.max(sizes.optDiscard, align);
    if (sizes.maxDiscard && (sizes.maxDiscard >= INT_MAX || sizes.maxDiscard % align !== 0)) throw bad('max-discard', sizes.maxDiscard);

    const engine = new BlkdebugEngine({ print: (t) => ctx.print(t), now: ctx.host.now?.bind(ctx.host) });
    for (const spec of specs) engine.addRule(spec);
    node.filename = refreshFilename(config, image.node, strong);
    const drv = new BlkdebugDriver(image, engine, {
      requestAlignment: sizes.align || 1,
      maxTransfer: sizes.maxTransfer,
      pwriteZeroesAlignment: sizes.optWriteZero,
      maxPwriteZeroes: sizes.maxWriteZero,
      pdiscardAlignment: sizes.optDiscard,
      maxPdiscard: sizes.maxDiscard,
    }, ctx.host.nextTurn?.bind(ctx.host));
    // `none` fires once, at the end of open: rules on it are armed from the start.
    await engine.debugEvent('none');
    return drv;
  },
};

/** take-child-perms.N / unshare-child-perms.N lists: accepted, checked, no effect here. */
function parsePermissions(options: QDict, key: string): void {
  for (const [k, v] of [...options]) {
    if (!k.startsWith(`${key}.`)) continue;
    options.delete(k);
    if (typeof v !== 'string' || !PERMISSIONS.includes(v)) throw new QemuError(`Parameter 'null' does not accept value '${String(v)}'`);
  }
}

