// Issue 6 core tests: creating groups (R2, Q7), members (R4, Q13), leaving, discovery (R3 poll), profiles (R7,
// Q10) and the directory (R6) — the headless engine against the reference server (or CHT_TEST_SERVER), over
// real sockets. Nothing of ours is mocked. The REST budget of these flows (the production throttle) is tested on
// a fake clock at the end; the flows themselves run unthrottled and unpaced.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverContext } from '../../../server/index'
import { ensureProfile, registerFromSso } from '../../../server/model'
import { externalServer, startTestServer, uniqueSlug, type TestServer, type TestUser } from '../../../testkit/server'
import type { Events } from '../../shared/contract'
import { memoryPorts, type Ports } from './index'
import { systemClock } from './ports'
import { drive, manualClock, type ManualClock } from './testing/clock'
import { listed, recorded, signedIn, unpaced, until, type Harness } from './testing/harness'

// Unthrottled and unpaced, polling R3 four times a second ("appears without restarting" within a test's time).
const signIn = (ts: TestServer, user: TestUser, ports?: Ports) => signedIn(ts.origin, user.token, { ports, client: unpaced })
/** Requests this client has sent (its REST counter): "a whole poll went by" without watching the clock. */
const sent = (h: Harness) => h.client.session!.rest.stats().sent

let ts: TestServer
let alice: Harness
let bob: Harness
let carol: Harness
let dave: Harness
let erin: Harness
/** erin's clock runs ahead by this much (the directory cache test moves it). */
let erinClockOffset = 0
let slug: string
let groupId: string

/** R2 straight from the test (the conflicting groups of the error tests; a group made on "another device"). */
async function createDirectly(token: string, body: Record<string, string>): Promise<number> {
  const r = await fetch(`${ts.origin}/cht/api/groups/create/`, {
    method: 'POST', headers: { Authorization: token, 'content-type': 'application/json' }, body: JSON.stringify(body),
  })
  await r.arrayBuffer()
  return r.status
}

beforeAll(async () => {
  ts = await startTestServer({ throttle: false })
  const [a, b, c, d, e] = ts.users(5)
  alice = await signIn(ts, a)
  bob = await signIn(ts, b)
  carol = await signIn(ts, c)
  dave = await signIn(ts, d)
  const erinPorts: Ports = { ...memoryPorts(), clock: { ...systemClock, monotonic: () => performance.now() + erinClockOffset } }
  erin = await signIn(ts, e, erinPorts)
  slug = uniqueSlug('design')
  groupId = `group:${slug}`
}, 60_000)

afterAll(async () => {
  for (const h of [alice, bob, carol, dave, erin]) await h?.client.close()
  await ts?.close()
})

describe('creating a group (R2, Q7)', () => {
  it('creates a live group (name == slug): listed at once with its local title, managed by its creator', async () => {
    const chat = await alice.client.request('groups.create', { slug, title: 'تیم طراحی', visibility: 'private' })
    expect(chat).toMatchObject({ id: groupId, kind: 'group', slug, title: 'تیم طراحی', live: true, canManage: true })
    // In the list at once (no poll needed), with the title kept on this device.
    const mine = (await alice.client.request('chats.list', undefined)).find((c) => c.id === groupId)
    expect(mine).toMatchObject({ title: 'تیم طراحی', canManage: true, membersCount: 1 })
    await alice.waitFor('chats.changed', (cs) => cs.some((c) => c.id === groupId && c.title === 'تیم طراحی'))
    // Its socket is open and the server stores under it: a message settles on the W1 echo (Q7, Q9).
    const { key } = await alice.client.request('messages.send', { chatId: groupId, text: 'اولین پیام' })
    await until(() => alice.client.engine!.messagesOf(groupId).some((m) => m.key === key && m.status === 'sent'))
    const members = await alice.client.request('chats.members', { chatId: groupId })
    expect(members.map((m) => m.id)).toEqual([alice.me.id])
  })

  it('a taken name → group.name-taken, a taken slug → group.slug-taken; neither is listed', async () => {
    const name = uniqueSlug('taken')
    expect(await createDirectly(bob.token, { group_name: name, slug: uniqueSlug('other'), type: 'public' })).toBe(201)
    const r1 = await alice.client.handle('groups.create', { slug: name, visibility: 'public' })
    expect(r1).toMatchObject({ ok: false, error: { code: 'group.name-taken' } })

    const takenSlug = uniqueSlug('slug')
    expect(await createDirectly(bob.token, { group_name: `گروه ${takenSlug}`, slug: takenSlug, type: 'public' })).toBe(201)
    const r2 = await alice.client.handle('groups.create', { slug: takenSlug, title: 'Another title', visibility: 'public' })
    expect(r2).toMatchObject({ ok: false, error: { code: 'group.slug-taken' } })

    const ids = (await alice.client.request('chats.list', undefined)).map((c) => c.id)
    expect(ids).not.toContain(`group:${name}`)
    expect(ids).not.toContain(`group:${takenSlug}`)
  })

  it('a slug outside [a-z0-9_] is refused by the schema before any request (Q7)', async () => {
    for (const bad of ['Team', 'team-1', 'تیم', '', 'team 1', 'a'.repeat(65), 'team.x']) {
      const r = await alice.client.handle('groups.create', { slug: bad, visibility: 'public' })
      expect(r, bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    }
    const bogusVisibility = await alice.client.handle('groups.create', { slug: 'ok_slug', visibility: 'secret' })
    expect(bogusVisibility.ok).toBe(false)
    // Nothing reached the server: no such group exists (R5 → 404 envelope).
    const r5 = await fetch(`${ts.origin}/cht/api/groups/team-1/chat/`, { headers: { Authorization: alice.token } })
    await r5.arrayBuffer()
    expect(r5.status).toBe(404)
  })
})

describe('members (R4, Q13) and discovery (R3 poll)', () => {
  it('two added users discover the group without restarting and talk in it', async () => {
    const res = await alice.client.request('groups.addMembers', {
      chatId: groupId, userIds: [bob.me.id, carol.me.id.replace(/-/g, '').toUpperCase()],
    })
    expect(res).toEqual({ added: [bob.me.id, carol.me.id], failed: [] })
    const changed = await alice.waitFor('members.changed', (p) => p.chatId === groupId && p.members.length === 3)
    expect(changed.members.map((m) => m.id).sort()).toEqual([alice.me.id, bob.me.id, carol.me.id].sort())

    await until(() => listed(bob, groupId))
    await until(() => listed(carol, groupId))
    const bobsView = (await bob.client.request('chats.list', undefined)).find((c) => c.id === groupId)!
    // The display title is alice's, on alice's device only; bob sees the server's name, and is not a manager.
    expect(bobsView).toMatchObject({ title: slug, live: true, canManage: false })

    await bob.client.request('messages.send', { chatId: groupId, text: 'سلام از باب' })
    await until(() => carol.client.engine!.messagesOf(groupId).some((m) => m.text === 'سلام از باب'))
    await until(() => alice.client.engine!.messagesOf(groupId).some((m) => m.text === 'سلام از باب' && !m.own))
    await carol.client.request('messages.send', { chatId: groupId, text: 'Hi from Carol' })
    await until(() => bob.client.engine!.messagesOf(groupId).some((m) => m.text === 'Hi from Carol'))
  })

  it('an unknown user → user.not-found and an invalid uuid → invalid-input, without stopping the others', async () => {
    const ghost = randomUUID()
    const res = await alice.client.request('groups.addMembers', {
      chatId: groupId, userIds: [ghost, 'not-a-uuid', dave.me.id, dave.me.id],
    })
    expect(res.added).toEqual([dave.me.id])
    expect(res.failed).toEqual([
      { userId: ghost, error: expect.objectContaining({ code: 'user.not-found' }) },
      { userId: 'not-a-uuid', error: expect.objectContaining({ code: 'invalid-input' }) },
    ])
    await alice.waitFor('members.changed', (p) => p.chatId === groupId && p.members.some((m) => m.id === dave.me.id))
  })

  it('a plain member is not offered management and the engine refuses it', async () => {
    const r = await bob.client.handle('groups.addMembers', { chatId: groupId, userIds: [erin.me.id] })
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const r2 = await bob.client.handle('groups.removeMember', { chatId: groupId, userId: carol.me.id })
    expect(r2).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const r3 = await alice.client.handle('groups.addMembers', { chatId: 'group:no_such_group_here', userIds: [erin.me.id] })
    expect(r3).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })

  it('removing a member updates the members panel, and the removed user loses the group without restarting', async () => {
    await until(() => listed(dave, groupId))
    await alice.client.request('groups.removeMember', { chatId: groupId, userId: dave.me.id })
    const changed = await alice.waitFor('members.changed', (p) => p.chatId === groupId && !p.members.some((m) => m.id === dave.me.id) && p.members.length === 3)
    expect(changed.members.map((m) => m.id)).toContain(bob.me.id)
    // The next R3 poll no longer lists it for dave: it leaves his list like a leave does.
    await until(async () => !(await listed(dave, groupId)))
    await dave.waitFor('chats.changed', (cs) => !cs.some((c) => c.id === groupId))
  })

  it('leaving (removing yourself) removes the chat at once, stops its socket and keeps nothing in its outbox', async () => {
    // Carol's directory is read first, so the local membership update can be seen afterwards.
    const before = (await carol.client.request('users.list', undefined)).find((u) => u.id === carol.me.id)
    expect(before?.groups).toContain(slug)
    // Something typed just before leaving is still in the outbox when the leave goes out.
    await carol.client.request('messages.send', { chatId: groupId, text: 'typed while leaving' })
    await carol.client.request('groups.removeMember', { chatId: groupId, userId: carol.me.id })
    expect(await listed(carol, groupId)).toBe(false)
    await carol.waitFor('chats.changed', (cs) => !cs.some((c) => c.id === groupId))
    const outbox = carol.client.session!.store.outbox()
    expect(outbox.filter((i) => i.chatId === groupId)).toEqual([])
    expect(() => carol.client.engine!.messagesOf(groupId)).toThrow()
    const after = (await carol.client.request('users.list', undefined)).find((u) => u.id === carol.me.id)
    expect(after?.groups ?? []).not.toContain(slug)
    // Polls go on; the group does not come back, and its messages no longer reach carol.
    await alice.client.request('messages.send', { chatId: groupId, text: 'after carol left' })
    await until(() => bob.client.engine!.messagesOf(groupId).some((m) => m.text === 'after carol left'))
    // Two whole polls of carol's (two R3 each) after that message, with nothing left to do: the group stays gone.
    const polled = sent(carol)
    await until(() => sent(carol) >= polled + 4 && carol.client.engine!.quiet(), 10_000, 'two polls')
    expect(await listed(carol, groupId)).toBe(false)
    const sends = carol.events.filter(([n, p]) => n === 'messages.added' && (p as Events['messages.added']).chatId === groupId)
    expect(sends.flatMap(([, p]) => (p as Events['messages.added']).messages.map((m) => m.text))).not.toContain('after carol left')
  })
})

describe('profiles (R7, Q10), superusers and the directory (R6)', () => {
  it('a normal user gets only their own profile', async () => {
    const profiles = await bob.client.request('profiles.list', undefined)
    expect(profiles).toHaveLength(1)
    expect(profiles[0]).toMatchObject({ id: bob.me.id, name: bob.me.name, isSuperuser: false })
  })

  it.runIf(!externalServer)('a superuser lists every profile and may manage any group', async () => {
    const { token } = ts.ref!.createUser({ firstNameFa: 'مدیر', lastNameFa: 'ارشد', isSuperuser: true })
    const root = await signIn(ts, { name: 'مدیر ارشد', token })
    try {
      expect(root.me.isSuperuser).toBe(true)
      const profiles = await root.client.request('profiles.list', undefined)
      expect(profiles.length).toBeGreaterThanOrEqual(6)
      expect(profiles.map((p) => p.id)).toEqual(expect.arrayContaining([alice.me.id, bob.me.id, root.me.id]))
      expect(profiles.find((p) => p.id === root.me.id)?.isSuperuser).toBe(true)

      await alice.client.request('groups.addMembers', { chatId: groupId, userIds: [root.me.id] })
      await until(() => listed(root, groupId))
      const rootsView = (await root.client.request('chats.list', undefined)).find((c) => c.id === groupId)!
      expect(rootsView.canManage).toBe(true) // not the creator: a superuser
      expect((await alice.client.request('chats.list', undefined)).find((c) => c.id === groupId)?.canManage).toBe(true)
      expect((await bob.client.request('chats.list', undefined)).find((c) => c.id === groupId)?.canManage).toBe(false)
      // …and the engine lets the superuser act.
      const res = await root.client.request('groups.addMembers', { chatId: groupId, userIds: [erin.me.id] })
      expect(res).toEqual({ added: [erin.me.id], failed: [] })
      const dir = await root.client.request('users.list', undefined)
      expect(dir.find((u) => u.id === root.me.id)?.isSuperuser).toBe(true)
    } finally {
      await root.client.close()
    }
  })

  it('the directory carries memberships and superuser flags, and R6 is read at most once a minute', async () => {
    const first = await erin.client.request('users.list', undefined)
    const aliceEntry = first.find((u) => u.id === alice.me.id)
    expect(aliceEntry).toMatchObject({ name: alice.me.name, isSuperuser: false })
    expect(aliceEntry?.groups).toContain(slug)
    expect(first.map((u) => u.id)).toEqual(expect.arrayContaining([bob.me.id, carol.me.id, dave.me.id, erin.me.id]))

    // A group alice makes elsewhere: a fresh R6 would show it in her memberships, the cached one does not.
    const other = uniqueSlug('elsewhere')
    expect(await createDirectly(alice.token, { group_name: other, slug: other, type: 'public' })).toBe(201)
    const second = await erin.client.request('users.list', undefined)
    expect(second.find((u) => u.id === alice.me.id)?.groups).not.toContain(other)

    erinClockOffset += 61_000
    const third = await erin.client.request('users.list', undefined)
    expect(third.find((u) => u.id === alice.me.id)?.groups).toContain(other)
  })
})

// The client's own pacing against the production throttle, on one fake clock shared with the server's window: the
// seconds the server counts are the seconds the client waited, and the test does not wait for them in real time.
describe.runIf(!externalServer)('REST budget of a big add (PROTOCOL 1.5, Q12)', () => {
  let clock: ManualClock
  let paced: TestServer

  beforeAll(async () => {
    clock = manualClock(Date.now())
    paced = await startTestServer({ now: () => clock.now() })
  })
  afterAll(async () => {
    await paced?.close()
  })

  it('adding 30 members goes one request at a time, within the REST budget (1.5, Q12)', async () => {
    const [owner] = paced.users(1)
    const h = recorded(paced.origin, { ports: { ...memoryPorts(), clock }, listPollMs: 600_000 })
    // A fresh client's R1 and R7 fit its first burst; from then on its engine says when requests are on the wire.
    const idle = () => !!h.client.engine && !h.client.engine.busy()
    const driven = async <T>(p: Promise<T>, what: string): Promise<T> => {
      let settled = false
      void p.finally(() => (settled = true)).catch(() => undefined)
      await drive(clock, { idle, done: () => settled, what, stepMs: 50 })
      return p
    }
    try {
      await driven(h.client.request('session.signIn', { serverOrigin: paced.origin, token: owner.token }), 'sign-in')
      const chat = await driven(h.client.request('groups.create', { slug: 'big_add', visibility: 'public' }), 'create')
      const ctx = serverContext(paced.ref!)
      const ids = Array.from({ length: 30 }, (_, i) => {
        const u = paced.ref!.createUser({ firstNameFa: `عضو${i}`, lastNameFa: 'آزمایشی' })
        registerFromSso(ctx.store, ctx.store.ssoUser(u.id)!, u.token) // R1 and R7 done, as every target must have
        ensureProfile(ctx.store, u.id)
        return u.id
      })
      await drive(clock, { idle, done: () => h.client.engine!.quiet(), what: 'quiet', stepMs: 50 })
      paced.ref!.resetStats()
      const started = clock.monotonic()
      const res = await driven(h.client.request('groups.addMembers', { chatId: chat.id, userIds: ids }), 'add 30')
      expect(res.failed).toEqual([])
      expect(res.added).toHaveLength(30)
      // The client's own pacing (2/s, burst 3) — not a burst the server had to refuse.
      expect(clock.monotonic() - started).toBeGreaterThan(10_000)
      const stats = paced.ref!.stats()
      expect(stats.throttled).toBe(0)
      expect(stats.maxPerWindow).toBeLessThanOrEqual(3)
      expect(stats.routes.R4).toBe(30)
      const changed = await h.waitFor('members.changed', (p) => p.chatId === chat.id && p.members.length === 31)
      expect(changed.members.map((m) => m.id)).toEqual(expect.arrayContaining(ids))
    } finally {
      await h.client.close()
    }
  })
})
