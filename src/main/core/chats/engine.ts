// The chat engine's coordinator (issue 10): the only place where the registry, the store, discovery, histories,
// live sockets and sending meet. Leaf modules never import each other; results pass through here. Everything
// speaks shared/model.ts (raw shapes stay in ../cht/wire). The store is the truth: the UI's windows are read from
// it, the server's answers are merged into it (timeline.ts), and only the differences are emitted.
import type { EventName, Events, FirstUnread, MessageWindow } from '../../../shared/contract'
import type { Chat, ChatId, ConnectionState, Message, User } from '../../../shared/model'
import { cleanText } from '../../../shared/text'
import { ChtError } from '../errors'
import { GroupManager, mergeUser, type GroupHost } from '../groups'
import { Outbox, outboxMessage, type OutboxFile, type OutboxItem } from '../outbox'
import type { Clock, Timer } from '../ports'
import type { Rest } from '../cht/rest'
import type { SocketOptions } from '../cht/socket'
import * as wire from '../cht/wire'
import type { LocalStore } from '../store'
import { Transfers } from '../transfers'
import { Discovery, type DiscoveryHost } from './discovery'
import { readGroupHistory, readPairHistory, readRoom, type HistoryContext, type HistoryRead } from './histories'
import { LiveSockets } from './live'
import { ChatRegistry, type ChatState } from './registry'
import { Sender } from './sending'
import { mergeHistory, type MergePlan } from './timeline'
import type { HistoryParser } from './parser'
import { Background } from './background'
import { InboxFiler } from './filing'
import { LiveTurns, type LiveBatches } from './turns'

type Emit = <N extends EventName>(name: N, payload: Events[N]) => void

/** How far apart (server time) a live message and its history twin may be (Q9). */
const MATCH_TOLERANCE_MS = 120_000
/** A timestamp further than this in the server's future is nonsense (issue 13): it is clamped to "now". */
const FUTURE_SLACK_MS = 24 * 3600_000
/** A re-read that failed while sends wait for it is tried again after this (and up to as long again, at random). */
const REREAD_RETRY_MS = 5_000
/** A re-read's new messages are merged and written this many at a time, the event loop free in between. */
const MERGE_PART = 2_000
/** Re-read after an unattributable file frame (Q8), coalesced. */
const ATTRIBUTION_REREAD_MS = 1_500
/** A frame from a room the list does not know: re-read the list once things calm down. */
const UNKNOWN_ROOM_REFRESH_MS = 2_000

export interface ChatEngineOptions {
  origin: string
  me: User
  rest: Rest
  store: LocalStore
  /** Where whole histories are parsed (parser.ts: a worker in the app). */
  parser: HistoryParser
  clock: Clock
  getToken: () => string | null
  emit: Emit
  isMuted(chatId: ChatId): boolean
  onSocketAuthFailed: () => void
  socketOptions?: Partial<SocketOptions>
  /** Overrides the R3 poll interval (tests). */
  listPollMs?: number
  /** After a reconnect, the open chat's re-read waits a random time up to this (many clients, one IP: issue 11). */
  rereadJitterMs?: number
  /** Spacing of the background re-reads of chats that are not open (issue 11: lazily). */
  backgroundGapMs?: number
  random?: () => number
  /** A message from someone else arrived (live or found by a re-read): notifications decide (issue 5). */
  onIncoming?: (chatId: ChatId, message: Message, activeChat: ChatId | null, count?: number) => void
  /** A chat appeared during this session (somebody started it or added us: issue 12). */
  onNewChat?: (chat: Chat) => void
  maxFileBytes?: () => number
}

export class ChatEngine {
  readonly registry: ChatRegistry
  readonly groups: GroupManager
  private readonly directory = new Map<string, User>()
  private readonly outbox: Outbox
  private readonly sender: Sender
  private readonly live: LiveSockets
  private readonly discovery: Discovery
  private readonly background: Background
  private readonly filer: InboxFiler
  private active: ChatId | null = null
  /** The last chat entered, with its unread messages as they were then (the divider; a blur keeps it). */
  private entered?: { chatId: ChatId; firstUnread?: FirstUnread }
  private closed = false
  /** Went online at least once (start() ran): before that the engine serves what the store holds. */
  started = false
  private changedTimer?: Timer
  private listRefreshTimer?: Timer
  private readonly rereadTimers = new Map<ChatId, { timer: Timer; at: number }>()
  /** open() waiting for a first load's newest part to be stored (applyHistory). */
  private readonly firstPartStored = new Map<ChatId, () => void>()
  private readonly turns: LiveTurns
  private lastConnection?: string
  private readonly random: () => number

  constructor(private readonly o: ChatEngineOptions) {
    this.random = o.random ?? Math.random
    this.registry = new ChatRegistry({ store: o.store, me: o.me, isMuted: o.isMuted, newestQueued: (chatId) => this.sender?.tail(chatId).at(-1) })
    for (const u of o.store.users()) this.directory.set(u.id, u)
    this.directory.set(o.me.id, o.me)
    this.outbox = new Outbox(o.store)
    const transfers = new Transfers({
      outbox: this.outbox, clock: o.clock, maxBytes: () => o.maxFileBytes?.() ?? Number.MAX_SAFE_INTEGER,
      serverNow: () => o.rest.serverTime(),
      progress: (chatId, item, sent, total) => this.o.emit('messages.updated', { chatId, messages: [{ ...outboxMessage(item, o.me), transfer: { sent, total } }] }),
      settled: (chatId, item, url, at) => this.settleFileEcho(chatId, item, url, at),
      drain: (chatId) => this.drainChat(chatId),
      updated: (chatId, item) => this.o.emit('messages.updated', { chatId, messages: [this.sender.message(item)] }),
      removed: (chatId, key) => this.o.emit('messages.removed', { chatId, keys: [key] }),
    })
    this.sender = new Sender(this.outbox, transfers, { clock: o.clock, me: o.me, serverNow: () => o.rest.serverTime() })
    this.live = new LiveSockets({
      origin: o.origin, clock: o.clock, getToken: o.getToken, socketOptions: o.socketOptions,
      hooks: {
        onFrame: (chatId, raw) => this.onFrame(chatId, raw),
        onOpen: (chatId) => this.onSocketOpen(chatId),
        onClose: (chatId, code) => this.onSocketClose(chatId, code),
        onAuthFailed: () => o.onSocketAuthFailed(),
        onStatusChanged: () => this.connectionChanged(),
      },
    })
    this.discovery = new Discovery(this.discoveryHost(), o.listPollMs)
    this.background = new Background(o.clock, this.random, o.backgroundGapMs ?? 15_000, (id) => this.rereadNow(id))
    this.groups = new GroupManager(this.groupHost())
    this.filer = new InboxFiler(o.clock, (rows) => o.store.fileInbox(rows))
    this.turns = new LiveTurns({ serverNow: () => o.rest.serverTime(), flush: (batches) => this.flushLive(batches) })
  }

  // ---- lifecycle ----------------------------------------------------------------------------------------------

  /** From disk first (issue 10): the list and read marks before any network; then discovery and sockets. */
  loadFromDisk(): void {
    this.registry.load()
    this.emitList()
  }

  /** `signIn`: the user waits for the list now; a restored session (list from disk) catches up at a gentle pace. */
  async start(signIn = true): Promise<void> {
    this.started = true
    this.syncSockets()
    await this.discovery.start(signIn)
    this.syncSockets()
    // Unsent messages of a one-to-one chat whose room does not exist yet: bring the chat back (R8).
    for (const chatId of this.outbox.chatsWithWork()) {
      if (!this.registry.get(chatId) && chatId.startsWith('direct:')) {
        await this.startDirect(chatId.slice('direct:'.length)).catch(() => undefined)
      }
    }
    for (const s of this.registry.all()) if (s.data.id !== this.active) this.background.add(s.data.id)
  }

  close(): void {
    this.closed = true
    this.sender.transfers.abortAll()
    this.discovery.stop()
    this.background.stop()
    this.filer.stop()
    this.o.clock.clearTimeout(this.changedTimer)
    this.o.clock.clearTimeout(this.listRefreshTimer)
    for (const t of this.rereadTimers.values()) this.o.clock.clearTimeout(t.timer)
    this.live.closeAll()
  }

  /**
   * Resume from sleep, unlock, network back, "reconnect now": reconnect at once, re-read the list, and catch up on
   * what a socket that only looked alive may have missed — the open chat soon (jittered), the others paced.
   */
  wake(): void {
    this.live.reconnectNow()
    void this.discovery.refresh().catch(() => undefined)
    for (const s of this.registry.all()) {
      if (s.history !== 'loaded') continue
      if (s.data.id === this.active) this.scheduleReread(s, this.random() * (this.o.rereadJitterMs ?? 10_000))
      else this.background.add(s.data.id)
    }
  }

  /** Reconnect every socket after the session re-authenticated (1.3). */
  restartSockets(): void {
    this.live.restart()
  }

  setFocused(focused: boolean): void {
    this.discovery.setFocused(focused)
  }

  /** Nothing left to catch up on: no re-read queued, scheduled or running, no request waiting (tests, diagnostics). */
  quiet(): boolean {
    const r = this.o.rest.stats()
    return !this.background.pending() && !this.rereadTimers.size && !this.registry.all().some((s) => s.loading) && r.queued === 0 && r.inflight === 0
  }

  socketCount(): number {
    return this.live.count()
  }

  /** REST calls and handshakes under way (the many-clients test moves fake time only when nothing is). */
  busy(): boolean {
    const r = this.o.rest.stats()
    return r.inflight > 0 || this.live.connecting() > 0
  }

  // ---- the list -----------------------------------------------------------------------------------------------

  list(): Chat[] {
    return this.registry.list()
  }

  chatView(chatId: ChatId): Chat | undefined {
    const s = this.registry.get(chatId)
    return s && this.registry.view(s)
  }

  private state(chatId: ChatId): ChatState {
    const s = this.registry.get(chatId)
    if (!s) throw new ChtError('not-found', chatId)
    return s
  }

  private emitList(): void {
    this.o.clock.clearTimeout(this.changedTimer)
    this.changedTimer = undefined
    this.o.emit('chats.changed', this.list())
  }

  /** Coalesce list changes: a burst of messages updates the list once. */
  private changed(): void {
    if (this.changedTimer || this.closed) return
    this.changedTimer = this.o.clock.setTimeout(() => this.emitList(), 30)
  }

  /** The open chat first, then by recent activity: who gets one of the capped sockets (live.ts). */
  private syncSockets(): void {
    if (this.closed) return
    const all = this.registry.all()
    all.sort((a, b) => Number(b.data.id === this.active) - Number(a.data.id === this.active) || (b.last?.at ?? 0) - (a.last?.at ?? 0))
    this.live.sync(all)
    this.connectionChanged()
  }

  private discoveryHost(): DiscoveryHost {
    return {
      rest: this.o.rest, origin: this.o.origin, me: this.o.me, clock: this.o.clock, registry: this.registry, random: this.random,
      peerOfRoom: async (room) => {
        const h = await readRoom(this.historyContext(true), 'direct:?', room)
        this.rememberUsers([h.peer])
        return this.directory.get(h.peer.id) ?? h.peer
      },
      canonicalRoom: async (peerId) => wire.roomFromR8((await this.o.rest.get(wire.routes.directRoom(peerId), { background: true })).body, 200).room,
      found: (s) => this.foundChat(s),
      lost: (s) => this.lostChat(s),
      roomAdded: (s) => {
        this.syncSockets()
        void this.reread(s).catch(() => undefined)
      },
      changed: () => {
        this.syncSockets()
        this.changed()
      },
    }
  }

  /** A chat that appeared during this session: what arrived since the previous poll is unread, and it notifies. */
  private foundChat(s: ChatState): void {
    s.readAt = this.discovery.lastPollServerTime
    this.o.store.setReadAt(s.data.id, s.readAt)
    void this.reread(s).then(() => {
      if (!s.unread) this.o.onNewChat?.(this.registry.view(s))
    }).catch(() => undefined)
  }

  /** A group R3 stopped listing (twice). Never while it holds queued messages: they must stay visible. */
  private lostChat(s: ChatState): boolean {
    if (this.outbox.forChat(s.data.id).length) return false
    this.forget(s.data.id)
    this.o.emit('notice', { code: 'chat.removed', detail: this.registry.view(s).title })
    return true
  }

  /** Left, or removed: the socket stops; the store drops its messages (the caller removes it from the registry). */
  private forget(chatId: ChatId): void {
    this.live.close(chatId)
    this.background.remove(chatId)
    if (this.active === chatId) this.active = null
    this.changed()
  }

  // ---- histories ----------------------------------------------------------------------------------------------

  private historyContext(background = false): HistoryContext {
    return { rest: this.o.rest, parser: this.o.parser, origin: this.o.origin, meId: this.o.me.id, background: { value: background } }
  }

  /**
   * One re-read at a time per chat; callers share it. `foreground` when someone waits on screen for it (opening a
   * chat never read); everything else is background work, paced (rest.ts).
   */
  reread(s: ChatState, foreground = false): Promise<void> {
    if (s.loading) {
      if (foreground && s.loadingPriority?.value) {
        s.loadingPriority.value = false // someone now waits on screen for it
        this.o.rest.repump()
      }
      return s.loading
    }
    const priority = { value: !foreground }
    s.loadingPriority = priority
    s.loading = this.readHistory(s, priority).finally(() => {
      s.loading = undefined
      s.loadingPriority = undefined
      // The socket reopened while this read was under way (it began before): what it missed needs another read,
      // and the outbox waits for it (DESIGN §7).
      if (s.needsReread && !this.closed && !s.dropped) void this.reread(s).catch(() => undefined)
    })
    return s.loading
  }

  private rereadNow(chatId: ChatId): Promise<void> {
    const s = this.registry.get(chatId)
    return s ? this.reread(s) : Promise.resolve()
  }

  private async readHistory(s: ChatState, priority: { value: boolean }): Promise<void> {
    const needed = s.needsReread
    s.needsReread = false
    try {
      await this.readHistoryOnce(s, priority)
    } catch (e) {
      // A re-read the outbox waits for (a send whose fate is unknown) must happen: try again soon (a 429 pause, a
      // dropped link); until then nothing is sent twice, and nothing after it jumps the queue.
      if (needed || this.outbox.unknownFate(s.data.id).length) {
        s.needsReread = true
        this.scheduleReread(s, REREAD_RETRY_MS * (1 + this.random()))
      }
      throw e
    }
  }

  private async readHistoryOnce(s: ChatState, priority: { value: boolean }): Promise<void> {
    if (s.history === 'none') s.history = 'loading'
    const chat = s.data
    let read: HistoryRead
    if (chat.kind === 'group') {
      read = await readGroupHistory({ ...this.historyContext(), background: priority }, chat.id, chat.slug!)
    } else if (!s.rooms.length || s.roomPending || !chat.peerId) {
      s.history = 'loaded'
      return this.drainChat(chat.id)
    } else {
      read = await readPairHistory({ ...this.historyContext(), background: priority }, chat.id, s.rooms, chat.peerId)
    }
    if (this.closed || s.dropped) return
    this.rememberUsers(read.people)
    const membersBefore = s.members.map((m) => m.id).join()
    if (read.members.length && chat.kind === 'group') s.members = read.members
    s.data = { ...s.data, ...read.chat, id: s.data.id, kind: s.data.kind }
    this.registry.save(s, chat.kind === 'group' ? s.members : undefined)
    if (chat.kind === 'group' && s.history === 'loaded' && membersBefore !== s.members.map((m) => m.id).join()) this.emitMembers(s)
    await this.applyHistory(s, read.messages)
    s.history = 'loaded'
    this.drainChat(chat.id)
  }

  /**
   * The merge (timeline.ts) of what a re-read found new, written part by part — one transaction each, the event loop
   * free in between, so a first load of a huge chat never holds main for long (issue 13). The newest part goes first
   * (histories are in time order): a first open shows its window once that part is stored (open()), while the older
   * ones follow. The UI hears only what changed, once at the end.
   */
  private async applyHistory(s: ChatState, candidates: Message[]): Promise<void> {
    const chatId = s.data.id
    const serverNow = this.o.rest.serverTime()
    const firstEver = !this.o.store.last(chatId)
    const lastBefore = s.last
    let unmatched = this.o.store.withoutServerId(chatId)
    let sent = this.sender.sentItems(chatId)
    const plan: MergePlan = { insert: [], adopt: [], settle: [] }
    for (let end = candidates.length; end > 0; end -= MERGE_PART) {
      if (end < candidates.length) {
        this.firstPartStored.get(chatId)?.()
        await new Promise((r) => setImmediate(r))
      }
      if (this.closed || s.dropped) return
      const part = candidates.slice(Math.max(0, end - MERGE_PART), end).map((m) => this.clampTime(m, serverNow))
      const p = this.o.store.transaction(() => {
        const known = this.o.store.knownAmong(chatId, part.map((m) => m.serverId))
        const merged = mergeHistory({ history: part, known, unmatched, sent, toleranceMs: MATCH_TOLERANCE_MS })
        this.o.store.putMessages([...merged.insert, ...merged.adopt, ...merged.settle])
        for (const m of merged.settle) this.outbox.remove(m.key)
        return merged
      })
      const used = new Set([...p.adopt, ...p.settle].map((m) => m.key))
      if (used.size) {
        unmatched = unmatched.filter((m) => !used.has(m.key))
        sent = sent.filter((x) => !used.has(x.key))
      }
      plan.insert.push(...p.insert)
      plan.adopt.push(...p.adopt)
      plan.settle.push(...p.settle)
    }
    // What went out with no echo and is not in this (later) history never reached the server: send again.
    const settled = new Set(plan.settle.map((m) => m.key))
    for (const item of this.outbox.unknownFate(chatId)) if (!settled.has(item.key)) this.outbox.provenMissing(item.key)
    const changedCount = plan.insert.length + plan.adopt.length + plan.settle.length
    const unreadBefore = s.unread
    if (firstEver && s.readAt === 0) {
      // A chat seen for the first time starts read: 3 000 old announcements are not "unread".
      this.registry.recount(s)
      this.registry.markRead(s, s.last?.at ?? 0, serverNow)
    } else {
      this.registry.recount(s)
    }
    if (this.active === chatId) this.registry.markRead(s, s.last?.at ?? 0, serverNow)
    if (!changedCount) return
    // Adopted and settled messages keep their keys and places: an update. New ones at the end: an append. Anything
    // else (older messages found, or new ones while sends are pending at the end) reloads the window.
    const appendOnly = !firstEver && (!plan.insert.length || !this.outbox.forChat(chatId).length) &&
      plan.insert.every((m) => m.at >= (lastBefore?.at ?? 0))
    if (appendOnly) {
      const updated = [...plan.adopt, ...plan.settle]
      if (updated.length) this.o.emit('messages.updated', { chatId, messages: updated })
      if (plan.insert.length) this.o.emit('messages.added', { chatId, messages: plan.insert })
    } else {
      this.o.emit('messages.reset', { chatId })
    }
    // Messages that arrived while we were away (asleep, offline): they notify like live ones (issue 5's gap).
    const fresh = plan.insert.filter((m) => !m.own && m.at > s.readAt)
    if (fresh.length && this.active !== chatId && s.unread > unreadBefore) this.o.onIncoming?.(chatId, fresh[fresh.length - 1], this.active, fresh.length)
    this.changed()
  }

  private clampTime(m: Message, serverNow: number): Message {
    return m.at > serverNow + FUTURE_SLACK_MS ? { ...m, at: serverNow } : m
  }

  // ---- live frames (W1, W2) -----------------------------------------------------------------------------------

  private onSocketOpen(chatId: ChatId): void {
    const s = this.registry.get(chatId)
    if (!s) return
    if (s.history === 'loaded' || this.outbox.unknownFate(chatId).length) {
      // Broadcasts missed while disconnected are never replayed (PROTOCOL §3): re-read. The open chat soon (with a
      // little jitter: after an outage every client reconnects at once — issue 11), the others in the background.
      s.needsReread = this.outbox.unknownFate(chatId).length > 0
      if (chatId === this.active) this.scheduleReread(s, this.random() * (this.o.rereadJitterMs ?? 10_000))
      else this.background.add(chatId)
    }
    this.drainChat(chatId)
  }

  private scheduleReread(s: ChatState, delayMs: number): void {
    const id = s.data.id
    const at = this.o.clock.monotonic() + delayMs
    const waiting = this.rereadTimers.get(id)
    // A sooner reason wins over a retry already waiting (issue 13 catalogue: the network back after "connection
    // refused" — wake() must not leave what the outbox waits for behind a failed read's 5–10 s retry: DESIGN §7).
    if (waiting && waiting.at <= at) return
    if (waiting) this.o.clock.clearTimeout(waiting.timer)
    this.rereadTimers.set(id, { at, timer: this.o.clock.setTimeout(() => {
      this.rereadTimers.delete(id)
      void this.reread(s).catch(() => undefined)
    }, delayMs) })
  }

  private onSocketClose(chatId: ChatId, code: number): void {
    const s = this.registry.get(chatId)
    if (!s) return
    if (code === 1011) {
      const item = this.sender.rejected(s)
      if (item) this.o.emit('messages.updated', { chatId, messages: [this.sender.message(item)] })
    }
    this.outbox.requeueInflight(chatId)
  }

  private onFrame(chatId: ChatId, raw: unknown): void {
    const s = this.registry.get(chatId)
    if (!s || s.dropped) return this.scheduleListRefresh()
    const frame = s.data.kind === 'group' ? wire.frameFromW1(raw, this.o.origin) : wire.frameFromW2(raw, this.o.origin)
    if (!frame) return
    if (frame.at !== undefined && s.data.kind === 'group') this.o.rest.noteServerTime(frame.at) // W1: the server's clock
    const serverNow = this.turns.serverNow()
    const at = Math.min(frame.at ?? serverNow, serverNow + FUTURE_SLACK_MS)
    // Q8/Q9: a file frame while an own file awaits its echo settles it (attribution from the outbox).
    if (frame.kind === 'file' && this.sender.transfers.settleEcho(chatId, frame.fileUrl, at)) return
    const me = this.o.me
    const own = frame.kind === 'text' && (s.data.kind === 'group' ? frame.claimedSender === me.name : squash(frame.claimedSender) === squash(me.name))
    if (own) {
      const item = this.outbox.findEcho(chatId, frame.text)
      if (item) return this.settle(s, item, { ...this.sender.message(item), status: 'sent', at })
    }
    const msg: Message = { key: this.turns.key(), chatId, senderName: frame.claimedSender, text: frame.text, at, own, status: 'sent' }
    if (own) Object.assign(msg, { senderId: me.id, senderName: me.name, senderAvatarUrl: me.avatarUrl })
    else if (s.data.kind === 'direct') {
      const peer = s.data.peerId ? this.directory.get(s.data.peerId) : undefined
      Object.assign(msg, { senderId: s.data.peerId, senderName: peer?.name ?? s.data.title, senderAvatarUrl: peer?.avatarUrl ?? s.data.avatarUrl })
    } else if (frame.kind === 'file') {
      msg.senderName = '' // Q8: the name in a group's file frame is the receiver's own; R5 tells who (re-read below)
      this.scheduleAttribution(s)
    } else {
      const byName = s.members.find((m) => m.name === frame.claimedSender)
      if (byName) msg.senderId = byName.id
      const avatar = frame.avatarUrl ?? byName?.avatarUrl
      if (avatar) msg.senderAvatarUrl = avatar
    }
    if (frame.fileUrl) msg.file = wire.attachmentOf(frame.fileUrl)
    this.turns.add(s, msg)
    // The peer wrote into a room R3 has not shown us yet (Q6): it exists now — let R3 confirm it.
    if (s.data.kind === 'direct' && s.roomPending && !own) this.scheduleListRefresh()
  }

  /** A turn's live messages (turns.ts): kept, then shown — one write, one event per chat. */
  private flushLive(batches: LiveBatches): void {
    if (this.closed) return
    // Kept before they are shown (a crash loses nothing shown), in the inbox: filed into the indexes when idle.
    // Not those of a chat that went in the meantime (left, removed): they would outlive it in the store.
    this.o.store.keepLive(batches.flatMap(([s, messages]) => (s.dropped ? [] : messages)))
    this.filer.kept()
    for (const [s, messages] of batches) {
      if (s.dropped) continue
      const chatId = s.data.id
      // Live messages go before the outbox tail, so pending sends stay last.
      if (this.outbox.forChat(chatId).length) this.o.emit('messages.reset', { chatId })
      else this.o.emit('messages.added', { chatId, messages })
      this.registry.appended(s, messages)
      if (this.active === chatId) this.registry.markRead(s, s.last?.at ?? 0, this.o.rest.serverTime())
      for (const m of messages) if (!m.own) this.o.onIncoming?.(chatId, m, this.active)
    }
    this.changed()
  }

  /** An outbox item reached the server (echo or re-read): stored as sent under the key the UI knows. */
  private settle(s: ChatState, item: OutboxItem, msg: Message): void {
    const chatId = s.data.id
    this.o.store.transaction(() => {
      this.o.store.putMessages([msg])
      this.outbox.remove(item.key)
    })
    this.o.emit('messages.updated', { chatId, messages: [msg] })
    this.registry.recount(s)
    if (this.active === chatId) this.registry.markRead(s, msg.at, this.o.rest.serverTime())
    this.afterSettle(s)
    this.changed()
  }

  private settleFileEcho(chatId: ChatId, item: OutboxItem, url: string, at: number): void {
    const s = this.registry.get(chatId)
    if (!s) return
    const f = item.file!
    const file = { ...wire.attachmentOf(url, f.name), size: f.size }
    if (!file.mime && f.mime) file.mime = f.mime
    const msg: Message = { ...this.sender.message(item), file, status: 'sent', at }
    delete msg.transfer
    delete msg.error
    // The item already left the outbox (transfers.ts): store it.
    this.o.store.putMessages([msg])
    this.o.emit('messages.updated', { chatId, messages: [msg] })
    this.registry.recount(s)
    this.afterSettle(s)
    this.changed()
  }

  private scheduleAttribution(s: ChatState): void {
    this.scheduleReread(s, ATTRIBUTION_REREAD_MS)
  }

  /** After an own text settled: a new one-to-one room now exists — ask R8 for its canonical name (Q6). */
  private afterSettle(s: ChatState): void {
    if (s.data.kind === 'direct' && s.roomPending && s.data.peerId) {
      s.roomPending = false
      void this.o.rest.get(wire.routes.directRoom(s.data.peerId), { background: true }).then((r) => {
        const { room } = wire.roomFromR8(r.body, r.status)
        this.registry.addRoom(s, room)
        if (room !== s.data.room) {
          s.data = { ...s.data, room }
          this.registry.save(s)
        }
        this.syncSockets()
        this.changed()
      }).catch(() => undefined)
    }
    this.drainChat(s.data.id)
  }

  private drainChat(chatId: ChatId): void {
    const s = this.registry.get(chatId)
    if (s) this.sender.drain(s, this.live.sendSocket(s))
  }

  // ---- requests -----------------------------------------------------------------------------------------------

  /**
   * The newest window, from the store (no network: issue 10), with the outbox tail; the chat becomes the open one.
   * `around` (issue 14, a search result): the window around that message instead.
   */
  async open(chatId: ChatId, limit = 100, around?: string): Promise<MessageWindow & { chat: Chat; firstUnread?: FirstUnread }> {
    const s = this.state(chatId)
    const wasActive = this.active === chatId
    this.active = chatId
    this.background.remove(chatId)
    // Where the unread messages began when the chat was entered, taken before this open moves the read mark; the
    // same answer for every open until the user leaves the chat (issue 12: the divider stays where it was).
    if (this.entered?.chatId !== chatId) {
      const first = s.unread ? this.o.store.firstUnread(chatId, s.readAt) : undefined
      this.entered = { chatId, firstUnread: first && { key: first.key, count: s.unread } }
    }
    const firstUnread = this.entered.firstUnread
    // Nothing stored yet: wait for the first read — until its newest part is stored (applyHistory), not for all of
    // a 100 000-message history. Otherwise the stored window shows at once and a re-read merges in.
    if (s.history !== 'loaded' && !this.o.store.last(chatId)) {
      const stored = new Promise<void>((resolve) => this.firstPartStored.set(chatId, resolve))
      await Promise.race([this.reread(s, true), stored]).catch(() => undefined)
      this.firstPartStored.delete(chatId)
    }
    // …after this answer is on its way (the request's own work is not the window's latency).
    else if (s.history === 'none' && !wasActive) setImmediate(() => void this.reread(s).catch(() => undefined))
    this.registry.markRead(s, s.last?.at ?? 0, this.o.rest.serverTime())
    // Its socket goes first (live.ts) — after this answer: opening a connection is not the window's work.
    setImmediate(() => this.syncSockets())
    this.changed()
    if (around !== undefined) return { chat: this.registry.view(s), ...this.around(chatId, around, limit), ...(firstUnread ? { firstUnread } : {}) }
    // One row more than asked: whether older ones exist, without counting a 100 000-message chat.
    const page = this.o.store.latest(chatId, limit + 1)
    const sent = page.length > limit ? page.slice(1) : page
    return {
      chat: this.registry.view(s), messages: [...sent, ...this.sender.tail(chatId)], hasOlder: page.length > limit,
      ...(firstUnread ? { firstUnread } : {}),
    }
  }

  /** No chat is being read. `left`: the user left it (not just the window losing focus): the divider is recomputed. */
  blur(left = false): void {
    this.active = null
    if (left) this.entered = undefined
  }

  older(chatId: ChatId, beforeKey: string, limit: number): MessageWindow {
    const s = this.state(chatId)
    const page = this.o.store.before(chatId, beforeKey, limit + 1)
    if (!page) throw new ChtError('not-found', 'message')
    // While a first load is still storing older parts, the top is not reached yet (open() answered early).
    const hasOlder = page.length > limit || s.history === 'loading'
    return { messages: page.length > limit ? page.slice(1) : page, hasOlder }
  }

  /** The page after `afterKey`; the last one ends with the outbox tail, as the newest window does. */
  newer(chatId: ChatId, afterKey: string, limit: number): MessageWindow {
    this.state(chatId)
    const page = this.o.store.after(chatId, afterKey, limit + 1)
    if (!page) throw new ChtError('not-found', 'message')
    const hasNewer = page.length > limit
    return { messages: hasNewer ? page.slice(0, limit) : [...page, ...this.sender.tail(chatId)], hasOlder: true, hasNewer }
  }

  /** `limit` messages around `key` (it in the middle), from the store. */
  private around(chatId: ChatId, key: string, limit: number): MessageWindow {
    const target = this.o.store.get(key)
    if (!target || target.chatId !== chatId) throw new ChtError('not-found', 'message')
    const half = Math.floor((limit - 1) / 2)
    const rest = limit - 1 - half
    const before = this.o.store.before(chatId, key, half + 1) ?? []
    const after = this.o.store.after(chatId, key, rest + 1) ?? []
    const hasOlder = before.length > half
    const hasNewer = after.length > rest
    return {
      messages: [...(hasOlder ? before.slice(1) : before), target, ...(hasNewer ? after.slice(0, rest) : [...after, ...this.sender.tail(chatId)])],
      hasOlder, hasNewer,
    }
  }

  async members(chatId: ChatId): Promise<User[]> {
    const s = this.state(chatId)
    if (s.data.kind === 'group' && (s.history !== 'loaded' || !s.members.length)) await this.reread(s, true)
    if (s.data.kind === 'direct') return [this.o.me, ...(s.data.peerId ? [this.directory.get(s.data.peerId) ?? { id: s.data.peerId, name: s.data.title, isSuperuser: false }] : [])]
    return s.members.map((m) => this.directory.get(m.id) ?? m)
  }

  send(chatId: ChatId, typed: string): { key: string } {
    const s = this.state(chatId)
    // Store exactly what the echo will carry once read back through the wire, or it never settles (Q9).
    const text = cleanText(typed)
    if (!text.trim()) throw new ChtError('message.empty')
    if (!s.data.live) throw new ChtError('group.not-live')
    const item = this.outbox.add(chatId, text, this.o.clock.now())
    this.registry.setDraft(s, '')
    this.o.emit('messages.added', { chatId, messages: [this.sender.message(item)] })
    this.drainChat(chatId)
    this.changed()
    return { key: item.key }
  }

  retry(chatId: ChatId, key: string): void {
    this.state(chatId)
    const item = this.outbox.get(key)
    if (!item || item.chatId !== chatId || item.status !== 'failed') throw new ChtError('not-found', 'message')
    item.attempts = 0
    this.outbox.setStatus(key, 'pending')
    this.o.emit('messages.updated', { chatId, messages: [this.sender.message(item)] })
    this.drainChat(chatId)
  }

  discard(chatId: ChatId, key: string): void {
    this.state(chatId)
    const item = this.outbox.get(key)
    if (!item || item.chatId !== chatId || item.status === 'inflight') throw new ChtError('not-found', 'message')
    this.outbox.remove(key)
    this.o.emit('messages.removed', { chatId, keys: [key] })
  }

  /** Files into the outbox as own messages at once (checks and streaming: transfers.ts). */
  sendFiles(chatId: ChatId, files: OutboxFile[]): { keys: string[] } {
    const s = this.state(chatId)
    this.sender.transfers.check({ ...this.registry.view(s), room: s.data.room }, !!s.roomPending, files)
    const now = this.o.clock.now()
    const msgs = files.map((f) => this.sender.message(this.outbox.add(chatId, '', now, f)))
    this.o.emit('messages.added', { chatId, messages: msgs })
    this.drainChat(chatId)
    return { keys: msgs.map((m) => m.key) }
  }

  cancelFile(chatId: ChatId, key: string): void {
    this.state(chatId)
    this.sender.transfers.cancel(chatId, key)
  }

  setDraft(chatId: ChatId, typed: string): void {
    const s = this.state(chatId)
    const text = typed.trim() ? typed : '' // whitespace alone is no draft
    if (s.draft === text) return
    this.registry.setDraft(s, text)
    this.changed()
  }

  /** Start (or find) the one-to-one chat with a user (R8, Q6). */
  async startDirect(userIdRaw: string): Promise<Chat> {
    const userId = wire.normalizeUuid(userIdRaw)
    if (!userId) throw new ChtError('invalid-input', 'user id')
    const chatId = wire.directChatId(userId)
    const existing = this.registry.get(chatId)
    if (existing?.rooms.length) return this.registry.view(existing)
    const r = await this.o.rest.get(wire.routes.directRoom(userId))
    const resolved = wire.roomFromR8(r.body, r.status)
    this.rememberUsers([resolved.peer])
    const peer = this.directory.get(resolved.peer.id) ?? resolved.peer
    const chat = wire.directChat(resolved.room, peer)
    const { state } = this.registry.upsert({ ...chat, membersCount: 2 }, [peer])
    state.roomPending = !resolved.existed
    if (resolved.existed) this.registry.addRoom(state, resolved.room)
    else state.data = { ...state.data, room: resolved.room } // created by our first text (W2): not a known room yet
    this.registry.save(state)
    if (resolved.existed) void this.reread(state).catch(() => undefined)
    else state.history = 'loaded'
    this.syncSockets()
    this.changed()
    return this.registry.view(state)
  }

  /** For tests and benchmarks: every message of a chat, oldest first, with the outbox tail. */
  messagesOf(chatId: ChatId): Message[] {
    this.state(chatId)
    return [...this.o.store.latest(chatId, Number.MAX_SAFE_INTEGER), ...this.sender.tail(chatId)]
  }

  // ---- people -------------------------------------------------------------------------------------------------

  knownUsers(): User[] {
    return [...this.directory.values()]
  }

  isKnownAvatar(url: string): boolean {
    for (const u of this.directory.values()) if (u.avatarUrl === url) return true
    return this.registry.all().some((s) => s.data.avatarUrl === url)
  }

  /** R6 entries replace (`authoritative`); partial sources (R5, R4, R8, R9) merge into what is known (Q2). */
  rememberUsers(users: User[], authoritative = false): void {
    const changed: User[] = []
    for (const u of users) {
      const next = authoritative ? u : mergeUser(this.directory.get(u.id), u)
      if (JSON.stringify(next) !== JSON.stringify(this.directory.get(u.id))) changed.push(next)
      this.directory.set(u.id, next)
    }
    this.o.store.putUsers(changed)
  }

  private emitMembers(s: ChatState): void {
    this.o.emit('members.changed', { chatId: s.data.id, members: s.members.map((m) => this.directory.get(m.id) ?? m) })
  }

  /** The narrow view of this engine that groups.ts works through (issue 6). */
  private groupHost(): GroupHost {
    return {
      rest: this.o.rest, origin: this.o.origin, me: this.o.me, clock: this.o.clock,
      group: (chatId) => {
        const s = this.registry.get(chatId)
        if (!s || s.data.kind !== 'group') throw new ChtError('not-found', chatId)
        return this.registry.view(s)
      },
      setGroupTitle: (slug, title) => {
        const s = this.registry.get(wire.groupChatId(slug))
        if (s) this.registry.setLocalTitle(s, title)
        this.changed()
      },
      adoptGroup: (chat, members) => {
        const { state } = this.registry.upsert(chat, members)
        if (state.history === 'none') state.history = 'loaded' // a new group: its socket's first open re-reads it
        this.syncSockets()
        this.changed()
        return this.registry.view(state)
      },
      refreshMembers: async (chatId, fallback) => {
        const s = this.registry.get(chatId)
        if (!s) return
        try {
          await s.loading?.catch(() => undefined)
          await this.reread(s)
          this.emitMembers(s)
        } catch {
          s.members = fallback(s.members)
          s.data = { ...s.data, membersCount: s.members.length }
          this.registry.save(s, s.members)
          this.emitMembers(s)
          this.changed()
        }
      },
      dropChat: (chatId) => {
        // We left: what was typed for it can never be delivered — discarded, failed ones too.
        for (const item of this.outbox.forChat(chatId)) this.outbox.remove(item.key)
        this.forget(chatId)
        this.registry.remove(chatId)
        this.syncSockets()
      },
      rememberUsers: (users, authoritative) => this.rememberUsers(users, authoritative),
      knownUsers: () => this.knownUsers(),
      user: (id) => this.directory.get(id),
    }
  }

  // ---- connection state -----------------------------------------------------------------------------------------

  connectionState(): ConnectionState {
    return this.live.state()
  }

  private connectionChanged(): void {
    const state = this.connectionState()
    const key = `${state.status}:${state.reason ?? ''}`
    if (key === this.lastConnection) return
    this.lastConnection = key
    this.o.emit('connection.changed', state)
  }

  private scheduleListRefresh(): void {
    if (this.listRefreshTimer || this.closed) return
    this.listRefreshTimer = this.o.clock.setTimeout(() => {
      this.listRefreshTimer = undefined
      void this.discovery.refresh().catch(() => undefined)
    }, UNKNOWN_ROOM_REFRESH_MS)
  }
}

function squash(s: string): string {
  return s.replace(/\s+/g, '')
}
