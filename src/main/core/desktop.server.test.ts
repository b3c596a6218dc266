// Issue 5 against the reference server (or CHT_TEST_SERVER): notifications, mute, attention, and wake after sleep.
// Real sockets, real database, production throttle; nothing of ours is mocked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startTestServer, uniqueSlug, type TestServer, type TestUser } from '../../../testkit/server'
import type { EventName, Events } from '../../shared/contract'
import { createChatClient, memoryPorts, type ChatClient } from './index'
import type { OnlineHints } from './ports'

interface Harness {
  client: ChatClient
  events: Array<[EventName, unknown]>
  wake(): void
  waitFor<N extends EventName>(name: N, pred: (p: Events[N]) => boolean, timeoutMs?: number): Promise<Events[N]>
}

type SocketTuning = Parameters<typeof createChatClient>[0]['socket']
const fastSockets: SocketTuning = { backoff: { firstMs: 100, maxMs: 1_000 }, stableMs: 500 }

async function signIn(ts: TestServer, user: TestUser, socket: SocketTuning = fastSockets, listPollMs = 3_000): Promise<Harness> {
  // The OnlineHints port, as platform/online.ts implements it for powerMonitor resume/unlock and network back.
  const wakeListeners = new Set<() => void>()
  const online: OnlineHints = { onWake: (l) => (wakeListeners.add(l), () => wakeListeners.delete(l)) }
  const client = createChatClient({ serverOrigin: ts.origin, ports: { ...memoryPorts(), online }, socket, listPollMs })
  const events: Array<[EventName, unknown]> = []
  const waiters = new Set<() => void>()
  client.onEvent((name, payload) => {
    events.push([name, payload])
    for (const w of [...waiters]) w()
  })
  await client.request('session.signIn', { serverOrigin: ts.origin, token: user.token })
  return {
    client, events,
    wake: () => wakeListeners.forEach((l) => l()),
    waitFor(name, pred, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(([n, p]) => n === name && pred(p as never))
          if (!hit) return
          waiters.delete(check)
          clearTimeout(timer)
          resolve(hit[1] as never)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`timed out waiting for ${name}`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
  }
}

async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

const notifications = (h: Harness) => h.events.filter(([n]) => n === 'notification').map(([, p]) => p as Events['notification'])
const texts = (h: Harness, chatId: string) => h.client.engine!.messagesOf(chatId).map((m) => m.text)

let ts: TestServer
let alice: Harness
let bob: Harness
let users: TestUser[]
let groupId: string

beforeAll(async () => {
  ts = await startTestServer()
  users = ts.users(3)
  alice = await signIn(ts, users[0])
  bob = await signIn(ts, users[1])
  const slug = uniqueSlug('notify')
  const bobUser = (await bob.client.request('session.get', undefined))!.user
  const headers = { Authorization: users[0].token, 'content-type': 'application/json' }
  const r2 = await fetch(`${ts.origin}/cht/api/groups/create/`, {
    method: 'POST', headers, body: JSON.stringify({ group_name: slug, slug, type: 'public' }),
  })
  expect(r2.status).toBe(201)
  const r4 = await fetch(`${ts.origin}/cht/api/group_chat/${slug}/`, {
    method: 'POST', headers, body: JSON.stringify({ action: 'add_member', uuid: bobUser.id }),
  })
  expect(r4.status).toBe(200)
  groupId = `group:${slug}`
  await until(async () => (await bob.client.request('chats.list', undefined)).some((c) => c.id === groupId))
  await until(async () => (await alice.client.request('chats.list', undefined)).some((c) => c.id === groupId))
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
      const carolUser = (await carol.client.request('session.get', undefined))!.user
      await new Promise((r) => setTimeout(r, 1_000)) // let the sign-in reads through the REST bucket
      const r4 = await fetch(`${ts.origin}/cht/api/group_chat/${groupId.slice('group:'.length)}/`, {
        method: 'POST',
        headers: { Authorization: users[0].token, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'add_member', uuid: carolUser.id }),
      })
      expect(r4.status).toBe(200)
      carol.client.wake() // stands in for the list poll: R3 now shows the group
      await until(async () => (await carol.client.request('chats.list', undefined)).some((c) => c.id === groupId))
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
