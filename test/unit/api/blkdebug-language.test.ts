// The UI's copy of the blkdebug language must say what the engine accepts.
import { describe, expect, it } from 'vitest';
import { BLKDEBUG_EVENT_NAMES, BLKDEBUG_IO_TYPES, ERRNO_NAMES, RULE_SECTIONS } from '../../../src/api';
import { BLKDBG_EVENTS } from '../../../src/block/events';
import { IO_TYPES } from '../../../src/block/drivers/blkdebug';
import { RULE_SCHEMA } from '../../../src/block/drivers/blkdebug/rules';
import { errnoName } from '../../../src/block/errors';

describe('the blkdebug language catalogue', () => {
  it('lists every event of the engine, in QEMU enum order, each with a note', () => {
    expect(BLKDEBUG_EVENT_NAMES).toEqual([...BLKDBG_EVENTS]);
  });

  it('has the attributes of each section that the engine parses', () => {
    for (const [group, keys] of Object.entries(RULE_SCHEMA)) {
      const attrs = RULE_SECTIONS[group as keyof typeof RULE_SECTIONS].attributes.map((a) => a.key);
      expect(attrs.sort()).toEqual(Object.keys(keys).sort());
    }
  });

  it('has the I/O types in the engine order and errno names with their numbers', () => {
    expect(BLKDEBUG_IO_TYPES).toEqual(IO_TYPES);
    expect(ERRNO_NAMES.find((e) => e.name === 'ENOSPC')).toEqual({ name: 'ENOSPC', value: 28, message: 'No space left on device' });
    expect(ERRNO_NAMES.find((e) => e.value === 5)?.name).toBe('EIO');
    expect(errnoName(28)).toBe('ENOSPC');
  });
});
