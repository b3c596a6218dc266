// Issue 11: the five defects seen when the client ran against production's own code, each reproduced against the
// reference server (which now behaves like production: R3 names, the Q6 two-room race, the §1.2 bootstrap lock).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { externalServer, startTestServer, type TestServer } from '../../../testkit/server'
import type { Chat, Message } from '../../shared/model'
import { memoryPorts } from './index'
import { drive, manualClock } from './testing/clock'
import { eventsOf, recorded, signedIn, unpaced, until, type ClientTuning, type Recorded } from './testing/harness'

let ts: TestServer
beforeAll(async () => {
  ts = await startTestServer({ throttle: false }) // not about the REST budget: no throttle, and clients unpaced
})
afterAll(async () => {
  await ts?.close()
})

const texts = (ms: readonly Message[]) => ms.map((m) => m.text)
/** The texts of a chat, or none while the client does not list it yet. */
const textsIn = (h: Recorded, chatId: string) => (h.client.engine?.chatView(chatId) ? texts(h.client.engine.messagesOf(chatId)) : [])
const directs = async (h: Recorded): Promise<Chat[]> => (await h.client.request('chats.list', undefined)).filter((c) => c.kind === 'direct')
const raw = (path: string, token: string) => fetch(`${ts.origin}/cht/${path}`, { headers: { Authorization: token } })
const fast: ClientTuning = { client: unpaced }

describe('issue 11: defects seen against production', () => {
  it('defect 1 — an interrupted first sign-in (R1 done, R7 never) no longer locks the user out (§1.2)', async () => {
    const [u] = ts.users(1)
    expect((await raw('save-user-data/', u.token)).status).toBe(200)
    // The connection dropped before R7: from now on every R1 answers 500 until R7 has run once.
    expect((await raw('save-user-data/', u.token)).status).toBe(500)
    const h = await signedIn(ts.origin, u.token, fast)
    expect(h.me.name).toBe(u.name)
    expect((await raw('save-user-data/', u.token)).status).toBe(200)
    await h.client.close()
  })

  it('defect 2 — both start the chat at once and both write: one chat per person, nothing lost, no phantom after a restart (Q6)', async () => {
    const [a, b] = ts.users(2)
    const alicePorts = memoryPorts()
    const alice = await signedIn(ts.origin, a.token, { ports: alicePorts, ...fast })
    const bob = await signedIn(ts.origin, b.token, fast)
    // Both open the chat before either room exists: R8 gives each a different name (Q6).
    const [ca, cb] = await Promise.all([
      alice.client.request('direct.start', { userId: bob.me.id }),
      bob.client.request('direct.start', { userId: alice.me.id }),
    ])
    expect(ca.room).not.toBe(cb.room)
    await Promise.all([
      alice.client.request('messages.send', { chatId: ca.id, text: 'from alice' }),
      bob.client.request('messages.send', { chatId: cb.id, text: 'from bob' }),
    ])
    // The server now holds two rooms for the pair, each with one of the messages.
    const r3 = (await (await raw('api/groups/?type=PrivateGroup', a.token)).json()) as unknown[]
    await until(async () => ((await (await raw('api/groups/?type=PrivateGroup', a.token)).json()) as unknown[]).length === 2, 20_000, 'two rooms')
    expect(r3.length).toBeLessThanOrEqual(2)
    for (const [h, id] of [[alice, ca.id], [bob, cb.id]] as const) {
      await until(() => ['from alice', 'from bob'].every((t) => texts(h.client.engine!.messagesOf(id)).includes(t)), 20_000, 'both messages')
      expect((await directs(h)).map((c) => c.id)).toEqual([id])
      expect(texts(h.client.engine!.messagesOf(id)).filter((t) => t.startsWith('from '))).toHaveLength(2)
    }
    // Both now send in the same (canonical) room: a reply reaches the other side live.
    await until(async () => (await directs(alice))[0].room === (await directs(bob))[0].room, 20_000, 'one canonical room')
    await bob.client.request('messages.send', { chatId: cb.id, text: 'after the race' })
    await until(() => texts(alice.client.engine!.messagesOf(ca.id)).includes('after the race'), 20_000, 'live after the race')
    // Restart Alice's app: still one chat, every message once.
    await alice.client.close()
    const again = recorded(ts.origin, { ports: alicePorts, ...fast })
    await again.client.start()
    await until(() => !!again.client.engine?.started && again.client.engine.busy() === false, 20_000, 'restarted')
    await until(async () => texts(again.client.engine!.messagesOf(ca.id)).includes('after the race'), 20_000, 'history after restart')
    expect((await directs(again)).map((c) => c.id)).toEqual([ca.id])
    expect(texts(again.client.engine!.messagesOf(ca.id)).filter((t) => ['from alice', 'from bob', 'after the race'].includes(t)).sort())
      .toEqual(['after the race', 'from alice', 'from bob'])
    await again.client.close()
    await bob.client.close()
  })

  // Defects 3–5 need the reference server's own hands: its request counters, issuing a second token, ending a
  // session, restarting. Against CHT_TEST_SERVER they are skipped (1 and 2 are plain protocol and run there too).
  it.skipIf(!!externalServer)('defect 3 — idle clients make no history downloads and no socket reconnects between polls (R3 names people)', async () => {
    const [a, b] = ts.users(2)
    // Polls every 100 ms (both lists each time), unpaced (this server does not throttle).
    const polling = { ...fast, listPollMs: 100 }
    const alice = await signedIn(ts.origin, a.token, polling)
    const bob = await signedIn(ts.origin, b.token, polling)
    const dm = await alice.client.request('direct.start', { userId: bob.me.id })
    await alice.client.request('messages.send', { chatId: dm.id, text: 'hello' })
    const bobChat = `direct:${alice.me.id}`
    await until(() => textsIn(bob, bobChat).includes('hello'), 20_000, 'bob has it')
    // Settled: nothing on the wire or queued, no handshake under way, every socket up.
    const settled = (h: Recorded) => h.client.engine!.quiet() && !h.client.engine!.busy() && h.client.engine!.connectionState().status === 'online'
    await until(() => settled(alice) && settled(bob), 20_000, 'settled')
    const before = ts.ref!.stats()
    // Wait (by events, not by the clock) until each client has polled R3 at least five more times.
    await until(() => (ts.ref!.stats().routes.R3 ?? 0) - (before.routes.R3 ?? 0) >= 2 * 2 * 5, 20_000, 'ten polls')
    const after = ts.ref!.stats()
    expect(after.routes.R9 ?? 0).toBe(before.routes.R9 ?? 0)
    expect(after.routes.R8 ?? 0).toBe(before.routes.R8 ?? 0)
    expect(after.socketsOpened).toBe(before.socketsOpened)
    expect((await directs(bob)).map((c) => c.id)).toEqual([bobChat])
    await alice.client.close()
    await bob.client.close()
  })

  it.skipIf(!!externalServer)('defect 4 — one person on two devices; after a server restart neither stays offline, and the loser says why', async () => {
    const clock = manualClock(Date.now())
    const [u, peer] = ts.users(2)
    const other = await signedIn(ts.origin, peer.token, fast)
    const socket = { backoff: { firstMs: 200, maxMs: 2_000 }, authBackoff: { firstMs: 5_000, maxMs: 20_000 }, stableMs: 500 }
    const a = recorded(ts.origin, { ports: { ...memoryPorts(), clock }, socket })
    const b = recorded(ts.origin, { ports: { ...memoryPorts(), clock }, socket })
    const idle = () => [a, b].every((h) => !h.client.engine?.busy())
    // Everything these two do waits on fake time: move it along while their requests run.
    const driven = async <T>(p: Promise<T>, what: string): Promise<T> => {
      let settled = false
      void p.finally(() => (settled = true)).catch(() => undefined)
      await drive(clock, { idle, done: () => settled, what })
      return p
    }
    const me = (await driven(a.client.request('session.signIn', { serverOrigin: ts.origin, token: u.token }), 'a signs in')).user
    const token2 = ts.ref!.issueToken(me.id)
    await driven(b.client.request('session.signIn', { serverOrigin: ts.origin, token: token2 }), 'b signs in')
    const dm = await driven(b.client.request('direct.start', { userId: other.me.id }), 'b starts the chat')
    await b.client.request('messages.send', { chatId: dm.id, text: 'before the restart' })
    await drive(clock, { idle, done: () => b.client.engine!.messagesOf(dm.id).every((m) => m.status === 'sent'), what: 'first message' })

    await ts.restart!()
    for (let i = 1; i <= 6; i++) await b.client.request('messages.send', { chatId: dm.id, text: `after ${i}` })
    await drive(clock, {
      idle, what: 'all six delivered', maxMs: 10 * 60_000,
      done: () => b.client.engine!.messagesOf(dm.id).filter((m) => m.text.startsWith('after ') && m.status === 'sent').length === 6,
    })
    // Both devices end up online, whoever lost the race in between; the only reason ever shown is the true one.
    await drive(clock, { idle, what: 'both online', maxMs: 10 * 60_000, done: () => [a, b].every((h) => h.client.engine!.connectionState().status === 'online') })
    const reasons = [...eventsOf(a, 'connection.changed'), ...eventsOf(b, 'connection.changed')].map((c) => c.reason).filter(Boolean)
    expect(reasons.every((r) => r === 'other-device')).toBe(true)
    await until(() => textsIn(other, `direct:${me.id}`).filter((t) => t.startsWith('after ')).length === 6, 20_000, 'peer got six')
    for (const h of [a, b, other]) await h.client.close()
  })

  it.skipIf(!!externalServer)('defect 5 — a session that expires with two messages queued keeps them; signing in again delivers both once', async () => {
    const [u, peer] = ts.users(2)
    const other = await signedIn(ts.origin, peer.token, fast)
    const h = await signedIn(ts.origin, u.token, fast)
    const dm = await h.client.request('direct.start', { userId: other.me.id })
    await h.client.request('messages.send', { chatId: dm.id, text: 'first' })
    await until(() => h.client.engine!.messagesOf(dm.id).every((m) => m.status === 'sent'), 20_000, 'first sent')
    // The SSO forgets the token; the network flickers; two messages are typed meanwhile.
    ts.ref!.endSession(u.token)
    ts.ref!.dropSockets()
    await h.client.request('messages.send', { chatId: dm.id, text: 'queued one' })
    await h.client.request('messages.send', { chatId: dm.id, text: 'queued two' })
    await h.waitFor('connection.changed', (c) => c.reason === 'session-expired', 20_000)
    expect(eventsOf(h, 'notice').map((n) => n.code)).toContain('session.expired')
    // Nothing was deleted: still signed in (as far as this computer knows), the chat and both messages are there.
    expect(await h.client.request('session.get', undefined)).not.toBeNull()
    expect(h.client.session!.store.outbox().map((i) => i.text)).toEqual(['queued one', 'queued two'])
    expect((await h.client.request('chats.list', undefined)).map((c) => c.id)).toContain(dm.id)
    // The same person signs in again (a new token): both go out, once each.
    const fresh = ts.ref!.issueToken((await h.client.request('session.get', undefined))!.user.id)
    await h.client.request('session.signIn', { serverOrigin: ts.origin, token: fresh })
    await until(() => textsIn(other, `direct:${h.me.id}`).filter((t) => t.startsWith('queued')).length === 2, 30_000, 'delivered')
    await until(() => h.client.engine!.messagesOf(dm.id).every((m) => m.status === 'sent'), 20_000, 'settled')
    expect(texts(h.client.engine!.messagesOf(dm.id)).filter((t) => t.startsWith('queued'))).toEqual(['queued one', 'queued two'])
    await h.client.close()
    await other.client.close()
  })
})
