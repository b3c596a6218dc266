// Live sockets (W1 per group, W2 per room of a pair: Q6) for the chats the list holds, capped. Frames, opens and
// closes go to the coordinator tagged with their chat; connection state is summarized here.
import type { ChatId, ConnectionState } from '../../../shared/model'
import { openSocket, type ChtSocket, type SocketOptions, type SocketStatus } from '../cht/socket'
import * as wire from '../cht/wire'
import type { Clock } from '../ports'
import type { ChatState } from './registry'

/**
 * At most this many sockets. Each idle socket is cheap (a ping every 20 s) but not free, and a server listing
 * thousands of groups must not get thousands of connections from every client at once (issue 13). The open chat
 * and the most recently active chats hold one; the rest stay in the list and are re-read in turn (engine.ts).
 */
export const MAX_SOCKETS = 60

export interface LiveHooks {
  onFrame(chatId: ChatId, raw: unknown): void
  onOpen(chatId: ChatId): void
  onClose(chatId: ChatId, code: number): void
  /** A handshake answered 403: the token is not the latest R1's (PROTOCOL 1.3). */
  onAuthFailed(): void
  onStatusChanged(): void
}

interface Entry {
  chatId: ChatId
  url: string
  socket: ChtSocket
  status: SocketStatus
}

export class LiveSockets {
  private readonly byUrl = new Map<string, Entry>()

  constructor(
    private readonly o: { origin: string; clock: Clock; getToken: () => string | null; socketOptions?: Partial<SocketOptions>; hooks: LiveHooks },
  ) {}

  /** The socket URLs a chat should have: its group, or every room of its pair (none while a room is pending). */
  private urlsOf(s: ChatState): string[] {
    if (!s.data.live || s.dropped) return []
    if (s.data.kind === 'group') {
      const slug = s.data.slug ?? ''
      return wire.isSocketSegment(slug) ? [wire.groupSocketUrl(this.o.origin, slug)] : []
    }
    const rooms = s.data.room && !s.rooms.includes(s.data.room) ? [s.data.room, ...s.rooms] : s.rooms
    return rooms.filter(wire.isSocketSegment).map((r) => wire.directSocketUrl(this.o.origin, r))
  }

  /** Opens and closes sockets so that exactly `wanted` chats (most important first) are live, within the cap. */
  sync(wanted: readonly ChatState[]): void {
    const keep = new Map<string, ChatState>()
    for (const s of wanted) {
      for (const url of this.urlsOf(s)) if (keep.size < MAX_SOCKETS) keep.set(url, s)
    }
    for (const [url, e] of this.byUrl) {
      const s = keep.get(url)
      if (!s || s.data.id !== e.chatId) this.closeUrl(url)
    }
    for (const [url, s] of keep) if (!this.byUrl.has(url)) this.open(url, s.data.id)
  }

  private open(url: string, chatId: ChatId): void {
    const entry: Entry = { chatId, url, status: 'connecting', socket: undefined as unknown as ChtSocket }
    this.byUrl.set(url, entry)
    const h = this.o.hooks
    entry.socket = openSocket({
      clock: this.o.clock,
      ...this.o.socketOptions,
      url,
      getToken: this.o.getToken,
      onFrame: (raw) => this.byUrl.get(url) === entry && h.onFrame(chatId, raw),
      onOpen: () => this.byUrl.get(url) === entry && h.onOpen(chatId),
      onClose: (code) => this.byUrl.get(url) === entry && h.onClose(chatId, code),
      onStatus: (status) => {
        entry.status = status
        if (this.byUrl.get(url) !== entry) return
        if (status === 'auth-failed') h.onAuthFailed()
        h.onStatusChanged()
      },
    })
  }

  private closeUrl(url: string): void {
    const e = this.byUrl.get(url)
    if (!e) return
    this.byUrl.delete(url)
    e.socket.close()
  }

  close(chatId: ChatId): void {
    for (const [url, e] of this.byUrl) if (e.chatId === chatId) this.closeUrl(url)
  }

  closeAll(): void {
    for (const url of [...this.byUrl.keys()]) this.closeUrl(url)
  }

  /** The socket to send on: the canonical room's (Q6) or the group's. */
  sendSocket(s: ChatState): ChtSocket | undefined {
    const url = s.data.kind === 'group'
      ? wire.groupSocketUrl(this.o.origin, s.data.slug ?? '')
      : s.data.room ? wire.directSocketUrl(this.o.origin, s.data.room) : undefined
    return url ? this.byUrl.get(url)?.socket : undefined
  }

  isOpen(s: ChatState): boolean {
    return this.sendSocket(s)?.status === 'open'
  }

  /** Network back, wake, "reconnect now": skip every backoff wait. */
  reconnectNow(): void {
    for (const e of this.byUrl.values()) e.socket.reconnectNow()
  }

  /** After a re-authentication: new handshakes with the token R1 just recorded (1.3). */
  restart(): void {
    const entries = [...this.byUrl.values()]
    this.closeAll()
    for (const e of entries) this.open(e.url, e.chatId)
  }

  count(): number {
    return this.byUrl.size
  }

  /** Sockets in a handshake now (the 30-client test waits for these to settle before moving fake time). */
  connecting(): number {
    let n = 0
    for (const e of this.byUrl.values()) if (e.status === 'connecting') n++
    return n
  }

  state(): ConnectionState {
    const statuses = [...this.byUrl.values()].map((e) => e.status)
    if (statuses.length === 0 || statuses.includes('open')) return { status: 'online' }
    // A 403 is followed by a re-authentication (session.ts), which says so itself when it cannot help.
    if (statuses.includes('auth-failed')) return { status: 'connecting' }
    if (statuses.every((x) => x === 'retrying' || x === 'closed')) return { status: 'offline' }
    return { status: 'connecting' }
  }
}
