// End to end, issue 14: finding a message the way a person does — Ctrl/Cmd+Shift+F (or typing in the sidebar's search
// box) searches every chat, Ctrl/Cmd+F the open one; Persian typed with Arabic letter forms finds Persian text; Enter
// opens the chat at that message, highlighted, the timeline stays put and pages both ways; Escape goes back to where
// the person was. Built renderer in Chromium, the real headless core and its index, the reference server. With
// CHT_SCREENS=<folder> each look (fa/en, light/dark, 1280×800 and 900×600) is saved as a PNG for a person to check.
import type { Page } from '@playwright/test'
import { externalServer } from '../../testkit/server'
import en from '../../src/renderer/src/i18n/en'
import fa from '../../src/renderer/src/i18n/fa'
import { expect, test, type App } from '../fixtures'
import { chatItem, createGroup, eachLook, myId, openChat, send, twoSignedIn } from '../helpers'
import { firstInView, longGroup, settled, snap, wheel, type El } from '../timeline'

interface PageGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } }
  File: new (parts: unknown[], name: string, opts: { type: string }) => unknown
}

const TARGET = 'گزارش فروش کیک‌های ویژهٔ نوروز آماده است'

/** Where the found message is inside the timeline: its top and bottom (px below the timeline's top) and the timeline's height. */
function foundPlace(page: Page): Promise<{ top: number; bottom: number; height: number }> {
  return page.getByTestId('timeline').evaluate((tl) => {
    const el = tl as unknown as El
    const box = el.getBoundingClientRect()
    const m = [...el.querySelectorAll('[data-found="true"]')][0]!.getBoundingClientRect()
    return { top: m.top - box.top, bottom: m.bottom - box.top, height: box.height }
  })
}

const texts = (page: Page) => page.getByTestId('timeline').getByTestId('message-text').allTextContents()

test('fa: Arabic letter forms find a Persian message in another chat; Enter opens it highlighted where it is; Escape goes back', async ({ openApp, testServer }) => {
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: seeding long histories needs the reference server\'s database')
  test.setTimeout(90_000)
  const { alice, bob, b } = await twoSignedIn(openApp, testServer)
  const [aliceId, bobId] = [await myId(alice), await myId(bob)]
  const owner = { token: b.token, id: bobId }
  // Alice is reading one long chat, scrolled up; what she looks for is in the middle of another one's 600 messages.
  const reading = await longGroup(testServer, owner, aliceId, { count: 300, text: (i) => `خط ${i} — line ${i}`, spacingMs: 20 * 60_000, sender: (i) => (i % 3 === 1 ? aliceId : bobId) })
  const archive = await longGroup(testServer, owner, aliceId, { count: 600, text: (i) => (i === 300 ? TARGET : `پیام ${i} — archive ${i}`), spacingMs: 20 * 60_000, sender: (i) => (i % 3 === 1 ? aliceId : bobId) })
  const page = alice.page
  for (const id of [reading, archive]) await expect(chatItem(page, id)).toBeVisible({ timeout: 15_000 })
  await openChat(page, archive) // read once, so its whole history is on this computer
  await expect(page.getByTestId('message').last()).toContainText('پیام 600')
  await openChat(page, reading)
  await expect(page.getByTestId('message').last()).toContainText('خط 300')
  await wheel(page, -1500)
  const place = await firstInView(page)

  // Ctrl+Shift+F: every chat. Arabic yeh and kaf, no ZWNJ, the last word still being typed.
  await page.keyboard.press('Control+Shift+F')
  const box = page.getByTestId('chat-search')
  await expect(box).toBeFocused()
  await box.pressSequentially('گزارش فروش كيكها')
  const hits = page.getByTestId('search-hit')
  await expect(hits).toHaveCount(1)
  const hit = hits.first()
  await expect(hit).toHaveAttribute('data-chat-id', archive)
  await expect(hit.getByTestId('search-hit-title')).toHaveText(archive.slice('group:'.length))
  await expect(hit.getByTestId('search-hit-sender')).toHaveText((await bob.bridge.client.request('session.get', undefined))!.user.name)
  await expect(hit.getByTestId('search-hit-match')).toHaveText(['گزارش', 'فروش', 'کیک‌های'])
  await expect(hit.getByTestId('search-hit-time')).not.toBeEmpty()
  await expect(page.getByTestId('search-results').getByRole('heading')).toHaveText(fa.search.messages)
  await snap(page, 'search-fa-results')

  // ↓ into the results, Enter: the archive opens at that message — ringed, focused, in the middle of the view.
  await box.press('ArrowDown')
  await expect(hit).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('chat-view')).toHaveAttribute('data-chat-id', archive)
  const found = page.locator('[data-found="true"]')
  await expect(found).toContainText(TARGET)
  await expect(found).toBeFocused()
  await expect(found.getByTestId('text-match')).toHaveText(['گزارش', 'فروش', 'کیک‌های'])
  await expect(page.getByTestId('found-bar')).toBeVisible()
  await settled(page)
  const at = await foundPlace(page)
  expect(at.top).toBeGreaterThan(at.height * 0.2)
  expect(at.bottom).toBeLessThan(at.height * 0.8)
  // The window around it: neighbours on both sides, not the newest messages.
  const around = await texts(page)
  expect(around.some((t) => t.startsWith('پیام 29'))).toBe(true)
  expect(around.some((t) => t.startsWith('پیام 30'))).toBe(true)
  expect(around.some((t) => t.startsWith('پیام 600'))).toBe(false)
  await snap(page, 'search-fa-found')
  // It stays put while the world moves: a message in another chat refreshes the list.
  await expect(chatItem(bob.page, reading)).toBeVisible({ timeout: 15_000 }) // bob's app has found it (R3)
  await bob.bridge.client.request('messages.send', { chatId: reading, text: 'meanwhile — در همین حال' })
  await expect.poll(async () => (await alice.bridge.client.request('chats.list', undefined)).find((c) => c.id === reading)?.lastMessage?.text)
    .toBe('meanwhile — در همین حال')
  await settled(page)
  expect(Math.abs((await foundPlace(page)).top - at.top)).toBeLessThanOrEqual(2)

  // Newer messages load on scrolling down, older on scrolling up — from the local store, pages at a time.
  for (let i = 0; i < 30 && !(await texts(page)).some((t) => t.startsWith('پیام 420')); i++) await wheel(page, 1200)
  expect((await texts(page)).some((t) => t.startsWith('پیام 420'))).toBe(true)
  for (let i = 0; i < 40 && !(await texts(page)).some((t) => t.startsWith('پیام 180 ')); i++) await wheel(page, -1200)
  expect((await texts(page)).some((t) => t.startsWith('پیام 180 '))).toBe(true)

  // Escape: back in the chat she was reading, at exactly her place; the search is over.
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('chat-view')).toHaveAttribute('data-chat-id', reading)
  await settled(page)
  const again = await firstInView(page)
  expect(again.key).toBe(place.key)
  expect(Math.abs(again.top - place.top)).toBeLessThanOrEqual(2)
  await expect(box).toHaveValue('')
  await expect(page.getByTestId('found-bar')).toHaveCount(0)
  await expect(chatItem(page, archive)).toBeVisible()
})

async function dropFile(app: App, name: string): Promise<void> {
  const { page } = app
  const dataTransfer = await page.evaluateHandle((name) => {
    const g = globalThis as unknown as PageGlobals
    const dt = new g.DataTransfer()
    dt.items.add(new g.File(['%PDF-1.4 numbers'], name, { type: 'application/pdf' }))
    return dt
  }, name)
  await page.getByTestId('timeline').dispatchEvent('drop', { dataTransfer })
  const tray = page.getByTestId('file-tray')
  await tray.getByTestId('tray-caption').fill('') // no caption: only the file's own name can find it
  await tray.getByTestId('tray-send').click()
  await expect(tray).toHaveCount(0)
}

test('en: Ctrl+F searches the open chat and finds a file by its name; Enter opens it highlighted, Escape goes back; Ctrl+Shift+F every chat', async ({ openApp, testServer }) => {
  const { alice, bob, a } = await twoSignedIn(openApp, testServer)
  const bobId = await myId(bob)
  const team = await createGroup(testServer, a, [bobId], 'team')
  const other = await createGroup(testServer, a, [bobId], 'budgetbook')
  const page = alice.page
  await alice.bridge.client.request('settings.set', { locale: 'en' })
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr')
  for (const id of [team, other]) await expect(chatItem(page, id)).toBeVisible({ timeout: 15_000 })
  for (const id of [team, other]) await expect(chatItem(bob.page, id)).toBeVisible({ timeout: 15_000 }) // bob's app has found them (R3)
  await bob.bridge.client.request('messages.send', { chatId: other, text: 'the budget for the other team is here' })
  await bob.bridge.client.request('messages.send', { chatId: team, text: 'The budget meeting moved to Monday' })
  await openChat(page, team)
  await expect(page.getByTestId('message-text').last()).toHaveText('The budget meeting moved to Monday')
  await dropFile(alice, 'Quarterly Budget 2026.pdf')
  const sent = page.getByTestId('message').filter({ has: page.getByTestId('message-file') })
  await expect(sent).toHaveAttribute('data-status', 'sent', { timeout: 20_000 })
  for (let i = 1; i <= 3; i++) await send(page, `later message ${i}`)

  // Ctrl+F: this chat only — it shows in the box as a chip.
  await page.getByTestId('composer').focus()
  await page.keyboard.press('Control+f')
  const box = page.getByTestId('chat-search')
  await expect(box).toBeFocused()
  await expect(page.getByTestId('search-scope')).toContainText(team.slice('group:'.length))
  await expect(box).toHaveAttribute('placeholder', en.search.inChatHint)
  await box.fill('budget')
  const hits = page.getByTestId('search-hit')
  await expect(hits).toHaveCount(2) // not the other chat's
  // Newest first: her file (found by its name, with the file icon), then Bob's message.
  await expect(hits.nth(0).getByTestId('search-hit-title')).toHaveText(en.chats.you)
  await expect(hits.nth(0).getByTestId('search-hit-snippet')).toHaveText('Quarterly Budget 2026.pdf')
  await expect(hits.nth(0).getByTestId('search-hit-match')).toHaveText('Budget')
  await expect(hits.nth(1).getByTestId('search-hit-match')).toHaveText('budget')
  await expect(page.getByTestId('chat-item')).toHaveCount(0)
  await snap(page, 'search-en-in-chat')

  await box.press('ArrowDown')
  await page.keyboard.press('Enter')
  const found = page.locator('[data-found="true"]')
  await expect(found.getByTestId('file-name')).toHaveText('Quarterly Budget 2026.pdf')
  await expect(found).toBeFocused()
  await expect(found).toBeInViewport()
  await snap(page, 'search-en-found-file')

  // Escape: back to the newest message, where she was, focus back in the message box; the search is over.
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('found-bar')).toHaveCount(0)
  await expect(page.getByTestId('composer')).toBeFocused()
  await expect(page.getByTestId('message-text').last()).toBeInViewport()
  await expect(page.getByTestId('message-text').last()).toHaveText('later message 3')
  await expect(page.getByTestId('search-scope')).toHaveCount(0)
  await expect(box).toHaveValue('')

  // Ctrl+Shift+F: every chat — chats whose name matches, then messages from both chats.
  await page.keyboard.press('Control+Shift+F')
  await box.fill('budget')
  await expect(hits).toHaveCount(3)
  await expect(page.getByTestId('chat-item')).toHaveCount(1) // "budgetbook…" by its name
  await expect(page.getByTestId('search-results').getByRole('heading')).toHaveText(en.search.messages)
  await expect(hits.nth(2)).toHaveAttribute('data-chat-id', other)
  // A word nowhere: said plainly, in English.
  await box.fill('zeppelin')
  await expect(page.getByTestId('search-none')).toHaveText(en.search.none)
  // Escape with no result opened: the search ends where she is.
  await box.press('Escape')
  await expect(box).toHaveValue('')
  await expect(page.getByTestId('chat-view')).toHaveAttribute('data-chat-id', team)
})

test('search in every look: fa/en, light/dark, 1280×800 and 900×600 — results and the found message fit', async ({ openApp, testServer }) => {
  test.setTimeout(90_000)
  const { alice, bob, a } = await twoSignedIn(openApp, testServer)
  const bobId = await myId(bob)
  const team = await createGroup(testServer, a, [bobId], 'looks')
  const page = alice.page
  await expect(chatItem(page, team)).toBeVisible({ timeout: 15_000 })
  await expect(chatItem(bob.page, team)).toBeVisible({ timeout: 15_000 }) // bob's app has found the group (R3)
  for (const text of ['جلسهٔ بودجه فردا ساعت ۱۰ — budget review at 10', 'Budget v2 (بودجه) is ready, لطفاً بررسی کنید', 'گزارش بودجهٔ سه‌ماهه را فرستادم']) {
    await bob.bridge.client.request('messages.send', { chatId: team, text })
  }
  await openChat(page, team)
  await expect(page.getByTestId('message')).toHaveCount(3)
  await eachLook(alice, async (_look, name) => {
    await page.keyboard.press('Control+Shift+F')
    await page.getByTestId('chat-search').fill('بودجه')
    const hits = page.getByTestId('search-hit')
    await expect(hits).toHaveCount(3)
    for (const h of await hits.all()) await expect(h.getByTestId('search-hit-match').first()).toBeInViewport()
    await snap(page, `search-${name}-results`)
    await hits.nth(1).click()
    await expect(page.locator('[data-found="true"]')).toBeInViewport()
    await expect(page.getByTestId('found-bar')).toBeInViewport()
    await snap(page, `search-${name}-found`)
    await page.getByTestId('found-back').click()
    await expect(page.getByTestId('found-bar')).toHaveCount(0)
    await expect(page.getByTestId('chat-search')).toHaveValue('')
  })
})
