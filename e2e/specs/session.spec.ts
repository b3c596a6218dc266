// End to end, issue 11: when the connection is lost for a reason the person can act on, the banner says which and
// offers the one action that helps — "Reconnect" when another device of theirs took the socket token (PROTOCOL 1.3),
// "Sign in" when the session expired — while the chats stay on screen and nothing typed is lost.
import { externalServer, type TestServer } from '../../testkit/server'
import en from '../../src/renderer/src/i18n/en'
import fa from '../../src/renderer/src/i18n/fa'
import { expect, test, TEST_CLIENT_OPTIONS, type App } from '../fixtures'
import { chatItem, createGroup, inEveryLook, messagesWith, myId, openChat, send, seriousA11y, twoSignedIn } from '../helpers'

/** Another device of the same person signs in (R1 with its own token): the socket token is now that device's (1.3). */
async function otherDeviceSignsIn(ts: TestServer, token: string): Promise<void> {
  const r = await fetch(`${ts.origin}/cht/save-user-data/`, { headers: { Authorization: token } })
  expect(r.status).toBe(200)
}

const banner = (app: App) => app.page.getByTestId('connection-banner')

test.describe('the reason for being offline, with its action', () => {
  // The reference server only: the suite mints tokens, ends sessions and drops sockets on it.
  test.skip(!!externalServer, 'CHT_TEST_SERVER mode: needs the reference server')

  test('signed in on another device: the banner says so, and one click on Reconnect brings the messages back (fa, en)', async ({ openApp, testServer }, info) => {
    test.setTimeout(90_000)
    const { alice, bob, a } = await twoSignedIn(openApp, testServer)
    const aliceId = await myId(alice)
    const groupId = await createGroup(testServer, a, [await myId(bob)], 'devices')
    for (const app of [alice, bob]) await expect(chatItem(app.page, groupId)).toBeVisible({ timeout: 15_000 })
    await openChat(alice.page, groupId)
    await openChat(bob.page, groupId)
    await send(bob.page, 'before')
    await expect(messagesWith(alice.page, 'before')).toHaveCount(1)

    // Alice's phone signs in and the network flickers: her window re-authenticates by itself (R1) and is back…
    const phone = testServer.ref!.issueToken(aliceId)
    await otherDeviceSignsIn(testServer, phone)
    testServer.ref!.dropSockets()
    await expect(banner(alice)).toHaveCount(0, { timeout: 15_000 })
    await send(bob.page, 'after the first flicker')
    await expect(messagesWith(alice.page, 'after the first flicker')).toHaveCount(1)
    // …but when the phone takes the token back right away, the window does not fight: it says why and waits.
    await otherDeviceSignsIn(testServer, phone)
    testServer.ref!.dropSockets()
    await expect(banner(alice)).toHaveAttribute('data-reason', 'other-device', { timeout: 15_000 })
    await expect(alice.page.getByTestId('connection-text')).toHaveText(fa.connection.otherDevice)
    // The chats stay on screen.
    await expect(messagesWith(alice.page, 'before')).toHaveCount(1)
    expect(await seriousA11y(alice.page, 'other-device banner')).toEqual([])
    await alice.bridge.client.request('settings.set', { theme: 'dark' })
    await expect(alice.page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await seriousA11y(alice.page, 'other-device banner, dark')).toEqual([])
    await inEveryLook(alice, info, 'other-device', async (locale) => {
      const words = locale === 'fa' ? fa : en
      await expect(alice.page.getByTestId('connection-text')).toHaveText(words.connection.otherDevice)
      await expect(alice.page.getByTestId('connection-reconnect')).toHaveText(words.connection.reconnect)
    })

    await alice.page.getByTestId('connection-reconnect').click()
    await expect(banner(alice)).toHaveCount(0, { timeout: 15_000 })
    await send(bob.page, 'after reconnect / پس از اتصال دوباره')
    await expect(messagesWith(alice.page, 'after reconnect / پس از اتصال دوباره')).toHaveCount(1)
  })

  test('session expired: the chats stay, typed messages wait, and signing in again (web page, then token) delivers them once (fa, en)', async ({ openApp, testServer }, info) => {
    test.setTimeout(120_000)
    const { alice, bob, a } = await twoSignedIn(openApp, testServer)
    const aliceId = await myId(alice)
    const groupId = await createGroup(testServer, a, [await myId(bob)], 'expiry')
    for (const app of [alice, bob]) await expect(chatItem(app.page, groupId)).toBeVisible({ timeout: 15_000 })
    await openChat(alice.page, groupId)
    await openChat(bob.page, groupId)
    await send(alice.page, 'first')
    await expect(messagesWith(bob.page, 'first')).toHaveCount(1)

    // The organisation's SSO forgets Alice's session; the network flickers; she writes two messages meanwhile.
    testServer.ref!.endSession(a.token)
    testServer.ref!.dropSockets()
    await expect(banner(alice)).toHaveAttribute('data-reason', 'session-expired', { timeout: 15_000 })
    const queued = ['queued one / اولی در صف', 'queued two / دومی در صف']
    for (const t of queued) await send(alice.page, t)
    for (const t of queued) await expect(messagesWith(alice.page, t)).toHaveAttribute('data-status', 'sending')
    await expect(alice.page.getByTestId('connection-text')).toHaveText(fa.connection.expired)
    // Said once, in the banner with its action — not a second time in the notices.
    await expect(alice.page.locator('[data-code="session.expired"]')).toHaveCount(0)
    await expect(chatItem(alice.page, groupId)).toBeVisible()
    await expect(messagesWith(alice.page, 'first')).toHaveCount(1)
    expect(await seriousA11y(alice.page, 'session-expired banner')).toEqual([])
    await alice.bridge.client.request('settings.set', { theme: 'dark' })
    await expect(alice.page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await seriousA11y(alice.page, 'session-expired banner, dark')).toEqual([])
    await inEveryLook(alice, info, 'session-expired', async (locale) => {
      const words = locale === 'fa' ? fa : en
      await expect(alice.page.getByTestId('connection-text')).toHaveText(words.connection.expired)
      await expect(alice.page.getByTestId('reauth-signin')).toHaveText(words.connection.signIn)
    })

    // "Sign in" opens the organisation's page for the same server; she picks herself there.
    await alice.page.getByTestId('reauth-signin').click()
    await expect(alice.page.getByTestId('reauth-waiting')).toHaveText(fa.connection.webBusy)
    const sso = await alice.bridge.nextSsoPage()
    expect(new URL(sso.url()).origin).toBe(testServer.origin)
    await sso.getByRole('button', { name: a.name, exact: true }).click()
    await expect(banner(alice)).toHaveCount(0, { timeout: 20_000 })
    for (const t of queued) await expect(messagesWith(alice.page, t)).toHaveAttribute('data-status', 'sent', { timeout: 20_000 })
    for (const t of queued) await expect(messagesWith(bob.page, t)).toHaveCount(1)
    // Still the same chat on screen, never the sign-in view.
    await expect(alice.page.locator(`[data-testid="chat-view"][data-chat-id="${groupId}"]`)).toBeVisible()

    // The app is closed overnight and the session expires meanwhile: it opens from disk and asks again — this time
    // she uses a token, in English.
    await alice.bridge.client.request('settings.set', { locale: 'en' })
    const current = await alice.bridge.ports.secrets.get()
    const ports = alice.bridge.ports
    await alice.close()
    testServer.ref!.endSession(current!)
    const again = await openApp(undefined, { ports, client: { ...TEST_CLIENT_OPTIONS, startJitterMs: 0 } })
    await expect(banner(again)).toHaveAttribute('data-reason', 'session-expired', { timeout: 15_000 })
    await expect(again.page.getByTestId('connection-text')).toHaveText(en.connection.expired)
    await openChat(again.page, groupId)
    for (const t of ['first', ...queued]) await expect(messagesWith(again.page, t)).toHaveCount(1)
    await send(again.page, 'third, while expired')
    await expect(messagesWith(again.page, 'third, while expired')).toHaveAttribute('data-status', 'sending')
    await again.page.getByTestId('reauth-use-token').click()
    const dialog = again.page.getByTestId('reauth-token-dialog')
    await expect(dialog).toContainText(en.connection.tokenText)
    await expect(again.page.getByTestId('reauth-token')).toBeFocused()
    await again.page.getByTestId('reauth-token').fill('not-a-token')
    await again.page.getByTestId('reauth-token-submit').click()
    await expect(dialog.getByTestId('error')).toHaveText(en.errors.auth.invalid)
    expect(await seriousA11y(again.page, 'token dialog')).toEqual([])
    await again.page.setViewportSize({ width: 900, height: 600 })
    await again.page.screenshot({ path: info.outputPath('session-expired-token-dialog-en-900.png') })
    await again.page.getByTestId('reauth-token').fill(testServer.ref!.issueToken(aliceId))
    await again.page.getByTestId('reauth-token-submit').click()
    await expect(dialog).toHaveCount(0)
    await expect(banner(again)).toHaveCount(0, { timeout: 20_000 })
    await expect(messagesWith(again.page, 'third, while expired')).toHaveAttribute('data-status', 'sent', { timeout: 20_000 })
    await expect(messagesWith(bob.page, 'third, while expired')).toHaveCount(1)
    for (const t of ['first', ...queued]) await expect(messagesWith(bob.page, t)).toHaveCount(1)
  })
})
