// A hostile loopback server for the bad-input catalogue (issue 13): it stands between a client and the reference
// server, passes everything through unchanged, and lets a test replace ONE answer or frame — a proxy's HTML 502, a
// 429 with a strange Retry-After, a list with nulls, a frame of the wrong shape, a refused handshake. Real sockets
// both ways (node:http + ws on 127.0.0.1, port 0); nothing of the client is mocked.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocket, WebSocketServer, type RawData } from 'ws'

/** The answer the reference server gave (for rules that edit it rather than replace it). */
export interface Upstream {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** What a rule answers instead. `cutAfter`: send the headers and this many body bytes, then drop the connection. */
export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
  cutAfter?: number
}

export type FrameEdit = Array<string | Buffer> | 'close 1011' | 'cut'

export interface Rule {
  /** How many times it has answered so far. */
  hits: number
  /** Answers left (it stops matching at 0). */
  left: number
}

export interface HostileServer {
  origin: string
  /**
   * The next `times` HTTP requests whose path matches get `reply` instead of the reference server's answer; a function
   * receives that answer first (edit a list, cut a body).
   */
  http(path: RegExp, reply: Reply | ((up: Upstream) => Reply), times?: number): Rule
  /** The next `times` socket handshakes on a matching path are refused with this HTTP status. */
  handshake(path: RegExp, status: number, times?: number): Rule
  /**
   * The next `times` frames the server sends on a matching socket are replaced by `edit(original)` (none = dropped;
   * `'close 1011'` = the socket is closed with 1011 instead, as the server does on an error: PROTOCOL §3; `'cut'` = the
   * link is cut both ways, no close frame).
   */
  frames(path: RegExp, edit: (original: string) => FrameEdit, times?: number): Rule
  /** The next socket on a matching path is cut (no close frame) once the client has sent more than `bytes` bytes on it. */
  cutUpload(path: RegExp, bytes: number): Rule
  /** Sends a frame to every client socket open on a matching path now; answers how many got it. */
  inject(path: RegExp, data: string | Buffer, binary?: boolean): number
  /** Client sockets open now. */
  sockets(path?: RegExp): number
  /** Cuts every client socket (no close frame), as a network drop would. */
  dropSockets(): void
  /** Stops listening and cuts every connection: the next connection attempt is refused (ECONNREFUSED). */
  down(): Promise<void>
  /** Listens again on the same port. */
  up(): Promise<void>
  /** Clears every rule still waiting. */
  reset(): void
  close(): Promise<void>
}

interface Pending<T> extends Rule {
  path: RegExp
  act: T
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade'])

/** The reference server's answer as a Reply (a rule edits its status, headers or body). */
export function passThrough(u: Upstream): Reply {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(u.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
  return { status: u.status, headers, body: u.body }
}

const log = (what: string) => {
  if (process.env.CHT_HOSTILE_LOG) process.stderr.write(`[hostile] ${Date.now() % 100_000} ${what}\n`)
}

export async function startHostileServer(upstreamOrigin: string): Promise<HostileServer> {
  const up = new URL(upstreamOrigin)
  let httpRules: Array<Pending<Reply | ((u: Upstream) => Reply)>> = []
  let handshakeRules: Array<Pending<number>> = []
  let uploadRules: Array<Pending<number>> = []
  let frameRules: Array<Pending<(original: string) => FrameEdit>> = []
  const pairs = new Set<{ path: string; client: WebSocket; server: WebSocket }>()

  function take<T>(rules: Array<Pending<T>>, path: string): Pending<T> | undefined {
    const r = rules.find((x) => x.left > 0 && x.path.test(path))
    if (r) {
      r.left--
      r.hits++
    }
    return r
  }
  function add<T>(rules: Array<Pending<T>>, path: RegExp, act: T, times: number): Rule {
    const r: Pending<T> = { path, act, hits: 0, left: times }
    rules.push(r)
    return r
  }

  function fetchUpstream(req: IncomingMessage, body: Buffer): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: up.host }
      const r = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      })
      r.on('error', reject)
      r.end(body)
    })
  }

  function send(res: ServerResponse, reply: Reply): void {
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body ?? Buffer.alloc(0)
    const headers = { ...reply.headers, 'content-length': String(body.length) }
    if (reply.cutAfter !== undefined) {
      res.writeHead(reply.status, headers)
      res.write(body.subarray(0, reply.cutAfter), () => res.destroy())
      return
    }
    res.writeHead(reply.status, headers)
    res.end(body)
  }

  let refusing = false

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (refusing) return void res.destroy()
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const rule = take(httpRules, path)
    log(`${req.method} ${path}${rule ? ' (rule)' : ''}`)
    try {
      if (rule && typeof rule.act !== 'function') return send(res, rule.act)
      const u = await fetchUpstream(req, Buffer.concat(chunks))
      send(res, rule ? (rule.act as (u: Upstream) => Reply)(u) : passThrough(u))
    } catch {
      res.destroy()
    }
  }

  const server = createServer((req, res) => void onRequest(req, res))
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 })

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {})
    if (refusing) return void socket.destroy()
    const path = new URL(req.url ?? '/', 'http://x').pathname
    log(`upgrade ${path}`)
    const refused = take(handshakeRules, path)
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.act} Refused\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
      return
    }
    const headers: Record<string, string> = {}
    if (req.headers.authorization) headers.authorization = req.headers.authorization
    if (req.headers.cookie) headers.cookie = req.headers.cookie
    const server = new WebSocket(`ws://${up.host}${req.url}`, { headers, maxPayload: 64 * 1024 * 1024 })
    const early: Array<[RawData, boolean]> = []
    const early1 = (d: RawData, b: boolean) => early.push([d, b])
    server.on('message', early1)
    server.on('error', () => socket.destroy())
    // The reference server's own refusal (403, 500) goes to the client as it was.
    server.on('unexpected-response', (_r, res) => {
      socket.end(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
      res.resume()
    })
    server.on('open', () => {
      if (refusing) {
        server.terminate()
        return void socket.destroy()
      }
      wss.handleUpgrade(req, socket, head, (client) => {
        const pair = { path, client, server }
        pairs.add(pair)
        const cut = take(uploadRules, path)
        if (cut) {
          let received = 0
          socket.on('data', (chunk: Buffer) => {
            received += chunk.length
            if (received <= cut.act) return
            client.terminate()
            server.terminate()
          })
        }
        const toClient = (data: RawData, binary: boolean) => {
          log(`frame to client ${path} ${data.toString().slice(0, 80)}`)
          if (client.readyState !== WebSocket.OPEN) return
          const rule = binary ? undefined : take(frameRules, path)
          if (!rule) return client.send(data as Buffer, { binary })
          const out = rule.act(data.toString())
          if (out === 'close 1011') return client.close(1011)
          if (out === 'cut') {
            client.terminate()
            return server.terminate()
          }
          for (const f of out) client.send(f, { binary: typeof f !== 'string' })
        }
        server.off('message', early1)
        server.on('message', toClient)
        for (const [d, b] of early.splice(0)) toClient(d, b)
        client.on('message', (data, binary) => {
          log(`frame from client ${path} ${data.toString().slice(0, 80)}`)
          if (server.readyState === WebSocket.OPEN) server.send(data as Buffer, { binary })
        })
        const closeOther = (other: WebSocket, code: number) => {
          pairs.delete(pair)
          if (other.readyState !== WebSocket.OPEN) return
          // 1005/1006 cannot be sent: the other side was cut, so cut this one too.
          if (code === 1000 || (code >= 3000 && code < 5000) || (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006)) other.close(code)
          else other.terminate()
        }
        client.on('close', (code) => closeOther(server, code))
        server.on('close', (code) => closeOther(client, code))
        client.on('error', () => client.terminate())
      })
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`
  const cutAll = () => {
    for (const p of pairs) {
      p.client.terminate()
      p.server.terminate()
    }
    pairs.clear()
  }

  return {
    origin,
    http: (path, reply, times = 1) => add(httpRules, path, reply, times),
    handshake: (path, status, times = 1) => add(handshakeRules, path, status, times),
    frames: (path, edit, times = 1) => add(frameRules, path, edit, times),
    cutUpload: (path, bytes) => add(uploadRules, path, bytes, 1),
    inject(path, data, binary = false) {
      let n = 0
      for (const p of pairs) {
        if (!path.test(p.path) || p.client.readyState !== WebSocket.OPEN) continue
        p.client.send(data, { binary })
        n++
      }
      return n
    },
    sockets: (path = /./) => [...pairs].filter((p) => path.test(p.path) && p.client.readyState === WebSocket.OPEN).length,
    dropSockets: cutAll,
    down() {
      // Whatever is already half-way in (a handshake, a request) is cut too: nothing gets through until up().
      refusing = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      cutAll()
      return closed
    },
    up() {
      refusing = false
      return new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    },
    reset() {
      httpRules = []
      handshakeRules = []
      frameRules = []
      uploadRules = []
    },
    close() {
      cutAll()
      wss.close()
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve()
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
