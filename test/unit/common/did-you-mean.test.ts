import { describe, expect, it } from 'vitest';
import { BLKDEBUG_EVENT_NAMES, ERRNO_NAMES } from '../../../src/api';
import { didYouMean, editDistance } from '../../../src/common/did-you-mean';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    expect(editDistance('write_aio', 'write_aio')).toBe(0);
    expect(editDistance('wirte_aio', 'write_aio')).toBe(1); // swap
    expect(editDistance('errnoo', 'errno')).toBe(1); // insertion
    expect(editDistance('evnt', 'event')).toBe(1); // deletion
    expect(editDistance('EIOX', 'EIOO')).toBe(1); // substitution
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ca', 'abc')).toBe(3); // OSA: no edit of a swapped pair
  });

  it('is symmetric', () => {
    for (const [a, b] of [['flush_to_dsik', 'flush_to_disk'], ['l2_updat', 'l1_update'], ['x', 'yz']] as const) expect(editDistance(a, b)).toBe(editDistance(b, a));
  });
});

describe('didYouMean', () => {
  it('finds the misspelt event, key and errno name', () => {
    expect(didYouMean('wirte_aio', BLKDEBUG_EVENT_NAMES)).toBe('write_aio');
    expect(didYouMean('raed_aio', BLKDEBUG_EVENT_NAMES)).toBe('read_aio');
    expect(didYouMean('flush_to_dsik', BLKDEBUG_EVENT_NAMES)).toBe('flush_to_disk');
    expect(didYouMean('l2_updat', BLKDEBUG_EVENT_NAMES)).toBe('l2_update');
    expect(didYouMean('evnet', ['event', 'state', 'errno', 'sector', 'once', 'immediately', 'iotype'])).toBe('event');
    expect(didYouMean('errnoo', ['event', 'state', 'errno'])).toBe('errno');
    const errnos = ERRNO_NAMES.map((e) => e.name);
    expect(didYouMean('EIOO', errnos, { ignoreCase: true })).toBe('EIO');
    expect(didYouMean('enospc', errnos, { ignoreCase: true })).toBe('ENOSPC');
  });

  it('says nothing for a word that is a candidate, an empty word, or one too far from all of them', () => {
    expect(didYouMean('write_aio', BLKDEBUG_EVENT_NAMES)).toBeUndefined();
    expect(didYouMean('', BLKDEBUG_EVENT_NAMES)).toBeUndefined();
    expect(didYouMean('banana', BLKDEBUG_EVENT_NAMES)).toBeUndefined();
    expect(didYouMean('xyz', ['abc'])).toBeUndefined();
    // Short words get one edit at most.
    expect(didYouMean('ab', ['xy'])).toBeUndefined();
    expect(didYouMean('ab', ['ax'])).toBe('ax');
  });

  it('honours maxDistance and case', () => {
    expect(didYouMean('wrtie_aoi', BLKDEBUG_EVENT_NAMES, { maxDistance: 1 })).toBeUndefined();
    expect(didYouMean('wrtie_aoi', BLKDEBUG_EVENT_NAMES, { maxDistance: 2 })).toBe('write_aio');
    expect(didYouMean('eio', ['EIO'])).toBeUndefined();
    expect(didYouMean('eio', ['EIO'], { ignoreCase: true })).toBe('EIO');
  });

  it('breaks ties by length, then by order', () => {
    expect(didYouMean('abcd', ['abc', 'abce'])).toBe('abce');
    expect(didYouMean('abcd', ['abce', 'abcf'])).toBe('abce');
    expect(didYouMean('abcd', ['abcf', 'abce'])).toBe('abcf');
  });
});
