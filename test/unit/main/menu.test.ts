import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi, type Mock } from 'vitest';
import { menuTemplate, type MenuActions } from '../../../main/menu';

function fakeActions(): { [K in keyof MenuActions]: Mock<MenuActions[K]> } {
  return {
    openImage: vi.fn(),
    openRecent: vi.fn<(path: string) => void>(),
    clearRecent: vi.fn(),
    openRules: vi.fn(),
    saveRules: vi.fn(),
    quit: vi.fn(),
    about: vi.fn(),
    documentation: vi.fn(),
  };
}

const submenu = (item: MenuItemConstructorOptions | undefined) => item?.submenu as MenuItemConstructorOptions[];
const byLabel = (items: MenuItemConstructorOptions[], label: string) => {
  const found = items.find((i) => i.label === label);
  if (!found) throw new Error(`no menu item ${label} in ${items.map((i) => i.label ?? i.role ?? i.type).join(', ')}`);
  return found;
};
const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)();

describe('menuTemplate', () => {
  it('has File, Edit and Help menus with the expected items and accelerators', () => {
    const template = menuTemplate(fakeActions(), []);
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&Help']);
    const file = submenu(template[0]);
    expect(file.filter((i) => i.type !== 'separator').map((i) => [i.label, i.accelerator])).toEqual([
      ['Open Image…', 'CmdOrCtrl+O'],
      ['Open Recent', undefined],
      ['Open Rules…', 'CmdOrCtrl+Shift+O'],
      ['Save Rules…', 'CmdOrCtrl+S'],
      ['Quit', 'CmdOrCtrl+Q'],
    ]);
    expect(submenu(template[1]).filter((i) => i.role).map((i) => i.role)).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
    expect(submenu(template[2]).filter((i) => i.label).map((i) => [i.label, i.accelerator])).toEqual([
      ['Documentation', 'F1'],
      ['About blkstudio', undefined],
    ]);
  });

  it('calls the injected action of each item', () => {
    const actions = fakeActions();
    const template = menuTemplate(actions, ['/images/a.raw']);
    const file = submenu(template[0]);
    const help = submenu(template[2]);
    const cases: [MenuItemConstructorOptions, keyof MenuActions][] = [
      [byLabel(file, 'Open Image…'), 'openImage'],
      [byLabel(file, 'Open Rules…'), 'openRules'],
      [byLabel(file, 'Save Rules…'), 'saveRules'],
      [byLabel(file, 'Quit'), 'quit'],
      [byLabel(help, 'About blkstudio'), 'about'],
      [byLabel(help, 'Documentation'), 'documentation'],
      [byLabel(submenu(byLabel(file, 'Open Recent')), 'Clear Recent'), 'clearRecent'],
    ];
    for (const [item, action] of cases) {
      expect(actions[action]).not.toHaveBeenCalled();
      click(item);
      expect(actions[action]).toHaveBeenCalledOnce();
    }
  });

  it('lists recent images by name, opening the full path, with mnemonics for the first nine', () => {
    const actions = fakeActions();
    const recent = Array.from({ length: 10 }, (_, i) => `/images/disk${i}.qcow2`);
    const items = submenu(byLabel(submenu(menuTemplate(actions, recent)[0]), 'Open Recent'));
    const entries = items.slice(0, 10);
    expect(entries.map((i) => i.label)).toEqual([...recent.slice(0, 9).map((p, i) => `&${i + 1} ${p.slice(8)}`), 'disk9.qcow2']);
    expect(entries.map((i) => i.toolTip)).toEqual(recent);
    click(entries[3]!);
    expect(actions.openRecent).toHaveBeenCalledWith('/images/disk3.qcow2');
    expect(byLabel(items, 'Clear Recent').enabled).toBe(true);
  });

  it('shows a disabled placeholder and a disabled Clear Recent when there are no recent images', () => {
    const items = submenu(byLabel(submenu(menuTemplate(fakeActions(), [])[0]), 'Open Recent'));
    expect(items[0]).toMatchObject({ label: 'No Recent Images', enabled: false });
    expect(byLabel(items, 'Clear Recent').enabled).toBe(false);
  });

  it('names the About item after the app', () => {
    expect(submenu(menuTemplate(fakeActions(), [], 'Other')[2]).some((i) => i.label === 'About Other')).toBe(true);
  });
});
