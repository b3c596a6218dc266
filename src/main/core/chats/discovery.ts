// Discovery (PROTOCOL R3, Q6): which groups and one-to-one rooms this user has. R3 is the only way to learn of a
// chat somebody else started, so it is polled — gently (1.5): every 15 s while the window is focused, every 60 s
// otherwise, jittered so an office's clients do not poll in step. R3 names people, never ids: a room is matched
// by its slug to the pair it belongs to, and only a room never seen before costs an R9 (to learn its peer).
import type { ChatId, User } from '../../../shared/model'
import type { Rest } from '../cht/rest'
import * as wire from '../cht/wire'
import type { Clock, Timer } from '../ports'
import type { StoredChatData } from '../store'
import type { ChatRegistry, ChatState } from './registry'

export const POLL_FOCUSED_MS = 15_000
export const POLL_BACKGROUND_MS = 60_000
/** A group missing from this many polls in a row was left elsewhere or we were removed (issue 13: not one). */
export const MISSED_POLLS_TO_DROP = 2

export interface DiscoveryHost {
  rest: Rest
  origin: string
  me: User
  clock: Clock
  registry: ChatRegistry
  random(): number
  /** R9 of a room never seen: its peer. */
  peerOfRoom(room: string): Promise<User>
  /** R8 for a pair that owns several rooms: the one to send in (Q6). */
  canonicalRoom(peerId: string): Promise<string>
  /** A chat this poll found for the first time (not during the first sync of a session). */
  found(s: ChatState): void
  /** A group that R3 stopped listing: we were removed or left elsewhere. Answers false to keep it (queued sends). */
  lost(s: ChatState): boolean
  /** A pair gained a room (Q6): re-read its merged history. */
  roomAdded(s: ChatState): void
  changed(): void
}

export class Discovery {
  private running?: Promise<void>
  private timer?: Timer
  private stopped = false
  /** The first successful poll of this session only brings the list up to date: nothing is "new" yet. */
  private synced = false
  /** Server time of the previous successful poll: a chat found now may have news from after it. */
  lastPollServerTime = 0
  focused = true

  constructor(private readonly h: DiscoveryHost, private readonly overrideMs?: number) {}

  start(): Promise<void> {
    this.schedule()
    return this.refresh()
  }

  stop(): void {
    this.stopped = true
    this.h.clock.clearTimeout(this.timer)
  }

  private interval(): number {
    if (this.overrideMs !== undefined) return this.overrideMs
    const base = this.focused ? POLL_FOCUSED_MS : POLL_BACKGROUND_MS
    return Math.round(base * (0.8 + 0.4 * this.h.random()))
  }

  private schedule(ms = this.interval()): void {
    this.h.clock.clearTimeout(this.timer)
    if (this.stopped) return
    this.timer = this.h.clock.setTimeout(() => {
      this.schedule()
      void this.refresh().catch(() => undefined)
    }, ms)
  }

  /** The window gained focus: poll soon if the last poll is old. */
  setFocused(focused: boolean): void {
    if (focused === this.focused) return
    this.focused = focused
    if (focused) this.schedule(Math.round(1_000 + 2_000 * this.h.random()))
  }

  /** R3 + R3 PrivateGroup. Concurrent callers (poll, wake, an unknown room) share one read. */
  refresh(): Promise<void> {
    this.running ??= this.read().finally(() => (this.running = undefined))
    return this.running
  }

  private async read(): Promise<void> {
    const { rest, registry } = this.h
    // Two requests, one after the other, through the shared bucket (never a fan-out: PROTOCOL 1.5).
    const groups = wire.groupsFromR3((await rest.get(wire.routes.groups)).body, this.h.origin)
    const rooms = wire.roomsFromR3((await rest.get(wire.routes.groups, { query: { type: 'PrivateGroup' } })).body)
    if (this.stopped) return
    const pollTime = rest.serverTime()
    const found: ChatState[] = []
    const listed = new Set<ChatId>()
    for (const chat of groups) {
      listed.add(chat.id)
      const { state, isNew } = registry.upsert(chat)
      if (isNew) found.push(state)
    }
    for (const s of registry.all()) {
      if (s.data.kind !== 'group' || listed.has(s.data.id)) continue
      if (++s.missedPolls >= MISSED_POLLS_TO_DROP && this.h.lost(s)) registry.remove(s.data.id)
    }
    // Rooms: known slugs map to their pair at no cost; each unknown one is one R9, one at a time.
    const known = new Map<string, ChatState>()
    for (const s of registry.all()) for (const r of s.rooms) known.set(r, s)
    for (const r of rooms) {
      if (this.stopped) return
      if (known.has(r.room)) continue
      const s = await this.adoptRoom(r).catch(() => undefined)
      if (!s) continue
      known.set(r.room, s)
      if (s.rooms.length === 1 && s.history === 'none') found.push(s)
    }
    if (this.synced) for (const s of found) this.h.found(s)
    this.synced = true
    this.lastPollServerTime = pollTime
    this.h.changed()
  }

  /** A room this device has never seen: R9 tells whose it is (Q6); it joins that pair's chat, new or known. */
  private async adoptRoom(r: wire.R3Room): Promise<ChatState> {
    const peer = await this.h.peerOfRoom(r.room)
    const { registry } = this.h
    const chat: StoredChatData = {
      id: wire.directChatId(peer.id), kind: 'direct', title: peer.name || r.title, peerId: peer.id, room: r.room, live: true, membersCount: 2,
    }
    if (peer.avatarUrl) chat.avatarUrl = peer.avatarUrl
    const existing = registry.get(chat.id)
    const { state } = registry.upsert(existing ? { ...existing.data } : chat, existing ? undefined : [peer])
    registry.addRoom(state, r.room)
    if (existing && existing.rooms.length > 1) {
      // Two rooms for one pair (both started the chat at once): R8 names the one both sides now use.
      const canonical = await this.h.canonicalRoom(peer.id).catch(() => state.data.room)
      if (canonical && canonical !== state.data.room) {
        state.data = { ...state.data, room: canonical }
        registry.addRoom(state, canonical)
        registry.save(state)
      }
      this.h.roomAdded(state)
    }
    return state
  }
}
