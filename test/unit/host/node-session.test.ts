import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNodeSession, SCRATCH_IMAGE_SIZE } from '../../../src/host/node-session';

describe('openNodeSession', () => {
  it('gives a session without an image a raw scratch image under blkdebug to work on', async () => {
    const session = await openNodeSession();
    let file = '';
    try {
      const snap = session.snapshot();
      expect(snap.image?.format).toBe('raw');
      expect(snap.image?.root.length).toBe(SCRATCH_IMAGE_SIZE);
      const blkdebug = snap.image?.root.children[0]?.node;
      expect(blkdebug?.driver).toBe('blkdebug');
      expect(snap.blkdebug.map((b) => b.rules.length)).toEqual([0]);
      file = blkdebug?.children[0]?.node.filename ?? '';
      expect(file).toMatch(/blkstudio-scratch-.*\/scratch\.raw$/);
      expect(existsSync(dirname(file))).toBe(true);
      const w = await session.run('write -P 0xab 0 4k');
      expect(w.stdout.split('\n')[0]).toBe('wrote 4096/4096 bytes at offset 0');
      const r = await session.run('read -P 0xab 0 4k');
      expect(r.stdout.split('\n')[0]).toBe('read 4096/4096 bytes at offset 0');
    } finally {
      await session.close();
    }
    // The scratch directory goes with the session (test runners skip exit handlers).
    expect(existsSync(dirname(file))).toBe(false);
  });
});
