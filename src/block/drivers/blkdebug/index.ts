// blkdebug as the rest of blkstudio sees it: find the engines in a graph, check and load rule
// files, and everything needed to observe and drive a running engine.
import { nodesBelow, type BlockNode } from '../../node';
import { BlkdebugDriver, lintRuleFile } from './blkdebug';
import { parseConfigFile, type ConfigDiagnostic, type ConfigSection } from './config-file';
import { RULE_SCHEMA } from './rules';
import type { BlkdebugEngine } from './engine';

export { blkdebugDriver, lintRuleFile, rulesFromConfig } from './blkdebug';
export { rulesToText } from './rule-text';
export type { ConfigDiagnostic } from './config-file';
export { BlkdebugEngine, MAX_SPENT_RULES, type BlkdebugEngineEvent, type RequestInfo, type SpentReason, type SpentRule, type SuspendedRequest } from './engine';
export { IO_TYPES, type InjectErrorRule, type IoType, type Rule, type RuleSpec, type SetStateRule, type SuspendRule } from './rules';

/** Every blkdebug node below (and including) root, top-down, with its engine. */
export function findBlkdebugEngines(root: BlockNode): Array<{ node: string; engine: BlkdebugEngine }> {
  return nodesBelow(root).flatMap((n) => (n.drv instanceof BlkdebugDriver ? [{ node: n.nodeName, engine: n.drv.engine }] : []));
}

/**
 * Replace an engine's rules with those of a rule file, atomically: if the file has any problem
 * nothing changes and the problems come back. Breakpoints and parked requests stay; the state
 * is kept unless resetState.
 */
export function loadRuleFile(engine: BlkdebugEngine, text: string, resetState = false): ConfigDiagnostic[] {
  const { specs, diagnostics } = lintRuleFile(text);
  if (diagnostics.length > 0) return diagnostics;
  engine.replaceRules(specs, resetState);
  return [];
}

/**
 * A rule file for an editor: every problem (lintRuleFile) and the sections as written, with the
 * line and columns of each key and value, so a form can edit a value in place.
 */
export function outlineRuleFile(text: string): { diagnostics: ConfigDiagnostic[]; sections: ConfigSection[] } {
  return { diagnostics: lintRuleFile(text).diagnostics, sections: parseConfigFile(text, RULE_SCHEMA).sections };
}
