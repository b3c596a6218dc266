/**
 * npm run preview:web [-- --headless]
 * The UI in a browser, without Electron (DESIGN §5): the reference server with demo data in-process (or
 * CHT_SERVER_ORIGIN), the built renderer served by the e2e host, Debian's chromium driven by Playwright with
 * the bridge attached to the real headless core. Builds nothing: run `npm run build` first.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium, type Browser } from '@playwright/test'
import { seedDemo, type DemoUser } from '../../server/demo'
import { startServer, type RefServer } from '../../server/index'
import { attachApp, DEFAULT_RENDERER_DIR, startHost, type Host } from './host'

const root = resolve(import.meta.dirname, '../..')
const headless = process.argv.includes('--headless')

function fail(msg: string): never {
  process.stderr.write(`${msg}\n`)
  process.exit(1)
}

async function main(): Promise<void> {
  if (!existsSync(resolve(DEFAULT_RENDERER_DIR, 'index.html'))) {
    fail('No built renderer in out/renderer. Run `npm run build` first, then `npm run preview:web` again.')
  }
  if (!headless && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    fail('No display here (DISPLAY/WAYLAND_DISPLAY unset). Use `npm run preview:web -- --headless` for a screenshot.')
  }
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) {
    fail(`No chromium at ${executablePath}. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`)
  }

  let server: RefServer | undefined
  let users: DemoUser[] = []
  let origin = process.env.CHT_SERVER_ORIGIN
  if (!origin) {
    const dataDir = resolve(root, '.cht-data/preview')
    mkdirSync(dataDir, { recursive: true })
    server = await startServer({ port: 0, dataDir })
    users = await seedDemo(server)
    origin = server.origin
  }

  let host: Host | undefined
  let browser: Browser | undefined
  let closing = false
  const shutdown = async (code: number) => {
    if (closing) return
    closing = true
    await browser?.close().catch(() => undefined)
    await host?.close().catch(() => undefined)
    await server?.close().catch(() => undefined)
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))

  host = await startHost()
  browser = await chromium.launch({
    executablePath,
    headless,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  })
  browser.on('disconnected', () => void shutdown(0))
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } })
  const page = await context.newPage()
  const app = await attachApp(page, { serverOrigin: origin })
  page.on('close', () => void shutdown(0))

  const out = [
    '',
    `cht preview: server ${origin}${server ? ' (reference server, demo data in .cht-data/preview)' : ''}`,
    `             renderer ${host.url} (only works in the window opened here: it needs the host's bridge)`,
  ]
  if (users.length) {
    out.push('', 'Demo users (paste a token into the sign-in view, or use "sign in with the web page"):')
    for (const u of users) out.push(`  ${u.name.padEnd(16)} ${u.token}${u.is_superuser ? '  (superuser)' : ''}`)
  } else {
    out.push('', 'Sign in with a token for that server.')
  }

  if (headless) {
    // Something worth looking at: signed in as the first demo user, the first chat open.
    if (users[0]) await app.client.request('session.signIn', { serverOrigin: origin, token: users[0].token })
    await page.goto(host.url)
    const first = page.getByTestId('chat-item').first()
    if (users[0]) {
      await first.click()
      await page.getByTestId('message').first().waitFor()
      await page.waitForTimeout(500) // images arrive through the bridge
    } else {
      await page.getByTestId('signin-web').waitFor()
    }
    const shot = resolve(root, '.cht-data/preview-screenshot.png')
    await page.screenshot({ path: shot })
    out.push('', `Screenshot: ${shot}`)
  } else {
    await page.goto(host.url)
  }
  out.push('', 'Ctrl+C to stop.', '')
  process.stdout.write(out.join('\n'))
}

main().catch((e: unknown) => fail(`preview failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`))
