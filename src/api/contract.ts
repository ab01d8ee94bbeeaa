// The typed contract between an engine host (Electron main, the web server) and the UI.
import type { ApiMethod } from './channels';
import type { AppInfo } from './dto';

/** Argument tuple of each call, as the renderer passes it. */
export interface ApiRequests {
  appInfo: [];
}

/** Resolved value of each call. */
export interface ApiResponses {
  appInfo: AppInfo;
}

/** What the renderer sees: `window.blkstudio` in Electron, an HTTP client in web mode. */
export type BlkstudioApi = {
  [M in ApiMethod]: (...args: ApiRequests[M]) => Promise<ApiResponses[M]>;
};

/** What a host implements; arguments arrive already validated. */
export type ApiHandlers = {
  [M in ApiMethod]: (...args: ApiRequests[M]) => ApiResponses[M] | Promise<ApiResponses[M]>;
};
