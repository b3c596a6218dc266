// Playwright fixtures: one cht server and one renderer host per worker, and openApp() for a fresh
// "app window" (browser context + page + its own headless core) signed in or not.
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { externalServer, startTestServer, unpacedClient, type TestServer } from '../testkit/server'
import { attachApp, startHost, type AttachOptions, type AttachedApp, type Host } from './host/host'

export interface App {
  context: BrowserContext
  page: Page
  bridge: AttachedApp
  /** Close the window and its core (the Ports survive: pass them to openApp to "restart the app"). */
  close(): Promise<void>
}

export type OpenAppOptions = Partial<Omit<AttachOptions, 'serverOrigin'>>

/**
 * Quick reconnects, no start-up or re-read jitter (one person per window here, not an office behind one IP), and —
 * the server not throttling — no pacing, with the list polled twice a second: live behaviour shows within a test's
 * time. The REST budget is core's to prove (its tests run the production throttle on a fake clock).
 */
export const TEST_CLIENT_OPTIONS: AttachOptions['client'] = {
  ...unpacedClient,
  socket: { backoff: { firstMs: 200, maxMs: 2_000 }, stableMs: 1_000 },
  startJitterMs: 0,
  rereadJitterMs: 0,
  listPollMs: externalServer ? 2_000 : 500,
}

export async function openApp(browser: Browser, hostUrl: string, serverOrigin: string, opts: OpenAppOptions = {}): Promise<App> {
  const context = await browser.newContext({ locale: 'fa-IR' })
  const page = await context.newPage()
  const bridge = await attachApp(page, { serverOrigin, client: TEST_CLIENT_OPTIONS, ...opts })
  await page.goto(hostUrl)
  return {
    context, page, bridge,
    async close() {
      await bridge.detach()
      await context.close()
    },
  }
}

interface TestFixtures {
  /** openApp bound to this worker's host; every app opened is closed after the test. */
  openApp(serverOrigin?: string, opts?: OpenAppOptions): Promise<App>
}

interface WorkerFixtures {
  testServer: TestServer
  host: Host
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  testServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const s = await startTestServer({ throttle: false })
      await use(s)
      await s.close()
    },
    { scope: 'worker' },
  ],
  host: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const h = await startHost()
      await use(h)
      await h.close()
    },
    { scope: 'worker' },
  ],
  openApp: async ({ browser, host, testServer }, use) => {
    const opened: App[] = []
    await use(async (origin, opts) => {
      const app = await openApp(browser, host.url, origin ?? testServer.origin, opts)
      opened.push(app)
      return app
    })
    for (const a of opened) await a.close().catch(() => undefined)
  },
})

export { expect }
