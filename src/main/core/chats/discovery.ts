// Discovery (PROTOCOL R3, Q6): which groups and one-to-one rooms this user has. R3 is the only way to learn of a
// chat somebody else started, so it is polled — gently (1.5): ONE request per tick, the two lists in turn (one-to-one
// rooms, then groups), a tick every 15 s while the window is focused and every 40 s otherwise, jittered so an
// office's clients do not poll in step. Thirty focused clients behind one IP then make 2 requests a second, an eighth
// of what bans the IP. R3 names people, never ids: a room is matched by its slug to the pair it belongs to, and only a
// room never seen before costs an R9 (to learn its peer).
import type { ChatId, User } from '../../../shared/model'
import type { Rest } from '../cht/rest'
import * as wire from '../cht/wire'
import type { Clock, Timer } from '../ports'
import type { StoredChatData } from '../store'
import type { ChatRegistry, ChatState } from './registry'

export const POLL_FOCUSED_MS = 15_000
export const POLL_BACKGROUND_MS = 40_000
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
  private tick = 0
  private stopped = false
  /** The first read of each list in this session only brings it up to date: nothing is "new" yet. */
  private readonly synced = { groups: false, rooms: false }
  /** Server time of the previous successful poll: a chat found now may have news from after it. */
  lastPollServerTime = 0
  focused = true

  constructor(private readonly h: DiscoveryHost, private readonly overrideMs?: number) {}

  /**
   * `now`: read both lists at once (a sign-in: the user waits for the list). Otherwise (a restored session, whose
   * list is on screen from the store) the first tick comes at a random moment within one interval (issue 11).
   */
  start(now: boolean): Promise<void> {
    if (!now) {
      this.schedule(Math.round(this.interval() * this.h.random()))
      return Promise.resolve()
    }
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
      if (this.running) return
      // A test's fixed interval reads both lists each tick (it wants things found fast, not paced).
      const part = this.overrideMs !== undefined ? 'both' : this.tick++ % 2 === 0 ? 'rooms' : 'groups'
      this.running = this.read(part, true).finally(() => (this.running = undefined))
      void this.running.catch(() => undefined)
    }, ms)
  }

  /** The window gained focus: poll soon if the last poll is old. */
  setFocused(focused: boolean): void {
    if (focused === this.focused) return
    this.focused = focused
    if (focused) this.schedule(Math.round(1_000 + 2_000 * this.h.random()))
  }

  /** Both lists (start, wake, a frame from an unknown room). Concurrent callers share one read. */
  refresh(): Promise<void> {
    this.running ??= this.read('both').finally(() => (this.running = undefined))
    return this.running
  }

  private async read(part: 'rooms' | 'groups' | 'both', background = false): Promise<void> {
    const { rest } = this.h
    // It becomes the read mark of chats the next poll finds: never later than the server's clock, so a message
    // written just after this poll still counts as unread.
    const pollTime = rest.earliestServerTime()
    const found: ChatState[] = []
    // One request at a time through the shared bucket (never a fan-out: PROTOCOL 1.5).
    if (part !== 'rooms') found.push(...this.takeGroups(wire.groupsFromR3((await rest.get(wire.routes.groups, { background })).body, this.h.origin)))
    if (part !== 'groups') found.push(...(await this.takeRooms(wire.roomsFromR3((await rest.get(wire.routes.groups, { query: { type: 'PrivateGroup' }, background })).body))))
    if (this.stopped) return
    for (const s of found) if (this.synced[s.data.kind === 'group' ? 'groups' : 'rooms']) this.h.found(s)
    if (part !== 'rooms') this.synced.groups = true
    if (part !== 'groups') this.synced.rooms = true
    this.lastPollServerTime = pollTime
    this.h.changed()
  }

  private takeGroups(groups: StoredChatData[]): ChatState[] {
    const { registry } = this.h
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
    return found
  }

  /** Known slugs map to their pair at no cost; each unknown one is one R9, one at a time. */
  private async takeRooms(rooms: wire.R3Room[]): Promise<ChatState[]> {
    const found: ChatState[] = []
    const known = new Map<string, ChatState>()
    for (const s of this.h.registry.all()) for (const r of s.rooms) known.set(r, s)
    for (const r of rooms) {
      if (this.stopped) break
      if (known.has(r.room)) continue
      const s = await this.adoptRoom(r).catch(() => undefined)
      if (!s) continue
      known.set(r.room, s)
      if (s.rooms.length === 1 && s.history === 'none') found.push(s)
    }
    return found
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
