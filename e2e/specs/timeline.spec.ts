// End to end, issue 12 (part 1): reading a long conversation the way a person does — the timeline never jumps
// while you read (list refreshes, live messages here and elsewhere, other chats, Settings), new messages are counted
// and one click away, the unread divider and "jump to first unread", the floating date. Built renderer in Chromium,
// the real headless core, the reference server with a 3000-message history seeded into its database.
import type { Page } from '@playwright/test'
import { makeGroup } from '../../testkit/groups'
import { externalServer, uniqueSlug } from '../../testkit/server'
import en from '../../src/renderer/src/i18n/en'
import { expect, test, type App } from '../fixtures'
import { chatItem, faDigits, myId, openChat, send, twoSignedIn } from '../helpers'
import { firstInView, longGroup, scrollTopOf, wheel, type El } from '../timeline'

const distanceFromBottom = (page: Page) =>
  page.getByTestId('timeline').evaluate((t) => {
    const el = t as unknown as El
    return el.scrollHeight - el.scrollTop - el.clientHeight
  })

function expectSamePlace(now: { key: string; top: number }, before: { key: string; top: number }): void {
  expect(now.key).toBe(before.key)
  expect(Math.abs(now.top - before.top)).toBeLessThanOrEqual(2)
}

async function ids(alice: App, bob: App, b: { token: string }) {
  return { aliceId: await myId(alice), bob: { id: await myId(bob), token: b.token } }
}

test('the timeline holds still while you read: list refresh, live messages elsewhere and here; the count takes you down', async ({ openApp, testServer }) => {
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: seeding a 3000-message history needs the reference server\'s database')
  const { alice, bob, a, b } = await twoSignedIn(openApp, testServer)
  const { aliceId, bob: owner } = await ids(alice, bob, b)
  const big = await longGroup(testServer, owner, aliceId, { count: 3000 })
  const other = `group:${uniqueSlug('other')}`
  await makeGroup(testServer.origin, a.token, other.slice(6), [owner.id])
  for (const [p, id] of [[alice.page, big], [alice.page, other], [bob.page, big], [bob.page, other]] as const) {
    await expect(chatItem(p, id)).toBeVisible({ timeout: 15_000 })
  }
  const page = alice.page
  await openChat(page, big)
  await expect(page.getByTestId('message').last()).toContainText('پیام 3000')
  expect(await distanceFromBottom(page)).toBeLessThanOrEqual(48)

  await wheel(page, -1500)
  const before = await firstInView(page)
  expect(await distanceFromBottom(page)).toBeGreaterThan(1000)

  // The list refreshes (a new group appears for Alice), someone writes in another chat, then twice in this one.
  const fresh = `group:${uniqueSlug('fresh')}`
  await makeGroup(testServer.origin, owner.token, fresh.slice(6), [aliceId])
  await expect(chatItem(page, fresh)).toBeVisible({ timeout: 15_000 })
  await bob.bridge.client.request('messages.send', { chatId: other, text: 'in the other chat / در گفتگوی دیگر' })
  await expect(chatItem(page, other).getByTestId('chat-unread')).toHaveText(faDigits(1))
  expectSamePlace(await firstInView(page), before)
  for (const text of ['اولی زنده', 'second live one']) await bob.bridge.client.request('messages.send', { chatId: big, text })

  const down = page.getByTestId('scroll-to-bottom')
  await expect(down.getByTestId('new-messages')).toHaveText(`${faDigits(2)} پیام تازه`)
  expectSamePlace(await firstInView(page), before)
  await expect(page.getByTestId('message').filter({ hasText: 'second live one' })).toHaveCount(0) // below, not rendered

  // One click: down at the newest, both new messages there, the count gone.
  await down.click()
  await expect(page.getByTestId('message').last()).toContainText('second live one')
  await expect.poll(() => distanceFromBottom(page)).toBeLessThanOrEqual(48)
  await expect(page.getByTestId('scroll-to-bottom')).toHaveCount(0)

  // At the newest, new messages follow.
  await bob.bridge.client.request('messages.send', { chatId: big, text: 'follows at the bottom' })
  await expect(page.getByTestId('message').last()).toContainText('follows at the bottom')
  await expect.poll(() => distanceFromBottom(page)).toBeLessThanOrEqual(48)
  await expect(page.getByTestId('scroll-to-bottom')).toHaveCount(0)
})

test('your place survives switching chats, Settings and People, and your own message takes you down', async ({ openApp, testServer }) => {
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: seeding a long history needs the reference server\'s database')
  const { alice, bob, a, b } = await twoSignedIn(openApp, testServer)
  const { aliceId, bob: owner } = await ids(alice, bob, b)
  const big = await longGroup(testServer, owner, aliceId, { count: 600 })
  const other = `group:${uniqueSlug('other')}`
  await makeGroup(testServer.origin, a.token, other.slice(6), [owner.id])
  const page = alice.page
  for (const id of [big, other]) await expect(chatItem(page, id)).toBeVisible({ timeout: 15_000 })
  for (const id of [big, other]) await expect(chatItem(bob.page, id)).toBeVisible({ timeout: 15_000 }) // bob writes there below
  await openChat(page, big)
  await expect(page.getByTestId('message').last()).toContainText('پیام 600')
  await wheel(page, -2500)
  const before = await firstInView(page)

  await openChat(page, other)
  await bob.bridge.client.request('messages.send', { chatId: big, text: 'while you were away' })
  await expect(chatItem(page, big).getByTestId('chat-unread')).toHaveText(faDigits(1))
  await openChat(page, big)
  await expect(page.getByTestId('message').first()).toBeVisible()
  await expect.poll(async () => (await firstInView(page)).key).toBe(before.key)
  expectSamePlace(await firstInView(page), before)
  // Counted while away.
  await expect(page.getByTestId('new-messages')).toHaveText(`${faDigits(1)} پیام تازه`)

  // Settings and People open as panels over the chat (issue 12 item 7); closing one gives the chat back.
  for (const [button, view] of [['settings-link', 'settings-view'], ['people-button', 'people-view']] as const) {
    await page.getByTestId(button).click()
    await expect(page.getByTestId(view)).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId(view)).toHaveCount(0)
    await expect(page.getByTestId('timeline')).toBeVisible()
    await expect.poll(async () => (await firstInView(page)).key).toBe(before.key)
    expectSamePlace(await firstInView(page), before)
  }

  // Sending is a wish to see it: down at the newest.
  await send(page, 'my answer / پاسخ من')
  await expect(page.getByTestId('message').last()).toContainText('my answer')
  await expect.poll(() => distanceFromBottom(page)).toBeLessThanOrEqual(48)
})

test('opening a chat with 25 unread: the divider, counted in words; jump to it from below; the floating date', async ({ openApp, testServer }) => {
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: seeding a long history needs the reference server\'s database')
  const { alice, bob, a, b } = await twoSignedIn(openApp, testServer)
  const { aliceId, bob: owner } = await ids(alice, bob, b)
  const big = await longGroup(testServer, owner, aliceId, { count: 400 })
  const other = `group:${uniqueSlug('other')}`
  await makeGroup(testServer.origin, a.token, other.slice(6), [owner.id])
  const page = alice.page
  for (const id of [big, other]) await expect(chatItem(page, id)).toBeVisible({ timeout: 15_000 })
  for (const id of [big, other]) await expect(chatItem(bob.page, id)).toBeVisible({ timeout: 15_000 }) // bob writes there below
  // Alice has read the group once, then reads another chat while Bob writes 25 messages.
  await openChat(page, big)
  await expect(page.getByTestId('message').last()).toContainText('پیام 400')
  await openChat(page, other)
  for (let i = 1; i <= 25; i++) await bob.bridge.client.request('messages.send', { chatId: big, text: `unread ${i} / خوانده‌نشده ${i}` })
  await expect(chatItem(page, big).getByTestId('chat-unread')).toHaveText(faDigits(25))

  await openChat(page, big)
  const divider = page.getByTestId('unread-divider')
  await expect(divider).toHaveText(`${faDigits(25)} پیام خوانده‌نشده`)
  await expect(divider).toBeInViewport()
  // The divider sits right before the first of them, with a little of what came before above it.
  const firstUnread = page.getByTestId('message').filter({ hasText: 'unread 1 /' })
  await expect(firstUnread).toBeInViewport()

  // Read down to the newest: the divider is above now, and one click brings it back.
  await page.getByTestId('scroll-to-bottom').click()
  await expect.poll(() => distanceFromBottom(page)).toBeLessThanOrEqual(48)
  const jump = page.getByTestId('jump-unread')
  await expect(jump).toHaveText(`${faDigits(25)} پیام خوانده‌نشده — رفتن به اولین`)
  await jump.click()
  await expect(divider).toBeInViewport()
  await expect(jump).toHaveCount(0)

  // In English, with a plural that agrees.
  await page.evaluate(() => (globalThis as unknown as { cht: { request(n: string, a: unknown): Promise<unknown> } }).cht.request('settings.set', { locale: 'en' }))
  await expect(divider).toHaveText(en.timeline.unreadDivider.split(' | ')[1]!.replace('{n}', '25'))

  // Scrolling shows the day of what is in view, in the UI's calendar; it goes away when scrolling stops.
  await page.evaluate(() => (globalThis as unknown as { cht: { request(n: string, a: unknown): Promise<unknown> } }).cht.request('settings.set', { locale: 'fa' }))
  await wheel(page, -4000)
  const pill = page.getByTestId('date-pill')
  await expect(pill).toHaveText(/^(امروز|دیروز|[\u0600-\u06FF]+ [۰-۹]{1,2} [\u0600-\u06FF]+ [۰-۹]{4})$/)
  await expect(pill).toHaveCSS('opacity', '0', { timeout: 5_000 })
})

test('older pages arrive above the message you are reading without moving it', async ({ openApp, testServer }) => {
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: seeding a 3000-message history needs the reference server\'s database')
  const { alice, bob, b } = await twoSignedIn(openApp, testServer)
  const { aliceId, bob: owner } = await ids(alice, bob, b)
  const big = await longGroup(testServer, owner, aliceId, { count: 3000 })
  const page = alice.page
  await expect(chatItem(page, big)).toBeVisible({ timeout: 15_000 })
  await openChat(page, big)
  await expect(page.getByTestId('message').last()).toContainText('پیام 3000')
  const timeline = page.getByTestId('timeline')
  const numberInView = async () => Number(/پیام (\d+)/.exec(await messageTextOf(page, (await firstInView(page)).key))![1])

  // Up to the top of the newest window (messages 2901…3000): the next page (2701…2900) is read in above.
  await wheel(page, -8000)
  await expect(timeline).toHaveAttribute('aria-busy', 'false')
  const reading = await numberInView()
  expect(reading).toBeGreaterThan(2890) // still where the wheel stopped, not at the top of the new page
  expect(await scrollTopOf(page)).toBeGreaterThan(5000) // the new page is above, out of view
  // And again: each page lands above without a jump.
  await wheel(page, -(await scrollTopOf(page)) + 200)
  await expect(timeline).toHaveAttribute('aria-busy', 'false')
  expect(await numberInView()).toBeGreaterThan(2690)
})

function messageTextOf(page: Page, key: string): Promise<string> {
  return page.locator(`[data-testid="message"][data-key="${key}"] [data-testid="message-text"]`).innerText()
}
