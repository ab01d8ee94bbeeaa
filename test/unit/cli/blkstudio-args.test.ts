import { describe, expect, it } from 'vitest';
import { parseBlkstudioArgs, UsageError } from '../../../src/cli/blkstudio-args';

describe('parseBlkstudioArgs', () => {
  it('defaults to app mode on the default port', () => {
    expect(parseBlkstudioArgs([], {})).toEqual({ web: false, help: false, port: undefined, image: undefined, format: undefined });
  });

  it('reads --web, --port and -h', () => {
    expect(parseBlkstudioArgs(['--web', '--port', '4173'], {})).toEqual({ web: true, help: false, port: 4173, image: undefined, format: undefined });
    expect(parseBlkstudioArgs(['--port=0'], {}).port).toBe(0);
    expect(parseBlkstudioArgs(['-h'], {}).help).toBe(true);
  });

  it('reads the web subcommand, an image and its format', () => {
    expect(parseBlkstudioArgs(['web', '--port', '0', '-f', 'raw', 'disk.img'], {})).toEqual({ web: true, help: false, port: 0, image: 'disk.img', format: 'raw' });
    expect(parseBlkstudioArgs(['blkdebug:r.cfg:d.raw'], {}).image).toBe('blkdebug:r.cfg:d.raw');
  });

  it('takes the port from BLKSTUDIO_PORT unless --port is given', () => {
    expect(parseBlkstudioArgs([], { BLKSTUDIO_PORT: '5000' }).port).toBe(5000);
    expect(parseBlkstudioArgs(['--port', '6000'], { BLKSTUDIO_PORT: '5000' }).port).toBe(6000);
  });

  it.each([['--port', 'abc'], ['--port', '70000'], ['--port', '-1'], ['--bogus'], ['a', 'b'], ['--format', 'raw']])('refuses %j', (...argv) => {
    expect(() => parseBlkstudioArgs(argv, {})).toThrow(UsageError);
  });

  it('refuses a bad BLKSTUDIO_PORT', () => {
    expect(() => parseBlkstudioArgs([], { BLKSTUDIO_PORT: 'x' })).toThrow("BLKSTUDIO_PORT: invalid port 'x'");
  });
});
