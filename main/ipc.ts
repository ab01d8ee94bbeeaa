// Binds the API contract to Electron IPC. Electron is a type-only import here, so tests can
// hand in a fake ipcMain and this file runs in plain node.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_METHODS, CHANNELS, dispatch, EVENTS_CHANNEL, type ApiChannel, type ApiHandlers, type ApiResult, type EventBatch } from '../src/api';

export type IpcHandle = Pick<IpcMain, 'handle'>;

/** Decides whether a call comes from our own renderer (not a navigated-to or injected frame). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * Registers one `handle` per channel; returns the channels registered. Every call answers with
 * an ApiResult (a value or an error DTO): Electron would reduce a thrown error to its message.
 */
export function registerIpc(ipc: IpcHandle, handlers: ApiHandlers, isTrustedSender: SenderCheck = () => true): ApiChannel[] {
  return API_METHODS.map((method) => {
    const channel = CHANNELS[method];
    ipc.handle(channel, async (event, ...args: unknown[]): Promise<ApiResult<unknown>> => {
      if (!isTrustedSender(event)) return { ok: false, error: { code: 'FORBIDDEN', message: `${channel}: call refused from an untrusted frame` } };
      return dispatch(handlers, method, args);
    });
    return channel;
  });
}

/** Where main pushes event batches (a BrowserWindow's webContents). */
export interface EventSink {
  send(channel: string, batch: EventBatch): void;
  isDestroyed?(): boolean;
}

/** Forwards a session's batches to the renderer on EVENTS_CHANNEL; returns the unsubscribe. */
export function forwardEvents(subscribe: (fn: (batch: EventBatch) => void) => () => void, sink: () => EventSink | null): () => void {
  return subscribe((batch) => {
    const target = sink();
    if (target && !target.isDestroyed?.()) target.send(EVENTS_CHANNEL, batch);
  });
}
