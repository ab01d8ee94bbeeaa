import { describe, expect, it } from 'vitest';
import { BlkdebugEngine, lintRuleFile, rulesToText } from '../../../../src/block/index';

const FILE =
  '[inject-error]\nevent = "read_aio"\nerrno = "28"\nsector = "8"\nonce = "on"\nimmediately = "on"\niotype = "write"\n\n' +
  '[inject-error]\nevent = "write_aio"\nstate = "2"\n\n' +
  '[set-state]\nevent = "write_aio"\nstate = "1"\nnew_state = "2"\n';

describe('rulesToText', () => {
  it('writes rules back as a rule file that loads into the same rules, breakpoints left out', () => {
    const engine = new BlkdebugEngine({ print: () => {} });
    for (const spec of lintRuleFile(FILE).specs) engine.addRule(spec);
    engine.breakpoint('flush_to_os', 'T');
    const text = rulesToText(engine.listRules());
    expect(text).toBe(FILE);
    const again = lintRuleFile(text);
    expect(again.diagnostics).toEqual([]);
    const strip = (specs: typeof again.specs) => specs.map(({ source: _source, ...rest }) => rest);
    expect(strip(again.specs)).toEqual(strip(lintRuleFile(FILE).specs));
  });
});
