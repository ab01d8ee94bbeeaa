// Picks how the UI reaches the engine: the preload's IPC bridge inside Electron, else HTTP
// to the web server that served this page.
import { HTTP_ROUTES, isAppInfo, type AppInfo, type BlkstudioApi } from '../../src/api';

export type Transport = 'ipc' | 'web';

export interface ApiClient {
  transport: Transport;
  api: BlkstudioApi;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function webApi(fetchFn: FetchLike): BlkstudioApi {
  return {
    async appInfo(): Promise<AppInfo> {
      const res = await fetchFn(HTTP_ROUTES.appInfo, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`GET ${HTTP_ROUTES.appInfo} failed: HTTP ${res.status}`);
      const body: unknown = await res.json();
      if (!isAppInfo(body)) throw new Error(`GET ${HTTP_ROUTES.appInfo} returned a malformed answer`);
      return body as AppInfo;
    },
  };
}

export function pickApiClient(win: { blkstudio?: BlkstudioApi }, fetchFn: FetchLike): ApiClient {
  if (win.blkstudio) return { transport: 'ipc', api: win.blkstudio };
  return { transport: 'web', api: webApi(fetchFn) };
}
