// Rules given as options (json: lists or flat `inject-error.0.event=...` keys): QEMU's
// qemu_config_parse_qdict, with its messages. One unindexed section or a list of sections.
import { extractSubdict, qvalueToString, type QDict } from '../../qdict';
import { RULE_SCHEMA, RuleError, checkOptionValue, type SectionValues } from './rules';

export interface OptionSection {
  group: 'inject-error' | 'set-state';
  /** Index in the list; undefined for the single unindexed form. */
  index?: number;
  values: SectionValues;
}

/** Absorb the keys a group knows from dict into values (qemu_opts_absorb_qdict), type-checked. */
function absorb(group: 'inject-error' | 'set-state', dict: QDict, values: SectionValues): void {
  for (const [key, raw] of [...dict]) {
    if (!(key in RULE_SCHEMA[group])) continue;
    const value = qvalueToString(raw);
    if (value === undefined) continue;
    const err = checkOptionValue(group, key, value);
    if (err) throw new RuleError(err);
    values.set(key, { value });
    dict.delete(key);
  }
}

/** Take `group.*` out of options and turn it into sections, or throw QEMU's message. */
export function sectionsFromOptions(options: QDict, group: 'inject-error' | 'set-state'): OptionSection[] {
  const sub = extractSubdict(options, group);
  const origSize = sub.size;
  if (origSize === 0) return [];
  const single: SectionValues = new Map();
  absorb(group, sub, single);
  const enumSize = sub.size;
  if (enumSize === 0) return [{ group, values: single }];
  if (enumSize < origSize) throw new RuleError(`Unknown option '${[...sub.keys()][0]}' for [${group}]`);

  // A list: 0.*, 1.*, ... up to the first missing index (qdict_array_split).
  const elements: Array<QDict | null> = [];
  for (let i = 0; ; i++) {
    const scalar = sub.has(String(i));
    const elem = extractSubdict(sub, String(i));
    if (!scalar && elem.size === 0) break;
    sub.delete(String(i));
    elements.push(scalar ? null : elem);
  }
  if (sub.size > 0) throw new RuleError(`Unused option '${[...sub.keys()][0]}' for [${group}]`);
  return elements.map((raw, index) => {
    if (!raw) throw new RuleError(`[${group}] section (index ${index}) does not consist of keys`);
    const values: SectionValues = new Map();
    absorb(group, raw, values);
    if (raw.size > 0) throw new RuleError(`[${group}] section doesn't support the option '${[...raw.keys()][0]}'`);
    return { group, index, values };
  });
}
