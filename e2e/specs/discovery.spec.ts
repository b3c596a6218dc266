// End to end, issue 12 item 6: new chats arrive and say so. Bob starts a chat with Alice from People: it appears in
// Alice's list with its unread badge and raises a notification. Bob adds Alice to a group that has no message yet:
// it appears and notifies too. He removes her: she is told (translated, with the group's name) and the chat leaves
// her list. The notifications are the `notification` events main would show natively.
import { removeMember } from '../../testkit/groups'
import { externalServer } from '../../testkit/server'
import en from '../../src/renderer/src/i18n/en'
import fa from '../../src/renderer/src/i18n/fa'
import { expect, test } from '../fixtures'
import {
  chatItem, createGroup, faDigits, inEveryLook, myId, notes, openChat, recordNotifications, send, seriousA11y, twoSignedIn,
} from '../helpers'

test('a new chat, a new group and a removal reach the person: badge, notification, notice (fa, en)', async ({ openApp, testServer }, info) => {
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: removing a member needs a group the suite owns')
  test.setTimeout(90_000)
  const { alice, bob, a, b } = await twoSignedIn(openApp, testServer)
  const [aliceId, bobId] = [await myId(alice), await myId(bob)]
  await recordNotifications(alice.page)
  const notesFor = async (chatId: string) => (await notes(alice.page)).filter((n) => n.chatId === chatId)

  // Bob writes to Alice from People (the way a person starts a one-to-one chat).
  await bob.page.getByTestId('people-button').click()
  await bob.page.getByTestId('people-search').fill(a.name)
  await bob.page.locator(`[data-testid="person"][data-user-id="${aliceId}"]`).getByTestId('person-message').click()
  await expect(bob.page.getByTestId('chat-view')).toHaveAttribute('data-chat-id', `direct:${aliceId}`)
  const hello = 'سلام مریم، یک سؤال دربارهٔ گزارش دارم'
  await send(bob.page, hello)

  // Alice, reading nothing in particular, sees it arrive: in the list with its badge, and as a notification.
  const direct = `direct:${bobId}`
  await expect(chatItem(alice.page, direct)).toBeVisible({ timeout: 15_000 })
  await expect(chatItem(alice.page, direct).getByTestId('chat-unread')).toHaveText(faDigits(1))
  await expect.poll(async () => (await notesFor(direct)).length, { timeout: 10_000 }).toBe(1)
  expect((await notesFor(direct))[0]!.body).toContain(hello)
  await expect(alice.page).toHaveTitle('cht (1)')

  // Bob adds Alice to a new group that has no message yet: it appears and notifies ("you were added").
  const groupId = await createGroup(testServer, b, [aliceId], 'added')
  const title = groupId.slice('group:'.length) // a live group's name is its slug (Q7)
  await expect(chatItem(alice.page, groupId)).toBeVisible({ timeout: 15_000 })
  await expect.poll(async () => (await notesFor(groupId)).length, { timeout: 10_000 }).toBe(1)
  const added = (await notesFor(groupId))[0]!
  expect(added.title).toBe(title)
  expect(added.body).toBe('شما به این گروه اضافه شدید')
  await openChat(alice.page, groupId)
  await openChat(alice.page, direct)

  // Bob removes her: she is told, by name of the group, and it leaves her list.
  await removeMember(testServer.origin, b.token, title, aliceId)
  const removed = alice.page.locator('[data-testid="notice"][data-code="chat.removed"]')
  await expect(removed).toContainText(fa.errors.chat.removed.replace('{detail}', `\u2068${title}\u2069`), { timeout: 20_000 })
  await expect(chatItem(alice.page, groupId)).toHaveCount(0)
  // The chat she was reading stays open; the notice covers nothing of it.
  await expect(alice.page.locator(`[data-testid="chat-view"][data-chat-id="${direct}"]`)).toBeVisible()
  expect(await seriousA11y(alice.page, 'removed notice')).toEqual([])
  await inEveryLook(alice, info, 'chat-removed', async (locale) => {
    const words = locale === 'fa' ? fa : en
    await expect(removed).toContainText(words.errors.chat.removed.replace('{detail}', `\u2068${title}\u2069`))
  })
  // Dismissed, it goes; the group notified once.
  await removed.getByRole('button').click()
  await expect(removed).toHaveCount(0)
  expect((await notes(alice.page)).filter((n) => n.chatId === groupId)).toHaveLength(1)
})
