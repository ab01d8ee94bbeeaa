import { describe, expect, it, vi } from 'vitest';
import { pickApiClient } from '../../../renderer/src/api-client';
import { HTTP_ROUTES, type BlkstudioApi } from '../../../src/api';

const INFO = { name: 'blkstudio', version: '1.0.0', engine: { drivers: ['file', 'raw'] } };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('pickApiClient', () => {
  it('uses the preload bridge when Electron exposed one, and never fetches', async () => {
    const bridge: BlkstudioApi = { appInfo: vi.fn(async () => INFO) };
    const fetchFn = vi.fn();
    const client = pickApiClient({ blkstudio: bridge }, fetchFn);
    expect(client.transport).toBe('ipc');
    await expect(client.api.appInfo()).resolves.toEqual(INFO);
    expect(fetchFn).not.toHaveBeenCalled();
  });

  it('falls back to HTTP against the serving web server', async () => {
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
});
