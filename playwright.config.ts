import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

/**
 * e2e: the real renderer, served by a real host, in a real Chromium. Where Playwright's own
 * browser cannot be downloaded (as on CI here) the system Chromium is used: set
 * GROVE_CHROMIUM, or install Debian's `chromium` (/usr/bin/chromium).
 * electron: the shell, where Electron's binary is installed; it skips, saying so, elsewhere.
 */
const systemChromium = process.env.GROVE_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'test',
  testMatch: ['e2e/**/*.spec.ts', 'electron/**/*.spec.ts'],
  // Two files at a time, each test of a file in order: every test has its own host, port,
  // data dir and browser context. On the 2-core CI machine this took the suite from 9.4 to
  // 7.3 minutes, and two whole runs passed clean that way (session 25).
  fullyParallel: false,
  workers: 2,
  timeout: 60_000,
  // As vitest.config.ts: once more on CI only, and a test that passes only then is named at
  // the end of `npm test`'s output.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? '.test-reports/playwright.json' }]],
  use: {
    trace: 'retain-on-failure',
    launchOptions: systemChromium
      ? {
          executablePath: systemChromium,
          // No WebGL: terminals use xterm's DOM renderer, the fallback path, whose text the
          // tests can read (a WebGL canvas cannot be read back as text).
          args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-webgl'],
        }
      : { args: ['--disable-webgl'] },
  },
});
