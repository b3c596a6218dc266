// The e2e host itself: it must serve the renderer exactly as the app does (CSP, no escaping the folder),
// and the page must have no network of its own — everything goes through window.cht (DESIGN §2, §6).
import { get } from 'node:http'
import { APP_CSP } from '../host/host'
import { expect, test } from '../fixtures'

function rawGet(url: string, path: string): Promise<{ status: number; csp?: string; body: string }> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    // node:http sends the path verbatim (fetch would normalize the dot segments away).
    get({ host: u.hostname, port: u.port, path }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, csp: res.headers['content-security-policy'] as string, body }))
    }).on('error', reject)
  })
}

test('the host serves the built renderer with the app\'s CSP and never outside its folder', async ({ host }) => {
  const index = await rawGet(host.url, '/')
  expect(index.status).toBe(200)
  expect(index.csp).toBe(APP_CSP)
  expect(index.body).toContain('<div id="app">')
  for (const path of ['/../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/assets/../../package.json']) {
    const r = await rawGet(host.url, path)
    expect(r.status, path).toBeGreaterThanOrEqual(400)
    expect(r.body, path).not.toContain('cht-desktop')
  }
  expect((await rawGet(host.url, '/no-such-file.js')).status).toBe(404)
})

test('the page has no network of its own and a bridge with nothing but request/on/stageFiles', async ({ openApp, testServer }) => {
  const app = await openApp()
  await expect(app.page.getByTestId('signin-web')).toBeVisible()
  const probe = await app.page.evaluate(async (origin) => {
    const g = globalThis as unknown as Record<string, unknown> & { fetch(u: string): Promise<unknown> }
    let network = 'reached'
    try {
      await g.fetch(`${origin}/cht/api/groups/`)
    } catch {
      network = 'blocked'
    }
    const cht = g.cht as Record<string, unknown>
    return { network, keys: Object.keys(cht).sort(), require: typeof g.require, process: typeof g.process }
  }, testServer.origin)
  // The contract's ChtBridge surface, like the preload's (stageFiles: issue 4).
  expect(probe).toEqual({ network: 'blocked', keys: ['on', 'request', 'stageFiles'], require: 'undefined', process: 'undefined' })
  // Arguments are checked by the contract's schema on the host side, as main/ipc.ts does.
  const bad = await app.page.evaluate(() =>
    (globalThis as unknown as { cht: { request(n: string, a: unknown): Promise<unknown> } }).cht.request('session.signIn', {
      serverOrigin: 'file:///etc/passwd', token: 'x',
    }),
  )
  expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
})
