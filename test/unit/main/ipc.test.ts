import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forwardEvents, registerIpc } from '../../../main/ipc';
import { CHANNELS, ENGINE_DRIVERS, EVENTS_CHANNEL, type ApiHandlers, type EventBatch } from '../../../src/api';
import { createApiHandlers } from '../../../src/host/api-handlers';
import { openNodeSession } from '../../../src/host/node-session';
import type { Session } from '../../../src/session/index';
import { FakeIpcMain } from './fake-ipc';

const PAGE = 'file:///app/out/renderer/index.html';
let session: Session;
const handlers = () => createApiHandlers({ name: 'blkstudio', version: '1.2.3' }, session);

beforeAll(async () => {
  session = await openNodeSession();
});
afterAll(() => session.close());

describe('registerIpc', () => {
  it('registers exactly one handler per channel of the contract', () => {
    const ipc = new FakeIpcMain();
    const registered = registerIpc(ipc, handlers());
    expect(registered).toEqual(Object.values(CHANNELS));
    expect([...ipc.handlers.keys()]).toEqual(Object.values(CHANNELS));
  });

  it('answers app:info from the handlers', async () => {
    const ipc = new FakeIpcMain();
    registerIpc(ipc, handlers());
    await expect(ipc.invoke('app:info', PAGE)).resolves.toEqual({
      ok: true,
      value: { name: 'blkstudio', version: '1.2.3', engine: { drivers: [...ENGINE_DRIVERS], commands: expect.arrayContaining([expect.objectContaining({ name: 'aio_write' })]) } },
    });
  });

  it('refuses a malformed payload before the handler runs', async () => {
    const ipc = new FakeIpcMain();
    const appInfo = vi.fn();
    registerIpc(ipc, { appInfo } as unknown as ApiHandlers);
    await expect(ipc.invoke('app:info', PAGE, { path: '/etc/passwd' })).resolves.toEqual({
      ok: false,
      error: { code: 'BAD_PAYLOAD', message: 'appInfo takes no arguments, got 1' },
    });
    expect(appInfo).not.toHaveBeenCalled();
  });

  it('refuses calls from senders the check rejects', async () => {
    const ipc = new FakeIpcMain();
    const appInfo = vi.fn();
    registerIpc(ipc, { appInfo } as unknown as ApiHandlers, (event) => event.senderFrame?.url === PAGE);
    await expect(ipc.invoke('app:info', 'https://evil.example/')).resolves.toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'app:info: call refused from an untrusted frame' },
    });
    expect(appInfo).not.toHaveBeenCalled();
    await ipc.invoke('app:info', PAGE);
    expect(appInfo).toHaveBeenCalledOnce();
  });

  it('passes handler failures back to the caller as an error DTO', async () => {
    const ipc = new FakeIpcMain();
    registerIpc(ipc, { appInfo: () => Promise.reject(new Error('engine down')) } as unknown as ApiHandlers);
    await expect(ipc.invoke('app:info', PAGE)).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'engine down' } });
  });
});

describe('forwardEvents', () => {
  it('sends each batch on the events channel while the window lives', () => {
    let listener: ((b: EventBatch) => void) | undefined;
    const unsubscribe = vi.fn();
    const send = vi.fn();
    let destroyed = false;
    const stop = forwardEvents((fn) => ((listener = fn), unsubscribe), () => ({ send, isDestroyed: () => destroyed }));
    const batch: EventBatch = { seq: 1, at: 0, events: [], summarized: false };
    listener!(batch);
    expect(send).toHaveBeenCalledWith(EVENTS_CHANNEL, batch);
    destroyed = true;
    listener!(batch);
    expect(send).toHaveBeenCalledOnce();
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});
