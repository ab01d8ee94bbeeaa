import { describe, expect, it, vi, type Mock } from 'vitest';
import { claimSingleInstance, type FocusableWindow } from '../../../main/single-instance';

type Listener = (...args: unknown[]) => void;

function fakeApp(lock: boolean) {
  const listeners = new Map<string, Listener>();
  return {
    listeners,
    requestSingleInstanceLock: vi.fn(() => lock),
    quit: vi.fn(),
    on: vi.fn((event: string, fn: Listener) => void listeners.set(event, fn)),
  };
}

function fakeWindow(minimized: boolean): FocusableWindow & Record<'restore' | 'show' | 'focus', Mock<() => void>> {
  return { isMinimized: () => minimized, restore: vi.fn<() => void>(), show: vi.fn<() => void>(), focus: vi.fn<() => void>() };
}

describe('claimSingleInstance', () => {
  it('quits when another instance holds the lock', () => {
    const app = fakeApp(false);
    expect(claimSingleInstance(app, () => null)).toBe(false);
    expect(app.requestSingleInstanceLock).toHaveBeenCalledOnce();
    expect(app.quit).toHaveBeenCalledOnce();
    expect(app.on).not.toHaveBeenCalled();
  });

  it('keeps running with the lock and brings the window forward on a second launch', () => {
    const app = fakeApp(true);
    const win = fakeWindow(true);
    let current: FocusableWindow | null = null;
    expect(claimSingleInstance(app, () => current)).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    const second = app.listeners.get('second-instance')!;
    expect(second).toBeTypeOf('function');

    second({}, ['blkstudio'], '/cwd'); // no window yet: nothing to do, no throw
    current = win;
    second({}, ['blkstudio'], '/cwd');
    expect(win.restore).toHaveBeenCalledOnce();
    expect(win.show).toHaveBeenCalledOnce();
    expect(win.focus).toHaveBeenCalledOnce();
  });

  it('does not restore a window that is not minimised', () => {
    const app = fakeApp(true);
    const win = fakeWindow(false);
    claimSingleInstance(app, () => win);
    app.listeners.get('second-instance')!();
    expect(win.restore).not.toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalledOnce();
  });
});
