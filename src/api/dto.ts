// Data that crosses the process boundary: plain JSON, no classes, no functions.

export interface EngineInfo {
  /** Block drivers the engine can open, by QEMU driver name. */
  drivers: string[];
}

export interface AppInfo {
  name: string;
  version: string;
  engine: EngineInfo;
}

/** An image to open: a filename qemu-io accepts (`blkdebug:rules.cfg:disk.raw`, `json:{...}`). */
export interface OpenImageRequest {
  filename: string;
  /** qemu-io -f FMT; probed when absent. */
  format?: string;
  readOnly?: boolean;
}

/** What one qemu-io command line printed, and its return code (0 or -errno). */
export interface RunResult {
  stdout: string;
  stderr: string;
  rc: number;
  /** The command killed the interpreter with this signal (abort, sigraise): its image is gone. */
  terminated?: number;
}

export interface ApplyRulesRequest {
  /** The blkdebug node; default the topmost. */
  node?: string;
  /** A blkdebug rule file's text. */
  text: string;
  /** Put the state machine back to state 1. */
  resetState?: boolean;
}

/** A problem in a rule text; 1-based line and column, endColumn exclusive. */
export interface RuleDiagnostic {
  message: string;
  line: number;
  column: number;
  endColumn: number;
}

export interface TagRequest {
  tag: string;
  node?: string;
}

export interface NodeRequest {
  node?: string;
}
