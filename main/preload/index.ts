// The preload: one function per channel, no logic. Runs sandboxed, so electron-vite bundles
// src/api in and only `electron` stays a require.
import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL, CHANNELS } from '../../src/api/channels';
import type { BlkstudioApi } from '../../src/api/contract';

const api: BlkstudioApi = {
  appInfo: () => ipcRenderer.invoke(CHANNELS.appInfo),
};

contextBridge.exposeInMainWorld(API_GLOBAL, api);
