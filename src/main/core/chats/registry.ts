// The chats this device knows (issue 10): what is stored about each (store/), its runtime state (history read,
// room pending, polls that missed it), and the Chat the UI sees — unread count, preview, local title, draft, mute
// and manage flags, all derived here, in one place.
import type { Chat, ChatId, Message, User } from '../../../shared/model'
import { canManageGroup } from '../groups'
import type { LocalStore, StoredChatData } from '../store'
import * as wire from '../cht/wire'

export interface ChatState {
  data: StoredChatData
  members: User[]
  readAt: number
  localTitle?: string
  draft: string
  /** One-to-one chats: every room the pair owns (Q6); `data.room` is the canonical one, where we send. */
  rooms: string[]
  unread: number
  last?: Message
  history: 'none' | 'loading' | 'loaded'
  loading?: Promise<void>
  /** The running read's priority: opening the chat promotes it (rest.ts background). */
  loadingPriority?: { value: boolean }
  /** The socket (re)opened while a history existed: re-read before draining (DESIGN §7). */
  needsReread: boolean
  /** One-to-one: R8 said the room does not exist yet (Q6) — our first text creates it. */
  roomPending?: boolean
  /** Consecutive list polls that did not list this group (issue 13: dropped only after two). */
  missedPolls: number
  /** Left or removed: late frames of its closing socket are ignored. */
  dropped?: boolean
}

export interface RegistryOptions {
  store: LocalStore
  me: User
  isMuted(chatId: ChatId): boolean
  /** The newest message still in the outbox (queued sends show in the list's preview too). */
  newestQueued(chatId: ChatId): Message | undefined
}

export class ChatRegistry {
  private readonly chats = new Map<ChatId, ChatState>()

  constructor(private readonly o: RegistryOptions) {}

  /** Everything the store holds, before any network (issue 10: start from disk). */
  load(): void {
    const rooms = this.o.store.rooms()
    for (const c of this.o.store.chats()) {
      const s = this.fresh(c.chat, c.members)
      Object.assign(s, { readAt: c.readAt, localTitle: c.localTitle, draft: c.draft })
      for (const [room, chatId] of rooms) if (chatId === c.chat.id && !s.rooms.includes(room)) s.rooms.push(room)
      this.recount(s)
      this.chats.set(c.chat.id, s)
    }
  }

  private fresh(data: StoredChatData, members: User[] = []): ChatState {
    return { data, members, readAt: 0, draft: '', rooms: data.room ? [data.room] : [], unread: 0, history: 'none', needsReread: false, missedPolls: 0 }
  }

  get(chatId: ChatId): ChatState | undefined {
    return this.chats.get(chatId)
  }

  all(): ChatState[] {
    return [...this.chats.values()]
  }

  /** Adds or updates a chat from the server; stored at once. Answers the state and whether it is new. */
  upsert(incoming: StoredChatData, members?: User[]): { state: ChatState; isNew: boolean } {
    const existing = this.chats.get(incoming.id)
    if (existing) {
      const next = { ...existing.data, ...incoming, room: existing.data.room ?? incoming.room }
      if (members) existing.members = members
      if (JSON.stringify(next) !== JSON.stringify(existing.data) || members) {
        existing.data = next
        this.o.store.saveChat(next, members)
      }
      existing.missedPolls = 0
      return { state: existing, isNew: false }
    }
    const state = this.fresh(incoming, members)
    this.chats.set(incoming.id, state)
    this.o.store.saveChat(incoming, members ?? [])
    for (const room of state.rooms) this.o.store.addRoom(room, incoming.id)
    return { state, isNew: true }
  }

  save(s: ChatState, members?: User[]): void {
    this.o.store.saveChat(s.data, members)
  }

  addRoom(s: ChatState, room: string): void {
    if (!s.rooms.includes(room)) s.rooms.push(room)
    this.o.store.addRoom(room, s.data.id)
  }

  remove(chatId: ChatId): ChatState | undefined {
    const s = this.chats.get(chatId)
    if (!s) return undefined
    s.dropped = true
    this.chats.delete(chatId)
    this.o.store.removeChat(chatId)
    return s
  }

  /** Unread count and preview from the store (after anything changed the chat's messages). */
  recount(s: ChatState): void {
    s.last = this.o.store.last(s.data.id)
    s.unread = this.o.store.unreadCount(s.data.id, s.readAt)
  }

  /**
   * New live messages (new keys: none of them was stored before), counted as recount() would without reading the
   * store — a burst's messages wait in the store's inbox, and a read would file them at once (store keepLive).
   */
  appended(s: ChatState, messages: readonly Message[]): void {
    for (const m of messages) {
      if (!s.last || m.at >= s.last.at) s.last = m // the newest, and the last stored among equals (seq)
      if (!m.own && m.at > s.readAt) s.unread++
    }
  }

  /**
   * Everything up to `at` is read. Read marks only move forward, and never past the server's "now" (issue 13: a
   * far-future timestamp must not silence a chat for good).
   */
  markRead(s: ChatState, at: number, serverNow: number): void {
    const mark = Math.min(Math.max(at, s.readAt), serverNow + 60_000)
    if (mark === s.readAt) return // nothing newer was read: the count stands
    s.readAt = mark
    this.o.store.setReadAt(s.data.id, mark)
    // Read up to the newest message: nothing is left to count (and the store need not be asked).
    s.unread = s.last && s.last.at > mark ? this.o.store.unreadCount(s.data.id, s.readAt) : 0
  }

  setDraft(s: ChatState, text: string): void {
    s.draft = text
    this.o.store.setDraft(s.data.id, text)
  }

  setLocalTitle(s: ChatState, title: string | undefined): void {
    s.localTitle = title
    this.o.store.setLocalTitle(s.data.id, title)
  }

  /** The Chat as the UI sees it: a fresh snapshot (events must not alias state that changes later). */
  view(s: ChatState): Chat {
    const c: Chat = { ...s.data, unread: s.unread, muted: this.o.isMuted(s.data.id) }
    const queued = this.o.newestQueued(s.data.id)
    const last = queued && (!s.last || queued.at >= s.last.at) ? queued : s.last
    if (last) c.lastMessage = wire.previewOf(last)
    if (s.draft) c.draft = s.draft
    if (c.kind === 'group') {
      c.title = s.localTitle ?? c.title // Q7: a display title kept on this device
      c.canManage = canManageGroup(c, this.o.me)
    }
    return c
  }

  /** The list, newest activity first. */
  list(): Chat[] {
    return this.all()
      .map((s) => this.view(s))
      .sort((a, b) => (b.lastMessage?.at ?? 0) - (a.lastMessage?.at ?? 0) || a.title.localeCompare(b.title))
  }
}
