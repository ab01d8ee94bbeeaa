// The application menu as a template built from injected actions, so it is testable without
// Electron (index.ts hands the template to Menu.buildFromTemplate).
import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';

export interface MenuActions {
  /** File → Open Image… (native open dialog). */
  openImage(): void;
  /** File → Open Recent → one entry. */
  openRecent(path: string): void;
  clearRecent(): void;
  /** File → Open Rules… (native open dialog, then applyRules on the blkdebug node). */
  openRules(): void;
  /** File → Save Rules… (native save dialog). */
  saveRules(): void;
  quit(): void;
  /** Help → About blkstudio. */
  about(): void;
  /** Help → Documentation (an in-app dialog: no external URLs are opened). */
  documentation(): void;
}

export function menuTemplate(actions: MenuActions, recent: readonly string[], appName = 'blkstudio'): MenuItemConstructorOptions[] {
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No Recent Images', enabled: false }]
      : recent.map((path, i) => ({
          label: `${i < 9 ? `&${i + 1} ` : ''}${basename(path)}`,
          toolTip: path,
          click: () => actions.openRecent(path),
        }));
  return [
    {
      label: '&File',
      submenu: [
        { label: 'Open Image…', accelerator: 'CmdOrCtrl+O', click: () => actions.openImage() },
        {
          label: 'Open Recent',
          submenu: [...recentItems, { type: 'separator' }, { label: 'Clear Recent', enabled: recent.length > 0, click: () => actions.clearRecent() }],
        },
        { type: 'separator' },
        { label: 'Open Rules…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openRules() },
        { label: 'Save Rules…', accelerator: 'CmdOrCtrl+S', click: () => actions.saveRules() },
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&Help',
      submenu: [
        { label: 'Documentation', accelerator: 'F1', click: () => actions.documentation() },
        { type: 'separator' },
        { label: `About ${appName}`, click: () => actions.about() },
      ],
    },
  ];
}
