// End to end, issue 5 (DESIGN §5): the built renderer in Chromium with the real headless core and the reference
// server. A message in a chat the user is not viewing raises its unread count, the total (window title) and a
// `notification` event; muting the chat from its header stops the event; Ctrl+K opens a chat from the keyboard.
import { expect, test } from '../fixtures'
import { chatItem, createGroup, faDigits, myId, notes, openChat, recordNotifications, send, signIn, twoSignedIn } from '../helpers'

test('a message in another chat raises its unread count, the total and a notification; muting stops the notification', async ({ openApp, testServer }) => {
  const { alice, bob, a } = await twoSignedIn(openApp, testServer)
  const bobId = await myId(bob)
  const loud = await createGroup(testServer, a, [bobId], 'loud')
  const other = await createGroup(testServer, a, [bobId], 'other')
  for (const id of [loud, other]) {
    await expect(chatItem(bob.page, id)).toBeVisible({ timeout: 15_000 })
    await expect(chatItem(alice.page, id)).toBeVisible({ timeout: 15_000 })
  }
  // Bob reads the other group; the loud one is not on his screen.
  await openChat(bob.page, other)
  await recordNotifications(bob.page)
  await openChat(alice.page, loud)

  await send(alice.page, 'اولین پیام')
  await expect(chatItem(bob.page, loud).getByTestId('chat-unread')).toHaveText(faDigits(1))
  await expect(bob.page).toHaveTitle('cht (1)')
  await expect.poll(async () => (await notes(bob.page)).filter((n) => n.chatId === loud).length, { timeout: 10_000 }).toBe(1)
  const first = (await notes(bob.page)).find((n) => n.chatId === loud)!
  expect(first.body).toContain('اولین پیام')

  // Mute it from its header (reading it clears the count), then go back to the other chat.
  await openChat(bob.page, loud)
  await expect(bob.page).toHaveTitle('cht')
  const mute = bob.page.getByTestId('chat-mute')
  await expect(mute).toHaveAttribute('aria-pressed', 'false')
  await mute.click()
  await expect(mute).toHaveAttribute('aria-pressed', 'true')
  await expect(chatItem(bob.page, loud).getByTestId('chat-muted')).toBeVisible()
  await openChat(bob.page, other)

  await send(alice.page, 'دومین پیام')
  await expect(chatItem(bob.page, loud).getByTestId('chat-unread')).toHaveText(faDigits(1))
  // A muted chat keeps its own count but stays out of the total (title, tray, badge).
  await expect(bob.page).toHaveTitle('cht')
  // Nothing was held back for later either: opening the chat (to mute it) started its notifications afresh, so a
  // notification for this message would have gone out at once, ahead of the count it raised — and none did.
  expect((await notes(bob.page)).filter((n) => n.chatId === loud)).toHaveLength(1)

  // Unmuted again, the next message notifies.
  await openChat(bob.page, loud)
  await bob.page.getByTestId('chat-mute').click()
  await expect(bob.page.getByTestId('chat-mute')).toHaveAttribute('aria-pressed', 'false')
  await openChat(bob.page, other)
  await send(alice.page, 'سومین پیام')
  await expect.poll(async () => (await notes(bob.page)).filter((n) => n.chatId === loud).length, { timeout: 10_000 }).toBe(2)
})

test('the quick switcher opens a chat from the keyboard', async ({ openApp, testServer }) => {
  const [a] = testServer.users(1)
  const alice = await openApp()
  await signIn(alice, testServer.origin, a.token)
  const first = await createGroup(testServer, a, [], 'alpha')
  const second = await createGroup(testServer, a, [], 'zulu')
  await expect(chatItem(alice.page, first)).toBeVisible({ timeout: 15_000 })
  await expect(chatItem(alice.page, second)).toBeVisible({ timeout: 15_000 })

  const { page } = alice
  await page.getByTestId('chat-list').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('Control+k')
  const input = page.getByTestId('quick-switcher-input')
  await expect(input).toBeFocused()
  await page.keyboard.type(second.slice('group:'.length))
  await expect(page.getByTestId('quick-switcher-item').first()).toHaveAttribute('data-chat-id', second)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('quick-switcher')).toHaveCount(0)
  await expect(page.locator(`[data-testid="chat-view"][data-chat-id="${second}"]`)).toBeVisible()

  // Fuzzy, by initials-like letters, and moving with the arrows; Escape closes without navigating.
  await page.keyboard.press('Control+k')
  await page.keyboard.type('alph')
  await expect(page.getByTestId('quick-switcher-item').first()).toHaveAttribute('data-chat-id', first)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('quick-switcher')).toHaveCount(0)
  await expect(page.locator(`[data-testid="chat-view"][data-chat-id="${second}"]`)).toBeVisible()

  await page.keyboard.press('Control+k')
  await page.keyboard.type('alph')
  await page.keyboard.press('Enter')
  await expect(page.locator(`[data-testid="chat-view"][data-chat-id="${first}"]`)).toBeVisible()
})
