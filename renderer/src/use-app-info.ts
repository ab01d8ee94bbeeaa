// Loads app:info once on mount and on demand; keeps the last error for display.
import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, BlkstudioApi } from '../../src/api';

export type AppInfoState =
  | { status: 'loading' }
  | { status: 'ready'; info: AppInfo }
  | { status: 'error'; message: string };

export function useAppInfo(api: BlkstudioApi): { state: AppInfoState; reload: () => void } {
  const [state, setState] = useState<AppInfoState>({ status: 'loading' });

  const reload = useCallback(() => {
    let live = true;
    setState({ status: 'loading' });
    api.appInfo().then(
      (info) => live && setState({ status: 'ready', info }),
      (err: unknown) => live && setState({ status: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [api]);

  useEffect(() => reload(), [reload]);
  return { state, reload: () => void reload() };
}
