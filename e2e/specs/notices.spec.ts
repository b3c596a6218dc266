// End to end: notices (issue 13's "the window was reopened", issue 10's "the store was rebuilt", failures) sit in
// the page's flow under the status line — they push the chat down instead of covering it, so the composer's send
// button stays usable — and what went well in the end is told calmly, not in the red of an error.
import type { Page } from '@playwright/test'
import type { PageGlobals } from '../page-globals'
import { expect, test } from '../fixtures'
import { createGroup, inEveryLook, messagesWith, myId, openChat, send, seriousA11y, signIn } from '../helpers'

/** Whether two boxes on screen overlap. */
async function overlaps(page: Page, a: string, b: string): Promise<boolean> {
  const [x, y] = [await page.locator(a).first().boundingBox(), await page.locator(b).first().boundingBox()]
  if (!x || !y) throw new Error('not on screen')
  return x.x < y.x + y.width && y.x < x.x + x.width && x.y < y.y + y.height && y.y < x.y + x.height
}

test('notices cover nothing: the send button still sends; information is calm, failures are errors (fa, en)', async ({ openApp, testServer }, info) => {
  test.setTimeout(90_000)
  const [u] = testServer.users(1)
  const app = await openApp()
  const { page } = app
  await signIn(app, testServer.origin, u.token)
  const groupId = await createGroup(testServer, u, [await myId(app)], 'notices')
  await openChat(page, groupId)

  // Main's own notices (recovery, a rebuilt store) and a failure, all at once, on the small window.
  await page.setViewportSize({ width: 900, height: 600 })
  app.bridge.push('notice', { code: 'app.recovered' })
  app.bridge.push('notice', { code: 'store.rebuilt' })
  app.bridge.push('notice', { code: 'network' })
  const stack = page.getByTestId('notices')
  await expect(stack.locator('[data-kind]')).toHaveCount(3)
  await expect(stack.locator('[data-code="app.recovered"]')).toHaveAttribute('data-kind', 'info')
  await expect(stack.locator('[data-code="store.rebuilt"]')).toHaveAttribute('data-kind', 'info')
  await expect(stack.locator('[data-code="network"]')).toHaveAttribute('data-kind', 'error')
  // Calm is not red: the information and the error do not share a background.
  const bg = (code: string) => stack.locator(`[data-code="${code}"]`).evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).backgroundColor)
  expect(await bg('app.recovered')).not.toBe(await bg('network'))

  for (const target of ['[data-testid="composer-send"]', '[data-testid="composer"]', '[data-testid="timeline"]', '[data-testid="chat-list"]']) {
    expect(await overlaps(page, '[data-testid="notices"]', target), target).toBe(false)
  }
  expect(await seriousA11y(page, 'notices')).toEqual([])
  await app.bridge.client.request('settings.set', { theme: 'dark' })
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  expect(await seriousA11y(page, 'notices, dark')).toEqual([])
  await page.getByTestId('composer').fill('sent with three notices on screen')
  await page.getByTestId('composer-send').click()
  await expect(messagesWith(page, 'sent with three notices on screen')).toHaveAttribute('data-status', 'sent')
  await inEveryLook(app, info, 'notices', async (locale) => {
    await expect(stack.locator('[data-code="app.recovered"]')).toContainText(locale === 'fa' ? 'پنجره' : 'The window')
    expect(await overlaps(page, '[data-testid="notices"]', '[data-testid="composer-send"]')).toBe(false)
  })

  // Dismissed one by one; the chat takes the room back.
  for (const code of ['network', 'store.rebuilt', 'app.recovered']) await stack.locator(`[data-code="${code}"] button`).click()
  await expect(stack).toHaveCount(0)
  await send(page, 'and after')
  await expect(messagesWith(page, 'and after')).toHaveAttribute('data-status', 'sent')
})

test('on the sign-in view, a notice sits above the card and the form stays usable (fa, en)', async ({ openApp }, info) => {
  const app = await openApp()
  const { page } = app
  await expect(page.getByTestId('signin-web')).toBeVisible()
  app.bridge.push('notice', { code: 'state.damaged', detail: 'not JSON; kept as cht-state.damaged-2026-11-24T09-00-00-000Z.json' })
  const notice = page.locator('[data-testid="notice"][data-code="state.damaged"]')
  await expect(notice).toHaveAttribute('data-kind', 'info')
  expect(await overlaps(page, '[data-testid="notices"]', '[data-testid="signin-web"]')).toBe(false)
  expect(await seriousA11y(page, 'sign-in with a notice')).toEqual([])
  await inEveryLook(app, info, 'signin-notice', async (locale) => {
    await expect(notice).toContainText(locale === 'fa' ? 'پروندهٔ تنظیمات' : 'settings file was damaged')
  })
  await page.getByTestId('signin-use-token').click()
  await expect(page.getByTestId('signin-token')).toBeVisible()
})
