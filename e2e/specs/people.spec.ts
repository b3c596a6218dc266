// End to end for issue 6: groups created and managed in the UI, one-to-one chats started from the People view —
// the built renderer in Chromium, each window with its own headless core, against the reference server.
import { uniqueSlug, type TestServer, type TestUser } from '../../testkit/server'
import fa from '../../src/renderer/src/i18n/fa'
import { expect, test } from '../fixtures'
import { chatItem, faDigits, messagesWith, myId, openChat, send, signIn, twoSignedIn } from '../helpers'

/** A superuser on the reference server; against an external server the first pooled user (a creator may manage too). */
function manager(ts: TestServer): TestUser {
  if (!ts.ref) return ts.users(1)[0]!
  const u = ts.ref.createUser({ firstNameFa: 'مدیر', lastNameFa: 'سامانه', isSuperuser: true })
  return { name: 'مدیر سامانه', token: u.token }
}

test('a superuser creates a group in the UI and adds two users, who see it appear and talk in it', async ({ openApp, testServer }) => {
  // The members sign in first: R4 can only add someone who has a profile (R1 done).
  const [b, c] = testServer.users(2)
  const bob = await openApp()
  const carol = await openApp()
  await signIn(bob, testServer.origin, b.token)
  await signIn(carol, testServer.origin, c.token)
  const [bobId, carolId] = [await myId(bob), await myId(carol)]

  const admin = await openApp()
  await signIn(admin, testServer.origin, manager(testServer).token)
  const page = admin.page

  // Create: the Persian title yields a transliterated slug; a unique one is typed over it for this run.
  await page.getByTestId('group-create-button').click()
  const dialog = page.getByTestId('group-create-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('group-live-rule')).toHaveText(fa.groups.liveRule)
  const title = 'گروه آزمون'
  await dialog.getByTestId('group-title').fill(title)
  await expect(dialog.getByTestId('group-slug')).toHaveValue('grvh_azmvn')
  await dialog.getByTestId('group-slug').fill('Bad-Slug')
  await expect(dialog.getByTestId('group-create-submit')).toBeDisabled()
  const slug = uniqueSlug('e2e_ui')
  await dialog.getByTestId('group-slug').fill(slug)
  await dialog.getByTestId('group-visibility-public').check()
  await dialog.getByTestId('group-create-submit').click()
  await expect(dialog).toHaveCount(0)
  const groupId = `group:${slug}`
  await expect(page.getByTestId('chat-view')).toHaveAttribute('data-chat-id', groupId)
  await expect(page.getByTestId('chat-header-title')).toHaveText(title)

  // The same slug again is refused, translated.
  await page.getByTestId('group-create-button').click()
  await dialog.getByTestId('group-slug').fill(slug)
  await dialog.getByTestId('group-create-submit').click()
  await expect(dialog.getByTestId('error')).toHaveAttribute('data-code', /^group\.(slug|name)-taken$/)
  await dialog.press('Escape')
  await expect(dialog).toHaveCount(0)

  // Add both from the picker (search, multi-select).
  await page.getByTestId('members-button').click()
  const panel = page.getByTestId('members-panel')
  await expect(panel.getByTestId('member')).toHaveCount(1)
  await panel.getByTestId('member-add-button').click()
  const picker = page.getByTestId('member-picker')
  await picker.getByTestId('picker-search').fill(b.name)
  await picker.locator(`[data-testid="picker-user"][data-user-id="${bobId}"] input`).check()
  await picker.getByTestId('picker-search').fill('')
  await picker.locator(`[data-testid="picker-user"][data-user-id="${carolId}"] input`).check()
  await picker.getByTestId('member-add-submit').click()
  await expect(picker).toHaveCount(0, { timeout: 20_000 })
  await expect(panel.getByTestId('member-add-summary')).toContainText(faDigits(2))
  await expect(panel.getByTestId('member-add-failure')).toHaveCount(0)
  await expect(panel.getByTestId('member')).toHaveCount(3)

  // Neither was told: their cores discover the group (R3 polling).
  await expect(chatItem(bob.page, groupId)).toBeVisible({ timeout: 15_000 })
  await expect(chatItem(carol.page, groupId)).toBeVisible({ timeout: 15_000 })
  await openChat(bob.page, groupId)
  await openChat(carol.page, groupId)
  const hello = 'سلام به همه! Hello all.'
  await send(bob.page, hello)
  await expect(messagesWith(carol.page, hello)).toHaveCount(1)
  await expect(messagesWith(page, hello)).toHaveCount(1)
  const reply = 'سلام باب — hi Bob'
  await send(carol.page, reply)
  await expect(messagesWith(bob.page, reply)).toHaveCount(1)
  await expect(messagesWith(carol.page, reply)).toHaveAttribute('data-status', 'sent')
})

test('one user starts a one-to-one chat from the People view; the other sees it appear and replies', async ({ openApp, testServer }) => {
  const { alice, bob, b } = await twoSignedIn(openApp, testServer)
  const [aliceId, bobId] = [await myId(alice), await myId(bob)]

  const page = alice.page
  await page.getByTestId('people-button').click()
  await expect(page.getByTestId('people-view')).toBeVisible()
  await page.getByTestId('people-search').fill(b.name)
  const person = page.locator(`[data-testid="person"][data-user-id="${bobId}"]`)
  await expect(person).toBeVisible()
  await expect(person.locator('bdi').first()).toHaveText(b.name)
  await person.getByTestId('person-message').click()

  const aliceSide = `direct:${bobId}`
  await expect(page.getByTestId('chat-view')).toHaveAttribute('data-chat-id', aliceSide)
  const hi = 'سلام Bob، وقت داری؟'
  await send(page, hi)
  await expect(messagesWith(page, hi)).toHaveAttribute('data-status', 'sent')

  const bobSide = `direct:${aliceId}`
  await expect(chatItem(bob.page, bobSide)).toBeVisible({ timeout: 15_000 })
  await openChat(bob.page, bobSide)
  await expect(messagesWith(bob.page, hi)).toHaveCount(1)
  const reply = 'بله، بفرمایید. Sure!'
  await send(bob.page, reply)
  await expect(messagesWith(page, reply)).toHaveCount(1)
})
