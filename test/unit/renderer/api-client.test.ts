import { describe, expect, it, vi } from 'vitest';
import { pickApiClient } from '../../../renderer/src/api-client';
import { wsUrl } from '../../../renderer/src/ws-client';
import { ApiError, HTTP_ROUTES, type BridgeApi } from '../../../src/api';

const INFO = { name: 'blkstudio', version: '1.0.0', engine: { drivers: ['file', 'raw'], commands: [{ name: 'read', args: '[-abCqv] [-P pattern [-p pattern]] off len', oneline: 'reads a number of bytes at a specified offset' }] } };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('pickApiClient', () => {
  it('uses the preload bridge when Electron exposed one, unwraps results and never fetches', async () => {
    const bridge = {
      appInfo: vi.fn(async () => ({ ok: true, value: INFO })),
      run: vi.fn(async () => ({ ok: false, error: { code: 'NO_IMAGE', message: 'no image' } })),
      onEvents: vi.fn(() => () => undefined),
    } as unknown as BridgeApi;
    const fetchFn = vi.fn();
    const client = pickApiClient({ blkstudio: bridge }, fetchFn);
    expect(client.transport).toBe('ipc');
    await expect(client.api.appInfo()).resolves.toEqual(INFO);
    const err = await client.api.run('read 0 512').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'NO_IMAGE', message: 'no image' });
    expect(fetchFn).not.toHaveBeenCalled();
  });

  it('falls back to the web host: app info over HTTP', async () => {
    const fetchFn = vi.fn(async () => json(INFO));
    const client = pickApiClient({}, fetchFn);
    expect(client.transport).toBe('web');
    await expect(client.api.appInfo()).resolves.toEqual(INFO);
    expect(fetchFn).toHaveBeenCalledWith(HTTP_ROUTES.appInfo, expect.anything());
  });

  it('turns HTTP errors and malformed answers into errors', async () => {
    await expect(pickApiClient({}, async () => json({ error: 'x' }, 500)).api.appInfo()).rejects.toThrow(`GET ${HTTP_ROUTES.appInfo} failed: HTTP 500`);
    await expect(pickApiClient({}, async () => json({ name: 1 })).api.appInfo()).rejects.toThrow('malformed');
  });

  it('builds the WebSocket URL from the page, token included', () => {
    expect(wsUrl('http://127.0.0.1:4173/?token=abc')).toBe('ws://127.0.0.1:4173/api/ws?token=abc');
    expect(wsUrl('http://127.0.0.1:4173/')).toBe('ws://127.0.0.1:4173/api/ws');
  });
});
