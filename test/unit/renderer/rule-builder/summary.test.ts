import { describe, expect, it } from 'vitest';
import { breakpointSummary, errnoLabel, errnoOptions, filterEvents, isOn, sectionSummary } from '../../../../renderer/src/rule-builder/summary';
import { BLKDEBUG_EVENT_DOCS, ERRNO_NAMES } from '../../../../src/api';

describe('summaries', () => {
  it('summarises inject-error rules', () => {
    expect(sectionSummary({ group: 'inject-error', values: { event: 'write_aio', state: '2', errno: '5' } })).toBe('inject-error write_aio · state 2 · EIO (5)');
    expect(sectionSummary({ group: 'inject-error', values: { event: 'read_aio' } })).toBe('inject-error read_aio · EIO (5)');
    expect(sectionSummary({ group: 'inject-error', values: { event: 'write_aio', state: '0', errno: '28', sector: '8', once: 'on', immediately: 'yes', iotype: 'write' } })).toBe(
      'inject-error write_aio · ENOSPC (28) · sector 8 · once · immediately · write',
    );
    expect(sectionSummary({ group: 'inject-error', values: { event: 'write_aio', errno: 'x' } })).toBe('inject-error write_aio · errno x');
  });

  it('summarises set-state rules and breakpoints', () => {
    expect(sectionSummary({ group: 'set-state', values: { event: 'write_aio', state: '1', new_state: '2' } })).toBe('set-state write_aio · 1 → 2');
    expect(sectionSummary({ group: 'set-state', values: { event: 'flush_to_disk', new_state: '3' } })).toBe('set-state flush_to_disk · any → 3');
    expect(sectionSummary({ group: 'set-state', values: {} })).toBe('set-state ? · any → ?');
    expect(breakpointSummary({ event: 'write_aio', tag: 'A' })).toBe('break write_aio · tag A');
  });

  it('labels errnos and booleans', () => {
    expect(errnoLabel('5')).toBe('EIO (5)');
    expect(errnoLabel('0')).toBe('0 (succeed)');
    expect(errnoLabel('abc')).toBe('errno abc');
    expect(isOn('on')).toBe(true);
    expect(isOn('true')).toBe(true);
    expect(isOn('off')).toBe(false);
    expect(isOn(undefined)).toBe(false);
  });

  it('offers the common errnos first, then every other one once', () => {
    const { common, all } = errnoOptions();
    expect(common.map((o) => o.label)).toEqual(['EIO (5)', 'ENOSPC (28)', 'EROFS (30)', 'ENOMEM (12)', 'EINVAL (22)', 'EPERM (1)', 'EAGAIN (11)', 'ENOTSUP (95)']);
    expect(common.length + all.length).toBe(ERRNO_NAMES.length);
    expect(new Set([...common, ...all].map((o) => o.label)).size).toBe(ERRNO_NAMES.length);
  });

  it('filters events by name first, then by their docs', () => {
    expect(filterEvents('')).toHaveLength(48);
    expect(filterEvents('write_aio').map((e) => e.name)).toEqual(['write_aio']);
    const flush = filterEvents('flush').map((e) => e.name);
    expect(flush.slice(0, 2)).toEqual(['flush_to_os', 'flush_to_disk']);
    expect(filterEvents('write').slice(0, 2).map((e) => e.name)).toEqual(['write_aio', 'write_compressed']);
    expect(filterEvents('fdatasync').map((e) => e.name)).toEqual(['flush_to_disk']);
    expect(filterEvents('zzz')).toEqual([]);
    expect(BLKDEBUG_EVENT_DOCS).toHaveLength(48);
  });
});
