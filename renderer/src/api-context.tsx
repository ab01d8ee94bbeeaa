// The engine API for every component below <ApiProvider>: one client per window.
import { createContext, useContext, type ReactNode } from 'react';
import type { AppInfo, BlkstudioApi } from '../../src/api';

const ApiContext = createContext<BlkstudioApi | null>(null);
const AppInfoContext = createContext<AppInfo | null>(null);

export function ApiProvider({ api, info, children }: { api: BlkstudioApi; info: AppInfo | null; children: ReactNode }) {
  return (
    <ApiContext.Provider value={api}>
      <AppInfoContext.Provider value={info}>{children}</AppInfoContext.Provider>
    </ApiContext.Provider>
  );
}

export function useApi(): BlkstudioApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiProvider>');
  return api;
}

/** App info once loaded (qemu-io commands, drivers), else null. */
export function useAppInfoValue(): AppInfo | null {
  return useContext(AppInfoContext);
}
