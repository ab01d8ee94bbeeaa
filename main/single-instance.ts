// One instance: the first launch holds the lock; a later launch asks it to come forward and quits.
import type { App } from 'electron';

export interface FocusableWindow {
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

export type SingleInstanceApp = Pick<App, 'requestSingleInstanceLock' | 'quit'> & {
  on(event: 'second-instance', listener: (...args: unknown[]) => void): unknown;
};

/** True when this process is the one instance; otherwise it has called app.quit(). */
export function claimSingleInstance(app: SingleInstanceApp, currentWindow: () => FocusableWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const win = currentWindow();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  return true;
}
