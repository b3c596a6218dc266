import type { WebSocket } from 'ws'
import type { Store, UserRow } from './db'

export interface ThrottleConfig { limit: number; windowMs: number; banMs: number }

/** §1.5 / Q12 production numbers: 15 allowed per second, the 16th bans the IP for 3600 s. */
export const PRODUCTION_THROTTLE: ThrottleConfig = { limit: 15, windowMs: 1000, banMs: 3600_000 }

/**
 * §3: the socket front-end's timers. Production's exact settings are unknown; daphne's defaults are: ping a socket idle
 * (no frame either way) for 20 s, drop it without a close frame when the pong does not come within 30 s, and close
 * every socket (1000) 24 h after it opened.
 */
export interface SocketTimeouts { pingIntervalMs: number; pongTimeoutMs: number; maxAgeMs: number }
export const DAPHNE_SOCKET_TIMEOUTS: SocketTimeouts = { pingIntervalMs: 20_000, pongTimeoutMs: 30_000, maxAgeMs: 86_400_000 }

export interface LiveSocket {
  ws: WebSocket
  kind: 'group' | 'private' | 'notifications'
  room: string
  user: UserRow
  /** A frame went out: the socket is not idle (§3 ping). */
  touch(): void
}

/**
 * Faults a test can switch on (never set in normal runs): production's own failure modes, made to happen on cue.
 * `cutAfterStore`: the next N messages are stored, then the sender's socket is cut before any echo goes out (a network
 * drop at the worst moment: PROTOCOL Q9 "stored but echo lost"). `normalizeText`: text is stored and echoed
 * NFC-normalized, as a server with another database or framework might.
 */
export interface Faults {
  cutAfterStore: number
  normalizeText: boolean
}

export interface Ctx {
  faults: Faults
  store: Store
  dataDir: string
  mediaDir: string
  bodyLimit: number
  throttle: ThrottleConfig | null
  socketTimeouts: SocketTimeouts | null
  sockets: Set<LiveSocket>
  limiter: Limiter
}

export interface Stats {
  restRequests: number
  throttled: number
  maxPerWindow: number
  /** Served requests per route id ('R1' … 'R9'): what a client really asked for (idle-churn tests). */
  routes: Record<string, number>
  /** Socket handshakes accepted. */
  socketsOpened: number
}

const emptyStats = (): Stats => ({ restRequests: 0, throttled: 0, maxPerWindow: 0, routes: {}, socketsOpened: 0 })

/**
 * §1.5 (Q12): per-IP sliding window; the (limit+1)-th counted request in the window is refused and bans the IP.
 * Time comes from `now` so tests can share one fake clock between a client's limiter and this window.
 */
export class Limiter {
  private hits = new Map<string, number[]>()
  private bans = new Map<string, number>()
  private statWindow: number[] = []
  stats: Stats = emptyStats()

  constructor(private cfg: ThrottleConfig | null, private now: () => number = Date.now) {}

  isBanned(ip: string): boolean {
    const now = this.now()
    const until = this.bans.get(ip)
    if (until === undefined) return false
    if (now >= until) {
      this.bans.delete(ip)
      return false
    }
    return true
  }

  /** Counts one authenticated REST request; returns false when it must be refused with 429. */
  count(ip: string): boolean {
    const now = this.now()
    // stats: every counted attempt, over a global sliding 1 s window (other suites prove a client never bursts).
    const sw = this.cfg?.windowMs ?? 1000
    this.statWindow.push(now)
    while (this.statWindow.length && this.statWindow[0] <= now - sw) this.statWindow.shift()
    this.stats.maxPerWindow = Math.max(this.stats.maxPerWindow, this.statWindow.length)
    if (!this.cfg) {
      this.stats.restRequests++
      return true
    }
    const list = (this.hits.get(ip) ?? []).filter((t) => t > now - this.cfg!.windowMs)
    if (list.length >= this.cfg.limit) {
      this.bans.set(ip, now + this.cfg.banMs)
      this.hits.delete(ip)
      this.stats.throttled++
      return false
    }
    list.push(now)
    this.hits.set(ip, list)
    this.stats.restRequests++
    return true
  }

  noteThrottled(): void {
    this.stats.throttled++
  }

  reset(): void {
    this.stats = emptyStats()
    this.statWindow = []
  }

  ban(ip: string): void {
    this.bans.set(ip, this.now() + (this.cfg?.banMs ?? 3_600_000))
  }

  unban(): void {
    this.bans.clear()
    this.hits.clear()
  }
}
