// Playwright: the e2e suite runs the built renderer in Debian's chromium against the real headless core and the
// reference server (DESIGN §5). `npm test` finds or provisions the browser first (scripts/browser.mjs). The reporter comes from the CLI.
import { defineConfig } from '@playwright/test'
// @ts-expect-error -- a plain .mjs script shared with `npm test` (scripts/test-all.mjs), which provisions the browser
import { findChromium } from './scripts/browser.mjs'

const chromium = {
  headless: true,
  launchOptions: {
    executablePath: (findChromium() as string | undefined) ?? '(no Chromium found: run `node scripts/browser.mjs`)',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  },
}

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './testkit/temp-root.ts',
  fullyParallel: true,
  // Two cores here: one worker per core at most; each worker starts its own server and host. Against an
  // external server (CHT_TEST_SERVER) the workers would share one token pool, so run them one at a time.
  workers: process.env.CHT_TEST_SERVER ? 1 : 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  outputDir: 'test-results',
  use: {
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'chromium', testDir: 'e2e/specs', use: chromium },
    // Real Electron where a binary exists; otherwise the spec skips and says so.
    { name: 'electron', testDir: 'e2e/electron' },
  ],
})
