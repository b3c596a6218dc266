import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { createServer } from 'node:http'
import { startServer, type RefServer } from '../../../../server'
import { ChtError } from '../errors'
import { manualClock } from '../testing/clock'
import { createRest, type Rest } from './rest'
import { backoffDelay, openSocket, type ChtSocket, type SocketOptions, type SocketStatus } from './socket'
import { groupSocketUrl } from './wire'

const FAST = { backoff: { firstMs: 50, maxMs: 400 }, stableMs: 500 }

async function waitFor(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 15))
  }
}

/** A user bootstrapped the mandatory way (PROTOCOL 1.2): R1 then R7, through our own Rest. */
async function member(server: RefServer, first: string): Promise<{ id: string; token: string; rest: Rest }> {
  const u = server.createUser({ firstNameFa: first, lastNameFa: 'تست' })
  const rest = createRest({ origin: server.origin, getToken: () => u.token })
  await rest.get('save-user-data/')
  await rest.get('api/user/profile/')
  return { ...u, rest }
}

/**
 * An openSocket with recorders for everything it reports. Its backoff jitter is pinned to the middle: a drawn 0 would
 * retry within the same step of fake time, so "retrying" could come and go unseen (a 1-in-50 flake).
 */
function probe(opts: Partial<SocketOptions> & Pick<SocketOptions, 'url' | 'getToken'>) {
  const rec = { frames: [] as Record<string, unknown>[], statuses: [] as SocketStatus[], closes: [] as number[], opens: 0 }
  const sock = openSocket({
    ...FAST,
    random: () => 0.5,
    onFrame: (f) => rec.frames.push(f as Record<string, unknown>),
    onStatus: (s) => rec.statuses.push(s),
    onClose: (c) => rec.closes.push(c),
    onOpen: () => rec.opens++,
    ...opts,
  })
  opened.push(sock)
  return { sock, rec }
}
const opened: ChtSocket[] = []

describe('socket against the reference server', () => {
  let server: RefServer
  let dataDir: string
  let alice: { id: string; token: string; rest: Rest }
  let url: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cht-socket-test-'))
    server = await startServer({ port: 0, dataDir })
    alice = await member(server, 'آلیس')
    // Q7: live chat only when group_name == slug, slug ⊂ [a-z0-9_]
    const g = await alice.rest.post<{ slug: string }>('api/groups/create/', { group_name: 'sock_grp', slug: 'sock_grp', type: 'public' })
    url = groupSocketUrl(server.origin, g.body.slug)
  })
  afterEach(() => {
    for (const s of opened.splice(0)) s.close()
  })
  afterAll(async () => {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('opens with the token in the header and receives the echo of its own text frame (1.3, W1)', async () => {
    const { sock, rec } = probe({ url, getToken: () => alice.token })
    expect(sock.status).toBe('connecting')
    expect(rec.statuses).toEqual(['connecting'])
    await waitFor(() => sock.status === 'open', 'open')
    expect(rec.opens).toBe(1)
    expect(sock.send({ message: 'سلام دنیا' })).toBe(true)
    await waitFor(() => rec.frames.length > 0, 'echo')
    expect(rec.frames[0]).toMatchObject({ message: 'سلام دنیا', file: '' })
    sock.close()
    expect(sock.status).toBe('closed')
    expect(rec.statuses).toEqual(['connecting', 'open', 'closed'])
    expect(sock.send({ message: 'late' })).toBe(false)
  })

  it('without a token it reports auth-failed without trying', async () => {
    const { sock, rec } = probe({ url, getToken: () => null })
    expect(sock.status).toBe('auth-failed')
    expect(sock.closeReason).toBe('no token')
    expect(rec.opens).toBe(0)
  })

  it('a malformed URL stops at once instead of throwing from a retry timer', () => {
    const { sock } = probe({ url: 'not a url', getToken: () => alice.token })
    expect(sock.status).toBe('closed')
    expect(sock.closeReason).toBeTruthy()
  })

  it('refuses an empty fragmented message without disturbing the connection', async () => {
    const { sock, rec } = probe({ url, getToken: () => alice.token })
    await waitFor(() => sock.status === 'open', 'open')
    async function* none(): AsyncIterable<string> {}
    const err = await sock.sendFragments(none()).catch((e: unknown) => e)
    expect((err as ChtError).code).toBe('invalid-input')
    expect(sock.status).toBe('open')
    sock.send({ message: 'fine' })
    await waitFor(() => rec.frames.some((f) => f.message === 'fine'), 'echo')
    expect(rec.opens).toBe(1)
  })

  it('bad token → 403 → auth-failed, then only the slow schedule retries: never abandoned (1.3, issue 13)', async () => {
    const clock = manualClock()
    let attempts = 0 // getToken is read once per handshake attempt
    const { sock, rec } = probe({
      url, getToken: () => (attempts++, 'bogus-token'), clock, random: () => 0.5, authBackoff: { firstMs: 20_000, maxMs: 300_000 },
    })
    await waitFor(() => sock.status === 'auth-failed', 'auth-failed')
    expect(sock.closeReason).toBe('handshake 403')
    await clock.advance(9_999) // half of 20 s with the jitter fixed at 0.5; FAST backoff would have retried by now
    expect(attempts).toBe(1)
    await clock.advance(1)
    await waitFor(() => attempts === 2 && sock.status === 'auth-failed', 'the slow retry')
    expect(rec.statuses).toEqual(['connecting', 'auth-failed', 'connecting', 'auth-failed'])
    expect(rec.opens).toBe(0)
  })

  it('a token superseded by a newer R1 gets 403 → auth-failed; the new token works (1.3)', async () => {
    const bob = await member(server, 'باب')
    const newer = server.issueToken(bob.id)
    const r1 = await createRest({ origin: server.origin, getToken: () => newer }).get('save-user-data/')
    expect(r1.status).toBe(200)
    const old = probe({ url, getToken: () => bob.token })
    await waitFor(() => old.sock.status === 'auth-failed', 'auth-failed')
    const fresh = probe({ url, getToken: () => newer })
    await waitFor(() => fresh.sock.status === 'open', 'open with the new token')
  })

  it('reconnects by itself after a network flicker, and close() stops it', async () => {
    const clock = manualClock()
    const { sock, rec } = probe({ url, getToken: () => alice.token, clock })
    await waitFor(() => sock.status === 'open', 'open')
    server.dropSockets()
    await waitFor(() => sock.status === 'retrying', 'retrying')
    await clock.advance(FAST.backoff.firstMs)
    await waitFor(() => rec.opens === 2 && sock.status === 'open', 'reopen')
    expect(rec.closes.length).toBe(1)
    sock.close()
    server.dropSockets()
    await clock.advance(10 * FAST.backoff.maxMs)
    expect(sock.status).toBe('closed')
    expect(rec.opens).toBe(2)
  })

  it('reconnectNow() skips a long backoff wait', async () => {
    const { sock, rec } = probe({ url, getToken: () => alice.token, backoff: { firstMs: 60_000, maxMs: 60_000 } })
    await waitFor(() => sock.status === 'open', 'open')
    server.dropSockets()
    await waitFor(() => sock.status === 'retrying', 'retrying')
    sock.reconnectNow()
    await waitFor(() => rec.opens === 2, 'reopen after reconnectNow', 3000)
  })

  it('a rejected frame closes with 1011, reported, then reconnects (§3, Q9)', async () => {
    const { sock, rec } = probe({ url, getToken: () => alice.token })
    await waitFor(() => sock.status === 'open', 'open')
    expect(sock.send({})).toBe(true)
    await waitFor(() => rec.closes.length === 1, '1011')
    expect(rec.closes).toEqual([1011])
    await waitFor(() => rec.opens === 2 && sock.status === 'open', 'reopen')
    sock.send({ message: 'after 1011' })
    await waitFor(() => rec.frames.some((f) => f.message === 'after 1011'), 'echo after reconnect')
  })

  it('heartbeat: answered pings keep the socket up; reconnectNow() on an open socket only pings it', async () => {
    const clock = manualClock()
    const { sock, rec } = probe({ url, getToken: () => alice.token, pingIntervalMs: 100, pongTimeoutMs: 300, clock })
    await waitFor(() => sock.status === 'open', 'open')
    for (let i = 0; i < 5; i++) {
      await clock.advance(100)
      expect(sock.awaitingPong).toBe(true)
      await waitFor(() => !sock.awaitingPong, 'the pong')
    }
    await clock.advance(300) // past the pong timeout: nothing was pending, nothing is killed
    expect(sock.status).toBe('open')
    sock.reconnectNow()
    expect(sock.awaitingPong).toBe(true)
    await waitFor(() => !sock.awaitingPong, 'the pong')
    await clock.advance(1_000)
    expect(rec.opens).toBe(1)
  })

  it('every failed handshake is retried with backoff: 500 (no socket route), a proxy\'s 404, 429 and 400 (issue 13)', async () => {
    const clock = manualClock()
    const bad = probe({ url: `${server.origin.replace('http', 'ws')}/cht/ws/chat/team-chat/`, getToken: () => alice.token, clock })
    await waitFor(() => bad.sock.status === 'retrying', 'retrying after 500')
    expect(bad.sock.closeReason).toBe('handshake 500')
    await clock.advance(FAST.backoff.maxMs)
    await waitFor(() => bad.rec.statuses.filter((s) => s === 'connecting').length >= 2, 'a retry after 500')
    // A stand-in for a proxy in front of the server (not the cht server): each answer once, then the real thing.
    const answers = [404, 429, 400]
    const proxy = createServer((_req, res) => res.writeHead(answers.shift() ?? 502).end())
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    try {
      const port = (proxy.address() as { port: number }).port
      const p = probe({ url: `ws://127.0.0.1:${port}/cht/ws/chat/x/`, getToken: () => alice.token, clock })
      const seen: string[] = []
      for (const code of [404, 429, 400]) {
        await waitFor(() => p.sock.status === 'retrying' && p.sock.closeReason === `handshake ${code}`, `retrying after ${code}`)
        seen.push(p.sock.closeReason!)
        await clock.advance(FAST.backoff.maxMs)
      }
      expect(seen).toEqual(['handshake 404', 'handshake 429', 'handshake 400'])
    } finally {
      await new Promise((r) => proxy.close(r))
    }
  })

  it('a handshake that never completes times out on the clock and is retried', async () => {
    const clock = manualClock()
    // A peer that accepts the TCP connection and never answers the upgrade (a stand-in for a stuck proxy).
    const stuck = createServer(() => {})
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', r))
    try {
      const port = (stuck.address() as { port: number }).port
      const p = probe({ url: `ws://127.0.0.1:${port}/x/`, getToken: () => 't', clock, handshakeTimeoutMs: 10_000 })
      await clock.advance(9_999)
      expect(p.sock.status).toBe('connecting')
      await clock.advance(1)
      await waitFor(() => p.sock.status === 'retrying', 'retrying')
      expect(p.sock.closeReason).toBe('handshake timeout')
    } finally {
      stuck.closeAllConnections()
      await new Promise((r) => stuck.close(r))
    }
  })

  it('streams a 10 MiB file as ONE fragmented text message with bounded memory; later frames wait (§3, issue 4)', async () => {
    const { sock, rec } = probe({ url, getToken: () => alice.token })
    await waitFor(() => sock.status === 'open', 'open')
    const data = randomBytes(10 * 1024 * 1024)
    const sha = createHash('sha256').update(data).digest('hex')
    const RAW_CHUNK = 48 * 1024 // multiple of 3: each chunk base64-encodes independently (64 KiB of text)
    const hwm = 1024 * 1024
    let maxBuffered = 0
    let parts = 0
    let queuedText: boolean | null = null
    async function* frameParts(): AsyncIterable<string> {
      yield '{"file":"data:application/octet-stream;base64,'
      for (let i = 0; i < data.length; i += RAW_CHUNK) {
        maxBuffered = Math.max(maxBuffered, sock.bufferedAmount)
        if (++parts === 20) queuedText = sock.send({ message: 'sent during the file' })
        yield data.subarray(i, i + RAW_CHUNK).toString('base64')
      }
      yield '","filename":"big.bin"}'
    }
    const t0 = Date.now()
    await sock.sendFragments(frameParts())
    expect(queuedText).toBe(true)
    expect(maxBuffered).toBeLessThanOrEqual(hwm + 2 * 64 * 1024)
    await waitFor(() => rec.frames.length >= 2, 'file echo + text echo', 20_000)
    // The text issued mid-file went out after the file (a text message cannot interleave with fragments).
    expect(typeof rec.frames[0].file === 'string' && (rec.frames[0].file as string).startsWith('/cht/media/')).toBe(true)
    expect(rec.frames[1].message).toBe('sent during the file')
    const media = await alice.rest.fetchMedia(rec.frames[0].file as string)
    expect(createHash('sha256').update(media.bytes).digest('hex')).toBe(sha)
    expect(rec.opens).toBe(1)
    expect(Date.now() - t0).toBeLessThan(20_000)
  }, 40_000)

  it('aborting a fragmented send kills the half message and reconnects; nothing is stored', async () => {
    const { sock, rec } = probe({ url, getToken: () => alice.token })
    await waitFor(() => sock.status === 'open', 'open')
    const ctl = new AbortController()
    async function* parts(): AsyncIterable<string> {
      yield '{"file":"'
      for (let i = 0; i < 1000; i++) {
        if (i === 10) ctl.abort()
        yield 'QUFB'.repeat(16 * 1024)
      }
      yield '","filename":"never.bin"}'
    }
    const err = await sock.sendFragments(parts(), { signal: ctl.signal }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChtError)
    expect((err as ChtError).detail).toBe('aborted')
    await waitFor(() => rec.opens === 2 && sock.status === 'open', 'reopen')
    sock.send({ message: 'still here' })
    await waitFor(() => rec.frames.some((f) => f.message === 'still here'), 'echo')
    expect(rec.frames.filter((f) => f.file)).toEqual([])
    // sendFragments on a socket that is not open fails at once
    sock.close()
    await expect(sock.sendFragments(parts())).rejects.toBeInstanceOf(ChtError)
  })

  it('reconnects after the whole server restarts on the same port and data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cht-socket-restart-'))
    let s1: RefServer | null = await startServer({ port: 0, dataDir: dir })
    let s2: RefServer | null = null
    try {
      const port = Number(new URL(s1.origin).port)
      const carol = await member(s1, 'کارول')
      await carol.rest.post('api/groups/create/', { group_name: 'restart_g', slug: 'restart_g', type: 'public' })
      const { sock, rec } = probe({ url: groupSocketUrl(s1.origin, 'restart_g'), getToken: () => carol.token })
      await waitFor(() => sock.status === 'open', 'open')
      await s1.close()
      s1 = null
      await waitFor(() => sock.status === 'retrying', 'retrying')
      s2 = await startServer({ port, dataDir: dir })
      await waitFor(() => rec.opens === 2 && sock.status === 'open', 'reopen after restart')
      sock.send({ message: 'back' })
      await waitFor(() => rec.frames.some((f) => f.message === 'back'), 'echo after restart')
    } finally {
      await s1?.close()
      await s2?.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('socket heartbeat against a silent peer', () => {
  it('terminates and reconnects when pings go unanswered', async () => {
    // Stand-in for a dead network (not for the cht server): a ws endpoint that never answers pings.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false })
    let connections = 0
    wss.on('connection', (ws) => {
      connections++
      ws.on('error', () => {})
    })
    await new Promise((r) => wss.once('listening', r))
    const port = (wss.address() as { port: number }).port
    try {
      const clock = manualClock()
      const { sock, rec } = probe({ url: `ws://127.0.0.1:${port}/cht/ws/chat/x/`, getToken: () => 't', pingIntervalMs: 100, pongTimeoutMs: 200, clock })
      await waitFor(() => sock.status === 'open', 'open')
      await clock.advance(100) // ping
      await clock.advance(199)
      expect(sock.status).toBe('open')
      await clock.advance(1) // no pong within 200 ms: terminated
      await waitFor(() => sock.status === 'retrying', 'retrying')
      await clock.advance(FAST.backoff.maxMs)
      await waitFor(() => connections >= 2, 'a reconnect after the pong timeout', 5000)
      expect(rec.closes.length).toBeGreaterThanOrEqual(1)
      expect(rec.closes[0]).toBe(1006) // terminated by us, no close frame
      sock.close()
    } finally {
      for (const c of wss.clients) c.terminate()
      await new Promise((r) => wss.close(r))
    }
  })

  it('does not kill a socket whose pong is stuck behind a long send (issue 4)', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false })
    let connections = 0
    let received = 0
    wss.on('connection', (ws) => {
      connections++
      ws.on('error', () => {})
      ws.on('message', (d) => (received += (d as Buffer).length))
    })
    await new Promise((r) => wss.once('listening', r))
    const port = (wss.address() as { port: number }).port
    try {
      const clock = manualClock()
      const { sock, rec } = probe({ url: `ws://127.0.0.1:${port}/x/`, getToken: () => 't', pingIntervalMs: 100, pongTimeoutMs: 250, clock })
      await waitFor(() => sock.status === 'open', 'open')
      async function* slow(): AsyncIterable<string> {
        for (let i = 0; i < 30; i++) {
          await clock.advance(50) // 1.5 s of sending: far longer than the pong timeout
          yield 'x'.repeat(1024)
        }
      }
      await sock.sendFragments(slow())
      expect(rec.opens).toBe(1)
      expect(connections).toBe(1)
      await waitFor(() => received === 30 * 1024, 'the whole message')
      // Once the send is over, the unanswered pings do count again.
      const after = rec.statuses.length
      const terminated = () => rec.statuses.slice(after).includes('retrying')
      for (let i = 0; i < 10 && !terminated(); i++) await clock.advance(100)
      await waitFor(terminated, 'retrying after the send')
      await clock.advance(FAST.backoff.maxMs)
      await waitFor(() => connections === 2, 'reconnect after the send', 5000)
    } finally {
      for (const c of wss.clients) c.terminate()
      await new Promise((r) => wss.close(r))
    }
  })
})

describe('backoffDelay (full jitter)', () => {
  it('stays within [0, min(max, first·2^attempt)]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, first, max, r) => {
          const d = backoffDelay(attempt, first, max, () => r)
          const cap = Math.min(max, first * 2 ** attempt)
          return Number.isInteger(d) && d >= 0 && d <= cap
        },
      ),
    )
    const caps = Array.from({ length: 8 }, (_, a) => backoffDelay(a, 500, 30_000, () => 0.999999))
    expect(caps).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999])
  })
})
