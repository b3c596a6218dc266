// Issue 12: the timeline's controls and the file tray in every look the app has — fa (RTL) and en, light and dark,
// 1280×800 and 900×600: the new-messages button sits at the inline end inside the timeline, the jump bar and the
// floating date do not cover each other, the tray and the message menu fit the window. With CHT_SCREENS=<folder> each state is also
// saved as a PNG for a person to look at.
import type { Locator } from '@playwright/test'
import { encodePng } from '../../server/png'
import { makeGroup } from '../../testkit/groups'
import { externalServer, uniqueSlug } from '../../testkit/server'
import { expect, test } from '../fixtures'
import { chatItem, eachLook, myId, openChat, twoSignedIn } from '../helpers'
import { longGroup, settled, snap } from '../timeline'

interface Rect { x: number; y: number; width: number; height: number }
interface PageGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } }
  File: new (parts: unknown[], name: string, opts: { type: string }) => unknown
}

const inside = (a: Rect, b: Rect) =>
  a.x >= b.x - 1 && a.y >= b.y - 1 && a.x + a.width <= b.x + b.width + 1 && a.y + a.height <= b.y + b.height + 1
const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

async function box(l: Locator): Promise<Rect> {
  const b = await l.boundingBox()
  if (!b) throw new Error('not visible')
  return b
}

test('timeline controls and the file tray in fa/en, light/dark, 1280×800 and 900×600', async ({ openApp, testServer }) => {
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: seeding a long history needs the reference server\'s database')
  test.setTimeout(120_000)
  const { alice, bob, a, b } = await twoSignedIn(openApp, testServer)
  const [aliceId, bobId] = [await myId(alice), await myId(bob)]
  const chatId = await longGroup(testServer, { token: b.token, id: bobId }, aliceId, {
    count: 300, prefix: 'looks', spacingMs: 40 * 60_000, sender: (i) => ((i - 1) % 3 ? bobId : aliceId),
    text: (i) => (i % 5 === 3 ? 'جلسهٔ بررسی بودجه فردا ساعت ۱۰ در اتاق ۳ برگزار می‌شود؛ لطفاً گزارش‌ها را همراه بیاورید.' : `پیام ${i} — note ${i}`),
  })
  const other = `group:${uniqueSlug('other')}`
  await makeGroup(testServer.origin, a.token, other.slice(6), [bobId])
  const page = alice.page
  for (const id of [chatId, other]) await expect(chatItem(page, id)).toBeVisible({ timeout: 15_000 })
  await expect(chatItem(bob.page, chatId)).toBeVisible({ timeout: 15_000 }) // bob writes there below
  await openChat(page, chatId)
  await openChat(page, other)
  for (let i = 1; i <= 12; i++) await bob.bridge.client.request('messages.send', { chatId, text: `تازه ${i} — new ${i}` })
  await expect(chatItem(page, chatId).getByTestId('chat-unread')).toBeVisible()
  await openChat(page, chatId)
  await expect(page.getByTestId('unread-divider')).toBeInViewport()

  const png = [...encodePng(64, 48, (x, y) => [40 + x * 3, 90 + y * 2, 200, 255])]
  let sent = 0
  await eachLook(alice, async (look, name) => {
    const windowRect = { x: 0, y: 0, width: look.width, height: look.height }
    const timeline = await box(page.getByTestId('timeline'))

    // Reading above the newest: new messages are counted on the button at the inline end.
    await page.getByTestId('timeline').hover()
    await page.mouse.wheel(0, -600)
    await settled(page)
    for (let i = 0; i < 2; i++) await bob.bridge.client.request('messages.send', { chatId, text: `live ${++sent}` })
    const down = page.getByTestId('scroll-to-bottom')
    await expect(down.getByTestId('new-messages')).toBeVisible()
    await page.mouse.wheel(0, -120) // shows the floating date
    await expect(page.getByTestId('date-pill')).toHaveCSS('opacity', '1')
    const d = await box(down)
    expect(inside(d, timeline)).toBe(true)
    const atInlineEnd = look.locale === 'fa' ? d.x < timeline.x + timeline.width / 2 : d.x > timeline.x + timeline.width / 2
    expect(atInlineEnd).toBe(true)
    await snap(page, `${name}-reading`)

    // At the newest: the divider is above, so the jump bar offers it; it does not cover the floating date.
    await down.click()
    const jump = page.getByTestId('jump-unread')
    await expect(jump).toBeVisible()
    await page.mouse.wheel(0, -40)
    const pill = page.getByTestId('date-pill')
    await expect(pill).toHaveCSS('opacity', '1')
    expect(inside(await box(jump), timeline)).toBe(true)
    expect(overlaps(await box(jump), await box(pill))).toBe(false)
    await snap(page, `${name}-jump`)
    await jump.click()
    await expect(page.getByTestId('unread-divider')).toBeInViewport()
    await snap(page, `${name}-divider`)

    // The tray: two files dropped, a thumbnail for the image, a caption of their names; it fits the window.
    const dataTransfer = await page.evaluateHandle((png) => {
      const g = globalThis as unknown as PageGlobals
      const dt = new g.DataTransfer()
      dt.items.add(new g.File(['گزارش'], 'گزارش مالی سه‌ماهه.pdf', { type: 'application/pdf' }))
      dt.items.add(new g.File([Uint8Array.from(png)], 'chart.png', { type: 'image/png' }))
      return dt
    }, png)
    await page.getByTestId('timeline').dispatchEvent('drop', { dataTransfer })
    const tray = page.getByTestId('file-tray')
    await expect(tray.getByTestId('tray-thumb')).toHaveAttribute('src', /^blob:/)
    expect(inside(await box(tray), windowRect)).toBe(true)
    await snap(page, `${name}-tray`)
    await tray.getByTestId('tray-cancel').click()
    await expect(tray).toHaveCount(0)

    // The message menu opens at the pointer and stays inside the window.
    await page.getByTestId('message').filter({ hasText: 'live' }).last().getByTestId('message-text').click({ button: 'right' })
    const menu = page.getByTestId('message-menu')
    await expect(menu).toBeVisible()
    expect(inside(await box(menu), windowRect)).toBe(true)
    await snap(page, `${name}-menu`)
    await page.keyboard.press('Escape')
    await expect(menu).toHaveCount(0)
  })

  // Further back (eachLook left it in Persian, light, 1280×800), the floating date is a Persian date written as a
  // Persian reader writes it.
  await page.getByTestId('timeline').hover()
  // Days back, whatever the time of day: near midnight a single wheel could stop on "yesterday".
  for (let i = 0; i < 2; i++) {
    await page.mouse.wheel(0, -5000)
    await settled(page)
  }
  await page.mouse.wheel(0, -60)
  const pill = page.getByTestId('date-pill')
  await expect(pill).toHaveCSS('opacity', '1')
  await expect(pill).toHaveText(/^[\u0600-\u06FF\u200C ]+ [۰-۹]{1,2} [\u0600-\u06FF]+ [۰-۹]{4}$/)
  await snap(page, 'fa-light-1280x800-date')
})
