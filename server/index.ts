/**
 * The reference cht server: a faithful double of production (PROTOCOL.md §5), quirks included.
 * Usable in-process: `const s = await startServer({ port: 0, dataDir })`.
 */
import { mkdirSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import {
  DAPHNE_SOCKET_TIMEOUTS, PRODUCTION_THROTTLE, Limiter, type Ctx, type Faults, type SocketTimeouts, type Stats, type ThrottleConfig,
} from './context'
import { Store, openDb } from './db'
import { sendNotFoundPage } from './http'
import { createSsoUser, mintToken, type NewUser } from './model'
import { handleCht } from './rest'
import { attachSockets } from './sockets'
import { handleSso } from './sso'

export type { NewUser } from './model'
export type { Faults, SocketTimeouts, Stats, ThrottleConfig } from './context'
export { DAPHNE_SOCKET_TIMEOUTS, PRODUCTION_THROTTLE } from './context'

export interface StartOptions {
  /** 0 = ephemeral; default 8787 */
  port?: number
  dataDir: string
  /** default on with production numbers (15 per 1 s allowed, the 16th bans for 3600 s) */
  throttle?: boolean | ThrottleConfig
  /** The throttle's clock (window and ban expiry), epoch ms; default Date.now. Share a fake one with a client's limiter. */
  now?: () => number
  /** §3 socket ping / drop / max age; default daphne's (20 s idle ping, 30 s to pong, 24 h); false = none */
  socketTimeouts?: SocketTimeouts | false
  /** REST body limit in bytes (default 1 MiB); over it → 413 */
  bodyLimit?: number
  /** max socket message size in bytes (default 512 MiB) */
  maxSocketPayload?: number
  host?: '127.0.0.1'
}

export interface RefServer {
  origin: string
  close(): Promise<void>
  /** Creates an SSO user and a session token (does NOT do R1). */
  createUser(u: NewUser): { id: string; token: string }
  /** A new SSO session token for an existing SSO user (PROTOCOL 1.3 tests). */
  issueToken(userId: string): string
  /**
   * The SSO forgets `token` (the session expired or was signed out, §1.1): REST then answers 401 "Invalid token." and
   * socket handshakes 403; sockets already open stay open (the token is checked only at the handshake, §1.3).
   */
  endSession(token: string): void
  stats(): Stats
  resetStats(): void
  /** Terminates every open socket abruptly (simulates a network flicker). */
  dropSockets(): void
  unban(): void
  /** Bans this IP now, as 16 requests within a second would (Q12), until unban(). */
  ban(ip?: string): void
  /** Switch a fault on for the tests about it (see Faults in context.ts). */
  fault(f: Partial<Faults>): void
}

const internals = new WeakMap<RefServer, Ctx>()

/** For the demo seeder and tests in server/: the server's storage context. */
export function serverContext(s: RefServer): Ctx {
  const ctx = internals.get(s)
  if (!ctx) throw new Error('not a reference server')
  return ctx
}

export async function startServer(opts: StartOptions): Promise<RefServer> {
  const dataDir = opts.dataDir
  const mediaDir = join(dataDir, 'media')
  mkdirSync(join(mediaDir, 'static', 'files'), { recursive: true })
  const db = openDb(join(dataDir, 'cht.sqlite3'))
  const store = new Store(db)
  const throttle: ThrottleConfig | null =
    opts.throttle === false ? null : opts.throttle === undefined || opts.throttle === true ? PRODUCTION_THROTTLE : opts.throttle
  const ctx: Ctx = {
    faults: { cutAfterStore: 0, normalizeText: false },
    store, dataDir, mediaDir, throttle,
    socketTimeouts: opts.socketTimeouts === false ? null : opts.socketTimeouts ?? DAPHNE_SOCKET_TIMEOUTS,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    sockets: new Set(),
    limiter: new Limiter(throttle, opts.now),
  }

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => {})
    req.on('error', () => {})
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1')
    } catch {
      req.resume()
      return sendNotFoundPage(req, res)
    }
    try {
      if (url.pathname.startsWith('/sso/') && (await handleSso(ctx, req, res, url))) return
      if (url.pathname.startsWith('/cht/') && (await handleCht(ctx, req, res, url))) return
      if (url.pathname === '/' && req.method === 'GET') {
        res.writeHead(302, { location: '/sso/login/', 'content-length': 0 })
        return res.end()
      }
      req.resume()
      sendNotFoundPage(req, res) // §1.4: Django's debug "Page not found"
    } catch (e) {
      process.stderr.write(`[cht-server] ${(e as Error)?.stack ?? e}\n`)
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' })
        res.end('<h1>Server Error (500)</h1>')
      } else res.destroy()
    }
  }

  const http = createServer((req, res) => { void onRequest(req, res) })
  http.on('clientError', (_err, socket) => { try { socket.destroy() } catch { /* ignore */ } })
  const wss = attachSockets(ctx, http, opts.maxSocketPayload ?? 512 * 1024 * 1024)

  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject)
    http.listen(opts.port ?? 8787, host, () => { http.off('error', reject); resolveListen() })
  })
  const port = (http.address() as AddressInfo).port

  let closed: Promise<void> | null = null
  const dropSockets = () => {
    for (const s of ctx.sockets) { try { s.ws.terminate() } catch { /* ignore */ } }
    ctx.sockets.clear()
    for (const c of wss.clients) { try { c.terminate() } catch { /* ignore */ } }
  }
  const server: RefServer = {
    origin: `http://${host}:${port}`,
    close() {
      closed ??= new Promise<void>((done) => {
        dropSockets()
        wss.close()
        http.close(() => {
          try { db.close() } catch { /* ignore */ }
          done()
        })
        http.closeAllConnections()
      })
      return closed
    },
    createUser(u) {
      const id = createSsoUser(store, u)
      return { id, token: mintToken(store, id) }
    },
    issueToken(userId) {
      return mintToken(store, userId)
    },
    endSession(token) {
      if (!store.removeSession(token)) throw new Error('no such SSO session')
    },
    stats: () => ({ ...ctx.limiter.stats, routes: { ...ctx.limiter.stats.routes } }),
    resetStats: () => ctx.limiter.reset(),
    dropSockets,
    unban: () => ctx.limiter.unban(),
    ban: (ip = '127.0.0.1') => ctx.limiter.ban(ip),
    fault: (f) => Object.assign(ctx.faults, f),
  }
  internals.set(server, ctx)
  return server
}
