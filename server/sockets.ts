/** Sockets W1 (group), W2 (one-to-one) and W3 (presence) — PROTOCOL §3. */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { Ctx, LiveSocket, SocketTimeouts } from './context'
import type { UserRow } from './db'
import { parseCookies } from './http'
import { saveMedia } from './model'
import {
  W1_FATAL_TYPES, decodeStrictBase64, fileFrameNameForReceiver, isSocketSegment, joinedName, keptExtension, mediaPath,
  normalizeUuid, nowMicros, socketAvatar, spacedName, tehranTimestamp, w2AvatarForReceiver, w2EchoFailsForSender,
  w2FileSenderForReceiver,
} from './quirks'
import { roomForFile, roomForText } from './rooms'

/** §3: any server-side error closes only the offending socket with 1011, no explanation. */
class Fatal extends Error {}

function rejectHandshake(socket: Duplex, status: 403 | 404 | 500): void {
  const text = status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Internal Server Error'
  const body = status === 500 ? 'Internal Server Error' : text
  socket.on('error', () => {})
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
  setTimeout(() => socket.destroy(), 1000).unref()
}

export function attachSockets(ctx: Ctx, server: Server, maxPayload: number): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {})
    let path: string
    try {
      path = new URL(req.url ?? '/', 'http://x').pathname
    } catch {
      return rejectHandshake(socket, 500)
    }
    const m = /^\/cht\/ws\/(chat|private_chat|notifications)\/([^/]+)\/$/.exec(path)
    if (!path.startsWith('/cht/ws/')) return rejectHandshake(socket, 404)
    // §3: URL routing happens before the consumer: no route / a segment that is not \w+ → HTTP 500.
    if (!m) return rejectHandshake(socket, 500)
    let seg: string
    try { seg = decodeURIComponent(m[2]) } catch { return rejectHandshake(socket, 500) }
    if (!isSocketSegment(seg)) return rejectHandshake(socket, 500)

    // §1.3: the first whitespace-separated word of Authorization, else the `token` cookie; no query-string token.
    const header = req.headers.authorization
    const token = (header && header.trim().split(/\s+/)[0]) || parseCookies(req.headers.cookie).token || ''
    const sso = token ? ctx.store.ssoUserByToken(token) : undefined
    const user = sso ? ctx.store.user(sso.id) : undefined
    // §1.3: checked against the socket token recorded by the LATEST R1 — older tokens get 403.
    if (!user || user.socket_token !== token) return rejectHandshake(socket, 403)

    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.limiter.stats.socketsOpened++
      const kind = m[1] === 'chat' ? 'group' : m[1] === 'private_chat' ? 'private' : 'notifications'
      const touch = ctx.socketTimeouts ? daphneTimeouts(ws, ctx.socketTimeouts) : () => {}
      const live: LiveSocket = { ws, kind, room: seg, user, touch }
      ctx.sockets.add(live)
      ws.on('error', () => {})
      ws.on('close', () => {
        ctx.sockets.delete(live)
        if (kind === 'notifications') presence(ctx, seg)
      })
      if (kind === 'notifications') {
        presence(ctx, seg)
        return
      }
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (ws.readyState !== ws.OPEN) return
        try {
          const text = isBinary ? null : rawToString(data)
          if (text === null) throw new Fatal('binary frame')
          let frame: unknown
          try { frame = JSON.parse(text) } catch { throw new Fatal('invalid JSON') }
          if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) throw new Fatal('not an object')
          // refresh the user row (names / avatar may have changed through R1)
          live.user = ctx.store.user(user.id) ?? live.user
          if (kind === 'group') onGroupFrame(ctx, live, frame as Record<string, unknown>)
          else onPrivateFrame(ctx, live, frame as Record<string, unknown>)
        } catch (e) {
          if (!(e instanceof Fatal)) process.stderr.write(`[cht-server] socket error: ${(e as Error)?.stack ?? e}\n`)
          ws.close(1011)
        }
      })
    })
  })
  return wss
}

/**
 * §3: daphne pings a socket idle (no frame either way) for pingIntervalMs; when the pong does not come within
 * pongTimeoutMs the connection is dropped without a close frame (the client sees 1006); maxAgeMs after opening the
 * socket is closed with 1000. Returns the function that marks outgoing frames as activity.
 */
function daphneTimeouts(ws: WebSocket, t: SocketTimeouts): () => void {
  let pongDeadline: NodeJS.Timeout | null = null
  const idle = setTimeout(() => {
    if (ws.readyState !== ws.OPEN) return
    ws.ping()
    pongDeadline ??= setTimeout(() => ws.terminate(), t.pongTimeoutMs).unref()
    idle.refresh()
  }, t.pingIntervalMs).unref()
  const maxAge = setTimeout(() => ws.close(1000), t.maxAgeMs).unref()
  const touch = () => { idle.refresh() }
  ws.on('message', touch)
  ws.on('pong', () => {
    if (pongDeadline) clearTimeout(pongDeadline)
    pongDeadline = null
  })
  ws.once('close', () => {
    clearTimeout(idle)
    clearTimeout(maxAge)
    if (pongDeadline) clearTimeout(pongDeadline)
  })
  return touch
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data as ArrayBuffer).toString('utf8')
}

function peers(ctx: Ctx, kind: LiveSocket['kind'], room: string): LiveSocket[] {
  return [...ctx.sockets].filter((s) => s.kind === kind && s.room === room && s.ws.readyState === s.ws.OPEN)
}

function send(s: LiveSocket, frame: unknown): void {
  try {
    s.ws.send(JSON.stringify(frame))
    s.touch()
  } catch { /* a dropped peer never breaks the others */ }
}

function textOf(ctx: Ctx, v: unknown): string {
  if (typeof v === 'string') return ctx.faults.normalizeText ? v.normalize('NFC') : v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  throw new Fatal('message is not text')
}

/** Faults: a message stored, then the sender's connection cut before any echo (see Faults in context.ts). */
function cutAfterStore(ctx: Ctx, live: LiveSocket): boolean {
  if (ctx.faults.cutAfterStore <= 0) return false
  ctx.faults.cutAfterStore--
  live.ws.terminate()
  return true
}

function storeFile(ctx: Ctx, frame: Record<string, unknown>): string {
  if (typeof frame.file !== 'string') throw new Fatal('file is not a string')
  if (frame.filename === undefined || frame.filename === null || frame.filename === '') throw new Fatal('file without filename')
  const bytes = decodeStrictBase64(frame.file)
  if (!bytes) throw new Fatal('bad base64')
  // W1/W2: only the extension survives.
  return saveMedia(ctx.mediaDir, bytes, keptExtension(String(frame.filename)))
}

// ---------------------------------------------------------------- W1
function onGroupFrame(ctx: Ctx, live: LiveSocket, frame: Record<string, unknown>): void {
  const store = ctx.store
  const sender = live.user
  if ('message' in frame) {
    const content = textOf(ctx, frame.message)
    // Q7: stored under the group whose NAME equals the URL slug.
    const group = store.groupByName(live.room)
    if (!group) throw new Fatal('unknown group')
    const us = nowMicros()
    store.insertMessage({ group_id: group.id, user_id: sender.id, content, file: null, recipient: null, created_us: us })
    if (cutAfterStore(ctx, live)) return
    // Q9: no ids, no type. Q5: Tehran local time. Sender included (the echo is the only ack).
    const out = {
      message: content, user_name: spacedName(sender), avatar_url: socketAvatar(sender.usr_avatar),
      timestamp: tehranTimestamp(us), file: '', filename: '',
    }
    for (const p of peers(ctx, 'group', live.room)) send(p, out)
    return
  }
  if ('file' in frame) {
    const group = store.groupByName(live.room)
    if (!group) throw new Fatal('unknown group')
    const rel = storeFile(ctx, frame)
    const us = nowMicros()
    store.insertMessage({ group_id: group.id, user_id: sender.id, content: '', file: rel, recipient: null, created_us: us })
    for (const p of peers(ctx, 'group', live.room)) {
      send(p, {
        message: '', file: mediaPath(rel), filename: rel,
        user_name: fileFrameNameForReceiver(p.user), // Q8: the RECEIVER's own name
        avatar_url: socketAvatar(sender.usr_avatar), timestamp: tehranTimestamp(us),
      })
    }
    return
  }
  if ('type' in frame) {
    // §3: unfinished server paths crash; any other lone `type` is silently ignored.
    if (typeof frame.type === 'string' && W1_FATAL_TYPES.has(frame.type)) throw new Fatal('unfinished path')
    return
  }
  throw new Fatal('frame with no known key')
}

// ---------------------------------------------------------------- W2
function onPrivateFrame(ctx: Ctx, live: LiveSocket, frame: Record<string, unknown>): void {
  const hasMessage = 'message' in frame
  const hasFile = 'file' in frame
  if (!hasMessage && !hasFile) return // W2: silently ignored
  const store = ctx.store
  const sender = live.user
  if (frame.recipient === undefined || frame.recipient === null || frame.recipient === '') throw new Fatal('no recipient')
  const recipientId = normalizeUuid(frame.recipient)
  if (!recipientId) throw new Fatal('recipient is not a UUID')
  const recipient = store.user(recipientId)
  if (!recipient) throw new Fatal('unknown recipient')

  if (hasMessage) {
    const content = textOf(ctx, frame.message)
    // Q6: stored in the room the URL names, created by this first text if missing (never the pair's other room).
    const room = roomForText(store, live.room, sender, recipient)
    store.insertMessage({ group_id: room.id, user_id: sender.id, content, file: null, recipient: recipient.id, created_us: nowMicros() })
    if (cutAfterStore(ctx, live)) return
    const recipientOnline = [...ctx.sockets].some((s) => s.user.id === recipient.id && s.ws.readyState === s.ws.OPEN)
    const echoFails = w2EchoFailsForSender(String(frame.recipient), recipient.id, recipientOnline)
    for (const p of peers(ctx, 'private', live.room)) {
      if (p === live && echoFails) continue
      send(p, {
        message: content, sender: joinedName(sender),
        avatar_url: w2AvatarForReceiver(p.user), // Q8: the receiver's own avatar
        recipient: spacedName(recipient),
      })
    }
    if (echoFails) throw new Fatal('echo failed: recipient not hyphenated')
    return
  }

  // W2 file: the room must already exist (a file as the very first message fails).
  const room = roomForFile(store, live.room)
  if (!room) throw new Fatal('file before the room exists')
  const rel = storeFile(ctx, frame)
  // W2: files are always stored with recipient = the room's target user.
  const target = (room.target_user ? store.user(room.target_user) : undefined) ?? recipient
  store.insertMessage({ group_id: room.id, user_id: sender.id, content: '', file: rel, recipient: target.id, created_us: nowMicros() })
  for (const p of peers(ctx, 'private', live.room)) {
    send(p, {
      type: 'chat_file', file: mediaPath(rel), filename: rel, recipientuser: joinedName(target),
      sender: w2FileSenderForReceiver(p.user), // Q8
      avatar_url: w2AvatarForReceiver(p.user), // Q8
    })
  }
}

// ---------------------------------------------------------------- W3 (optional presence)
function presence(ctx: Ctx, name: string): void {
  const list = peers(ctx, 'notifications', name)
  const seen = new Map<string, UserRow>()
  for (const s of list) seen.set(s.user.id, s.user)
  const frame = {
    online_users: [...seen.values()].map((u) => ({ uuid: u.id, lastname: u.last_name_fa })),
    online_count: seen.size,
  }
  for (const s of list) send(s, frame)
}
