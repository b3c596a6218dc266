// Issue 12 (items 7 and 8) in core, against the reference server over real sockets: drafts kept per chat across a
// restart, "You" in the list preview, sign-in that the person can cancel, and no unencrypted remote server
// without their consent.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, uniqueSlug, type TestServer } from '../../../testkit/server'
import { createChatClient, memoryPorts, type Ports } from './index'
import { recorded, sharedGroup, signedIn, unpaced, until, type Harness } from './testing/harness'

let ts: TestServer
let alice: Harness
let groupId: string
/** Not about the REST budget: the server does not throttle and the clients do not pace themselves. */
const fast = { client: unpaced }

beforeAll(async () => {
  ts = await startTestServer({ throttle: false })
  const [a] = ts.users(1)
  alice = await signedIn(ts.origin, a.token, fast)
  groupId = await sharedGroup(ts.origin, uniqueSlug('drafts'), alice)
}, 60_000)

afterAll(async () => {
  await alice?.client.close()
  await ts?.close()
})

/** In-memory ports with a cache folder of their own, removed after the test. */
const cacheDirs: string[] = []
function tempPorts(): Ports {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cht-cache-test-'))
  cacheDirs.push(cacheDir)
  return { ...memoryPorts(), cacheDir }
}
afterAll(() => {
  for (const d of cacheDirs) rmSync(d, { recursive: true, force: true })
})

const draftOf = async (h: { client: Harness['client'] }, chatId: string): Promise<string | undefined> =>
  (await h.client.request('chats.list', undefined)).find((c) => c.id === chatId)?.draft

describe('drafts (issue 12 item 7)', () => {
  it('are listed with their chat, survive a restart, and clear when emptied', async () => {
    await alice.client.request('drafts.set', { chatId: groupId, text: 'نیمه‌کاره — half written\nline 2' })
    expect(await draftOf(alice, groupId)).toBe('نیمه‌کاره — half written\nline 2')
    const opened = await alice.client.request('chats.open', { chatId: groupId })
    expect(opened.chat.draft).toBe('نیمه‌کاره — half written\nline 2')

    // The app restarts with the same stored state: the draft is still there.
    const again = recorded(ts.origin, { ports: alice.ports, ...fast })
    await again.client.start()
    try {
      await until(async () => (await draftOf(again, groupId)) !== undefined, 15_000, 'draft after restart')
      expect(await draftOf(again, groupId)).toBe('نیمه‌کاره — half written\nline 2')
    } finally {
      await again.client.close()
    }

    // Whitespace alone is no draft.
    await alice.client.request('drafts.set', { chatId: groupId, text: '  \n ' })
    expect(await draftOf(alice, groupId)).toBeUndefined()
  })

  it('ride along on chats.changed; a sign-out keeps them unless the person deletes this computer\'s data', async () => {
    const [u] = ts.users(1)
    const h = await signedIn(ts.origin, u.token, fast)
    try {
      const chatId = await sharedGroup(ts.origin, uniqueSlug('bye'), h)
      await h.client.request('drafts.set', { chatId, text: 'secret plans' })
      await h.client.request('chats.setMuted', { chatId, muted: true }) // emits chats.changed
      await h.waitFor('chats.changed', (list) => list.some((c) => c.id === chatId && c.draft === 'secret plans' && c.muted === true))
      // Signed out, data kept (their own computer): signing in again brings the draft back.
      await h.client.request('session.signOut', undefined)
      await h.client.request('session.signIn', { serverOrigin: ts.origin, token: u.token })
      expect(await draftOf(h, chatId)).toBe('secret plans')
      // Signed out deleting this computer's data (a shared computer): nothing of it is left.
      const file = h.client.session!.store.file
      await h.client.request('session.signOut', { deleteLocalData: true })
      expect(existsSync(file)).toBe(false)
      await h.client.request('session.signIn', { serverOrigin: ts.origin, token: u.token })
      await until(async () => (await h.client.request('chats.list', undefined)).some((c) => c.id === chatId), 15_000, 'listed again')
      expect(await draftOf(h, chatId)).toBeUndefined()
    } finally {
      await h.client.close()
    }
  })

  it('an own message shows as own in the list preview ("You: …")', async () => {
    await alice.client.request('messages.send', { chatId: groupId, text: 'from me' })
    await until(async () => {
      const last = (await alice.client.request('chats.list', undefined)).find((c) => c.id === groupId)?.lastMessage
      return last?.text === 'from me' && last.own === true
    }, 15_000, 'own preview')
  })
})

describe('sign-in: insecure origins (issue 12 item 8)', () => {
  it('refuses http: to another machine unless the person accepted it', async () => {
    const h = recorded(ts.origin, { ports: tempPorts(), ...fast })
    const origin = 'http://0.0.0.0:1' // not loopback by name; nothing listens there
    const refused = await h.client.handle('session.signIn', { serverOrigin: origin, token: 'x' })
    expect(refused).toEqual({ ok: false, error: { code: 'origin.insecure', detail: '0.0.0.0:1' } })
    const web = await h.client.handle('session.signInWeb', { serverOrigin: origin })
    expect(web).toMatchObject({ ok: false, error: { code: 'origin.insecure' } })
    // Accepted: the attempt goes ahead (and fails on the network, not on the rule).
    const accepted = await h.client.handle('session.signIn', { serverOrigin: origin, token: 'x', allowInsecure: true })
    expect(accepted.ok).toBe(false)
    expect(accepted.ok || accepted.error.code).not.toBe('origin.insecure')
    await h.client.close()
  })

  it('lets loopback http: through without asking (the local reference server)', async () => {
    const [u] = ts.users(1)
    const h = recorded(ts.origin, { ports: tempPorts(), ...fast })
    const r = await h.client.handle('session.signIn', { serverOrigin: ts.origin, token: u.token })
    expect(r.ok).toBe(true)
    await h.client.close()
  })
})

describe('sign-in: Cancel (issue 12 item 8)', () => {
  let silent: Server
  let silentOrigin: string
  const sockets = new Set<Socket>()

  beforeAll(async () => {
    // A server that accepts connections and never answers: the "20 s wait" of a slow server.
    silent = createServer((s) => {
      sockets.add(s)
      s.on('error', () => undefined)
    })
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()))
    silentOrigin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((r) => silent.close(r))
  })

  it('stops a token sign-in waiting on a server that does not answer', async () => {
    const h = recorded(silentOrigin, { ports: tempPorts() })
    const pending = h.client.handle('session.signIn', { serverOrigin: silentOrigin, token: 'tok' })
    await until(() => sockets.size > 0, 10_000, 'request reached the server')
    await h.client.request('session.cancelSignIn', undefined)
    expect(await pending).toEqual({ ok: false, error: { code: 'signin.cancelled' } })
    expect(await h.client.request('session.get', undefined)).toBeNull()
    expect(await h.ports.secrets.get()).toBeNull()
    await h.client.close()
  })

  it('closes the SSO page when the person cancels in the app', async () => {
    const ports = tempPorts()
    let opened = 0
    let sawAbort = false
    ports.sso = {
      login: (_origin, signal) => new Promise<string>((_resolve, reject) => {
        opened++
        signal?.addEventListener('abort', () => { sawAbort = true; reject(signal.reason) }, { once: true })
      }),
    }
    const client = createChatClient({ serverOrigin: ts.origin, ports, ...unpaced })
    const pending = client.handle('session.signInWeb', { serverOrigin: ts.origin })
    await until(() => opened === 1, 5_000, 'SSO page opened')
    await client.request('session.cancelSignIn', undefined)
    expect(await pending).toEqual({ ok: false, error: { code: 'signin.cancelled' } })
    expect(sawAbort).toBe(true)
    await client.close()
  })

  it('cancels even when the SSO port ignores the signal, and a later attempt still works', async () => {
    const [u] = ts.users(1)
    const ports = tempPorts()
    let calls = 0
    ports.sso = {
      // The first opening never settles and ignores Cancel; the second one "signs in" at once.
      login: () => (++calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve(u.token)),
    }
    const client = createChatClient({ serverOrigin: ts.origin, ports, ...unpaced })
    const first = client.handle('session.signInWeb', { serverOrigin: ts.origin })
    await until(() => calls === 1, 5_000, 'SSO page opened')
    await client.request('session.cancelSignIn', undefined)
    expect(await first).toEqual({ ok: false, error: { code: 'signin.cancelled' } })
    const second = await client.handle('session.signInWeb', { serverOrigin: ts.origin })
    expect(second.ok).toBe(true)
    // Cancel after the fact changes nothing.
    await client.request('session.cancelSignIn', undefined)
    expect((await client.request('session.get', undefined))?.user.name).toBe(u.name)
    await client.close()
  })
})
