// What the e2e specs do over and over through the UI: sign in, open a chat, send, find messages — and the one
// thing done behind the UI's back, a group made the protocol way (R2 + R4).
import type { Locator, Page } from '@playwright/test'
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
