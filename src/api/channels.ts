// The IPC channel names, in one place so main, preload and the web host cannot drift apart.
export const CHANNELS = {
  appInfo: 'app:info',
} as const;

export type ApiMethod = keyof typeof CHANNELS;
export type ApiChannel = (typeof CHANNELS)[ApiMethod];

/** Every channel, in a stable order (what main registers and what the preload exposes). */
export const API_METHODS = Object.keys(CHANNELS) as ApiMethod[];

/** Web mode's HTTP routes for the same calls (a WebSocket session host replaces these later). */
export const HTTP_ROUTES: Record<ApiMethod, string> = {
  appInfo: '/api/app-info',
};

/** The name under which the preload exposes the API on `window`. */
export const API_GLOBAL = 'blkstudio';
