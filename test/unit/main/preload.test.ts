// The preload source with `electron` mocked: it must expose exactly one function per channel
// plus the event subscription.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_GLOBAL, API_METHODS, CHANNELS, EVENTS_CHANNEL } from '../../../src/api';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(async (channel: string) => ({ channel })), on: vi.fn(), removeListener: vi.fn() },
}));
vi.mock('electron', () => electron);

describe('preload', () => {
  beforeEach(async () => {
    vi.resetModules();
    electron.contextBridge.exposeInMainWorld.mockClear();
    electron.ipcRenderer.invoke.mockClear();
    await import('../../../main/preload/index');
  });

  it(`exposes one function per channel and onEvents as window.${API_GLOBAL}`, () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0]!;
    expect(key).toBe(API_GLOBAL);
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'onEvents'].sort());
    for (const m of API_METHODS) expect(typeof api[m]).toBe('function');
  });

  it('forwards each call to its channel and nothing else', async () => {
    const api = electron.contextBridge.exposeInMainWorld.mock.calls[0]![1];
    await expect(api.appInfo('ignored')).resolves.toEqual({ channel: CHANNELS.appInfo });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(CHANNELS.appInfo);
    await api.run('read 0 512');
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(CHANNELS.run, 'read 0 512');
    await api.resume({ tag: 'a' });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(CHANNELS.resume, { tag: 'a' });
  });

  it('subscribes to the events channel and unsubscribes', () => {
    const api = electron.contextBridge.exposeInMainWorld.mock.calls[0]![1];
    const got: unknown[] = [];
    const stop = api.onEvents((b: unknown) => got.push(b));
    const [channel, forward] = electron.ipcRenderer.on.mock.calls.at(-1)!;
    expect(channel).toBe(EVENTS_CHANNEL);
    forward({ sender: 'hidden' }, { seq: 1 });
    expect(got).toEqual([{ seq: 1 }]);
    stop();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(EVENTS_CHANNEL, forward);
  });
});
