// End to end, issue 10: the app starts from its local database before any network. Closed in the evening, opened
// the next morning while the server is down: yesterday's conversation is there to read, the banner says offline,
// what is typed waits as "sending", and when the server is back it is delivered once. An empty list says "no chats
// yet" only when the server said so.
import { externalServer } from '../../testkit/server'
import en from '../../src/renderer/src/i18n/en'
import fa from '../../src/renderer/src/i18n/fa'
import { expect, test, TEST_CLIENT_OPTIONS } from '../fixtures'
import { chatItem, createGroup, inEveryLook, messagesWith, myId, openChat, send, seriousA11y, signIn, twoSignedIn } from '../helpers'

/** Reopening the app: no start-up jitter (an office's clients spread their first request; one person need not wait). */
const REOPEN = { client: { ...TEST_CLIENT_OPTIONS, startJitterMs: 0 } }

test.describe('starting from disk', () => {
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: the suite cannot stop an external server')

  test('with the server down, yesterday\'s messages are readable, typing queues, and the server\'s return delivers once (fa, en)', async ({ openApp, testServer }, info) => {
    test.setTimeout(120_000)
    const { alice, bob, a } = await twoSignedIn(openApp, testServer)
    const groupId = await createGroup(testServer, a, [await myId(bob)], 'yesterday')
    for (const app of [alice, bob]) await expect(chatItem(app.page, groupId)).toBeVisible({ timeout: 15_000 })
    await openChat(bob.page, groupId)
    const yesterday = ['گزارش جلسهٔ دیروز آماده است', 'Budget review moved to Monday (item 3)', 'ممنون، دیدم.']
    for (const t of yesterday) await send(bob.page, t)
    await openChat(alice.page, groupId)
    for (const t of yesterday) await expect(messagesWith(alice.page, t)).toHaveCount(1)

    // Evening: Alice quits. Night: the server goes down.
    const ports = alice.bridge.ports
    await alice.close()
    await testServer.stop!()

    // Morning: she opens the app.
    const morning = await openApp(undefined, { ports, ...REOPEN })
    const { page } = morning
    await expect(chatItem(page, groupId)).toBeVisible()
    await expect(page.getByTestId('connection-banner')).toHaveAttribute('data-status', 'offline', { timeout: 15_000 })
    await expect(page.getByTestId('connection-text')).toHaveText(fa.connection.offline)
    await openChat(page, groupId)
    for (const t of yesterday) await expect(messagesWith(page, t)).toHaveCount(1)
    const typed = 'صبح بخیر — نوشته‌شده وقتی سرور خاموش بود'
    await send(page, typed)
    await expect(messagesWith(page, typed)).toHaveAttribute('data-status', 'sending')
    expect(await seriousA11y(page, 'offline start')).toEqual([])
    await inEveryLook(morning, info, 'offline-start', async (locale) => {
      await expect(page.getByTestId('connection-text')).toHaveText((locale === 'fa' ? fa : en).connection.offline)
      await expect(messagesWith(page, typed)).toHaveAttribute('data-status', 'sending')
    })

    // The server is back: the app finds it by itself (its retry), sends once, and the banner goes.
    await testServer.start!()
    await expect(messagesWith(page, typed)).toHaveAttribute('data-status', 'sent', { timeout: 60_000 })
    await expect(page.getByTestId('connection-banner')).toHaveCount(0, { timeout: 20_000 })
    await expect(messagesWith(bob.page, typed)).toHaveCount(1, { timeout: 20_000 })
    await send(bob.page, 'and the day goes on')
    await expect(messagesWith(page, 'and the day goes on')).toHaveCount(1)
    for (const t of [...yesterday, typed]) {
      await expect(messagesWith(page, t)).toHaveCount(1)
      await expect(messagesWith(bob.page, t)).toHaveCount(1)
    }
  })

  test('an empty list says "no chats yet" only once the server said so, never while it cannot be reached (fa, en)', async ({ openApp, testServer }, info) => {
    test.setTimeout(90_000)
    const [c] = testServer.users(1)
    const app = await openApp()
    await signIn(app, testServer.origin, c.token)
    const empty = app.page.getByTestId('chats-empty')
    await expect(empty).toHaveAttribute('data-state', 'none')
    await expect(empty).toHaveText(fa.chats.empty)

    const ports = app.bridge.ports
    await app.close()
    await testServer.stop!()
    const again = await openApp(undefined, { ports, ...REOPEN })
    const list = again.page.getByTestId('chats-empty')
    await expect(again.page.getByTestId('connection-banner')).toHaveAttribute('data-status', 'offline', { timeout: 15_000 })
    await expect(list).toHaveAttribute('data-state', 'unreachable')
    await expect(list).toHaveText(fa.chats.emptyOffline)
    await inEveryLook(again, info, 'empty-offline', async (locale) => {
      await expect(list).toHaveText((locale === 'fa' ? fa : en).chats.emptyOffline)
    })

    await testServer.start!()
    await expect(list).toHaveAttribute('data-state', 'none', { timeout: 60_000 })
    await expect(list).toHaveText(fa.chats.empty)
  })
})
