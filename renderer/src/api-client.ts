// Picks how the UI reaches the engine: the preload's IPC bridge inside Electron, else the web
// host that served this page (app info over HTTP, the session over its WebSocket).
import { API_METHODS, HTTP_ROUTES, isAppInfo, unwrap, type AppInfo, type BlkstudioApi, type BridgeApi } from '../../src/api';
import { wsCalls, WsConnection, wsUrl, type SocketFactory } from './ws-client';

export type Transport = 'ipc' | 'web';

export interface ApiClient {
  transport: Transport;
  api: BlkstudioApi;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

async function httpAppInfo(fetchFn: FetchLike): Promise<AppInfo> {
  const res = await fetchFn(HTTP_ROUTES.appInfo, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${HTTP_ROUTES.appInfo} failed: HTTP ${res.status}`);
  const body: unknown = await res.json();
  if (!isAppInfo(body)) throw new Error(`GET ${HTTP_ROUTES.appInfo} returned a malformed answer`);
  return body as AppInfo;
}

export function webApi(fetchFn: FetchLike, pageUrl = 'http://127.0.0.1/', socket?: SocketFactory): BlkstudioApi {
  const conn = new WsConnection(wsUrl(pageUrl), socket ?? ((url) => new WebSocket(url)));
  return { ...wsCalls(conn), appInfo: () => httpAppInfo(fetchFn), onEvents: (fn) => conn.onEvents(fn) } as BlkstudioApi;
}

/** The preload's functions answer with ApiResults; the UI wants values or thrown ApiErrors. */
export function bridgeApi(bridge: BridgeApi): BlkstudioApi {
  const calls = Object.fromEntries(API_METHODS.map((m) => [m, async (...args: unknown[]) => unwrap(await (bridge[m] as (...a: unknown[]) => Promise<never>)(...args))]));
  return { ...calls, onEvents: (fn) => bridge.onEvents(fn) } as BlkstudioApi;
}

export function pickApiClient(win: { blkstudio?: BridgeApi; location?: { href: string } }, fetchFn: FetchLike, socket?: SocketFactory): ApiClient {
  if (win.blkstudio) return { transport: 'ipc', api: bridgeApi(win.blkstudio) };
  return { transport: 'web', api: webApi(fetchFn, win.location?.href, socket) };
}
