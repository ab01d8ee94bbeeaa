// What the builder's form holds: one rule's values as strings (as the text writes them), read
// from a section of the text, and the key/value pairs a new section is written with.
import { errnoOptions, isOn } from './summary';
import type { SectionModel } from './rule-text';

export type Action = 'inject-error' | 'set-state' | 'break';

export interface FormValues {
  action: Action;
  event: string;
  state: string;
  new_state: string;
  errno: string;
  sector: string;
  once: boolean;
  immediately: boolean;
  iotype: string;
  tag: string;
}

export const NEW_RULE: FormValues = { action: 'inject-error', event: '', state: '', new_state: '', errno: '5', sector: '', once: false, immediately: false, iotype: '', tag: '' };

export const ERRNOS = errnoOptions();
export const KNOWN_ERRNOS = new Set([...ERRNOS.common, ...ERRNOS.all].map((o) => o.value));

export function valuesOf(section: SectionModel): FormValues {
  const v = section.values;
  return {
    action: section.group === 'set-state' ? 'set-state' : 'inject-error',
    event: v.event ?? '',
    state: v.state ?? '',
    new_state: v.new_state ?? '',
    errno: v.errno ?? '',
    sector: v.sector ?? '',
    once: isOn(v.once),
    immediately: isOn(v.immediately),
    iotype: v.iotype ?? '',
    tag: '',
  };
}

/** The section's keys and values a new rule is written with. */
export function sectionValues(f: FormValues): Record<string, string> {
  return {
    event: f.event,
    state: f.state,
    errno: f.errno,
    new_state: f.new_state,
    sector: f.sector,
    once: f.once ? 'on' : '',
    immediately: f.immediately ? 'on' : '',
    iotype: f.iotype,
  };
}
