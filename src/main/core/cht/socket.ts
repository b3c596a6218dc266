// One reconnecting cht socket (PROTOCOL §3, DESIGN §7). Never imports electron.
// Auth: the token in the Authorization header of the handshake (1.3) — never in the query string.
import WebSocket from 'ws'
import { ChtError } from '../errors'
import { systemClock, type Clock, type Timer } from '../ports'
import { abortError } from './rest'

export type SocketStatus = 'connecting' | 'open' | 'retrying' | 'auth-failed' | 'closed'

export interface SocketOptions {
  url: string
  getToken: () => string | null
  /** Every inbound text frame, JSON-parsed. Non-JSON and binary frames are dropped and counted. */
  onFrame: (frame: unknown) => void
  onStatus?: (s: SocketStatus) => void
  /** An OPEN connection closed (e.g. 1011 = the server rejected a frame, Q9). Reconnect follows by itself. */
  onClose?: (code: number) => void
  /** Every (re)open: the owner re-reads history over REST, missed broadcasts are not replayed (§3). */
  onOpen?: () => void
  handshakeTimeoutMs?: number
  pingIntervalMs?: number
  pongTimeoutMs?: number
  maxPayload?: number
  backoff?: { firstMs: number; maxMs: number }
  /** After a handshake 403 the owner re-authenticates (1.3); meanwhile this slower schedule keeps trying. */
  authBackoff?: { firstMs: number; maxMs: number }
  /** The attempt counter resets only after a connection stayed open this long. */
  stableMs?: number
  clock?: Clock
  random?: () => number
}

export interface FragmentOptions {
  signal?: AbortSignal
  /** Keep ws.bufferedAmount under this (default 1 MiB) so a huge file never sits in memory. */
  highWaterMark?: number
}

export interface ChtSocket {
  readonly status: SocketStatus
  readonly bufferedAmount: number
  /** Inbound frames dropped because they were binary or not JSON. */
  readonly droppedFrames: number
  /** Why the last attempt failed ('handshake 403', 'handshake timeout', …); null while open. */
  readonly closeReason: string | null
  /** A heartbeat ping is waiting for its pong (or any other sign of life). */
  readonly awaitingPong: boolean
  /**
   * Sends one JSON text frame. false when not open. While a fragmented message is in flight the frame
   * waits behind it (true = accepted); frames still waiting when the connection drops are discarded —
   * the echo is the only acknowledgement anyway (Q9).
   */
  send(frame: object): boolean
  /** Sends `parts` as the fragments of ONE text message (§3), with bounded memory. */
  sendFragments(parts: AsyncIterable<string>, opts?: FragmentOptions): Promise<void>
  /** Network back / wake from sleep / "reconnect now": skip the backoff wait; ping an open socket now. Also after 'auth-failed' (call it after re-auth). */
  reconnectNow(): void
  /** Stop for good. */
  close(): void
}

/**
 * Full-jitter exponential backoff: random in [0, min(max, first·2^attempt)].
 * A tiny function rather than the `exponential-backoff` package: that package owns a promise-retry loop,
 * while ours is driven by close events, resets only after a stable connection, is skipped by
 * reconnectNow() and stops on 403 — none of which fits its `backOff(fn)` shape.
 */
export function backoffDelay(attempt: number, firstMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt))
  return Math.floor(random() * cap)
}

export function openSocket(opts: SocketOptions): ChtSocket {
  const handshakeTimeout = opts.handshakeTimeoutMs ?? 10_000
  const pingIntervalMs = opts.pingIntervalMs ?? 20_000
  const pongTimeoutMs = opts.pongTimeoutMs ?? 20_000
  const maxPayload = opts.maxPayload ?? 64 * 1024 * 1024
  const backoff = opts.backoff ?? { firstMs: 500, maxMs: 30_000 }
  const authBackoff = opts.authBackoff ?? { firstMs: 15_000, maxMs: 5 * 60_000 }
  const stableMs = opts.stableMs ?? 10_000
  const clock = opts.clock ?? systemClock
  const random = opts.random ?? Math.random

  let status: SocketStatus = 'closed' // connect() below reports 'connecting' through onStatus at once
  let ws: WebSocket | null = null
  let stopped = false // close() called
  let attempt = 0
  let dropped = 0
  let closeReason: string | null = null
  let retryTimer: Timer | null = null
  let stableTimer: Timer | null = null
  let pingTimer: Timer | null = null
  let pongDeadline: Timer | null = null
  let handshakeTimer: Timer | null = null
  // Fragmented sends: one message at a time; plain frames wait behind it (a text message cannot interleave).
  let fragLock: Promise<void> = Promise.resolve()
  let fragActive = false
  let waiting: string[] = []

  function setStatus(s: SocketStatus): void {
    if (s === status) return
    status = s
    opts.onStatus?.(s)
  }

  function clearTimers(): void {
    for (const t of [stableTimer, pingTimer, pongDeadline, handshakeTimer]) clock.clearTimeout(t)
    stableTimer = pingTimer = pongDeadline = handshakeTimer = null
  }

  function schedulePing(sock: WebSocket): void {
    pingTimer = clock.setTimeout(() => {
      ping(sock)
      if (sock === ws) schedulePing(sock)
    }, pingIntervalMs)
  }

  /** Any sign of life: a pong, a ping, an inbound frame, or our own fragments being accepted by the kernel. */
  function alive(): void {
    clock.clearTimeout(pongDeadline)
    pongDeadline = null
  }

  function ping(sock: WebSocket): void {
    if (sock !== ws || sock.readyState !== WebSocket.OPEN || pongDeadline) return
    pongDeadline = clock.setTimeout(() => {
      pongDeadline = null
      if (sock === ws) sock.terminate() // dead peer: 'close' follows and we reconnect
    }, pongTimeoutMs)
    try {
      sock.ping()
    } catch {
      /* closing already; the close handler deals with it */
    }
  }

  function connect(): void {
    if (stopped) return
    retryTimer = null
    const token = opts.getToken()
    if (!token) {
      closeReason = 'no token'
      setStatus('auth-failed')
      return
    }
    setStatus('connecting')
    let handshakeStatus = 0
    let opened = false
    let sock: WebSocket
    try {
      sock = new WebSocket(opts.url, {
        headers: { Authorization: token }, // 1.3: raw token, first word used by the server
        maxPayload,
        perMessageDeflate: false, // base64 payloads: compression costs CPU and muddles bufferedAmount
      })
    } catch (e) {
      // A bad URL never gets better; throwing from a retry timer would crash the main process.
      closeReason = e instanceof Error ? e.message.slice(0, 200) : 'bad URL'
      return setStatus('closed')
    }
    ws = sock
    // Our own handshake timeout (not ws's option) so it runs on the Clock port like every other wait.
    handshakeTimer = clock.setTimeout(() => {
      if (sock === ws && !opened) {
        closeReason = 'handshake timeout'
        sock.terminate()
      }
    }, handshakeTimeout)
    // DESIGN §7: an unhandled 'error' on a ws kills the main process. The 'close' that follows does the work.
    sock.on('error', (e) => {
      if (!opened && !closeReason) closeReason = e.message.slice(0, 200)
    })
    sock.on('unexpected-response', (_req, res) => {
      handshakeStatus = res.statusCode ?? 0
      res.resume()
      sock.terminate() // aborts the handshake → 'error' + 'close'
    })
    sock.on('open', () => {
      if (sock !== ws) return
      opened = true
      closeReason = null
      clock.clearTimeout(handshakeTimer)
      handshakeTimer = null
      setStatus('open')
      stableTimer = clock.setTimeout(() => {
        attempt = 0
      }, stableMs)
      schedulePing(sock)
      opts.onOpen?.()
    })
    sock.on('ping', alive)
    sock.on('pong', alive)
    sock.on('message', (data, isBinary) => {
      if (sock !== ws) return
      alive()
      if (isBinary) {
        dropped++
        return
      }
      let frame: unknown
      try {
        frame = JSON.parse(data.toString())
      } catch {
        dropped++
        return
      }
      try {
        opts.onFrame(frame)
      } catch (e) {
        // A consumer bug must not break the socket's event handling.
        console.error('cht socket onFrame threw', e)
      }
    })
    sock.on('close', (code) => {
      if (sock !== ws) return
      ws = null
      waiting = []
      clearTimers()
      if (stopped) return setStatus('closed')
      if (handshakeStatus) closeReason = `handshake ${handshakeStatus}`
      if (handshakeStatus === 403) {
        // 1.3: bad, missing or superseded token. The owner re-authenticates and calls reconnectNow(); until then
        // a slow schedule keeps trying, so a socket is never abandoned (another device may give the token back).
        setStatus('auth-failed')
        return scheduleRetry(authBackoff)
      }
      // Decision: every other failure is retried with backoff, whatever it was — a proxy's 404/429/400, a 5xx
      // (deploy, restart; §3's 500 for a bad path cannot happen: sockets open only for live slugs, Q7), a timeout
      // or a reset. Handshakes are not throttled (1.5), so retrying every ≤30 s costs nothing.
      if (opened) opts.onClose?.(code)
      setStatus('retrying')
      scheduleRetry(backoff)
    })
  }

  function scheduleRetry(b: { firstMs: number; maxMs: number }): void {
    if (stopped) return
    const delay = backoffDelay(attempt, b.firstMs, b.maxMs, random)
    attempt++
    retryTimer = clock.setTimeout(connect, delay)
  }

  function flushWaiting(): void {
    const list = waiting
    waiting = []
    for (const text of list) if (ws && ws.readyState === WebSocket.OPEN) ws.send(text)
  }

  function send(frame: object): boolean {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false
    const text = JSON.stringify(frame)
    if (fragActive) waiting.push(text)
    else ws.send(text)
    return true
  }

  async function sendFragments(parts: AsyncIterable<string>, fo: FragmentOptions = {}): Promise<void> {
    const hwm = fo.highWaterMark ?? 1024 * 1024
    const prev = fragLock
    let release!: () => void
    fragLock = new Promise<void>((r) => (release = r))
    await prev
    const sock = ws
    let started = false
    const pending: Promise<void>[] = []
    // Rejects when the caller aborts or this connection closes, so no await below can hang.
    let onStop: () => void = () => {}
    const stop = new Promise<never>((_, reject) => {
      onStop = () => reject(fo.signal?.aborted ? abortError(fo.signal) : new ChtError('network', 'socket closed during send'))
    })
    stop.catch(() => {})
    fo.signal?.addEventListener('abort', onStop, { once: true })
    sock?.once('close', onStop)
    const sendPart = (part: string, fin: boolean) => {
      started = true
      const p = new Promise<void>((resolve, reject) =>
        sock!.send(part, { fin, binary: false }, (err) => {
          if (err) return reject(new ChtError('network', 'socket closed during send'))
          alive() // the kernel took our data: the link moves even if the server's pong sits behind it
          resolve()
        }),
      )
      p.catch(() => {}) // awaited below; avoid an unhandled rejection meanwhile
      pending.push(p)
    }
    const check = () => {
      if (fo.signal?.aborted) throw abortError(fo.signal)
      if (!sock || sock !== ws || sock.readyState !== WebSocket.OPEN) throw new ChtError('network', 'socket not open')
    }
    fragActive = true
    try {
      check()
      let held: string | null = null // one part held back: only the end of the iterator tells which part is last
      for await (const part of parts) {
        check()
        if (held !== null) sendPart(held, false)
        held = part
        // Backpressure: bufferedAmount stays ≤ highWaterMark + one part.
        while (sock!.bufferedAmount > hwm && pending.length) await Promise.race([pending.shift()!, stop])
      }
      check()
      if (held === null) throw new ChtError('invalid-input', 'empty message')
      sendPart(held, true)
      await Promise.race([Promise.all(pending), stop])
    } catch (e) {
      // A half-sent message must never be completed by later frames: kill this connection (the server drops the
      // partial message) and let the normal reconnect follow.
      if (started && sock && sock === ws) sock.terminate()
      throw e instanceof ChtError ? e : new ChtError('file.unreadable', e instanceof Error ? e.message.slice(0, 200) : undefined)
    } finally {
      fragActive = false
      fo.signal?.removeEventListener('abort', onStop)
      sock?.off('close', onStop)
      if (sock && sock === ws) flushWaiting()
      release()
    }
  }

  function reconnectNow(): void {
    if (stopped) return
    if (status === 'retrying' || status === 'auth-failed') {
      clock.clearTimeout(retryTimer)
      retryTimer = null
      connect()
    } else if (status === 'open' && ws) {
      ping(ws) // after sleep a socket may look open but be dead: find out now, not in 20 s
    }
  }

  function close(): void {
    if (stopped) return
    stopped = true
    clock.clearTimeout(retryTimer)
    retryTimer = null
    clearTimers()
    const sock = ws
    ws = null
    waiting = []
    if (sock) {
      sock.close(1000)
      // Do not wait for the server's close reply forever.
      clock.setTimeout(() => sock.terminate(), 2000)
    }
    setStatus('closed')
  }

  connect()

  return {
    get status() {
      return status
    },
    get bufferedAmount() {
      return ws?.bufferedAmount ?? 0
    },
    get droppedFrames() {
      return dropped
    },
    get closeReason() {
      return closeReason
    },
    get awaitingPong() {
      return pongDeadline !== null
    },
    send,
    sendFragments,
    reconnectNow,
    close,
  }
}
