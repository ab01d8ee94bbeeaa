// The renderer alone on Vite's dev server (`npx vite --config vite.renderer.config.mts`), for
// hot reload: electron-vite's own dev server needs the Electron binary (toolchain.md §1).
// The built renderer is served by `npm run web` (src/host/web-server.ts), not `vite preview`.
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;

type WebServerModule = typeof import('./src/host/web-server');
type HandlersModule = typeof import('./src/host/api-handlers');

// Answers /api/* with the same code as the web server, loaded through Vite so this config file
// stays free of TypeScript imports.
function apiRoutes(): Plugin {
  return {
    name: 'blkstudio-api-routes',
    configureServer(server) {
      const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { name: string; version: string };
      server.middlewares.use((req, res, next) => {
        void (async () => {
          const web = (await server.ssrLoadModule(resolve(root, 'src/host/web-server.ts'))) as WebServerModule;
          const api = (await server.ssrLoadModule(resolve(root, 'src/host/api-handlers.ts'))) as HandlersModule;
          if (!(await web.handleApiRequest(req, res, { appInfo: () => api.appInfo(pkg) }))) next();
        })().catch(next);
      });
    },
  };
}

// React Fast Refresh injects an inline script and a websocket in dev; allow them there only.
function devCsp(): Plugin {
  return {
    name: 'blkstudio-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws:"),
  };
}

export default defineConfig({
  root: resolve(root, 'renderer'),
  base: './',
  plugins: [react(), apiRoutes(), devCsp()],
  build: { outDir: resolve(root, 'out/renderer'), emptyOutDir: true },
  server: { host: '127.0.0.1', port: 5173, strictPort: true, fs: { allow: [root] } },
});
