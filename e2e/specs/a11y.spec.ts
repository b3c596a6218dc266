// Accessibility (issue 12): axe-core on every view, in Persian and in English — no serious or critical violation.
// Views are reached the way a person reaches them (buttons, keys); axe runs on the whole page each time.
import { expect, test } from '../fixtures'
import { chatItem, createGroup, openChat, seriousA11y as serious, send, signIn } from '../helpers'

for (const locale of ['fa', 'en'] as const) {
  test(`every view passes axe in ${locale}: sign-in, chats, a chat, panels, dialogs, pickers, search`, async ({ openApp, testServer }) => {
    test.setTimeout(120_000)
    const [u] = testServer.users(1)
    const app = await openApp()
    const { page } = app
    await app.bridge.client.request('settings.set', { locale })
    await page.reload()
    await expect(page.locator('html')).toHaveAttribute('lang', locale)
    const found: string[] = []

    // Sign-in: the plain form, then with the token section and the unencrypted-address warning showing.
    await expect(page.getByTestId('signin-web')).toBeVisible()
    found.push(...(await serious(page, 'sign-in')))
    await page.getByTestId('signin-origin').fill('http://chat.example.org')
    await page.getByTestId('signin-use-token').click()
    await page.getByTestId('signin-web').click()
    found.push(...(await serious(page, 'sign-in (token, insecure, error)')))

    await signIn(app, testServer.origin, u.token)
    const groupId = await createGroup(testServer, u, [])
    await expect(chatItem(page, groupId)).toBeVisible({ timeout: 15_000 })
    await app.bridge.client.request('settings.set', { dndUntil: Date.now() + 3_600_000 })
    await expect(page.getByTestId('dnd-indicator')).toBeVisible()
    found.push(...(await serious(page, 'chats')))

    await openChat(page, groupId)
    await send(page, 'سلام — hello (1)')
    await page.getByTestId('composer').fill('a draft')
    found.push(...(await serious(page, 'chat')))

    await page.getByTestId('emoji-button').click()
    await expect(page.getByTestId('emoji-option').first()).toBeVisible()
    found.push(...(await serious(page, 'emoji picker')))
    await page.keyboard.press('Escape')

    await page.getByTestId('members-button').click()
    await expect(page.getByTestId('members-panel')).toBeVisible()
    found.push(...(await serious(page, 'members panel')))
    await page.getByTestId('members-button').click()

    await page.getByTestId('settings-link').click()
    await expect(page.getByTestId('settings-view')).toBeVisible()
    found.push(...(await serious(page, 'settings')))
    await page.keyboard.press('Escape')

    await page.getByTestId('people-button').click()
    await expect(page.getByTestId('person').first()).toBeVisible()
    found.push(...(await serious(page, 'people')))
    await page.keyboard.press('Escape')

    await page.getByTestId('group-create-button').click()
    await expect(page.getByTestId('group-create-dialog')).toBeVisible()
    found.push(...(await serious(page, 'new group dialog')))
    await page.keyboard.press('Escape')

    await page.keyboard.press('Control+K')
    await expect(page.getByTestId('quick-switcher')).toBeVisible()
    found.push(...(await serious(page, 'quick switcher')))
    await page.keyboard.press('Escape')

    // Issue 14: message search in the sidebar, then a result opened in its chat (the bar to go back).
    await page.keyboard.press('Control+Shift+F')
    await page.getByTestId('chat-search').fill('hello')
    await expect(page.getByTestId('search-hit')).toHaveCount(1)
    found.push(...(await serious(page, 'message search')))
    await page.getByTestId('search-hit').click()
    await expect(page.getByTestId('found-bar')).toBeVisible()
    found.push(...(await serious(page, 'search result opened')))
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('found-bar')).toHaveCount(0)

    expect(found, found.join('\n')).toEqual([])
  })
}
