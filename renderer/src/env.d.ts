/// <reference types="vite/client" />
import type { BridgeApi } from '../../src/api';

declare global {
  interface Window {
    /** Present when the Electron preload ran; absent in web mode. */
    blkstudio?: BridgeApi;
  }
}
