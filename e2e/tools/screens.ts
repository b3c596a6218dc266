/**
 * npm run screens [-- --only=fa-light-1280]
 * Screenshots of every view (sign-in, chats, a chat open, settings, people, emoji picker, a dialog, message search
 * and a result opened) in fa and en, light and dark, at 1280×800 and 900×600 — for looking at, not for asserting
 * (issues 12, 14). Runs the reference server
 * with demo data in-process, the built renderer through the e2e host and the real headless core; writes PNGs to
 * test-results/screens/. Builds nothing: run `npm run build` first.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Page } from '@playwright/test'
import { seedDemo } from '../../server/demo'
import { startServer } from '../../server/index'
import { memoryPorts } from '../../src/main/core/ports'
import type { Settings } from '../../src/shared/model'
// @ts-expect-error -- a plain .mjs script shared with `npm test`
import { findChromium } from '../../scripts/browser.mjs'
import { TEST_CLIENT_OPTIONS } from '../fixtures'
import { attachApp, startHost } from '../host/host'
import type { PageGlobals } from '../page-globals'

const out = resolve(import.meta.dirname, '../../test-results/screens')
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true })
  const dataDir = mkdtempSync(join(tmpdir(), 'cht-screens-'))
  const server = await startServer({ port: 0, dataDir, throttle: false })
  const users = await seedDemo(server)
  const ali = users.find((u) => u.name === 'علی رضایی')!
  const host = await startHost()
  const browser = await chromium.launch({ executablePath: findChromium() as string, args: ['--no-sandbox', '--disable-gpu'] })
  try {
    for (const locale of ['fa', 'en'] as const) {
      for (const theme of ['light', 'dark'] as const) {
        for (const [w, h] of [[1280, 800], [900, 600]] as const) {
          const tag = `${locale}-${theme}-${w}`
          if (only && !tag.startsWith(only)) continue
          const context = await browser.newContext({ viewport: { width: w, height: h }, locale: locale === 'fa' ? 'fa-IR' : 'en-US' })
          const page = await context.newPage()
          const ports = memoryPorts()
          ports.store.set('settings', { locale, theme } satisfies Partial<Settings>)
          const app = await attachApp(page, { serverOrigin: server.origin, ports, client: TEST_CLIENT_OPTIONS })
          const shot = async (name: string) => {
            // Fonts load when text first needs them (the emoji subsets are split by Unicode range): wait for all.
            await page.evaluate(async () => {
              const { document } = globalThis as unknown as PageGlobals
              await document.fonts.ready
              await Promise.all(Array.from(document.fonts).filter((f) => f.status === 'loading').map((f) => f.loaded))
            })
            await page.screenshot({ path: join(out, `${tag}-${name}.png`) })
          }
          await page.goto(host.url)
          await page.getByTestId('signin-web').waitFor()
          await page.getByTestId('signin-origin').fill('http://chat.example.org')
          await page.getByTestId('signin-use-token').click()
          await shot('signin')
          await page.getByTestId('signin-origin').fill(server.origin)
          await page.getByTestId('signin-token').fill(ali.token)
          await page.getByTestId('signin-submit').click()
          await page.getByTestId('chat-item').first().waitFor()
          await app.client.request('drafts.set', { chatId: 'group:announcements', text: locale === 'fa' ? 'بررسی PR پیش از ساعت ۱۶ (بند ۳)' : 'Review the PR (item 3) before 16:00' })
          await app.client.request('settings.set', { dndUntil: Date.now() + 3_600_000 })
          await page.reload()
          await page.getByTestId('chat-item').first().waitFor()
          await shot('chats')
          await page.getByTestId('chat-item').first().click()
          await page.getByTestId('message').first().waitFor()
          await settle(page)
          await shot('chat')
          await page.getByTestId('emoji-button').click()
          await page.getByTestId('emoji-option').first().waitFor()
          await shot('emoji')
          await page.keyboard.press('Escape')
          await page.getByTestId('settings-link').click()
          await page.getByTestId('settings-view').waitFor()
          await shot('settings')
          await page.getByTestId('people-button').click()
          await page.getByTestId('person').first().waitFor()
          await shot('people')
          await page.keyboard.press('Escape')
          await page.getByTestId('group-create-button').click()
          await page.getByTestId('group-create-dialog').waitFor()
          await shot('dialog')
          await page.keyboard.press('Escape')
          // Issue 14: message search in the sidebar, then a result opened in its chat (read first, so it is stored).
          await page.locator('[data-testid="chat-item"][data-chat-id="group:announcements"]').click()
          await page.getByTestId('message').first().waitFor()
          await page.keyboard.press('Control+Shift+F')
          await page.getByTestId('chat-search').fill(locale === 'fa' ? 'اطلاعيه شماره' : 'maintenance window')
          await page.getByTestId('search-hit').first().waitFor()
          await shot('search')
          await page.getByTestId('search-hit').nth(3).click()
          await page.locator('[data-found="true"]').waitFor()
          await settle(page)
          await shot('search-found')
          await app.detach()
          await context.close()
          process.stdout.write(`${tag}\n`)
        }
      }
    }
  } finally {
    await browser.close()
    await host.close()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  process.stdout.write(`Screenshots in ${out}\n`)
}

/** Images and avatars arrive through the bridge; wait until none is still loading. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => Array.from((globalThis as unknown as PageGlobals).document.images).every((i) => i.complete))
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`)
  process.exit(1)
})
