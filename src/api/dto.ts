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
