// Issue 5 against the reference server (or CHT_TEST_SERVER): notifications, mute, attention, and wake after sleep.
// Real sockets, real database, production throttle; nothing of ours is mocked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startTestServer, uniqueSlug, type TestServer, type TestUser } from '../../../testkit/server'
import { addMember } from '../../../testkit/groups'
import type { Events } from '../../shared/contract'
import { memoryPorts } from './index'
import type { OnlineHints } from './ports'
import { eventsOf, fastSockets, listed, sharedGroup, signedIn, until, type ClientTuning, type Harness } from './testing/harness'

interface Woken extends Harness {
  wake(): void
}

async function signIn(ts: TestServer, user: TestUser, socket: ClientTuning['socket'] = fastSockets, listPollMs = 3_000): Promise<Woken> {
  // The OnlineHints port, as platform/online.ts implements it for powerMonitor resume/unlock and network back.
  const wakeListeners = new Set<() => void>()
  const online: OnlineHints = { onWake: (l) => (wakeListeners.add(l), () => wakeListeners.delete(l)) }
  const h = await signedIn(ts.origin, user.token, { ports: { ...memoryPorts(), online }, socket, listPollMs })
  return { ...h, wake: () => wakeListeners.forEach((l) => l()) }
}

const notifications = (h: Harness): Array<Events['notification']> => eventsOf(h, 'notification')
const texts = (h: Harness, chatId: string) => h.client.engine!.messagesOf(chatId).map((m) => m.text)

let ts: TestServer
let alice: Woken
let bob: Woken
let users: TestUser[]
let groupId: string

beforeAll(async () => {
  ts = await startTestServer()
  users = ts.users(3)
  alice = await signIn(ts, users[0])
  bob = await signIn(ts, users[1])
  groupId = await sharedGroup(ts.origin, uniqueSlug('notify'), alice, bob)
  // Both sides' sockets are up once a message goes both ways.
  await bob.client.request('chats.open', { chatId: groupId })
  await alice.client.request('messages.send', { chatId: groupId, text: 'warm-up' })
  await until(() => texts(bob, groupId).includes('warm-up'))
}, 60_000)

afterAll(async () => {
  await alice?.client.close()
  await bob?.client.close()
  await ts?.close()
})

describe('notifications (issue 5)', () => {
  it('a message in a chat not being viewed notifies; after muting it does not (and chats carry the flag)', async () => {
    await bob.client.request('chats.blur', undefined)
    await alice.client.request('messages.send', { chatId: groupId, text: 'ping for bob' })
    const n = await bob.waitFor('notification', (p) => p.chatId === groupId && p.body.endsWith('ping for bob'))
    expect(n.title.length).toBeGreaterThan(0)
    expect(n.count).toBeGreaterThanOrEqual(1)
    expect(notifications(alice).some((p) => p.body.endsWith('ping for bob'))).toBe(false) // own message

    await bob.client.request('chats.setMuted', { chatId: groupId, muted: true })
    expect((await bob.client.request('settings.get', undefined)).mutedChats).toContain(groupId)
    expect((await bob.client.request('chats.list', undefined)).find((c) => c.id === groupId)?.muted).toBe(true)
    await bob.waitFor('chats.changed', (cs) => cs.some((c) => c.id === groupId && c.muted === true))

    await alice.client.request('messages.send', { chatId: groupId, text: 'while muted' })
    await until(() => texts(bob, groupId).includes('while muted'))
    await new Promise((r) => setTimeout(r, 2_000)) // past the coalescing window
    expect(notifications(bob).some((p) => p.body.includes('while muted'))).toBe(false)
    // The unread count still rises for a muted chat.
    expect((await bob.client.request('chats.list', undefined)).find((c) => c.id === groupId)!.unread).toBeGreaterThan(0)

    await bob.client.request('chats.setMuted', { chatId: groupId, muted: false })
    expect((await bob.client.request('chats.list', undefined)).find((c) => c.id === groupId)?.muted).toBe(false)
  })

  it('an unfocused window is not reading the open chat: unread rises, it notifies; focus marks it read', async () => {
    await bob.client.request('chats.open', { chatId: groupId })
    await bob.client.request('app.attention', { focused: false })
    await alice.client.request('messages.send', { chatId: groupId, text: 'are you there?' })
    await bob.waitFor('notification', (p) => p.chatId === groupId && p.body.endsWith('are you there?'))
    expect((await bob.client.request('chats.list', undefined)).find((c) => c.id === groupId)!.unread).toBe(1)
    await bob.client.request('app.attention', { focused: true })
    expect((await bob.client.request('chats.list', undefined)).find((c) => c.id === groupId)!.unread).toBe(0)
    // Focused and open: nothing.
    const before = notifications(bob).length
    await alice.client.request('messages.send', { chatId: groupId, text: 'seen live' })
    await until(() => texts(bob, groupId).includes('seen live'))
    await new Promise((r) => setTimeout(r, 300))
    expect(notifications(bob)).toHaveLength(before)
    expect((await bob.client.request('chats.list', undefined)).find((c) => c.id === groupId)!.unread).toBe(0)
  })
})

describe('sleep and network (DESIGN §7)', () => {
  it('wake → sockets reconnect at once → history re-read: a message sent while asleep appears', async () => {
    // Backoff pinned to its cap (one minute): only wake() can bring Carol back within the test's time.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999)
    try {
      // No list poll either: while "asleep" nothing but wake() may reach the server.
      const carol = await signIn(ts, users[2], { backoff: { firstMs: 60_000, maxMs: 60_000 }, stableMs: 200 }, 600_000)
      await new Promise((r) => setTimeout(r, 1_000)) // let the sign-in reads through the REST bucket
      await addMember(ts.origin, alice.token, groupId.slice('group:'.length), carol.me.id) // R4, 200 checked
      carol.client.wake() // stands in for the list poll: R3 now shows the group
      await until(() => listed(carol, groupId))
      await carol.client.request('chats.open', { chatId: groupId })
      await until(() => carol.client.engine!.connectionState().status === 'online')
      // Past stableMs (the next retry waits the full minute) and past the re-read that follows the first open,
      // paced by the REST bucket (2/s).
      await new Promise((r) => setTimeout(r, 3_000))

      ts.ref ? ts.ref.dropSockets() : carol.client.engine!.restartSockets() // "the laptop slept"
      await until(() => carol.client.engine!.connectionState().status === 'offline')
      await alice.client.request('messages.send', { chatId: groupId, text: 'sent while carol slept' })
      await until(() => texts(alice, groupId).includes('sent while carol slept') &&
        alice.client.engine!.messagesOf(groupId).every((m) => m.status === 'sent'))
      await new Promise((r) => setTimeout(r, 500))
      expect(texts(carol, groupId)).not.toContain('sent while carol slept')

      const woke = Date.now()
      carol.wake() // powerMonitor 'resume' → OnlineHints → client.wake()
      await until(() => texts(carol, groupId).includes('sent while carol slept'), 10_000)
      expect(Date.now() - woke).toBeLessThan(10_000)
      expect(carol.client.engine!.connectionState().status).toBe('online')
      await carol.client.close()
    } finally {
      random.mockRestore()
    }
  })
})
