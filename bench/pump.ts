// The frame pump: an HTTP server that forwards REST (/cht/…) to the reference server and answers the W1
// upgrade (/cht/ws/chat/<slug>/) itself, so it can blast pre-serialized W1 frames as fast as a socket takes
// them. The reference server stores every W1 message in SQLite and could never feed frames that fast.
//
// It runs in a worker thread: sending 100 000 frames costs CPU, and on the main thread that cost would be
// charged to the client under test (core and the raw limit alike, flattening their ratio).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { WebSocketServer, type WebSocket } from 'ws'
import { epochNow, lineOf } from './lib'

export interface PumpSender {
  /** W1 `user_name`: "first last" as the server formats it. */
  name: string
  avatarUrl: string
}

export interface BlastResult {
  /** Epoch ms (performance.timeOrigin-based, comparable across threads) of the first / last frame handed to ws. */
  firstSentAt: number
  lastSentAt: number
}

export interface Pump {
  origin: string
  /** Sets the sender and the most frames one blast may ask for. Frames are encoded before each blast (not timed). */
  prepare(count: number, sender: PumpSender): Promise<void>
  /** Resolves once `count` sockets have connected on /cht/ws/chat/<slug>/ since the pump started. */
  waitForSockets(slug: string, count: number): Promise<void>
  /** Sends `n` W1 frames to the newest socket of `slug`, as fast as its TCP socket takes them. */
  blast(slug: string, n: number): Promise<BlastResult>
  /** REST proxy activity, to wait until a client's REST has settled. */
  proxyState(): Promise<{ requests: number; inflight: number; lastDoneAt: number }>
  close(): Promise<void>
}

type Cmd =
  | { op: 'prepare'; count: number; sender: PumpSender }
  | { op: 'waitForSockets'; slug: string; count: number }
  | { op: 'blast'; slug: string; n: number }
  | { op: 'proxyState' }
  | { op: 'close' }

const ROLE = 'cht-bench-pump'

/** Starts the pump in a worker thread, forwarding REST to `upstream` (the reference server's origin). */
export async function startPump(upstream: string): Promise<Pump> {
  // tsx's loader hooks do not follow a worker on Node 20: register them in the worker before importing us.
  const api = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}) })`
  const worker = new Worker(boot, { eval: true, workerData: { role: ROLE, upstream } })
  let nextId = 0
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let ready!: (origin: string) => void
  let failed!: (e: Error) => void
  const started = new Promise<string>((res, rej) => {
    ready = res
    failed = rej
  })
  worker.on('message', (m: { ready?: string; id?: number; ok?: boolean; value?: unknown; error?: string }) => {
    if (m.ready) return ready(m.ready)
    const p = pending.get(m.id!)
    if (!p) return
    pending.delete(m.id!)
    if (m.ok) p.resolve(m.value)
    else p.reject(new Error(m.error))
  })
  worker.on('error', (e) => {
    failed(e)
    for (const p of pending.values()) p.reject(e)
    pending.clear()
  })
  const call = <T>(cmd: Cmd): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.postMessage({ id, cmd })
    })
  const origin = await started
  return {
    origin,
    prepare: (count, sender) => call({ op: 'prepare', count, sender }),
    waitForSockets: (slug, count) => call({ op: 'waitForSockets', slug, count }),
    blast: (slug, n) => call({ op: 'blast', slug, n }),
    proxyState: () => call({ op: 'proxyState' }),
    async close() {
      await call({ op: 'close' }).catch(() => undefined)
      await worker.terminate()
    },
  }
}

/** W1 server → client text frame, exactly as PROTOCOL W1 shapes it (key order included). */
export function w1TextFrame(text: string, sender: PumpSender, atMs: number): string {
  // Q5: Tehran local time with +03:30 and microseconds.
  const local = new Date(atMs + 3.5 * 3600_000).toISOString().slice(0, 23)
  const timestamp = `${local}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}+03:30`
  return JSON.stringify({ message: text, user_name: sender.name, avatar_url: sender.avatarUrl, timestamp, file: '', filename: '' })
}

/** One unmasked, unfragmented server→client WebSocket text frame (RFC 6455 §5.2). */
export function encodeTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8')
  const len = payload.length
  let header: Buffer
  if (len < 126) {
    header = Buffer.from([0x81, len])
  } else if (len < 65536) {
    header = Buffer.from([0x81, 126, len >> 8, len & 255])
  } else {
    header = Buffer.alloc(10)
    header[0] = 0x81
    header[1] = 127
    header.writeBigUInt64BE(BigInt(len), 2)
  }
  return Buffer.concat([header, payload])
}

// ------------------------------------------------------------------ the worker side

const CHUNK_BYTES = 256 * 1024
/** W1 timestamps have microseconds (Q5): a burst of frames shares each millisecond, as many as a fast server writes in one. */
const FRAMES_PER_MS = 100
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'accept-encoding'])
const W1_PATH = /^\/cht\/ws\/chat\/(\w+)\/$/

function runWorker(upstream: string): void {
  let prepared = 0
  let nextAt = 0
  let sender: PumpSender | undefined
  const sockets = new Map<string, WebSocket[]>()
  const connected = new Map<string, number>()
  const socketWaiters: Array<() => void> = []
  const proxy = { requests: 0, inflight: 0, lastDoneAt: 0 }

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    proxy.requests++
    proxy.inflight++
    try {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers)) {
        if (!HOP_BY_HOP.has(k) && typeof v === 'string') headers[k] = v
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      const up = await fetch(upstream + (req.url ?? '/'), {
        method: req.method,
        headers,
        body: hasBody ? Buffer.concat(chunks) : undefined,
        redirect: 'manual',
      })
      const body = Buffer.from(await up.arrayBuffer())
      const out: Record<string, string> = { 'content-length': String(body.length) }
      const ct = up.headers.get('content-type')
      if (ct) out['content-type'] = ct
      const loc = up.headers.get('location')
      if (loc) out.location = loc
      res.writeHead(up.status, out)
      res.end(body)
    } catch (e) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(String(e))
    } finally {
      proxy.inflight--
      proxy.lastDoneAt = epochNow()
    }
  }

  const http = createServer((req, res) => void forward(req, res))
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  http.on('upgrade', (req, socket, head) => {
    const m = W1_PATH.exec(req.url ?? '')
    // 1.3: no token → HTTP 403 at the handshake, like the real server.
    if (!m || !req.headers.authorization) {
      socket.end(`HTTP/1.1 ${m ? 403 : 404} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
      return
    }
    const slug = m[1]
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {})
      ws.on('message', () => {}) // client sends are not part of the benchmark
      const list = sockets.get(slug) ?? []
      list.push(ws)
      sockets.set(slug, list)
      connected.set(slug, (connected.get(slug) ?? 0) + 1)
      ws.on('close', () => sockets.set(slug, (sockets.get(slug) ?? []).filter((s) => s !== ws)))
      for (const w of socketWaiters.splice(0)) w()
    })
  })

  async function blast(slug: string, n: number): Promise<{ firstSentAt: number; lastSentAt: number }> {
    const list = sockets.get(slug) ?? []
    const ws = list[list.length - 1]
    if (!ws || ws.readyState !== ws.OPEN) throw new Error(`no open socket on ${slug}`)
    if (!sender || n > prepared) throw new Error(`only ${prepared} frames prepared`)
    // The frames are already encoded on the wire format; ws keeps the handshake and control frames (the
    // client's pings), we write whole data frames straight to its TCP socket. ws.send() costs ~5 µs a frame,
    // which made the pump — not the receiver — the bottleneck.
    const socket = (ws as unknown as { _socket: Socket })._socket
    const chunks = encodeFrames(n, sender) // not timed
    const firstSentAt = epochNow()
    for (const chunk of chunks) {
      if (!socket.write(chunk)) {
        // The receiver is the bottleneck, as it should be: wait until the kernel takes more.
        await new Promise<void>((resolve, reject) => {
          const onClose = () => reject(new Error('socket closed during blast'))
          socket.once('close', onClose)
          socket.once('drain', () => {
            socket.off('close', onClose)
            resolve()
          })
        })
      }
    }
    return { firstSentAt, lastSentAt: epochNow() }
  }

  /**
   * n W1 frames, wire-encoded and concatenated into ~256 KiB writes (never splitting a frame). Timestamps
   * start now (or after the last blast), FRAMES_PER_MS to a millisecond: live messages are newer than anything the
   * client holds, and stamped by a server clock that keeps up with real time, as in real life (1 ms apart, a
   * 100 000-frame blast ran 100 s into the future, where the client's clamp for far-future stamps took over).
   */
  function encodeFrames(n: number, from: PumpSender): Buffer[] {
    // Never behind the previous blast: every run's messages are new to the client.
    const t0 = Math.max(Date.now(), nextAt)
    nextAt = t0 + Math.ceil(n / FRAMES_PER_MS)
    const out: Buffer[] = []
    let batch: Buffer[] = []
    let size = 0
    for (let i = 0; i < n; i++) {
      const f = encodeTextFrame(w1TextFrame(lineOf(i), from, t0 + Math.floor(i / FRAMES_PER_MS)))
      batch.push(f)
      size += f.length
      if (size >= CHUNK_BYTES || i === n - 1) {
        out.push(Buffer.concat(batch, size))
        batch = []
        size = 0
      }
    }
    return out
  }

  async function handle(cmd: Cmd): Promise<unknown> {
    switch (cmd.op) {
      case 'prepare':
        prepared = cmd.count
        sender = cmd.sender
        return undefined
      case 'waitForSockets':
        while ((connected.get(cmd.slug) ?? 0) < cmd.count) await new Promise<void>((r) => socketWaiters.push(r))
        return undefined
      case 'blast':
        return blast(cmd.slug, cmd.n)
      case 'proxyState':
        return { ...proxy }
      case 'close':
        for (const list of sockets.values()) for (const s of list) s.terminate()
        wss.close()
        http.closeAllConnections()
        await new Promise<void>((r) => http.close(() => r()))
        return undefined
    }
  }

  parentPort!.on('message', ({ id, cmd }: { id: number; cmd: Cmd }) => {
    handle(cmd).then(
      (value) => parentPort!.postMessage({ id, ok: true, value }),
      (e: unknown) => parentPort!.postMessage({ id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    )
  })
  http.listen(0, '127.0.0.1', () => {
    parentPort!.postMessage({ ready: `http://127.0.0.1:${(http.address() as AddressInfo).port}` })
  })
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  runWorker((workerData as { upstream: string }).upstream)
}
