// A stand-in for Electron's ipcMain that records handlers so tests can invoke them.
import type { IpcMainInvokeEvent } from 'electron';

export type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  /** Calls a channel as ipcRenderer.invoke would, from a frame at `url`. */
  async invoke(channel: string, url: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: { url } } as IpcMainInvokeEvent, ...args);
  }
}
