// What the e2e specs do over and over through the UI: sign in, open a chat, send, find messages — and the one
// thing done behind the UI's back, a group made the protocol way (R2 + R4).
import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page, TestInfo } from '@playwright/test'
import { makeGroup } from '../testkit/groups'
import { uniqueSlug, type TestServer, type TestUser } from '../testkit/server'
import { expect, type App } from './fixtures'

export async function signIn(app: App, origin: string, token: string): Promise<void> {
  const { page } = app
  await page.getByTestId('signin-origin').fill(origin)
  // The token is the secondary way in (the organisation's web page comes first): open its section.
  if (!(await page.getByTestId('signin-token').isVisible())) await page.getByTestId('signin-use-token').click()
  await page.getByTestId('signin-token').fill(token)
  await page.getByTestId('signin-submit').click()
  await expect(page.getByTestId('chat-list')).toBeVisible()
}

/** Two fresh users, each signed in in a window of their own. */
export async function twoSignedIn(
  openApp: (o?: string) => Promise<App>, testServer: TestServer,
): Promise<{ alice: App; bob: App; a: TestUser; b: TestUser }> {
  const [a, b] = testServer.users(2)
  const alice = await openApp()
  const bob = await openApp()
  await signIn(alice, testServer.origin, a.token)
  await signIn(bob, testServer.origin, b.token)
  // Both apps have their first list from the server before either acts: a chat already there at the first list
  // counts as old (read), so one made in that window would not be "new" — a race a person cannot hit, a test can.
  for (const app of [alice, bob]) await expect(app.page.getByTestId('chats-empty')).toHaveAttribute('data-state', 'none')
  return { alice, bob, a, b }
}

export async function myId(app: App): Promise<string> {
  const s = await app.bridge.client.request('session.get', undefined)
  if (!s) throw new Error('not signed in')
  return s.user.id
}

/** A live group (Q7: name == slug) made the protocol way: group creation in the UI has its own spec. */
export async function createGroup(ts: TestServer, creator: TestUser, memberIds: string[], prefix = 'e2e'): Promise<string> {
  const slug = uniqueSlug(prefix)
  await makeGroup(ts.origin, creator.token, slug, memberIds) // throws unless R2 → 201 and every R4 → 200
  return `group:${slug}`
}

/** R1 then R7 for a user who has not signed in yet (PROTOCOL 1.2), as their other device would: groups can then be made for them. */
export async function bootstrapUser(ts: TestServer, user: TestUser): Promise<void> {
  for (const path of ['/cht/save-user-data/', '/cht/api/user/profile/']) {
    const r = await fetch(ts.origin + path, { headers: { Authorization: user.token } })
    if (r.status !== 200) throw new Error(`${path} ${r.status}`)
  }
}

export function chatItem(page: Page, chatId: string): Locator {
  return page.getByTestId('chat-list').locator(`[data-testid="chat-item"][data-chat-id="${chatId}"]`)
}

export async function openChat(page: Page, chatId: string): Promise<void> {
  await chatItem(page, chatId).click()
  await expect(page.locator(`[data-testid="chat-view"][data-chat-id="${chatId}"]`)).toBeVisible()
  await expect(page.getByTestId('timeline')).toBeVisible()
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer').fill(text)
  await page.getByTestId('composer').press('Enter')
  await expect(page.getByTestId('composer')).toHaveValue('')
}

/** The messages in the open timeline whose text is exactly `text`. */
export function messagesWith(page: Page, text: string): Locator {
  return page
    .getByTestId('timeline')
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) })
}

/** A number as the Persian UI shows it. */
export const faDigits = (n: number): string => new Intl.NumberFormat('fa').format(n)

/** Axe's serious and critical violations on the whole page, each as one readable line (issue 12: there must be none). */
export async function seriousA11y(page: Page, view: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${view}: ${v.id} (${v.impact}) — ${v.help}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)}`).slice(0, 5).join(' | ')}`)
}

export type Note = { chatId: string; title: string; body: string; count: number }
type NoteWin = { cht: { on(name: string, cb: (p: unknown) => void): () => void }; __notes: Note[] }

/** Record every `notification` event the page receives (what main would show natively). */
export async function recordNotifications(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as NoteWin
    w.__notes = []
    w.cht.on('notification', (n) => { w.__notes.push(n as Note) })
  })
}

/** The notifications recorded since recordNotifications(). */
export const notes = (page: Page): Promise<Note[]> => page.evaluate(() => (globalThis as unknown as NoteWin).__notes)

export const LOOKS = ['fa', 'en'].flatMap((locale) =>
  ['light', 'dark'].flatMap((theme) => [[1280, 800], [900, 600]].map(([width, height]) => ({
    locale: locale as 'fa' | 'en', theme: theme as 'light' | 'dark', width: width!, height: height!,
  }))))

export type Look = (typeof LOOKS)[number]

/**
 * Each look in turn (LOOKS): its settings and window size set and the page showing them, then `fn` with the look and
 * its name (`fa-light-1280x800`). Leaves the page in Persian, light, 1280×800.
 */
export async function eachLook(app: App, fn: (look: Look, name: string) => Promise<void>): Promise<void> {
  const html = app.page.locator('html')
  const show = async (look: Look) => {
    await app.bridge.client.request('settings.set', { locale: look.locale, theme: look.theme })
    await expect(html).toHaveAttribute('lang', look.locale)
    await expect(html).toHaveAttribute('dir', look.locale === 'fa' ? 'rtl' : 'ltr')
    await expect(html).toHaveAttribute('data-theme', look.theme)
    await app.page.setViewportSize({ width: look.width, height: look.height })
  }
  for (const look of LOOKS) {
    await show(look)
    await fn(look, `${look.locale}-${look.theme}-${look.width}x${look.height}`)
  }
  await show(LOOKS[0]!)
}

/**
 * Screenshots of what is on screen in every look — fa/en, light/dark, 1280×800 and 900×600 — for a person to look
 * at (test-results/…/<name>-fa-light-1280.png). `check` runs in each locale first (the text that must be there).
 * Leaves the page in Persian, light, 1280×800.
 */
export async function inEveryLook(app: App, info: TestInfo, name: string, check?: (locale: 'fa' | 'en') => Promise<void>): Promise<void> {
  await eachLook(app, async (look) => {
    await check?.(look.locale)
    await app.page.screenshot({ path: info.outputPath(`${name}-${look.locale}-${look.theme}-${look.width}.png`) })
  })
}
