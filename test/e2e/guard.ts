// A fixture every e2e test uses: fails the test on console errors or page errors, and blocks
// and reports any request that leaves localhost (the app must work fully offline).
import { test as base, expect } from '@playwright/test';

export interface Guard {
  consoleErrors: string[];
  externalRequests: string[];
  /** Console errors matching this are expected by the test (e.g. a deliberate HTTP 500). */
  allowConsoleError(pattern: RegExp): void;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ page }, use) => {
      const allowed: RegExp[] = [];
      const guard: Guard = {
        consoleErrors: [],
        externalRequests: [],
        allowConsoleError: (pattern) => void allowed.push(pattern),
      };
      page.on('console', (msg) => {
        if (msg.type() === 'error') guard.consoleErrors.push(msg.text());
      });
      page.on('pageerror', (err) => guard.consoleErrors.push(`pageerror: ${err.message}`));
      await page.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if ((url.protocol === 'http:' || url.protocol === 'https:') && !LOCAL_HOSTS.has(url.hostname)) {
          guard.externalRequests.push(url.href);
          return route.abort('blockedbyclient');
        }
        return route.continue();
      });
      await use(guard);
      expect(guard.externalRequests, 'requests that left localhost').toEqual([]);
      expect(guard.consoleErrors.filter((e) => !allowed.some((p) => p.test(e))), 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
