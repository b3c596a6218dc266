// End to end, issue 13: what the person sees when main recovers from something. A crashed window is reloaded by main
// (recovery.ts) and, once the page has loaded, main sends a notice and the chat that was open; a damaged settings
// file is reported the same way. Here the page is reloaded as Electron's webContents.reload() does, and main's two
// events go through the host's batched stream exactly when main sends them (at the page's load).
import { expect, test } from '../fixtures'
import { createGroup, messagesWith, myId, openChat, send, signIn } from '../helpers'

test('after a crash the window comes back with the open chat, and the person is told once (fa and en)', async ({ openApp, testServer }, info) => {
  const [a] = testServer.users(1)
  const app = await openApp()
  const { page } = app
  await signIn(app, testServer.origin, a.token)
  const chatId = await createGroup(testServer, a, [await myId(app)], 'crash')
  await openChat(page, chatId)
  await send(page, 'نوشته‌شده پیش از خرابی')

  // Main: render-process-gone → webContents.reload(); at did-finish-load → the notice and app.openChat.
  await page.reload({ waitUntil: 'load' })
  app.bridge.push('notice', { code: 'app.recovered' })
  app.bridge.push('app.openChat', { chatId })

  await expect(page.locator(`[data-testid="chat-view"][data-chat-id="${chatId}"]`)).toBeVisible()
  await expect(messagesWith(page, 'نوشته‌شده پیش از خرابی')).toHaveCount(1)
  const banner = page.locator('[data-testid="notice"][data-code="app.recovered"]')
  await expect(banner).toHaveCount(1)
  await expect(banner).toContainText('پنجره به‌طور ناگهانی از کار افتاد و دوباره باز شد')
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.screenshot({ path: info.outputPath('recovered-fa-light-1280.png') })

  // The same in English, dark, on a small screen; with the damaged-settings notice beside it.
  await app.bridge.client.request('settings.set', { locale: 'en', theme: 'dark' })
  app.bridge.push('notice', { code: 'state.damaged', detail: 'not JSON; kept as cht-state.damaged-2026-11-24T09-00-00-000Z.json' })
  await page.setViewportSize({ width: 900, height: 600 })
  await expect(banner).toContainText('The window stopped unexpectedly and was reopened.')
  await expect(page.locator('[data-testid="notice"][data-code="state.damaged"]')).toContainText('settings file was damaged')
  await page.screenshot({ path: info.outputPath('recovered-en-dark-900.png') })
  // The other two corners, for a look: Persian dark on the small screen, English light on the large one.
  await app.bridge.client.request('settings.set', { locale: 'fa' })
  await expect(banner).toContainText('پنجره')
  await page.screenshot({ path: info.outputPath('recovered-fa-dark-900.png') })
  await app.bridge.client.request('settings.set', { locale: 'en', theme: 'light' })
  await page.setViewportSize({ width: 1280, height: 800 })
  await expect(banner).toContainText('The window stopped')
  await page.screenshot({ path: info.outputPath('recovered-en-light-1280.png') })

  // Dismissed, it stays gone: one notice per recovery, not one per event.
  await banner.getByRole('button').click()
  await expect(banner).toHaveCount(0)
})
