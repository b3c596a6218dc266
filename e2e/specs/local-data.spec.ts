// End to end, issue 10: Settings says how much this computer keeps ("Local data: N MB"), and Sign out asks first,
// offering — for a shared computer — to delete this computer's copy of the messages, and saying that what is not
// sent yet would be lost with it.
import { existsSync } from 'node:fs'
import { databaseFile } from '../../src/main/core/session'
import en from '../../src/renderer/src/i18n/en'
import fa from '../../src/renderer/src/i18n/fa'
import { expect, test, type App } from '../fixtures'
import { chatItem, createGroup, inEveryLook, messagesWith, myId, openChat, send, seriousA11y, signIn } from '../helpers'

async function openSettings(app: App): Promise<void> {
  await app.page.getByTestId('settings-link').click()
  await expect(app.page.getByTestId('settings-view')).toBeVisible()
}

test('Settings shows the local data; signing out keeps it, or deletes it on a shared computer (fa, en)', async ({ openApp, testServer }, info) => {
  test.setTimeout(90_000)
  const [u] = testServer.users(1)
  const app = await openApp()
  const { page } = app
  await signIn(app, testServer.origin, u.token)
  const groupId = await createGroup(testServer, u, [await myId(app)], 'local')
  await expect(chatItem(page, groupId)).toBeVisible({ timeout: 15_000 })
  await openChat(page, groupId)
  await send(page, 'پیامی که روی این رایانه هم می‌ماند')
  await expect(messagesWith(page, 'پیامی که روی این رایانه هم می‌ماند')).toHaveAttribute('data-status', 'sent')
  const session = (await app.bridge.client.request('session.get', undefined))!
  const db = databaseFile(app.bridge.ports.dataDir!, session)
  expect(existsSync(db)).toBe(true)

  // The size, as the engine measures it, in Persian digits.
  await openSettings(app)
  const { bytes } = await app.bridge.client.request('data.size', undefined)
  expect(bytes).toBeGreaterThan(0)
  await expect(page.getByTestId('local-data')).toContainText(fa.settings.localData.replace(' {size}', ''))
  await expect(page.getByTestId('local-data-size')).toHaveText(/^[۰-۹٫]+ (کیلوبایت|مگابایت)$/)
  await inEveryLook(app, info, 'settings-local-data', async (locale) => {
    await expect(page.getByTestId('local-data')).toContainText((locale === 'fa' ? fa : en).settings.localData.replace(' {size}', ''))
    await page.getByTestId('signout').scrollIntoViewIfNeeded()
  })

  // Sign out asks first, and keeps this computer's copy by default.
  await page.getByTestId('signout').click()
  const dialog = page.getByTestId('signout-dialog')
  await expect(dialog).toContainText(fa.settings.signOutText)
  await expect(page.getByTestId('signout-keep')).toHaveText(fa.settings.signOutKeep)
  await expect(page.getByTestId('signout-delete')).not.toBeChecked()
  await page.getByTestId('signout-dialog-confirm').click()
  await expect(page.getByTestId('signin-web')).toBeVisible()
  expect(existsSync(db)).toBe(true)
  await signIn(app, testServer.origin, u.token)
  await expect(chatItem(page, groupId)).toBeVisible()

  // On a shared computer: delete this computer's copy too. The dialog says unsent messages go with it.
  await openSettings(app)
  await page.getByTestId('signout').click()
  await page.getByTestId('signout-delete').check()
  await expect(page.getByTestId('signout-delete-warn')).toHaveText(fa.settings.signOutDeleteWarn)
  await expect(page.getByTestId('signout-keep')).toHaveCount(0)
  await expect(page.getByTestId('signout-dialog-confirm')).toHaveText(fa.settings.signOutDeleteConfirm)
  expect(await seriousA11y(page, 'sign-out dialog')).toEqual([])
  await inEveryLook(app, info, 'signout-dialog', async (locale) => {
    const words = locale === 'fa' ? fa : en
    await expect(dialog).toContainText(words.settings.signOutDelete)
    await expect(page.getByTestId('signout-delete-warn')).toHaveText(words.settings.signOutDeleteWarn)
  })
  await app.bridge.client.request('settings.set', { theme: 'dark' })
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  expect(await seriousA11y(page, 'sign-out dialog, dark')).toEqual([])
  await page.getByTestId('signout-dialog-confirm').click()
  await expect(page.getByTestId('signin-web')).toBeVisible()
  expect(existsSync(db)).toBe(false)
  // Nothing of hers is left on this screen either.
  await expect(page.getByTestId('chat-list')).toHaveCount(0)
  await expect(page.getByTestId('notices')).toHaveCount(0)
})
