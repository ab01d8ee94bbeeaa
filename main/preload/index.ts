// The preload: one function per channel plus the event subscription, no logic. Runs sandboxed,
// so electron-vite bundles src/api in and only `electron` stays a require.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_GLOBAL, CHANNELS, EVENTS_CHANNEL } from '../../src/api/channels';
import type { BridgeApi, EventsListener } from '../../src/api/contract';
import type { EventBatch } from '../../src/api/events';

const api: BridgeApi = {
  appInfo: () => ipcRenderer.invoke(CHANNELS.appInfo),
  openImage: (req) => ipcRenderer.invoke(CHANNELS.openImage, req),
  closeImage: () => ipcRenderer.invoke(CHANNELS.closeImage),
  run: (...args) => ipcRenderer.invoke(CHANNELS.run, ...args),
  applyRules: (req) => ipcRenderer.invoke(CHANNELS.applyRules, req),
  resume: (req) => ipcRenderer.invoke(CHANNELS.resume, req),
  resumeAll: (...args) => ipcRenderer.invoke(CHANNELS.resumeAll, ...args),
  removeBreakpoint: (req) => ipcRenderer.invoke(CHANNELS.removeBreakpoint, req),
  snapshot: () => ipcRenderer.invoke(CHANNELS.snapshot),
  lintRules: (req) => ipcRenderer.invoke(CHANNELS.lintRules, req),
  exportRules: (...args) => ipcRenderer.invoke(CHANNELS.exportRules, ...args),
  setBreakpoint: (req) => ipcRenderer.invoke(CHANNELS.setBreakpoint, req),
  checkImage: (...args) => ipcRenderer.invoke(CHANNELS.checkImage, ...args),
  readSectorPair: (req) => ipcRenderer.invoke(CHANNELS.readSectorPair, req),
  listMismatches: (...args) => ipcRenderer.invoke(CHANNELS.listMismatches, ...args),
  readMismatch: (req) => ipcRenderer.invoke(CHANNELS.readMismatch, req),
  startDiff: (...args) => ipcRenderer.invoke(CHANNELS.startDiff, ...args),
  cancelDiff: (req) => ipcRenderer.invoke(CHANNELS.cancelDiff, req),
  createImage: (req) => ipcRenderer.invoke(CHANNELS.createImage, req),
  cancelJob: (req) => ipcRenderer.invoke(CHANNELS.cancelJob, req),
  resetWorkspace: () => ipcRenderer.invoke(CHANNELS.resetWorkspace),
  runWorkspaceStep: (req) => ipcRenderer.invoke(CHANNELS.runWorkspaceStep, req),
  runWorkspaceSteps: () => ipcRenderer.invoke(CHANNELS.runWorkspaceSteps),
  consoleTranscript: () => ipcRenderer.invoke(CHANNELS.consoleTranscript),
  eventHistory: (...args) => ipcRenderer.invoke(CHANNELS.eventHistory, ...args),
  rulesText: (...args) => ipcRenderer.invoke(CHANNELS.rulesText, ...args),
  saveRulesDraft: (req) => ipcRenderer.invoke(CHANNELS.saveRulesDraft, req),
  clearMemory: (...args) => ipcRenderer.invoke(CHANNELS.clearMemory, ...args),
  onEvents: (listener: EventsListener) => {
    const forward = (_event: IpcRendererEvent, batch: EventBatch) => listener(batch);
    ipcRenderer.on(EVENTS_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(EVENTS_CHANNEL, forward);
  },
};

contextBridge.exposeInMainWorld(API_GLOBAL, api);
