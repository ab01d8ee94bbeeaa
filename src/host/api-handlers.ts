// The host side of the API contract, shared by Electron IPC and web mode so both answer alike:
// each call maps onto the Session facade (arguments arrive already validated).
import { ENGINE_DRIVERS, type ApiHandlers, type AppInfo } from '../api';
import { COMMANDS } from '../qemu-io/command-table';
import type { Session } from '../session/index';

export interface AppMeta {
  name: string;
  version: string;
}

export function appInfo(meta: AppMeta): AppInfo {
  return {
    name: meta.name,
    version: meta.version,
    engine: {
      drivers: [...ENGINE_DRIVERS],
      commands: COMMANDS.map((c) => ({ name: c.name, ...(c.altname ? { altname: c.altname } : {}), ...(c.args !== undefined ? { args: c.args } : {}), oneline: c.oneline })),
    },
  };
}

export function createApiHandlers(meta: AppMeta, session: Session): ApiHandlers {
  return {
    appInfo: () => appInfo(meta),
    openImage: (req) => session.openImage(req),
    closeImage: () => session.closeImage(),
    run: (...args) => session.run(args[0], args[1]?.origin),
    applyRules: (req) => session.applyRules(req.node, req.text, { resetState: req.resetState }),
    resume: (req) => {
      session.resume(req.tag, req.node);
      return null;
    },
    resumeAll: (...args) => session.resumeAll(args[0]?.node),
    removeBreakpoint: (req) => {
      session.removeBreakpoint(req.tag, req.node);
      return null;
    },
    snapshot: () => session.snapshot(),
    lintRules: (req) => session.lintRules(req.text),
    exportRules: (...args) => session.exportRules(args[0]?.node),
    setBreakpoint: (req) => {
      session.addBreakpoint(req.event, req.tag, req.node);
      return null;
    },
    checkImage: (...args) => session.checkImage(args[0]?.node),
    readSectorPair: (req) => session.readSectorPair(req),
    listMismatches: (...args) => session.listMismatches(args[0]?.node),
    readMismatch: (req) => session.readMismatch(req),
    startDiff: (...args) => session.startDiff(args[0] ?? {}),
    cancelDiff: (req) => session.cancelDiff(req.diffId),
    createImage: (req) => session.createImage(req),
    cancelJob: (req) => session.cancelJob(req.jobId),
    resetWorkspace: () => session.resetWorkspace(),
    runWorkspaceStep: (req) => session.runWorkspaceStep(req.index),
    runWorkspaceSteps: () => session.runWorkspaceSteps(),
    consoleTranscript: () => session.consoleTranscript(),
    eventHistory: (...args) => session.eventHistory(args[0] ?? {}),
    rulesText: (...args) => session.rulesText(args[0]?.node),
    saveRulesDraft: (req) => {
      session.saveRulesDraft(req.text);
      return null;
    },
    clearMemory: (...args) => {
      session.clearMemory(args[0] ?? {});
      return null;
    },
  };
}
