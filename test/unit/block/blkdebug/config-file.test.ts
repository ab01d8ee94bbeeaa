import { describe, expect, it } from 'vitest';
import { rulesFromConfig } from '../../../../src/block/drivers/blkdebug/blkdebug';
import { parseConfigFile } from '../../../../src/block/drivers/blkdebug/config-file';
import { RULE_SCHEMA } from '../../../../src/block/drivers/blkdebug/rules';

// Expected messages are the ones QEMU 7.2 prints for the same files (reference section 7.P).
const firstError = (text: string) => rulesFromConfig(text).error?.message ?? null;

describe('blkdebug config files', () => {
  it('parses sections, comments and quoted values', () => {
    const { specs, error } = rulesFromConfig(
      '# a comment\n[inject-error]\nevent = "read_aio"\nerrno = "28"\n  once = "on"\n\n[set-state]\nevent = "write_aio"\nstate = "1"\nnew_state = "2"\n',
    );
    expect(error).toBeNull();
    expect(specs).toEqual([
      expect.objectContaining({ kind: 'inject-error', event: 'read_aio', errno: 28, once: true, offset: -1, state: 0 }),
      expect.objectContaining({ kind: 'set-state', event: 'write_aio', state: 1, newState: 2 }),
    ]);
  });

  it('gives QEMU messages for bad files', () => {
    expect(firstError('[inject-error]\nevent = "nosuch_event"\n')).toBe('invalid parameter value: nosuch_event');
    expect(firstError('[inject-error]\nerrno = "5"\n')).toBe('Missing event name for rule');
    expect(firstError('[inject-error]\nevent = "read_aio"\niotype = "bogus"\n')).toBe('invalid parameter value: bogus');
    expect(firstError('garbage\n')).toBe('no group defined');
    expect(firstError('[inject-error]\nevent = "read_aio"\nfoo = "1"\n')).toBe("Invalid parameter 'foo'");
    expect(firstError('[nosuch]\n')).toBe("There is no option group 'nosuch'");
    expect(firstError('[inject-error]\nerrno="5"\n')).toBe('Invalid parameter \'errno="5"\'');
    expect(firstError('[inject-error]\nevent = read_aio\n')).toBe('invalid parameter value: ');
    expect(firstError('[inject-error]\nevent = "read_aio"\nerrno = "abc"\n')).toBe("Parameter 'errno' expects a number");
    expect(firstError('[inject-error]\n   \n')).toBe('parse error');
  });

  it('syntax errors come before rule errors, whatever the line order', () => {
    expect(firstError('[inject-error]\nevent = "nosuch"\n[inject-error]\nevent = "read_aio"\nfoo = "1"\n')).toBe("Invalid parameter 'foo'");
  });

  it('reports where the problem is', () => {
    const parsed = parseConfigFile('[inject-error]\nevent = "read_aio"\n  bogus = "1"\n', RULE_SCHEMA);
    expect(parsed.diagnostics).toEqual([{ message: "Invalid parameter 'bogus'", line: 3, column: 3, endColumn: 8 }]);
    const r = rulesFromConfig('[inject-error]\nevent = "nosuch"\n');
    expect(r.error?.diagnostic).toEqual({ message: 'invalid parameter value: nosuch', line: 2, column: 10, endColumn: 16 });
  });

  it('number and bool syntax as QemuOpts takes them', () => {
    const { specs } = rulesFromConfig('[inject-error]\nevent = "read_aio"\nsector = "0x10"\nerrno = "010"\nimmediately = "yes"\n');
    expect(specs[0]).toMatchObject({ offset: 16 * 512, errno: 8, immediately: true });
  });
});
