// Issue 13, hostile hosts: which hosts main fetches images from, against the reference server over real sockets.
// The "other hosts" are local TCP listeners that count connections: https to them never completes a handshake, but a
// connection attempt at all is what a tracking pixel needs.
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { externalServer, startTestServer, type TestServer } from '../../../testkit/server'
import { memoryPorts } from './index'
import { ssoOriginOf } from './media'
import { signedIn, unpaced, until, type Harness } from './testing/harness'

interface Listener {
  origin: string
  connections: () => number
  close(): Promise<void>
}

async function countingHttpsHost(): Promise<Listener> {
  let n = 0
  const server: Server = createServer((socket) => {
    n++
    socket.destroy()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  return { origin: `https://127.0.0.1:${port}`, connections: () => n, close: () => new Promise((r) => server.close(() => r())) }
}

// Users with avatars exist only on the reference server.
describe.runIf(!externalServer)('avatars and media come only from the server and the SSO (issue 13)', () => {
  let ts: TestServer
  let sso: Listener
  let tracker: Listener
  let alice: Harness
  let mallory: Harness
  const avatarOf = async (h: Harness, name: string) => (await h.client.request('users.list', undefined)).find((u) => u.name === name)?.avatarUrl

  beforeAll(async () => {
    ts = await startTestServer({ throttle: false }) // not about the REST budget: no throttle, clients unpaced
    sso = await countingHttpsHost()
    tracker = await countingHttpsHost()
    // Alice's own avatar is on the organisation's SSO; Mallory put a tracking pixel in hers.
    const a = ts.ref!.createUser({ firstNameFa: 'آلیس', lastNameFa: 'امینی', avatarUrl: `${sso.origin}/media/alice.png` })
    const m = ts.ref!.createUser({ firstNameFa: 'مالوری', lastNameFa: 'ردیاب', avatarUrl: `${tracker.origin}/pixel.png?who=alice` })
    alice = await signedIn(ts.origin, a.token, { ports: memoryPorts(), client: unpaced })
    mallory = await signedIn(ts.origin, m.token, { ports: memoryPorts(), client: unpaced })
    await until(async () => (await avatarOf(alice, 'مالوری ردیاب')) !== undefined, 20_000, 'directory with avatars')
  }, 60_000)

  afterAll(async () => {
    await alice?.client.close()
    await mallory?.client.close()
    await sso?.close()
    await tracker?.close()
    await ts?.close()
  })

  it("a member's avatar on any https host makes main connect there (a tracking pixel) — now it is \"no image\"", async () => {
    const pixel = (await avatarOf(alice, 'مالوری ردیاب'))!
    expect(pixel.startsWith(tracker.origin)).toBe(true)
    expect(await alice.client.handle('media.get', { url: pixel })).toEqual({ ok: false, error: { code: 'forbidden', detail: 'media host' } })
    // Not from the disk cache either, and not by a detour through the server's own name.
    expect(await alice.client.handle('media.get', { url: `${tracker.origin}/cht/media/x.png` })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(tracker.connections()).toBe(0)
  })

  it("the SSO's avatars load: learned from the user's own avatar, or configured", async () => {
    const own = (await alice.client.request('session.get', undefined))!.user.avatarUrl!
    expect(ssoOriginOf(null, own)).toBe(sso.origin)
    const r = await alice.client.handle('media.get', { url: own })
    // The listener is no TLS server: the fetch fails on the network — after connecting, which is the point.
    expect(r).toMatchObject({ ok: false, error: { code: 'network' } })
    expect(sso.connections()).toBeGreaterThan(0)

    // Configured to another SSO: the learned one no longer counts, Mallory's host still does not.
    await alice.client.request('settings.set', { ssoOrigin: 'https://sso.example.org' })
    const before = sso.connections()
    expect(await alice.client.handle('media.get', { url: own })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(sso.connections()).toBe(before)
    await alice.client.request('settings.set', { ssoOrigin: null })
    expect(tracker.connections()).toBe(0)
  })

  it('the SSO origin is https only, from a well-formed URL', () => {
    expect(ssoOriginOf(null, 'http://sso.example.org/a.png')).toBeNull()
    expect(ssoOriginOf(null, undefined)).toBeNull()
    expect(ssoOriginOf(null, 'javascript:alert(1)')).toBeNull()
    expect(ssoOriginOf('https://sso.example.org', 'https://other.example/a.png')).toBe('https://sso.example.org')
  })
})
