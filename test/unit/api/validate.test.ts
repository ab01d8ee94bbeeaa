import { describe, expect, it } from 'vitest';
import { API_METHODS, ApiPayloadError, CHANNELS, EVENTS_CHANNEL, HTTP_ROUTES, isAppInfo, parseRequest } from '../../../src/api';

describe('the channel map', () => {
  it('has one unique channel per method, and the events channel apart', () => {
    const channels = API_METHODS.map((m) => CHANNELS[m]);
    expect(new Set(channels).size).toBe(channels.length);
    expect(channels).not.toContain(EVENTS_CHANNEL);
    expect(HTTP_ROUTES.appInfo).toMatch(/^\/api\//);
  });
});

describe('parseRequest', () => {
  it('accepts app:info with no arguments', () => {
    expect(parseRequest('appInfo', [])).toEqual([]);
  });

  it.each([[[1]], [[undefined]], [[{ evil: true }]], [['x', 'y']]])('refuses app:info with arguments %j', (args) => {
    expect(() => parseRequest('appInfo', args)).toThrow(ApiPayloadError);
    expect(() => parseRequest('appInfo', args)).toThrow(`appInfo takes no arguments, got ${args.length}`);
  });

  it('refuses a non-array payload and an unknown method', () => {
    expect(() => parseRequest('appInfo', 'nope')).toThrow('appInfo: arguments must be an array');
    expect(() => parseRequest('nope' as 'appInfo', [])).toThrow('unknown call nope');
  });
});

describe('isAppInfo', () => {
  it('accepts a well-formed answer', () => {
    expect(isAppInfo({ name: 'blkstudio', version: '1.0.0', engine: { drivers: ['file'], commands: [{ name: 'read', oneline: 'reads' }] } })).toBe(true);
  });

  it.each([null, 'x', {}, { name: 'b', version: '1' }, { name: 'b', version: 1, engine: { drivers: [] } }, { name: 'b', version: '1', engine: { drivers: [1] } }, { name: 'b', version: '1', engine: null }, { name: 'b', version: '1', engine: { drivers: [] } }, { name: 'b', version: '1', engine: { drivers: [], commands: [{}] } }])(
    'refuses %j',
    (value) => expect(isAppInfo(value)).toBe(false),
  );
});
