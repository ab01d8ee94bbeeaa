import { describe, expect, it, vi } from 'vitest';
import { registerIpc } from '../../../main/ipc';
import { ApiPayloadError, CHANNELS, ENGINE_DRIVERS, type ApiHandlers } from '../../../src/api';
import { createApiHandlers } from '../../../src/host/api-handlers';
import { FakeIpcMain } from './fake-ipc';

const PAGE = 'file:///app/out/renderer/index.html';

describe('registerIpc', () => {
  it('registers exactly one handler per channel of the contract', () => {
    const ipc = new FakeIpcMain();
    const registered = registerIpc(ipc, createApiHandlers({ name: 'blkstudio', version: '1.2.3' }));
    expect(registered).toEqual(Object.values(CHANNELS));
    expect([...ipc.handlers.keys()]).toEqual(Object.values(CHANNELS));
  });

  it('answers app:info from the handlers', async () => {
    const ipc = new FakeIpcMain();
    registerIpc(ipc, createApiHandlers({ name: 'blkstudio', version: '1.2.3' }));
    await expect(ipc.invoke('app:info', PAGE)).resolves.toEqual({
      name: 'blkstudio',
      version: '1.2.3',
      engine: { drivers: [...ENGINE_DRIVERS] },
    });
  });

  it('refuses a malformed payload before the handler runs', async () => {
    const ipc = new FakeIpcMain();
    const appInfo = vi.fn();
    registerIpc(ipc, { appInfo } as unknown as ApiHandlers);
    await expect(ipc.invoke('app:info', PAGE, { path: '/etc/passwd' })).rejects.toThrow(ApiPayloadError);
    expect(appInfo).not.toHaveBeenCalled();
  });

  it('refuses calls from senders the check rejects', async () => {
    const ipc = new FakeIpcMain();
    const appInfo = vi.fn();
    registerIpc(ipc, { appInfo } as unknown as ApiHandlers, (event) => event.senderFrame?.url === PAGE);
    await expect(ipc.invoke('app:info', 'https://evil.example/')).rejects.toThrow('app:info: call refused from an untrusted frame');
    expect(appInfo).not.toHaveBeenCalled();
    await ipc.invoke('app:info', PAGE);
    expect(appInfo).toHaveBeenCalledOnce();
  });

  it('passes handler failures back to the caller', async () => {
    const ipc = new FakeIpcMain();
    registerIpc(ipc, { appInfo: () => Promise.reject(new Error('engine down')) });
    await expect(ipc.invoke('app:info', PAGE)).rejects.toThrow('engine down');
  });
});
