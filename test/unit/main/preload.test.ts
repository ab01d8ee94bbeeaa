// The preload source with `electron` mocked: it must expose exactly one function per channel.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_GLOBAL, API_METHODS, CHANNELS } from '../../../src/api';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(async (channel: string) => ({ channel })) },
}));
vi.mock('electron', () => electron);

describe('preload', () => {
  beforeEach(async () => {
    vi.resetModules();
    electron.contextBridge.exposeInMainWorld.mockClear();
    electron.ipcRenderer.invoke.mockClear();
    await import('../../../main/preload/index');
  });

  it(`exposes one function per channel as window.${API_GLOBAL}`, () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0]!;
    expect(key).toBe(API_GLOBAL);
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort());
    for (const m of API_METHODS) expect(typeof api[m]).toBe('function');
  });

  it('forwards each call to its channel and nothing else', async () => {
    const api = electron.contextBridge.exposeInMainWorld.mock.calls[0]![1];
    await expect(api.appInfo('ignored')).resolves.toEqual({ channel: CHANNELS.appInfo });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(CHANNELS.appInfo);
  });
});
