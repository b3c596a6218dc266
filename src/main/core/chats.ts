// Chats: the list (R3), histories held in main (R5/R9), one socket per live chat (W1/W2), live merge with
// dedupe (Q9), unread counts, and the outbox drain. Everything here speaks shared/model.ts; raw shapes are
// turned into model objects by ./cht/wire.
import type { Events, EventName, FirstUnread, MessageWindow } from '../../shared/contract'
import type { Chat, ChatId, ConnectionState, Message, User } from '../../shared/model'
import { ChtError } from './errors'
import { canManageGroup, GroupManager, GroupTitles, mergeUser, type GroupHost } from './groups'
import { Outbox, outboxMessage, type OutboxFile, type OutboxItem } from './outbox'
import { Transfers, type TransferHost } from './transfers'
import type { Clock, KeyValueStore } from './ports'
import type { Rest } from './cht/rest'
import { openSocket, type ChtSocket, type SocketStatus } from './cht/socket'
import * as wire from './cht/wire'
import { cleanText } from '../../shared/text'

type Emit = <N extends EventName>(name: N, payload: Events[N]) => void

/** How far apart a live message and its history twin may be in time and still be one message (Q9). */
const MATCH_TOLERANCE_MS = 120_000
/** R3 discovery poll (PROTOCOL 1.5: gently). */
const LIST_POLL_MS = 60_000
/** Re-read after an unattributable file frame (Q8), coalesced. */
const ATTRIBUTION_REREAD_MS = 1_500
/** A frame from a room the list does not know yet: re-read the list once things calm down (issue 6). */
const UNKNOWN_ROOM_REFRESH_MS = 2_000
/** …but never more often than this on that account, whatever the frames do (PROTOCOL 1.5). */
const MIN_TRIGGERED_REFRESH_GAP_MS = 10_000
/** W2 1011 may mean "stored but echo failed" (Q9): re-check this many times before calling it failed. */
const MAX_ATTEMPTS = 3

interface ChatState {
  chat: Chat
  messages: Message[]
  history: 'none' | 'loading' | 'loaded'
  loading?: Promise<void>
  /** Set when the socket (re)opened while a history existed: re-read before draining (DESIGN §7). */
  needsReread: boolean
  socket?: ChtSocket
  socketStatus?: SocketStatus
  members: User[]
  /** Direct chats: R8 said the room does not exist yet (Q6) — it is created by our first text. */
  roomPending?: boolean
  rereadTimer?: ReturnType<typeof setTimeout>
  /** Order of entry into the list: a refresh only prunes groups that were listed before it started. */
  seq: number
  /** Left or removed: late frames of its closing socket are ignored. */
  dropped?: boolean
}

export interface ChatEngineOptions {
  origin: string
  me: User
  rest: Rest
  store: KeyValueStore
  clock: Clock
  getToken: () => string | null
  emit: Emit
  /** The socket said 403: the token is no longer the one of the latest R1 (PROTOCOL 1.3). */
  onSocketAuthFailed: () => void
  socketOptions?: Partial<Parameters<typeof openSocket>[0]>
  /** R3 discovery poll interval (default 60 s). */
  listPollMs?: number
  /** A message from someone else arrived live (notifications decide from here: issue 5). */
  onIncoming?: (chatId: ChatId, message: Message, activeChat: ChatId | null) => void
  /** Issue 4: the size cap for files (settings.maxFileBytes), read at send time. */
  maxFileBytes?: () => number
}

export class ChatEngine {
  private readonly chats = new Map<ChatId, ChatState>()
  private readonly outbox: Outbox
  private readonly directory = new Map<string, User>()
  private readonly readAt: Record<ChatId, number>
  private active: ChatId | null = null
  private liveSeq = 0
  private closed = false
  private listTimer?: ReturnType<typeof setInterval>
  private changedTimer?: ReturnType<typeof setTimeout>
  private readAtTimer?: ReturnType<typeof setTimeout>
  private backgroundLoad?: Promise<void>
  private lastConnection?: string
  private chatSeq = 0
  private refreshing?: Promise<void>
  private lastRefreshAt = 0
  private listRefreshTimer?: ReturnType<typeof setTimeout>
  private readonly titles: GroupTitles
  /** Create groups, manage members, profiles and the directory (issue 6). */
  readonly groups: GroupManager
  /** Streamed file sends (issue 4). */
  private readonly transfers: Transfers

  constructor(private readonly o: ChatEngineOptions) {
    this.outbox = new Outbox(o.store)
    this.readAt = o.store.get<Record<ChatId, number>>('readAt') ?? {}
    this.directory.set(o.me.id, o.me)
    this.titles = new GroupTitles(o.store)
    this.groups = new GroupManager(this.groupHost())
    this.transfers = new Transfers(this.transferHost())
  }

  // ---- lifecycle -------------------------------------------------------------------------------------

  async start(): Promise<void> {
    // The poll also retries a list that could not be read at start (offline).
    this.listTimer = setInterval(() => void this.refreshList().catch(() => undefined), this.o.listPollMs ?? LIST_POLL_MS)
    await this.refreshList()
    // Unsent messages of a one-to-one chat whose room does not exist yet: bring the chat back (R8).
    for (const chatId of this.outbox.chatsWithWork()) {
      if (!this.chats.has(chatId) && chatId.startsWith('direct:')) {
        await this.startDirect(chatId.slice('direct:'.length)).catch(() => undefined)
      }
    }
  }

  close(): void {
    if (this.readAtTimer) this.saveReadAt()
    this.closed = true
    this.transfers.abortAll()
    clearInterval(this.listTimer)
    clearTimeout(this.changedTimer)
    clearTimeout(this.listRefreshTimer)
    for (const s of this.chats.values()) {
      clearTimeout(s.rereadTimer)
      s.socket?.close()
    }
  }

  /** Forget this account's local state (sign-out). */
  clearLocalState(): void {
    clearTimeout(this.readAtTimer)
    this.readAtTimer = undefined
    this.outbox.clear()
    this.o.store.delete('readAt')
    this.titles.clear()
  }

  /** Resume from sleep, unlock, network back: reconnect now (histories are re-read on open). */
  wake(): void {
    for (const s of this.chats.values()) s.socket?.reconnectNow()
    void this.refreshList().catch(() => undefined)
  }

  // ---- the list (R3) -----------------------------------------------------------------------------------

  /** R3 + R3 PrivateGroup. Concurrent callers (poll, wake, an unknown room) share one read. */
  refreshList(): Promise<void> {
    this.refreshing ??= this.readList().finally(() => {
      this.refreshing = undefined
      this.lastRefreshAt = this.o.clock.now()
    })
    return this.refreshing
  }

  private async readList(): Promise<void> {
    const listedBefore = this.chatSeq
    // Two requests, one after the other, through the shared bucket (never a fan-out: PROTOCOL 1.5).
    const groups = wire.groupsFromR3((await this.o.rest.get(wire.routes.groups)).body, this.o.origin)
    const directs = wire.directsFromR3(
      (await this.o.rest.get(wire.routes.groups, { query: { type: 'PrivateGroup' } })).body,
      this.o.me.id,
    )
    if (this.closed) return
    for (const chat of [...groups, ...directs]) this.upsertChat(chat)
    // A group R3 no longer lists was left elsewhere or we were removed: it goes as a leave does. Only groups
    // listed before this read began: one created meanwhile may be missing from an answer computed before it.
    const listed = new Set(groups.map((c) => c.id))
    for (const s of [...this.chats.values()]) {
      if (s.chat.kind === 'group' && s.seq <= listedBefore && !listed.has(s.chat.id)) this.dropChat(s.chat.id)
    }
    for (const s of this.chats.values()) {
      if (s.chat.kind === 'direct' && !s.chat.peerId) void this.resolveDirectPeer(s)
    }
    this.changed()
    this.loadHistoriesInBackground()
  }

  private upsertChat(incoming: Chat): ChatState {
    const existing = this.chats.get(incoming.id)
    if (existing) {
      const { unread: _u, lastMessage: _l, ...fields } = incoming
      existing.chat = { ...existing.chat, ...fields, room: existing.chat.room ?? incoming.room }
      if (existing.chat.room && existing.roomPending && incoming.room) existing.roomPending = false
      this.ensureSocket(existing)
      return existing
    }
    const state: ChatState = {
      chat: { ...incoming, unread: 0 }, messages: [], history: 'none', needsReread: false, members: [], seq: ++this.chatSeq,
    }
    this.chats.set(incoming.id, state)
    for (const item of this.outbox.forChat(incoming.id)) state.messages.push(outboxMessage(item, this.o.me))
    this.ensureSocket(state)
    return state
  }

  list(): Chat[] {
    return [...this.chats.values()]
      .map((s) => this.view(s))
      .sort((a, b) => (b.lastMessage?.at ?? 0) - (a.lastMessage?.at ?? 0) || a.title.localeCompare(b.title))
  }

  /**
   * A snapshot of the chat as the UI sees it (events must not alias state that changes later). The preview is
   * derived here, once per list change, not once per incoming message.
   */
  private view(s: ChatState): Chat {
    const last = this.lastSent(s)
    const c: Chat = { ...s.chat, ...(last ? { lastMessage: wire.previewOf(last) } : {}) }
    if (c.kind === 'group') {
      // Issue 6: the display title kept on this device (Q7) and who may manage members.
      c.title = this.titles.get(c.slug) ?? c.title
      c.canManage = canManageGroup(c, this.o.me)
    }
    return c
  }

  /** The chat as listed, or undefined when it is not (left, removed). */
  chatView(chatId: ChatId): Chat | undefined {
    const s = this.chats.get(chatId)
    return s && this.view(s)
  }

  private state(chatId: ChatId): ChatState {
    const s = this.chats.get(chatId)
    if (!s) throw new ChtError('not-found', chatId)
    return s
  }

  /** Coalesce list changes: a burst of messages updates the list once. */
  private changed(): void {
    if (this.changedTimer || this.closed) return
    this.changedTimer = setTimeout(() => {
      this.changedTimer = undefined
      this.o.emit('chats.changed', this.list())
    }, 30)
  }

  // ---- histories (R5 / R9) ------------------------------------------------------------------------------

  private loadHistory(s: ChatState): Promise<void> {
    if (s.loading) return s.loading
    s.loading = this.readHistory(s).finally(() => {
      s.loading = undefined
    })
    return s.loading
  }

  private async readHistory(s: ChatState): Promise<void> {
    if (s.history === 'none') s.history = 'loading'
    s.needsReread = false
    let messages: Message[]
    if (s.chat.kind === 'group') {
      const body = (await this.o.rest.get(wire.routes.groupHistory(s.chat.slug!))).body
      const h = wire.groupHistoryFromR5(body, { origin: this.o.origin, meId: this.o.me.id })
      this.rememberUsers(h.directory)
      this.rememberUsers(h.members)
      const before = s.history === 'loaded' ? s.members.map((m) => m.id).join() : undefined
      s.members = h.members
      if (before !== undefined && before !== h.members.map((m) => m.id).join()) this.emitMembers(s)
      s.chat = { ...s.chat, ...h.chat, id: s.chat.id, unread: s.chat.unread, membersCount: h.members.length }
      messages = h.messages
    } else {
      if (!s.chat.room || s.roomPending) {
        s.history = 'loaded'
        return this.afterHistory(s, [])
      }
      const body = (await this.o.rest.get(wire.routes.directHistory(s.chat.room))).body
      const h = wire.directHistoryFromR9(body, { origin: this.o.origin, meId: this.o.me.id, peerId: s.chat.peerId })
      this.rememberUsers([h.peer])
      s.members = [this.o.me, h.peer]
      s.chat = { ...s.chat, peerId: h.peer.id, title: h.peer.name || s.chat.title, avatarUrl: h.peer.avatarUrl }
      messages = h.messages.map((m) => (m.chatId === s.chat.id ? m : { ...m, chatId: s.chat.id }))
    }
    s.history = 'loaded'
    this.afterHistory(s, messages)
  }

  /**
   * Merge a freshly read history into what is shown (Q9): server ids win; a live message or an own send
   * without an id is the same message as the first unmatched history item with the same sender, content and
   * a close time. Pending own sends found in the history are settled instead of being sent twice.
   */
  private afterHistory(s: ChatState, history: Message[]): void {
    const chatId = s.chat.id
    const firstLoad = !s.messages.some((m) => m.status === 'sent')
    const old = s.messages
    const byServerId = new Map<string, Message>()
    const unmatched: Message[] = []
    for (const m of old) {
      if (m.serverId) byServerId.set(m.serverId, m)
      else unmatched.push(m)
    }
    const used = new Set<Message>()
    const updated: Message[] = []
    const settled: string[] = []
    const next: Message[] = []
    for (const h of history) {
      const known = h.serverId ? byServerId.get(h.serverId) : undefined
      if (known) {
        if (known.senderName !== h.senderName || known.file?.url !== h.file?.url) {
          Object.assign(known, { senderName: h.senderName, senderId: h.senderId, senderAvatarUrl: h.senderAvatarUrl })
          updated.push(known)
        }
        next.push(known)
        continue
      }
      const twin = unmatched.find((m) => !used.has(m) && this.sameMessage(m, h))
      if (twin) {
        used.add(twin)
        if (twin.status === 'sending') {
          this.outbox.remove(twin.key)
          settled.push(twin.key)
        }
        // Keep the key the UI knows; take the server's identity, time and attribution (Q8).
        Object.assign(twin, {
          serverId: h.serverId, at: h.at, senderId: h.senderId, status: 'sent',
          senderName: twin.own ? twin.senderName : h.senderName, senderAvatarUrl: h.senderAvatarUrl,
          file: twin.own && twin.file ? { ...h.file, ...twin.file, url: h.file?.url ?? twin.file.url } : h.file,
        } satisfies Partial<Message>)
        delete twin.error
        delete twin.transfer
        updated.push(twin)
        next.push(twin)
      } else {
        next.push(h)
      }
    }
    // Live messages the history does not have yet (read raced a broadcast) stay, then the outbox tail.
    for (const m of unmatched) if (!used.has(m) && m.status === 'sent') next.push(m)
    for (const m of unmatched) if (!used.has(m) && m.status !== 'sent') next.push(m)
    s.messages = next

    const oldKeys = old.filter((m) => m.status === 'sent' || used.has(m)).map((m) => m.key)
    const appendOnly = oldKeys.every((k, i) => next[i]?.key === k)
    if (firstLoad || !appendOnly) {
      // A first load is not pushed as 100 000 `added` messages: the renderer asks for the window it shows.
      this.o.emit('messages.reset', { chatId })
    } else {
      const known = new Set(old.map((m) => m.key))
      const added = next.filter((m) => !known.has(m.key))
      if (updated.length) this.o.emit('messages.updated', { chatId, messages: updated })
      if (added.length) {
        // Keep the outbox tail last in the UI: a reset is simpler than inserting before it.
        const tail = next.length - added.length
        if (added.every((m, i) => next[tail + i] === m)) {
          this.o.emit('messages.added', { chatId, messages: added })
        } else {
          this.o.emit('messages.reset', { chatId })
        }
      }
    }
    this.recount(s, firstLoad)
    this.changed()
    if (settled.length) this.afterSettle(s)
    this.drain(s)
  }

  private sameMessage(local: Message, h: Message): boolean {
    if (local.text !== h.text || !!local.file !== !!h.file) return false
    if (local.own !== h.own) return false
    if (!local.own && local.senderName && h.senderName && local.senderName !== h.senderName && !local.file) return false
    if (local.status === 'sending') {
      // Only an item that really went out can be in the history, and only after it went out.
      const item = this.outbox.get(local.key)
      if (!item?.sentAt) return false
      return h.at >= item.sentAt - MATCH_TOLERANCE_MS
    }
    return Math.abs(local.at - h.at) <= MATCH_TOLERANCE_MS
  }

  /** Loads every chat's history one at a time, so the list shows last messages and unread counts. */
  private loadHistoriesInBackground(): void {
    this.backgroundLoad ??= (async () => {
      for (const s of [...this.chats.values()]) {
        if (this.closed) return
        if (s.history === 'none') await this.loadHistory(s).catch(() => undefined)
      }
    })().finally(() => {
      this.backgroundLoad = undefined
    })
  }

  // ---- unread ----------------------------------------------------------------------------------------

  private recount(s: ChatState, firstLoad: boolean): void {
    if (this.active === s.chat.id) return this.markRead(s)
    let readAt = this.readAt[s.chat.id]
    if (readAt === undefined && firstLoad) {
      // A chat seen for the first time starts read: 3 000 old announcements are not "unread".
      return this.markRead(s)
    }
    readAt ??= 0
    let n = 0
    for (let i = s.messages.length - 1; i >= 0; i--) {
      const m = s.messages[i]
      if (m.at <= readAt) break
      if (!m.own) n++
    }
    s.chat.unread = n
  }

  private lastSent(s: ChatState): Message | undefined {
    for (let i = s.messages.length - 1; i >= 0; i--) if (s.messages[i].status === 'sent') return s.messages[i]
    return s.messages[s.messages.length - 1]
  }

  /** electron-store rewrites its whole file on every set: a busy open chat must not do that per message. */
  private saveReadAtSoon(): void {
    this.readAtTimer ??= setTimeout(() => this.saveReadAt(), 1_000)
  }

  private saveReadAt(): void {
    clearTimeout(this.readAtTimer)
    this.readAtTimer = undefined
    this.o.store.set('readAt', this.readAt)
  }

  private markRead(s: ChatState): void {
    const last = s.messages[s.messages.length - 1]
    s.chat.unread = 0
    const at = Math.max(last?.at ?? 0, this.readAt[s.chat.id] ?? 0)
    if (this.readAt[s.chat.id] !== at) {
      this.readAt[s.chat.id] = at
      this.saveReadAtSoon()
    }
  }

  // ---- requests ----------------------------------------------------------------------------------------

  async open(chatId: ChatId, limit = 100): Promise<MessageWindow & { chat: Chat; firstUnread?: FirstUnread }> {
    const s = this.state(chatId)
    // Issue 12: where the unread messages begin, taken before this open moves the read mark (a first load marks read).
    const readMark = this.active === chatId ? undefined : this.readAt[chatId]
    this.active = chatId
    if (s.history !== 'loaded') await this.loadHistory(s)
    const firstUnread = readMark === undefined ? undefined : this.firstUnreadAfter(s, readMark)
    this.markRead(s)
    this.changed()
    const start = Math.max(0, s.messages.length - limit)
    return { chat: this.view(s), messages: s.messages.slice(start), hasOlder: start > 0, ...(firstUnread ? { firstUnread } : {}) }
  }

  /** The first message from someone else after `readAt`, and how many there are (the same rule as `recount`). */
  private firstUnreadAfter(s: ChatState, readAt: number): FirstUnread | undefined {
    let first: Message | undefined
    let count = 0
    for (let i = s.messages.length - 1; i >= 0 && s.messages[i].at > readAt; i--) {
      if (s.messages[i].own) continue
      first = s.messages[i]
      count++
    }
    return first && { key: first.key, count }
  }

  blur(): void {
    this.active = null
  }

  older(chatId: ChatId, beforeKey: string, limit: number): MessageWindow {
    const s = this.state(chatId)
    let end = -1
    for (let i = s.messages.length - 1; i >= 0; i--) {
      if (s.messages[i].key === beforeKey) {
        end = i
        break
      }
    }
    if (end < 0) throw new ChtError('not-found', 'message')
    const start = Math.max(0, end - limit)
    return { messages: s.messages.slice(start, end), hasOlder: start > 0 }
  }

  async members(chatId: ChatId): Promise<User[]> {
    const s = this.state(chatId)
    if (s.history !== 'loaded') await this.loadHistory(s)
    return s.members.map((m) => this.directory.get(m.id) ?? m)
  }

  knownUsers(): User[] {
    return [...this.directory.values()]
  }

  isKnownAvatar(url: string): boolean {
    for (const u of this.directory.values()) if (u.avatarUrl === url) return true
    for (const s of this.chats.values()) if (s.chat.avatarUrl === url) return true
    return false
  }

  /** R6 entries replace (`authoritative`); partial sources (R5, R4, R8, R9) merge into what is known (Q2). */
  rememberUsers(users: User[], authoritative = false): void {
    for (const u of users) this.directory.set(u.id, authoritative ? u : mergeUser(this.directory.get(u.id), u))
  }

  send(chatId: ChatId, typed: string): { key: string } {
    const s = this.state(chatId)
    // Store exactly what the echo will carry once read back through the wire, or it never settles (Q9).
    const text = cleanText(typed)
    if (!text.trim()) throw new ChtError('message.empty')
    if (!s.chat.live) throw new ChtError('group.not-live')
    const item = this.outbox.add(chatId, text, this.o.clock.now())
    const msg = outboxMessage(item, this.o.me)
    s.messages.push(msg)
    this.o.emit('messages.added', { chatId, messages: [msg] })
    this.drain(s)
    return { key: item.key }
  }

  retry(chatId: ChatId, key: string): void {
    const s = this.state(chatId)
    const item = this.outbox.get(key)
    if (!item || item.chatId !== chatId) throw new ChtError('not-found', 'message')
    item.attempts = 0
    this.outbox.setStatus(key, 'pending')
    this.updateOutboxMessage(s, item)
    this.drain(s)
  }

  discard(chatId: ChatId, key: string): void {
    const s = this.state(chatId)
    const item = this.outbox.get(key)
    if (!item || item.chatId !== chatId || item.status === 'inflight') throw new ChtError('not-found', 'message')
    this.outbox.remove(key)
    s.messages = s.messages.filter((m) => m.key !== key)
    this.o.emit('messages.removed', { chatId, keys: [key] })
  }

  /** Issue 4: files into the outbox as own messages at once (checks and streaming: transfers.ts). */
  sendFiles(chatId: ChatId, files: OutboxFile[]): { keys: string[] } {
    const s = this.state(chatId)
    this.transfers.check(s.chat, !!s.roomPending, files)
    const now = this.o.clock.now()
    const msgs = files.map((f) => outboxMessage(this.outbox.add(chatId, '', now, f), this.o.me))
    s.messages.push(...msgs)
    this.o.emit('messages.added', { chatId, messages: msgs })
    this.drain(s)
    return { keys: msgs.map((m) => m.key) }
  }

  cancelFile(chatId: ChatId, key: string): void {
    this.state(chatId)
    this.transfers.cancel(chatId, key)
  }

  /** Start (or find) the one-to-one chat with a user (R8, Q6). */
  async startDirect(userIdRaw: string): Promise<Chat> {
    const userId = wire.normalizeUuid(userIdRaw)
    if (!userId) throw new ChtError('invalid-input', 'user id')
    const chatId: ChatId = `direct:${userId}`
    const existing = this.chats.get(chatId)
    if (existing) return this.view(existing)
    const r = await this.o.rest.get(wire.routes.directRoom(userId))
    const resolved = wire.roomFromR8(r.body, r.status)
    this.rememberUsers([resolved.peer])
    const peer = this.directory.get(resolved.peer.id) ?? resolved.peer
    const s = this.upsertChat({
      id: chatId, kind: 'direct', title: peer.name, peerId: peer.id, room: resolved.room,
      avatarUrl: peer.avatarUrl, live: true, unread: 0, membersCount: 2,
    })
    s.roomPending = !resolved.existed
    s.members = [this.o.me, peer]
    if (resolved.existed) void this.loadHistory(s).catch(() => undefined)
    else s.history = 'loaded'
    this.changed()
    return this.view(s)
  }

  /** A chat discovered through R3 where we are the target: the other member comes from R9 (Q2). */
  private async resolveDirectPeer(s: ChatState): Promise<void> {
    if (s.loading) return
    await this.loadHistory(s).catch(() => undefined)
    const peerId = s.chat.peerId
    if (!peerId) return
    // Re-key the chat under its stable id: direct:<peer>.
    const oldId = s.chat.id
    const newId: ChatId = `direct:${peerId}`
    if (oldId === newId) return
    this.chats.delete(oldId)
    if (this.chats.has(newId)) {
      s.socket?.close()
      return this.changed()
    }
    s.chat = { ...s.chat, id: newId }
    for (const m of s.messages) m.chatId = newId
    this.chats.set(newId, s)
    this.changed()
  }

  // ---- sockets (W1 / W2) ------------------------------------------------------------------------------

  private ensureSocket(s: ChatState): void {
    if (s.socket || this.closed || !s.chat.live) return
    const url = s.chat.kind === 'group'
      ? (wire.isSocketSegment(s.chat.slug ?? '') ? wire.groupSocketUrl(this.o.origin, s.chat.slug!) : undefined)
      : (s.chat.room && wire.isSocketSegment(s.chat.room) ? wire.directSocketUrl(this.o.origin, s.chat.room) : undefined)
    if (!url) return
    s.socket = openSocket({
      ...this.o.socketOptions,
      url,
      getToken: this.o.getToken,
      onFrame: (raw) => this.onFrame(s, raw),
      onOpen: () => this.onSocketOpen(s),
      onClose: (code) => this.onSocketClose(s, code),
      onStatus: (status) => {
        s.socketStatus = status
        if (status === 'auth-failed') this.o.onSocketAuthFailed()
        this.connectionChanged()
      },
    })
  }

  /** Reconnect every socket after the session re-authenticated (1.3). */
  restartSockets(): void {
    for (const s of this.chats.values()) {
      s.socket?.close()
      s.socket = undefined
      this.ensureSocket(s)
    }
  }

  private switchRoom(s: ChatState, room: string): void {
    s.socket?.close()
    s.socket = undefined
    s.chat = { ...s.chat, room }
    s.roomPending = false
    this.ensureSocket(s)
  }

  private onSocketOpen(s: ChatState): void {
    if (s.history === 'loaded') {
      // Broadcasts missed while disconnected are never replayed (PROTOCOL §3): re-read, then drain.
      // A read already under way started before this socket opened, so another one follows it.
      s.needsReread = true
      const reread = () => (s.needsReread ? this.loadHistory(s) : undefined)
      void (s.loading ?? Promise.resolve()).catch(() => undefined).then(reread).catch(() => {
        s.needsReread = false
        this.drain(s)
      })
    } else {
      this.drain(s)
    }
  }

  private onSocketClose(s: ChatState, code: number): void {
    const chatId = s.chat.id
    if (code === 1011) {
      const item = this.outbox.oldestInflight(chatId)
      if (item && (s.chat.kind === 'group' || (item.attempts ?? 0) >= MAX_ATTEMPTS)) {
        // W1: a 1011 after a send means that frame was rejected (Q9).
        this.outbox.setStatus(item.key, 'failed', 'message.rejected')
        this.updateOutboxMessage(s, item)
      }
      // W2: "stored but echo failed" is possible — the re-read on reopen settles it or it is sent again.
    }
    this.outbox.requeueInflight(chatId)
  }

  private onFrame(s: ChatState, raw: unknown): void {
    if (s.dropped) return
    // A room the list does not hold (any more): the list is what is stale (issue 6 discovery).
    if (this.chats.get(s.chat.id) !== s) return this.scheduleListRefresh()
    const frame = s.chat.kind === 'group' ? wire.frameFromW1(raw, this.o.origin) : wire.frameFromW2(raw, this.o.origin)
    if (!frame) return
    const now = this.o.clock.now()
    const me = this.o.me
    const chatId = s.chat.id
    // Q8/Q9: a file frame while an own file awaits its echo settles it (attribution from the outbox).
    if (frame.kind === 'file' && this.transfers.settleEcho(chatId, frame.fileUrl, frame.at ?? now)) return
    let own: boolean
    if (frame.kind === 'file') {
      // Q8: the name in a file frame is the receiver's own. Ours only if we have a file in flight (outbox);
      // in a direct chat anything else is the peer's; in a group, R5 tells who (re-read below).
      own = false
    } else if (s.chat.kind === 'group') {
      own = frame.claimedSender === me.name
    } else {
      own = squash(frame.claimedSender) === squash(me.name) // W2 `sender` is "firstlast" (Q2)
    }
    if (own) {
      const item = this.outbox.settleEcho(chatId, frame.text)
      if (item) {
        const msg = s.messages.find((m) => m.key === item.key)
        if (msg) {
          msg.status = 'sent'
          msg.at = frame.at ?? now
          this.o.emit('messages.updated', { chatId, messages: [msg] })
        }
        this.afterSettle(s, item)
        this.changed()
        return
      }
    }
    let senderId: string | undefined
    let senderName = frame.claimedSender
    let senderAvatarUrl = frame.avatarUrl
    if (own) {
      senderId = me.id
      senderName = me.name
      senderAvatarUrl = me.avatarUrl
    } else if (s.chat.kind === 'direct') {
      const peer = s.chat.peerId ? this.directory.get(s.chat.peerId) : undefined
      senderId = s.chat.peerId
      senderName = peer?.name ?? s.chat.title
      senderAvatarUrl = peer?.avatarUrl ?? s.chat.avatarUrl
    } else if (frame.kind === 'file') {
      senderName = ''
      this.scheduleAttribution(s)
    } else {
      const byName = s.members.find((m) => m.name === frame.claimedSender)
      senderId = byName?.id
      senderAvatarUrl ??= byName?.avatarUrl
    }
    const file = frame.fileUrl
      ? { url: frame.fileUrl, name: wire.fileNameFromUrl(frame.fileUrl), isImage: wire.isImageName(frame.fileUrl), mime: wire.mimeFromName(frame.fileUrl) }
      : undefined
    const msg: Message = {
      key: `l:${++this.liveSeq}`, chatId, senderId, senderName, senderAvatarUrl,
      text: frame.text, at: frame.at ?? now, own, status: 'sent', ...(file ? { file } : {}),
    }
    this.appendLive(s, msg)
    // The peer wrote into a room R3 has not shown us yet (Q6): it exists now — let R3 confirm it.
    if (s.chat.kind === 'direct' && s.roomPending && !own) this.scheduleListRefresh()
  }

  private appendLive(s: ChatState, msg: Message): void {
    // Live messages go before the outbox tail, so pending sends stay last.
    let i = s.messages.length
    while (i > 0 && s.messages[i - 1].status !== 'sent') i--
    const chatId = s.chat.id
    if (i === s.messages.length) {
      s.messages.push(msg)
      this.o.emit('messages.added', { chatId, messages: [msg] })
    } else {
      s.messages.splice(i, 0, msg)
      this.o.emit('messages.reset', { chatId })
    }
    if (this.active === chatId) this.markRead(s)
    else if (!msg.own) s.chat.unread++
    if (!msg.own) this.o.onIncoming?.(chatId, msg, this.active)
    this.changed()
  }

  private scheduleAttribution(s: ChatState): void {
    if (s.rereadTimer) return
    s.rereadTimer = setTimeout(() => {
      s.rereadTimer = undefined
      if (s.history === 'loaded') void this.loadHistory(s).catch(() => undefined)
    }, ATTRIBUTION_REREAD_MS)
  }

  /** After an own text settled: a new one-to-one room now exists — ask R8 for its canonical name (Q6). */
  private afterSettle(s: ChatState, _item?: OutboxItem): void {
    if (s.chat.kind === 'direct' && s.roomPending && s.chat.peerId) {
      s.roomPending = false
      void this.o.rest.get(wire.routes.directRoom(s.chat.peerId)).then((r) => {
        const { room } = wire.roomFromR8(r.body, r.status)
        if (room !== s.chat.room) this.switchRoom(s, room)
        this.changed()
      }).catch(() => undefined)
    }
    this.drain(s)
  }

  private drain(s: ChatState): void {
    const socket = s.socket
    if (!socket || socket.status !== 'open' || s.needsReread) return
    const chat = s.chat
    for (let item = this.outbox.nextPending(chat.id); item; item = this.outbox.nextPending(chat.id)) {
      // A new one-to-one room is created by the first text (W2): send only that one, then wait for R8 (Q6).
      if (chat.kind === 'direct' && s.roomPending && this.outbox.hasInflight(chat.id)) return
      // Issue 4: one file at a time, streamed; whatever was queued after it waits until it is written (FIFO).
      if (this.transfers.busy(chat.id)) return
      if (item.file) return this.transfers.start(chat.id, item, socket, chat.kind === 'direct' ? chat.peerId : undefined)
      const frame = chat.kind === 'group'
        ? wire.textFrameW1(item.text)
        : wire.textFrameW2(item.text, chat.peerId!)
      if (!socket.send(frame)) return
      item.sentAt = this.o.clock.now()
      item.attempts = (item.attempts ?? 0) + 1
      this.outbox.setStatus(item.key, 'inflight')
    }
  }

  private updateOutboxMessage(s: ChatState, item: OutboxItem): void {
    const i = s.messages.findIndex((m) => m.key === item.key)
    if (i < 0) return
    s.messages[i] = outboxMessage(item, this.o.me)
    this.o.emit('messages.updated', { chatId: s.chat.id, messages: [s.messages[i]] })
  }

  /** The narrow view of this engine that transfers.ts works through (issue 4). */
  private transferHost(): TransferHost {
    const withChat = (chatId: ChatId, f: (s: ChatState) => void) => {
      const s = this.chats.get(chatId)
      if (s) f(s)
    }
    return {
      outbox: this.outbox,
      clock: this.o.clock,
      emit: this.o.emit,
      maxBytes: () => this.o.maxFileBytes?.() ?? Number.MAX_SAFE_INTEGER,
      message: (chatId, key) => this.chats.get(chatId)?.messages.find((m) => m.key === key),
      settled: (chatId, item) => withChat(chatId, (s) => {
        this.afterSettle(s, item)
        this.changed()
      }),
      drain: (chatId) => withChat(chatId, (s) => this.drain(s)),
      updated: (chatId, item) => withChat(chatId, (s) => this.updateOutboxMessage(s, item)),
      removed: (chatId, key) => withChat(chatId, (s) => {
        s.messages = s.messages.filter((m) => m.key !== key)
        this.o.emit('messages.removed', { chatId, keys: [key] })
      }),
    }
  }

  // ---- groups and members (issue 6) --------------------------------------------------------------------

  /** The narrow view of this engine that groups.ts works through. */
  private groupHost(): GroupHost {
    return {
      rest: this.o.rest,
      origin: this.o.origin,
      me: this.o.me,
      clock: this.o.clock,
      group: (chatId) => {
        const s = this.chats.get(chatId)
        if (!s || s.chat.kind !== 'group') throw new ChtError('not-found', chatId)
        return this.view(s)
      },
      setGroupTitle: (slug, title) => {
        this.titles.set(slug, title)
        this.changed()
      },
      adoptGroup: (chat, members) => {
        const s = this.upsertChat(chat)
        if (s.history === 'none') {
          // A new group has no history to read now; its socket's first open re-reads it (onSocketOpen).
          s.history = 'loaded'
          s.members = members
        }
        this.changed()
        return this.view(s)
      },
      refreshMembers: (chatId, fallback) => this.refreshMembers(chatId, fallback),
      dropChat: (chatId) => this.dropChat(chatId),
      rememberUsers: (users, authoritative) => this.rememberUsers(users, authoritative),
      knownUsers: () => this.knownUsers(),
      user: (id) => this.directory.get(id),
    }
  }

  private emitMembers(s: ChatState): void {
    this.o.emit('members.changed', { chatId: s.chat.id, members: s.members.map((m) => this.directory.get(m.id) ?? m) })
  }

  /** After an R4 change: re-read R5 (a read already under way began before the change) and tell the UI. */
  private async refreshMembers(chatId: ChatId, fallback: (members: User[]) => User[]): Promise<void> {
    const s = this.chats.get(chatId)
    if (!s) return
    const wasLoaded = s.history === 'loaded'
    try {
      await s.loading?.catch(() => undefined)
      await this.loadHistory(s)
      // A loaded history announces its own member changes (readHistory); a first read does not.
      if (!wasLoaded) this.emitMembers(s)
    } catch {
      s.members = fallback(s.members)
      s.chat.membersCount = s.members.length
      this.emitMembers(s)
      this.changed()
    }
  }

  /** Left, or removed by someone else: the chat goes, its socket stops, nothing stays queued for it. */
  private dropChat(chatId: ChatId): void {
    const s = this.chats.get(chatId)
    if (!s) return
    s.dropped = true
    this.chats.delete(chatId)
    clearTimeout(s.rereadTimer)
    s.socket?.close()
    s.socket = undefined
    // What was typed for a chat we are no longer in can never be delivered: discarded, failed ones too.
    for (const item of this.outbox.forChat(chatId)) this.outbox.remove(item.key)
    if (chatId in this.readAt) {
      delete this.readAt[chatId]
      this.saveReadAtSoon()
    }
    if (this.active === chatId) this.active = null
    this.changed()
    this.connectionChanged()
  }

  /** Debounced list re-read for frames from rooms the list does not know; spaced from the last read (1.5). */
  private scheduleListRefresh(): void {
    if (this.listRefreshTimer || this.closed) return
    const wait = Math.max(UNKNOWN_ROOM_REFRESH_MS, this.lastRefreshAt + MIN_TRIGGERED_REFRESH_GAP_MS - this.o.clock.now())
    this.listRefreshTimer = setTimeout(() => {
      this.listRefreshTimer = undefined
      void this.refreshList().catch(() => undefined)
    }, wait)
  }

  // ---- connection state -------------------------------------------------------------------------------

  connectionState(): ConnectionState {
    const statuses = [...this.chats.values()].map((s) => s.socketStatus).filter((x) => x !== undefined)
    if (statuses.length === 0 || statuses.includes('open')) return { status: 'online' }
    if (statuses.every((x) => x === 'retrying' || x === 'auth-failed' || x === 'closed')) return { status: 'offline' }
    return { status: 'connecting' }
  }

  private connectionChanged(): void {
    const state = this.connectionState()
    const key = state.status
    if (key === this.lastConnection) return
    this.lastConnection = key
    this.o.emit('connection.changed', state)
  }

  /** For tests and benchmarks: the messages main holds for a chat. */
  messagesOf(chatId: ChatId): readonly Message[] {
    return this.state(chatId).messages
  }

}

function squash(s: string): string {
  return s.replace(/\s+/g, '')
}
