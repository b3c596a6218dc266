import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RefServer } from '../../../../server'
import { ChtError } from '../errors'
import { drive, manualClock, type ManualClock } from '../testing/clock'
import { createRest, type Rest } from './rest'

async function expectCode(p: Promise<unknown>, code: string): Promise<ChtError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ChtError)
  expect((e as ChtError).code).toBe(code)
  return e as ChtError
}

/** PROTOCOL 1.2: R1 then R7 before anything else. */
async function bootstrap(rest: Rest): Promise<void> {
  expect((await rest.get('save-user-data/')).status).toBe(200)
  expect((await rest.get('api/user/profile/')).status).toBe(200)
}

function listen(server: HttpServer | NetServer): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address() as { port: number }
      resolve(`http://127.0.0.1:${a.port}`)
    }),
  )
}

describe('rest against the reference server (production throttle)', () => {
  let server: RefServer
  let dataDir: string
  let token: string
  let rest: Rest

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cht-rest-test-'))
    server = await startServer({ port: 0, dataDir, throttle: true })
    token = server.createUser({ firstNameFa: 'علی', lastNameFa: 'رستمی' }).token
    rest = createRest({ origin: server.origin, getToken: () => token })
    await bootstrap(rest)
    await rest.post('api/groups/create/', { group_name: 'restgroup', slug: 'restgroup', type: 'public' })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('bootstraps with R1 then R7 and returns parsed JSON (1.2)', async () => {
    const other = server.createUser({ firstNameFa: 'سارا', lastNameFa: 'امینی' }).token
    const rest = createRest({ origin: server.origin, getToken: () => other })
    const r1 = await rest.get<{ message: string }>('save-user-data/')
    expect(r1).toEqual({ status: 200, body: { message: 'User data created successfully.' } })
    const r7 = await rest.get<{ message: string; data: { first_name: string } }>('api/user/profile/')
    expect(r7.status).toBe(200)
    expect(r7.body.data.first_name).toBe('سارا')
    const r2 = await rest.post<{ slug: string }>('api/groups/create/', { group_name: 'sara_g', slug: 'sara_g', type: 'public' })
    expect(r2.status).toBe(201)
    expect(r2.body.slug).toBe('sara_g')
    const r3 = await rest.get<unknown[]>('api/groups/', { query: { type: 'PrivateGroup' } })
    expect(r3.body).toEqual([])
  })

  it('maps a bad token to auth.invalid (1.1), and a missing token without a request', async () => {
    const bad = createRest({ origin: server.origin, getToken: () => 'not-a-token' })
    const e = await expectCode(bad.get('api/groups/'), 'auth.invalid')
    expect(e.status).toBe(401)
    const before = server.stats()
    const none = createRest({ origin: server.origin, getToken: () => null })
    await expectCode(none.get('api/groups/'), 'auth.invalid')
    expect(server.stats()).toEqual(before)
  })

  it('maps an HTML 500 (R2 before R1) to server, without HTML in the detail (1.2, 1.4)', async () => {
    const fresh = server.createUser({ firstNameFa: 'تازه', lastNameFa: 'وارد' }).token
    const r = createRest({ origin: server.origin, getToken: () => fresh })
    const e = await expectCode(r.post('api/groups/create/', { group_name: 'nope', slug: 'nope', type: 'public' }), 'server')
    expect(e.status).toBe(500)
    expect(e.detail ?? '').not.toMatch(/[<>]/)
    expect(e.message).not.toMatch(/DOCTYPE|<html/i)
  })

  it('maps a 404 envelope to not-found and a flat 400 to its code', async () => {
    const e = await expectCode(rest.get('api/groups/nosuchgroup/chat/'), 'not-found')
    expect(e.status).toBe(404)
    await expectCode(rest.post('api/groups/create/', { group_name: 'restgroup', slug: 'other', type: 'public' }), 'group.name-taken')
  })

  it('refuses paths that would carry the token outside /cht/', async () => {
    await expectCode(rest.get('https://evil.example/cht/'), 'invalid-input')
    await expectCode(rest.get('../sso/login/'), 'invalid-input')
  })

  it('fetches R10 media without a token; caps size; 404 → not-found', async () => {
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256))
    writeFileSync(join(dataDir, 'media', 'static', 'files', '123456.png'), bytes)
    const anon = createRest({ origin: server.origin, getToken: () => null }) // media needs no token (R10)
    const before = server.stats()
    const m = await anon.fetchMedia('/cht/media/static/files/123456.png')
    expect(m.mime).toBe('image/png')
    expect(Buffer.from(m.bytes).equals(bytes)).toBe(true)
    expect(server.stats()).toEqual(before) // R10 is not counted by the server's throttle
    await expectCode(anon.fetchMedia(`${server.origin}/cht/media/static/files/123456.png`, { maxBytes: 1000 }), 'file.too-large')
    await expectCode(anon.fetchMedia(`${server.origin}/cht/media/static/files/999999.png`), 'not-found')
    await expectCode(anon.fetchMedia('file:///etc/passwd'), 'invalid-input')

    const dir = mkdtempSync(join(tmpdir(), 'cht-rest-dl-'))
    try {
      const dest = join(dir, 'a.png')
      let progress = 0
      const r = await rest.downloadToFile(`${server.origin}/cht/media/static/files/123456.png`, dest, { onProgress: (n) => (progress = n) })
      expect(r).toEqual({ bytes: bytes.length, mime: 'image/png' })
      expect(progress).toBe(bytes.length)
      expect(readFileSync(dest).equals(bytes)).toBe(true)
      // never overwrites an existing file
      await expectCode(rest.downloadToFile(`${server.origin}/cht/media/static/files/123456.png`, dest), 'file.unreadable')
      expect(readFileSync(dest).equals(bytes)).toBe(true)
      // a failed download leaves nothing behind
      const partial = join(dir, 'b.png')
      await expectCode(rest.downloadToFile(`${server.origin}/cht/media/static/files/123456.png`, partial, { maxBytes: 1000 }), 'file.too-large')
      expect(existsSync(partial)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('rest: the limiter against the production throttle, on one fake clock (1.5, Q12)', () => {
  // The client's limiter and the server's 1 s window read the same fake clock: the seconds the server counts are
  // the seconds the client waited, and no test waits for them in real time.
  let clock: ManualClock
  let server: RefServer
  let dataDir: string

  beforeAll(async () => {
    clock = manualClock(Date.now())
    dataDir = mkdtempSync(join(tmpdir(), 'cht-rest-limit-'))
    server = await startServer({ port: 0, dataDir, throttle: true, now: () => clock.now() })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** Moves fake time along while `p` runs, one step at a time once nothing is on the wire. */
  async function driven<T>(rest: Rest, p: Promise<T>): Promise<T> {
    let settled = false
    void p.finally(() => (settled = true)).catch(() => undefined)
    await drive(clock, { idle: () => rest.stats().inflight === 0, done: () => settled, stepMs: 50, what: 'requests' })
    return p
  }

  it('60 simultaneous calls: no 429 and never more than `burst` per second at the server (1.5, Q12)', async () => {
    const { token } = server.createUser({ firstNameFa: 'علی', lastNameFa: 'رستمی' })
    const rest = createRest({ origin: server.origin, getToken: () => token, clock })
    await driven(rest, bootstrap(rest))
    await driven(rest, rest.post('api/groups/create/', { group_name: 'restgroup', slug: 'restgroup', type: 'public' }))
    await clock.advance(1_100) // the setup's requests leave the server's window
    server.resetStats()
    const t0 = clock.monotonic()
    const results = await driven(rest, Promise.all(Array.from({ length: 60 }, () => rest.get<unknown[]>('api/groups/'))))
    expect(results.every((r) => r.status === 200 && Array.isArray(r.body) && r.body.length === 1)).toBe(true)
    const stats = server.stats()
    expect(stats.throttled).toBe(0)
    expect(stats.restRequests).toBe(60)
    expect(stats.maxPerWindow).toBeLessThanOrEqual(3) // the default burst
    expect(rest.pausedUntil()).toBe(0)
    // The default bucket (2 per second after a burst of 3): the queue really waited 57 × 500 ms, not simply got lucky.
    expect(clock.monotonic() - t0).toBeGreaterThanOrEqual(57 * 500)
  })
})

describe('rest: a 429 pauses everything (Q12)', () => {
  // The server's window and ban, and the client's pause, on one fake clock: a pause of 800 ms is 800 fake ms.
  let clock: ManualClock
  let server: RefServer
  let dataDir: string

  beforeAll(async () => {
    clock = manualClock(Date.now())
    dataDir = mkdtempSync(join(tmpdir(), 'cht-rest-429-'))
    server = await startServer({ port: 0, dataDir, throttle: { limit: 2, windowMs: 1000, banMs: 60_000 }, now: () => clock.now() })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('trips once, rejects everything with throttled without touching the server, resumes', async () => {
    const { token } = server.createUser({ firstNameFa: 'مریم', lastNameFa: 'کاظمی' })
    const pauses: number[] = []
    let resumes = 0
    const rest = createRest({
      origin: server.origin,
      getToken: () => token,
      clock,
      rate: { perSecond: 100, burst: 100 }, // deliberately dangerous, to trip the server once
      pause: { firstMs: 800, maxMs: 1500 },
      onPause: (until) => pauses.push(until),
      onResume: () => resumes++,
    })
    await bootstrap(rest) // 2 requests: exactly the server's limit
    await clock.advance(1_100) // …which then leave its window
    const settled = await Promise.allSettled(Array.from({ length: 6 }, () => rest.get('api/groups/')))
    const failed = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason as ChtError)
    expect(failed.length).toBeGreaterThanOrEqual(4)
    expect(failed.every((e) => e.code === 'throttled')).toBe(true)
    expect(pauses.length).toBe(1) // the other in-flight 429s do not stack pauses
    expect(rest.pausedUntil()).toBe(pauses[0])

    // While paused nothing reaches the server.
    const before = server.stats()
    await expectCode(rest.get('api/groups/'), 'throttled')
    await expectCode(rest.post('api/groups/create/', { group_name: 'x', slug: 'x', type: 'public' }), 'throttled')
    expect(server.stats()).toEqual(before)

    // The pause ends by itself after its 800 ms, not before; the server is still banning → the next 429 doubles
    // the pause (capped at 1500 ms).
    await clock.advance(799)
    expect(resumes).toBe(0)
    await clock.advance(1)
    expect(resumes).toBe(1)
    expect(rest.pausedUntil()).toBe(0)
    const t = clock.now()
    await expectCode(rest.get('api/groups/'), 'throttled')
    expect(pauses.length).toBe(2)
    expect(pauses[1] - t).toBe(1_500)

    // User action: resume now; once the ban is lifted calls succeed again.
    server.unban()
    rest.resumeNow()
    expect(resumes).toBe(2)
    expect(rest.pausedUntil()).toBe(0)
    const ok = await rest.get<unknown[]>('api/groups/')
    expect(ok).toEqual({ status: 200, body: [] })
  })

  it('rejects requests still waiting in the queue when the pause starts', async () => {
    server.unban()
    await clock.advance(1_100)
    const { token } = server.createUser({ firstNameFa: 'رضا', lastNameFa: 'نوری' })
    const rest = createRest({ origin: server.origin, getToken: () => token, clock, rate: { perSecond: 3, burst: 3 }, pause: { firstMs: 60_000, maxMs: 60_000 } })
    await bootstrap(rest)
    await clock.advance(1_100)
    // 3 go at once (the 3rd trips the server's limit of 2), the rest wait in the queue — fake time stands still, so
    // nothing but the 429 can end their wait — and must be refused.
    const settled = await Promise.allSettled(Array.from({ length: 8 }, () => rest.get('api/groups/')))
    const codes = settled.map((s) => (s.status === 'rejected' ? (s.reason as ChtError).code : 'ok'))
    expect(codes.filter((c) => c === 'ok').length).toBe(2)
    expect(codes.filter((c) => c === 'throttled').length).toBe(6)
    expect(server.stats().throttled).toBeGreaterThanOrEqual(1)
    expect(rest.pausedUntil()).toBe(clock.now() + 60_000)
    rest.resumeNow()
    server.unban()
  })
})

describe('rest: transport failures', () => {
  let silent: NetServer
  let silentOrigin: string
  const sockets: Socket[] = []
  let spy: HttpServer
  let spyOrigin: string
  const seen: IncomingHttpHeaders[] = []

  beforeAll(async () => {
    // A dead network stand-in: accepts the TCP connection and never answers.
    silent = createNetServer((s) => {
      sockets.push(s)
      s.on('error', () => {})
    })
    silentOrigin = await listen(silent)
    // "Another host" serving an avatar: records what headers it receives.
    spy = createHttpServer((req, res) => {
      seen.push(req.headers)
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      res.end(Buffer.from([1, 2, 3]))
    })
    spyOrigin = await listen(spy)
  })
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((r) => silent.close(r))
    spy.closeAllConnections()
    await new Promise((r) => spy.close(r))
  })

  it('times out (timeoutMs, AbortSignal.timeout) and maps refusal to network', async () => {
    const rest = createRest({ origin: silentOrigin, getToken: () => 'tok', timeoutMs: 300 })
    const t0 = Date.now()
    await expectCode(rest.get('api/groups/'), 'timeout')
    expect(Date.now() - t0).toBeLessThan(5000)
    await expectCode(rest.get('api/groups/', { timeoutMs: 60_000, signal: AbortSignal.timeout(200) }), 'timeout')
    const ctl = new AbortController()
    const p = rest.get('api/groups/', { timeoutMs: 60_000, signal: ctl.signal })
    setTimeout(() => ctl.abort(), 100)
    await expectCode(p, 'network')

    const closedPort = createNetServer()
    const origin = await listen(closedPort)
    await new Promise((r) => closedPort.close(r))
    await expectCode(createRest({ origin, getToken: () => 'tok' }).get('api/groups/'), 'network')
  })

  it('never sends the token with media, even to another host', async () => {
    const rest = createRest({ origin: silentOrigin, getToken: () => 'secret-token' })
    const m = await rest.fetchMedia(`${spyOrigin}/avatars/me.jpg`)
    expect(m).toEqual({ bytes: new Uint8Array([1, 2, 3]), mime: 'image/jpeg' })
    expect(seen.length).toBe(1)
    expect(seen[0].authorization).toBeUndefined()
    expect(seen[0].cookie).toBeUndefined()
  })

  it('runs at most 4 media downloads at once', async () => {
    let active = 0
    let peak = 0
    const slow = createHttpServer((_req, res) => {
      active++
      peak = Math.max(peak, active)
      setTimeout(() => {
        active--
        res.writeHead(200, { 'content-type': 'image/png' })
        res.end('x')
      }, 100)
    })
    const origin = await listen(slow)
    try {
      const rest = createRest({ origin, getToken: () => null })
      const all = await Promise.all(Array.from({ length: 10 }, (_, i) => rest.fetchMedia(`${origin}/cht/media/${i}.png`)))
      expect(all.length).toBe(10)
      expect(peak).toBe(4)
    } finally {
      slow.closeAllConnections()
      await new Promise((r) => slow.close(r))
    }
  })
})

describe('redirects (issue 13: media downloads follow redirects to other hosts)', () => {
  let home: HttpServer
  let away: HttpServer
  let homeOrigin: string
  let awayOrigin: string
  const awaySeen: string[] = []

  beforeAll(async () => {
    // "Another host": a tracker that must never be reached through a redirect.
    away = createHttpServer((req, res) => {
      awaySeen.push(req.url ?? '')
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end('pixel')
    })
    awayOrigin = await listen(away)
    // The configured server: media that moved within the server, media and an API route sent elsewhere.
    home = createHttpServer((req, res) => {
      const to = (location: string) => {
        res.writeHead(302, { location })
        res.end()
      }
      if (req.url === '/cht/media/moved.png') return to('/cht/media/real.png')
      if (req.url === '/cht/media/real.png') {
        res.writeHead(200, { 'content-type': 'image/png' })
        return res.end('real')
      }
      if (req.url === '/cht/media/away.png') return to(`${awayOrigin}/pixel.png?from=media`)
      if (req.url === '/cht/media/loop.png') return to('/cht/media/loop.png')
      if (req.url === '/cht/api/groups/') return to(`${awayOrigin}/steal?from=api`)
      res.writeHead(404)
      res.end()
    })
    homeOrigin = await listen(home)
  })
  afterAll(async () => {
    for (const s of [home, away]) {
      s.closeAllConnections()
      await new Promise((r) => s.close(r))
    }
  })

  it('follows a redirect within the server, and none to another host (media, downloads, API)', async () => {
    const rest = createRest({ origin: homeOrigin, getToken: () => 'secret-token' })
    expect(await rest.fetchMedia(`${homeOrigin}/cht/media/moved.png`)).toEqual({ bytes: new TextEncoder().encode('real'), mime: 'image/png' })
    await expectCode(rest.fetchMedia(`${homeOrigin}/cht/media/away.png`), 'forbidden')
    const dir = mkdtempSync(join(tmpdir(), 'cht-redirect-'))
    try {
      const dest = join(dir, 'saved.png')
      await expectCode(rest.downloadToFile(`${homeOrigin}/cht/media/away.png`, dest), 'forbidden')
      expect(existsSync(dest)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    await expect(rest.get('api/groups/')).rejects.toBeInstanceOf(ChtError)
    expect(awaySeen).toEqual([])
  })

  it('gives up on a redirect loop', async () => {
    const rest = createRest({ origin: homeOrigin, getToken: () => null })
    await expectCode(rest.fetchMedia(`${homeOrigin}/cht/media/loop.png`), 'bad-response')
  })
})

