// Binds the API contract to Electron IPC. Electron is a type-only import here, so tests can
// hand in a fake ipcMain and this file runs in plain node.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_METHODS, CHANNELS, parseRequest, type ApiChannel, type ApiHandlers } from '../src/api';

export type IpcHandle = Pick<IpcMain, 'handle'>;

/** Decides whether a call comes from our own renderer (not a navigated-to or injected frame). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export class IpcSenderError extends Error {
  override readonly name = 'IpcSenderError';
}

/** Registers one `handle` per channel; returns the channels registered. */
export function registerIpc(ipc: IpcHandle, handlers: ApiHandlers, isTrustedSender: SenderCheck = () => true): ApiChannel[] {
  return API_METHODS.map((method) => {
    const channel = CHANNELS[method];
    const handler = handlers[method] as (...args: unknown[]) => unknown;
    ipc.handle(channel, async (event, ...args: unknown[]) => {
      if (!isTrustedSender(event)) throw new IpcSenderError(`${channel}: call refused from an untrusted frame`);
      return handler(...parseRequest(method, args));
    });
    return channel;
  });
}
