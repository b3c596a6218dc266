/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is asserted structurally in tests */
/** Helpers shared by the server conformance tests (real HTTP via fetch, real sockets via ws). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startServer, type RefServer, type StartOptions } from './index'
import type { NewUser } from './model'

export interface Booted { server: RefServer; dataDir: string; cleanup(): Promise<void> }

export async function boot(opts: Partial<StartOptions> = {}): Promise<Booted> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cht-server-test-'))
  const server = await startServer({ port: 0, throttle: false, ...opts, dataDir })
  return {
    server, dataDir,
    async cleanup() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface ApiResult {
  status: number
  headers: Headers
  text: string
  json: any
}

export async function api(server: RefServer, path: string, init: {
  token?: string; method?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string>
} = {}): Promise<ApiResult> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.token !== undefined) headers.authorization = init.token
  let body: string | Buffer | undefined
  if (init.rawBody !== undefined) body = init.rawBody
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body)
    headers['content-type'] = 'application/json'
  }
  const res = await fetch(server.origin + path, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body, redirect: 'manual' })
  const text = await res.text()
  let json: any
  try { json = JSON.parse(text) } catch { json = undefined }
  return { status: res.status, headers: res.headers, text, json }
}

let counter = 0
/** createUser + R1 + R7 (the mandatory bootstrap, PROTOCOL 1.2). */
export async function member(server: RefServer, u: Partial<NewUser> = {}): Promise<{ id: string; token: string; first: string; last: string }> {
  counter++
  const first = u.firstNameFa ?? `کاربر${counter}`
  const last = u.lastNameFa ?? `تست${counter}`
  const { id, token } = server.createUser({ ...u, firstNameFa: first, lastNameFa: last })
  const r1 = await api(server, '/cht/save-user-data/', { token })
  if (r1.status !== 200) throw new Error(`R1 failed: ${r1.status}`)
  const r7 = await api(server, '/cht/api/user/profile/', { token })
  if (r7.status !== 200) throw new Error(`R7 failed: ${r7.status}`)
  return { id, token, first, last }
}

export async function makeGroup(server: RefServer, token: string, name: string, type = 'public', slug: string | undefined = name) {
  const r = await api(server, '/cht/api/groups/create/', { token, body: { group_name: name, slug, type } })
  if (r.status !== 201) throw new Error(`R2 failed: ${r.status} ${r.text}`)
  return r.json as { id: string; name: string; slug: string }
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
export const UTC_TS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/
export const TEHRAN_TS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+03:30$/

/** A socket that queues every received frame, counts the server's pings and keeps its close code. */
export class Sock {
  frames: any[] = []
  pings = 0
  closeCode: number | null = null
  private waiters: (() => void)[] = []
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => { this.frames.push(JSON.parse(d.toString())); this.wake() })
    ws.on('ping', () => { this.pings++; this.wake() })
    ws.on('close', (code) => { this.closeCode = code; this.wake() })
    ws.on('error', () => {})
  }
  private wake() { const w = this.waiters; this.waiters = []; w.forEach((f) => f()) }
  private async until<T>(check: () => T | undefined, what: string, ms = 5000): Promise<T> {
    const deadline = Date.now() + ms
    for (;;) {
      const v = check()
      if (v !== undefined) return v
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`)
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50) })
    }
  }
  /** Next unread frame. */
  private read = 0
  next(ms = 5000): Promise<any> {
    return this.until(() => (this.frames.length > this.read ? this.frames[this.read++] : undefined), 'a frame', ms)
  }
  /** Resolves once the server has pinged this socket `n` times in all. */
  pinged(n: number, ms = 5000): Promise<number> {
    return this.until(() => (this.pings >= n ? this.pings : undefined), `${n} pings`, ms)
  }
  closed(ms = 5000): Promise<number> {
    return this.until(() => (this.closeCode === null ? undefined : this.closeCode), 'close', ms)
  }
  /**
   * A round trip through the server (our ping, its pong). The server handles a socket's input in order and writes
   * broadcasts synchronously, so once the pong is here every frame it meant for this socket before now has arrived:
   * the way to show that a frame did NOT come, without a sleep.
   */
  flush(ms = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout waiting for a pong')), ms)
      this.ws.once('pong', () => { clearTimeout(timer); resolve() })
      this.ws.ping()
    })
  }
  send(frame: unknown): void { this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)) }
  close(): void { this.ws.close() }
}

/** Opens a socket; resolves with a Sock once open, or rejects with `HTTP <status>` when the handshake is refused. */
export function connect(server: RefServer, path: string, opts: {
  token?: string; cookie?: string; headers?: Record<string, string>; autoPong?: boolean
} = {}): Promise<Sock> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token !== undefined) headers.authorization = opts.token
  if (opts.cookie !== undefined) headers.cookie = opts.cookie
  const ws = new WebSocket(server.origin.replace(/^http/, 'ws') + path, { headers, autoPong: opts.autoPong ?? true })
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => { reject(new Error(`HTTP ${res.statusCode}`)); res.resume(); ws.terminate() })
    ws.on('error', (e) => reject(e))
    ws.on('open', () => resolve(new Sock(ws)))
  })
}

export async function handshakeStatus(server: RefServer, path: string, opts: Parameters<typeof connect>[2] = {}): Promise<string> {
  try {
    const s = await connect(server, path, opts)
    s.close()
    return 'open'
  } catch (e) {
    return (e as Error).message
  }
}

/** A clock the test moves by hand (startServer's `now`): throttle windows and bans without waiting. */
export function manualClock(start = 1_800_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = start
  return { now: () => t, advance: (ms) => { t += ms } }
}
