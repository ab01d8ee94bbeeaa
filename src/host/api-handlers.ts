// The host side of the API contract, shared by Electron IPC and web mode so both answer alike.
import { ENGINE_DRIVERS, type ApiHandlers, type AppInfo } from '../api';

export interface AppMeta {
  name: string;
  version: string;
}

export function createApiHandlers(meta: AppMeta): ApiHandlers {
  return {
    appInfo: (): AppInfo => ({
      name: meta.name,
      version: meta.version,
      engine: { drivers: [...ENGINE_DRIVERS] },
    }),
  };
}
