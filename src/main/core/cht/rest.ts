// Throttled REST transport for the cht server (PROTOCOL §1, §2). Never imports electron.
// One Rest instance is shared by the whole app so that ONE limiter sees every request (1.5 / Q12).
import { createWriteStream } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { ChtError } from '../errors'
import { systemClock, type Clock, type Timer } from '../ports'
import { createServerClock, DATE_RESOLUTION_MS } from './server-clock'
import { errorFromResponse, restBase } from './wire'

export interface RestOptions {
  origin: string
  getToken: () => string | null
  /** Default 2/s, burst 3: the server bans the IP on the 16th request within 1 s (1.5). */
  rate?: { perSecond: number; burst: number }
  /** Per request, counted from the moment it leaves the queue. Default 20 000. */
  timeoutMs?: number
  /** Waits and the limiter's window run on its monotonic time (a wall clock jumping back never stalls REST). */
  clock?: Clock
  /** Pause after a 429: first length, doubling up to max (defaults 60 s → 15 min). */
  pause?: { firstMs: number; maxMs: number }
  /** Background requests keep at least this gap (plus up to the same again, at random) after any request. */
  backgroundGapMs?: number
  random?: () => number
  /** A 429 paused everything until this wall time (epoch ms, for the UI). */
  onPause?: (untilMs: number) => void
  onResume?: () => void
}

export interface RequestOptions {
  query?: Record<string, string>
  signal?: AbortSignal
  timeoutMs?: number
  /**
   * Work nobody is waiting for (polls, re-reads of chats not on screen): it yields to everything else and goes out
   * at least a jittered second after this client's previous request, so a client never sends background requests
   * in pairs — thirty clients behind one IP then arrive one by one, not in bursts (issue 11). Pass an object to
   * promote a waiting request later (the user opened the chat whose re-read was waiting): set `.value = false`
   * and call `rest.repump()`.
   */
  background?: boolean | { value: boolean }
}

export interface MediaOptions {
  signal?: AbortSignal
  /** Default 50 MiB; enforced while streaming. */
  maxBytes?: number
  /** Called with the bytes received so far. */
  onProgress?: (received: number, total: number | null) => void
}

export interface RestResponse<T> {
  status: number
  body: T
}

export interface Rest {
  get<T = unknown>(path: string, opts?: RequestOptions): Promise<RestResponse<T>>
  /** A big JSON answer as raw chunks (R5/R9 histories), parsed elsewhere: see chats/parser.ts. */
  getChunks(path: string, opts?: RequestOptions): Promise<{ status: number; chunks: Uint8Array[] }>
  post<T = unknown>(path: string, body: unknown, opts?: RequestOptions): Promise<RestResponse<T>>
  /** R10 media: no token, not throttled by the server, at most 4 at a time. */
  fetchMedia(url: string, opts?: MediaOptions): Promise<{ bytes: Uint8Array; mime: string }>
  /** Streams R10 media to a NEW file (never overwrites: 'wx'); a partial file is removed on failure. */
  downloadToFile(url: string, destPath: string, opts?: MediaOptions): Promise<{ bytes: number; mime: string }>
  /** Epoch ms until which every REST call is refused after a 429; 0 when not paused. */
  pausedUntil(): number
  resumeNow(): void
  /** Requests waiting for the limiter, and on the wire now (diagnostics, tests). */
  stats(): { queued: number; inflight: number; sent: number }
  /** A waiting request's priority changed: look at the queue again. */
  repump(): void
  /**
   * The server's clock now, epoch ms: our wall clock plus the offset its `Date` headers show (Q9 compares server
   * times with server times: a PC whose clock is minutes or a zone off must not make a message look unsent).
   */
  serverTime(): number
  /**
   * serverTime() less its uncertainty: never later than the server's clock. For marks that must not run ahead of
   * what the server stamps next ("everything up to the previous poll").
   */
  earliestServerTime(): number
  /** What the server's own answers say about its clock (a W1 echo's timestamp, say). */
  noteServerTime(serverMs: number): void
}

// Colleagues behind one NAT share the server's per-IP budget (1.5): each client takes a small part of it.
const DEFAULT_RATE = { perSecond: 2, burst: 3 }
const DEFAULT_PAUSE = { firstMs: 60_000, maxMs: 15 * 60_000 }
/** The server's window is 1 s; the margin absorbs arrival jitter (a request we queued first may reach it later). */
const WINDOW_MS = 1100
const MEDIA_CONCURRENCY = 4
const DEFAULT_MAX_MEDIA = 50 * 1024 * 1024
const MAX_REDIRECTS = 5

interface Waiter {
  resolve: () => void
  reject: (e: unknown) => void
  cleanup: () => void
  /** Background: not before this monotonic time (drawn when it reaches the head of the background line). */
  notBefore?: number
  background: () => boolean
}

/** A caller's abort → a ChtError (AbortSignal.timeout counts as 'timeout'). */
export function abortError(signal: AbortSignal): ChtError {
  const r: unknown = signal.reason
  if (r instanceof ChtError) return r
  if (r instanceof Error && r.name === 'TimeoutError') return new ChtError('timeout')
  return new ChtError('network', 'aborted')
}

export function createRest(opts: RestOptions): Rest {
  const rate = opts.rate ?? DEFAULT_RATE
  const pauseCfg = opts.pause ?? DEFAULT_PAUSE
  const clock = opts.clock ?? systemClock
  const now = () => clock.monotonic()
  const defaultTimeout = opts.timeoutMs ?? 20_000
  const base = restBase(opts.origin)

  // --- limiter: a token bucket AND at most `burst` requests in any window (what the server counts) ---
  let tokens = rate.burst
  let refilledAt = now()
  const sentAt: number[] = []
  const queue: Waiter[] = []
  const backgroundGap = opts.backgroundGapMs ?? 1_000
  const random = opts.random ?? Math.random
  let lastSentAt = -Infinity
  let pumpTimer: Timer | null = null
  let inflight = 0
  let sent = 0
  const serverClock = createServerClock(clock)

  /**
   * An abort signal that fires when `ms` pass without touch() (an idle timeout: a long body that keeps arriving is
   * fine, a stalled one is not) or when `outer` aborts. dispose() when done.
   */
  function idleAbort(ms: number, outer?: AbortSignal) {
    const ctl = new AbortController()
    let timedOut = false
    let timer: Timer | undefined
    const touch = () => {
      clock.clearTimeout(timer)
      timer = clock.setTimeout(() => {
        timedOut = true
        ctl.abort()
      }, ms)
    }
    const onAbort = () => ctl.abort()
    outer?.addEventListener('abort', onAbort, { once: true })
    touch()
    return {
      signal: ctl.signal, touch, abort: () => ctl.abort(), timedOut: () => timedOut,
      dispose: () => {
        clock.clearTimeout(timer)
        outer?.removeEventListener('abort', onAbort)
      },
    }
  }

  // --- 429 pause (Q12): everything stops; consecutive 429s double the pause ---
  let pauseUntil = 0
  let pauseUntilWall = 0
  let nextPauseMs = pauseCfg.firstMs
  let resumeTimer: Timer | null = null

  function waitMs(t: number): number {
    tokens = Math.min(rate.burst, tokens + ((t - refilledAt) * rate.perSecond) / 1000)
    refilledAt = t
    while (sentAt.length && sentAt[0] <= t - WINDOW_MS) sentAt.shift()
    const bucket = tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / rate.perSecond)
    const window = sentAt.length < rate.burst ? 0 : sentAt[0] + WINDOW_MS - t + 1
    return Math.max(bucket, window)
  }

  /** The next waiter allowed out at `t`: any foreground one first (FIFO), else the oldest background one. */
  function next(t: number): { w?: Waiter; wait: number } {
    const fg = queue.find((w) => !w.background())
    if (fg) return { w: fg, wait: waitMs(t) }
    const bg = queue[0]
    bg.notBefore ??= lastSentAt + backgroundGap * (1 + random())
    return { w: bg, wait: Math.max(waitMs(t), Math.ceil(bg.notBefore - t)) }
  }

  function pump(): void {
    clock.clearTimeout(pumpTimer)
    pumpTimer = null
    while (queue.length) {
      if (isPaused()) return rejectQueued()
      const t = now()
      const { w, wait } = next(t)
      if (wait > 0 || !w) {
        pumpTimer = clock.setTimeout(() => {
          pumpTimer = null
          pump()
        }, Math.max(1, wait))
        return
      }
      tokens -= 1
      sentAt.push(t)
      lastSentAt = t
      queue.splice(queue.indexOf(w), 1)
      w.cleanup()
      w.resolve()
    }
  }

  function rejectQueued(): void {
    for (const w of queue.splice(0)) {
      w.cleanup()
      w.reject(new ChtError('throttled'))
    }
  }

  /** Waits in the queue for permission to send one request. */
  function acquire(signal?: AbortSignal, priority: RequestOptions['background'] = false): Promise<void> {
    const background = typeof priority === 'object' ? () => priority.value : () => !!priority
    if (isPaused()) return Promise.reject(new ChtError('throttled'))
    if (signal?.aborted) return Promise.reject(abortError(signal))
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = queue.indexOf(w)
        if (i >= 0) queue.splice(i, 1)
        reject(abortError(signal!))
      }
      const w: Waiter = { resolve, reject, background, cleanup: () => signal?.removeEventListener('abort', onAbort) }
      signal?.addEventListener('abort', onAbort, { once: true })
      queue.push(w)
      pump()
    })
  }

  function isPaused(): boolean {
    return pauseUntil > 0 && now() < pauseUntil
  }

  function startPause(): void {
    if (isPaused()) return // in-flight requests answering 429 after the first one do not extend the pause
    pauseUntil = now() + nextPauseMs
    pauseUntilWall = clock.now() + nextPauseMs
    const len = nextPauseMs
    nextPauseMs = Math.min(pauseCfg.maxMs, nextPauseMs * 2)
    rejectQueued()
    clock.clearTimeout(resumeTimer)
    resumeTimer = clock.setTimeout(endPause, len)
    opts.onPause?.(pauseUntilWall)
  }

  function endPause(): void {
    clock.clearTimeout(resumeTimer)
    resumeTimer = null
    if (!pauseUntil) return
    pauseUntil = 0
    opts.onResume?.()
    pump()
  }

  function urlFor(path: string, query?: Record<string, string>): URL {
    const url = new URL(path.replace(/^\/+/, ''), base)
    // The token goes only to <origin>/cht/… — never let a path escape to another host or prefix.
    if (!url.href.startsWith(base)) throw new ChtError('invalid-input', 'path outside /cht/')
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v)
    return url
  }

  async function request<T>(method: 'GET' | 'POST', path: string, body: unknown, ro: RequestOptions = {}): Promise<RestResponse<T>> {
    const r = await exchange(method, path, body, ro, 'text')
    const text = r.text
    if (text === '') return { status: r.status, body: undefined as T }
    if (!/\bjson\b/i.test(r.contentType)) throw new ChtError('bad-response', `content-type ${r.contentType.slice(0, 60)}`, r.status)
    try {
      return { status: r.status, body: JSON.parse(text) as T }
    } catch {
      throw new ChtError('bad-response', 'invalid JSON', r.status)
    }
  }

  /**
   * A GET whose answer may be huge (R5/R9 whole histories: PROTOCOL §2, no paging): the body as it arrived, in chunks,
   * never joined or decoded here — the caller hands them to a worker (chats/parser.ts) so main never blocks on it.
   * The timeout is an idle timeout: a big answer on a slow link is fine, a stalled one is not.
   */
  async function getChunks(path: string, ro: RequestOptions = {}): Promise<{ status: number; chunks: Uint8Array[] }> {
    const r = await exchange('GET', path, undefined, ro, 'chunks')
    if (!/\bjson\b/i.test(r.contentType)) throw new ChtError('bad-response', `content-type ${r.contentType.slice(0, 60)}`, r.status)
    return { status: r.status, chunks: r.chunks }
  }

  /** One request through the limiter: auth header, timeout, 429 = pause everything, non-2xx → the mapped error. */
  async function exchange(method: 'GET' | 'POST', path: string, body: unknown, ro: RequestOptions, read: 'text' | 'chunks') {
    const url = urlFor(path, ro.query)
    const token = opts.getToken()
    // No token → the server would answer 401 anyway; do not spend a request on it.
    if (!token) throw new ChtError('auth.invalid', 'no token')
    await acquire(ro.signal, ro.background)
    inflight++
    sent++

    const idle = idleAbort(ro.timeoutMs ?? defaultTimeout, ro.signal)
    const headers: Record<string, string> = { Authorization: token, Accept: 'application/json' } // 1.1/Q1: no scheme
    if (method === 'POST') headers['Content-Type'] = 'application/json'

    let status: number
    let contentType: string
    let text = ''
    const chunks: Uint8Array[] = []
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
        signal: idle.signal,
        // A redirect could carry the token elsewhere; the cht API never redirects a correct path.
        redirect: 'manual',
      })
      status = res.status
      // `Date` has whole seconds: the middle of that second is the best guess.
      const date = Date.parse(res.headers.get('date') ?? '')
      if (Number.isFinite(date)) serverClock.note(date + DATE_RESOLUTION_MS / 2)
      contentType = res.headers.get('content-type') ?? ''
      // Set-Cookie is ignored: Node's fetch keeps no cookie jar (1.4)
      if (read === 'text' || status < 200 || status > 299 || !res.body) text = await res.text()
      else {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          idle.touch()
          chunks.push(chunk.slice()) // our own copy: it will be transferred to a worker
        }
      }
    } catch (e) {
      if (idle.timedOut()) throw new ChtError('timeout')
      if (ro.signal?.aborted) throw abortError(ro.signal)
      throw new ChtError('network', e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message).slice(0, 200) : undefined)
    } finally {
      inflight--
      idle.dispose()
    }

    if (status === 429) {
      startPause()
      throw new ChtError('throttled', undefined, 429)
    }
    if (status < 200 || status > 299) throw errorFromResponse(status, contentType, text)
    nextPauseMs = pauseCfg.firstMs // a success after a pause: the next 429 starts from the first length again
    return { status, contentType, text, chunks }
  }

  // --- media (R10): no token, own small concurrency limit, size cap while streaming ---
  let mediaActive = 0
  const mediaQueue: (() => void)[] = []
  async function withMediaSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (mediaActive >= MEDIA_CONCURRENCY) await new Promise<void>((r) => mediaQueue.push(r))
    mediaActive++
    try {
      return await fn()
    } finally {
      mediaActive--
      mediaQueue.shift()?.()
    }
  }

  /** Opens a media response and streams its body into `sink`, enforcing maxBytes and an idle timeout. */
  function streamMedia(rawUrl: string, mo: MediaOptions, sink: (chunk: Uint8Array) => Promise<void> | void): Promise<{ bytes: number; mime: string }> {
    let url: URL
    try {
      url = new URL(rawUrl, opts.origin)
    } catch {
      return Promise.reject(new ChtError('invalid-input', 'bad media URL'))
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new ChtError('invalid-input', 'media URL must be http(s)'))
    const maxBytes = mo.maxBytes ?? DEFAULT_MAX_MEDIA
    return withMediaSlot(async () => {
      if (mo.signal?.aborted) throw abortError(mo.signal)
      // Idle timeout: touched on every chunk, so a big file on a slow link is fine but a stalled one is not.
      const idle = idleAbort(defaultTimeout, mo.signal)
      try {
        const res = await fetchSameOrigin(url, idle.signal) // no Authorization: media needs none (R10)
        if (!res.ok) {
          await res.body?.cancel().catch(() => {})
          throw new ChtError(res.status === 404 || res.status === 410 ? 'not-found' : 'server', `media ${res.status}`, res.status)
        }
        const length = Number(res.headers.get('content-length') ?? NaN)
        if (length > maxBytes) {
          await res.body?.cancel().catch(() => {})
          throw new ChtError('file.too-large', `${length} > ${maxBytes}`)
        }
        const mime = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase()
        let received = 0
        if (res.body) {
          for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
            idle.touch()
            received += chunk.byteLength
            if (received > maxBytes) {
              idle.abort()
              throw new ChtError('file.too-large', `> ${maxBytes}`)
            }
            await sink(chunk)
            mo.onProgress?.(received, Number.isFinite(length) ? length : null)
          }
        }
        return { bytes: received, mime }
      } catch (e) {
        if (e instanceof ChtError) throw e
        if (idle.timedOut()) throw new ChtError('timeout')
        if (mo.signal?.aborted) throw abortError(mo.signal)
        throw new ChtError('network', e instanceof Error ? e.message.slice(0, 200) : undefined)
      } finally {
        idle.dispose()
      }
    })
  }

  /**
   * GET following redirects only within `url`'s origin (issue 13): a redirect to another host — a tracker, a look-alike
   * of the server — is refused before anything is sent there.
   */
  async function fetchSameOrigin(url: URL, signal: AbortSignal): Promise<Response> {
    let current = url
    for (let hop = 0; ; hop++) {
      const res = await fetch(current, { signal, redirect: 'manual' })
      const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null
      if (location === null) return res
      await res.body?.cancel().catch(() => {})
      if (hop >= MAX_REDIRECTS) throw new ChtError('bad-response', 'too many redirects')
      let next: URL
      try {
        next = new URL(location, current)
      } catch {
        throw new ChtError('bad-response', 'bad redirect')
      }
      if (next.origin !== url.origin) throw new ChtError('forbidden', 'redirect to another host')
      current = next
    }
  }

  async function fetchMedia(url: string, mo: MediaOptions = {}): Promise<{ bytes: Uint8Array; mime: string }> {
    const chunks: Uint8Array[] = []
    const { bytes, mime } = await streamMedia(url, mo, (c) => {
      chunks.push(c)
    })
    const out = new Uint8Array(bytes)
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.byteLength
    }
    return { bytes: out, mime }
  }

  async function downloadToFile(url: string, destPath: string, mo: MediaOptions = {}): Promise<{ bytes: number; mime: string }> {
    const file = createWriteStream(destPath, { flags: 'wx' })
    const opened = new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve())
      file.once('error', reject)
    })
    try {
      await opened
    } catch (e) {
      throw new ChtError('file.unreadable', e instanceof Error ? e.message.slice(0, 200) : undefined)
    }
    try {
      const result = await streamMedia(url, mo, (chunk) => {
        if (!file.write(chunk)) return new Promise<void>((r) => file.once('drain', r))
      })
      await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())))
      return result
    } catch (e) {
      file.destroy()
      await unlink(destPath).catch(() => {})
      throw e instanceof ChtError ? e : new ChtError('file.unreadable', e instanceof Error ? e.message.slice(0, 200) : undefined)
    }
  }

  return {
    get: <T>(path: string, ro?: RequestOptions) => request<T>('GET', path, undefined, ro),
    getChunks,
    post: <T>(path: string, body: unknown, ro?: RequestOptions) => request<T>('POST', path, body, ro),
    fetchMedia,
    downloadToFile,
    pausedUntil: () => (isPaused() ? pauseUntilWall : 0),
    resumeNow: endPause,
    stats: () => ({ queued: queue.length, inflight, sent }),
    repump: pump,
    serverTime: serverClock.now,
    earliestServerTime: serverClock.earliest,
    noteServerTime: serverClock.note,
  }
}
