import { defineStore } from 'pinia'
import { shallowReactive } from 'vue'
import type { FirstUnread, MessageWindow } from '@shared/contract'
import type { ChatId, ErrorCode, Message } from '@shared/model'
import { codeOf, on, request } from '../bridge'
import { useChatsStore } from './chats'
import { useNoticesStore } from './notices'

/** Size of the newest window asked for when a chat opens. */
export const NEWEST_LIMIT = 100
/** Size of each older page. */
export const OLDER_LIMIT = 200
/**
 * Memory bound per chat (DESIGN §2: big histories stay in main). When loading older pages pushes a chat past it,
 * messages are dropped from the NEWEST end and `newestDropped` is set: new messages are not appended while it is set,
 * and reaching the bottom reloads the newest window. Scrolling back through 50 000 messages therefore keeps at most
 * MAX_IN_MEMORY (+ one page) in the renderer.
 */
export const MAX_IN_MEMORY = 5000
/** The most one `chats.open` may return (contract): a reload asks for at most this many to keep the reader's place. */
const MAX_WINDOW = 1000
/** Size of the window read around a message (issue 14: a search result, or the place to go back to). */
export const AROUND_LIMIT = 100

/** Where the reader is: the first message in view and how far (px) the viewport top is below its top. */
export interface Anchor {
  key: string
  offset: number
}

export interface Timeline {
  chatId: ChatId
  /** Oldest first. Replaced (never mutated) so the virtualizer sees each change; not deeply reactive on purpose. */
  messages: Message[]
  hasOlder: boolean
  loading: boolean
  loadingOlder: boolean
  /** Newer messages than the last one here exist in main (dropped by the memory bound). */
  newestDropped: boolean
  /** Bumped when the chat is opened or its window replaced: the view puts the reader back in place. */
  generation: number
  error?: ErrorCode
  /**
   * Issue 12 — scroll position is per-chat state that only the reader changes. `anchor` is where they are, kept
   * while the chat is switched away, the list refreshes, or the view is unmounted; null = at the newest message
   * (new ones follow). Written by the view on each scroll (not rendered, so not deeply watched).
   */
  anchor: Anchor | null
  /** Messages from others that arrived below the reader while they were away from the newest (the pill's count). */
  unseen: number
  /** The unread divider: where the unread messages began when the chat was last opened. */
  unread?: FirstUnread
  /** Set by an open with unread messages: the view starts at the divider rather than the bottom, once. */
  startAtUnread: boolean
  /** Main's timeline changed (messages.reset) while this chat was not open: the next open reads all that is held. */
  stale: boolean
  loadingNewer: boolean
  /**
   * Issue 14: the next open reads the window around this message instead of the newest one — a search result
   * (shown centred and highlighted), or the place the reader goes back to (`anchor`: exactly where they were).
   */
  pending?: { key: string; anchor?: Anchor; query?: string }
  /** A message the view shows centred once (a search result); set with its window, consumed by the view. */
  focus?: string
  /** The search result opened here: highlighted, its words marked, until the chat is opened some other way. */
  found?: { key: string; query: string }
}

export const useMessagesStore = defineStore('messages', () => {
  const timelines = shallowReactive(new Map<ChatId, Timeline>())
  const chats = useChatsStore()
  const notices = useNoticesStore()

  function timeline(chatId: ChatId): Timeline {
    let t = timelines.get(chatId)
    if (!t) {
      t = shallowReactive<Timeline>({
        chatId, messages: [], hasOlder: false, loading: false, loadingOlder: false, newestDropped: false, generation: 0,
        anchor: null, unseen: 0, startAtUnread: false, stale: false, loadingNewer: false,
      })
      timelines.set(chatId, t)
    }
    return t
  }

  /** A window as large as what is held (within the contract's bound), so a re-read covers the reader's place. */
  const heldLimit = (t: Timeline) => Math.min(MAX_WINDOW, Math.max(NEWEST_LIMIT, t.messages.length))

  /**
   * The newest window from main merged into what is held: when its first message is one we hold, everything older
   * stays (a reader far up keeps their place and their loaded pages); otherwise the window replaces it all.
   */
  function merge(t: Timeline, w: MessageWindow): void {
    const first = w.messages[0]
    const at = first && !t.newestDropped ? t.messages.findIndex((m) => m.key === first.key) : -1
    if (at > 0) {
      t.messages = [...t.messages.slice(0, at), ...w.messages]
    } else {
      t.messages = w.messages
      t.hasOlder = w.hasOlder
    }
    t.newestDropped = false
  }

  /**
   * Open a chat (the user chose it, or came back to it): main makes it the active one (unread cleared) and returns
   * its newest window and where its unread messages began. The reader's place in it is kept.
   */
  async function open(chatId: ChatId): Promise<void> {
    const t = timeline(chatId)
    chats.activeId = chatId
    const pending = t.pending
    t.pending = undefined
    if (pending && (await openAround(t, pending))) return
    t.found = undefined
    t.loading = true
    t.error = undefined
    try {
      const w = await request('chats.open', { chatId, limit: t.stale ? heldLimit(t) : NEWEST_LIMIT })
      chats.upsert(w.chat)
      merge(t, w)
      t.stale = false
      t.unread = w.firstUnread
      t.startAtUnread = !!w.firstUnread
      t.generation++
    } catch (e) {
      t.error = codeOf(e)
      throw e
    } finally {
      t.loading = false
    }
  }

  /**
   * Issue 14: the window around a message replaces what is held (it is somewhere else in the history). Newer
   * messages load on scrolling down (loadNewer) until the newest is reached; live ones wait until then. False when the
   * message is no longer stored: the person is told, and the chat opens as usual.
   */
  async function openAround(t: Timeline, p: NonNullable<Timeline['pending']>, quiet = false): Promise<boolean> {
    t.loading = true
    t.error = undefined
    try {
      const w = await request('chats.open', { chatId: t.chatId, around: p.key, limit: AROUND_LIMIT })
      chats.upsert(w.chat)
      t.messages = w.messages
      t.hasOlder = w.hasOlder
      t.newestDropped = !!w.hasNewer
      t.stale = false
      t.unread = w.firstUnread
      t.startAtUnread = false
      t.unseen = 0
      if (p.query !== undefined) t.found = { key: p.key, query: p.query }
      // Back to a place: exactly there. A search result: centred by the view (focus), which then sets the anchor.
      t.anchor = p.anchor ?? null
      t.focus = p.anchor ? undefined : p.key
      t.generation++
      return true
    } catch (e) {
      if (!quiet) notices.push({ code: codeOf(e) })
      return false
    } finally {
      t.loading = false
    }
  }

  /**
   * Show a message of a chat (issue 14): a search result, highlighted — or, with `anchor`, the place to go back to.
   * Already held and shown: the view just goes there. Otherwise its window is read by the chat's next open: at once
   * when the chat is the open one, else when the view opens it (the caller navigates there).
   */
  async function show(chatId: ChatId, key: string, o: { query?: string; anchor?: Anchor } = {}): Promise<void> {
    const t = timeline(chatId)
    if (chats.activeId === chatId && !t.stale && t.messages.some((m) => m.key === key)) {
      t.found = o.query !== undefined ? { key, query: o.query } : undefined
      if (o.anchor) t.anchor = o.anchor
      else t.focus = key
      t.generation++
      return
    }
    t.pending = { key, ...o }
    if (chats.activeId === chatId) await open(chatId)
  }

  /**
   * The timeline changed in main in a way that is not an append (messages.reset): read again as much as is held
   * (up to one window), so the reader's place survives; the divider stays.
   */
  async function reload(chatId: ChatId): Promise<void> {
    const t = timeline(chatId)
    // Reading a window that does not reach the newest (around a search result, or far back past the memory bound):
    // the window around the reader's place is read again, so they stay exactly there.
    if (t.newestDropped && t.anchor && (await openAround(t, { key: t.anchor.key, anchor: t.anchor }, true))) return
    try {
      const w = await request('chats.open', { chatId, limit: heldLimit(t) })
      chats.upsert(w.chat)
      merge(t, w)
      t.generation++
    } catch (e) {
      t.error = codeOf(e)
    }
  }

  /** Load the page before the first message; returns how many were prepended. */
  async function loadOlder(chatId: ChatId): Promise<number> {
    const t = timeline(chatId)
    const first = t.messages[0]
    if (!first || !t.hasOlder || t.loadingOlder) return 0
    t.loadingOlder = true
    try {
      const w = await request('messages.older', { chatId, beforeKey: first.key, limit: OLDER_LIMIT })
      const have = new Set(t.messages.map((m) => m.key))
      const fresh = w.messages.filter((m) => !have.has(m.key))
      let next = [...fresh, ...t.messages]
      if (next.length > MAX_IN_MEMORY) {
        next = next.slice(0, MAX_IN_MEMORY)
        t.newestDropped = true
      }
      t.messages = next
      t.hasOlder = w.hasOlder
      return fresh.length
    } finally {
      t.loadingOlder = false
    }
  }

  /**
   * The page after the last message held (a window around a search result, or the newest ones dropped by the memory
   * bound): appended below, the place kept. The last page clears `newestDropped`: live messages follow again.
   */
  async function loadNewer(chatId: ChatId): Promise<number> {
    const t = timeline(chatId)
    const last = t.messages[t.messages.length - 1]
    if (!last || !t.newestDropped || t.loadingNewer) return 0
    t.loadingNewer = true
    try {
      const w = await request('messages.newer', { chatId, afterKey: last.key, limit: OLDER_LIMIT })
      const have = new Set(t.messages.map((m) => m.key))
      const fresh = w.messages.filter((m) => !have.has(m.key))
      let next = [...t.messages, ...fresh]
      if (next.length > MAX_IN_MEMORY) {
        next = next.slice(next.length - MAX_IN_MEMORY)
        t.hasOlder = true
      }
      t.messages = next
      t.newestDropped = !!w.hasNewer
      return fresh.length
    } finally {
      t.loadingNewer = false
    }
  }

  /** Sending is a wish to see it: the reader goes to the newest message (their own lands there). */
  async function send(chatId: ChatId, text: string): Promise<string> {
    atNewest(chatId)
    const { key } = await request('messages.send', { chatId, text })
    return key
  }
  const retry = (chatId: ChatId, key: string) => request('messages.retry', { chatId, key })
  const discard = (chatId: ChatId, key: string) => request('messages.discard', { chatId, key })

  on('messages.added', ({ chatId, messages }) => {
    const t = timelines.get(chatId)
    if (!t) return
    const fromOthers = (ms: Message[]) => ms.filter((m) => !m.own).length
    // Away from the newest (even in another chat, or with the view closed), new messages from others are counted.
    if (t.newestDropped) {
      t.unseen += fromOthers(messages)
      return
    }
    const have = new Set(t.messages.map((m) => m.key))
    const fresh = messages.filter((m) => !have.has(m.key))
    if (!fresh.length) return
    if (t.anchor) t.unseen += fromOthers(fresh)
    let next = [...t.messages, ...fresh]
    // A long-open live chat must stay bounded too: trim the oldest (they can be re-read on scroll).
    if (next.length > MAX_IN_MEMORY) {
      next = next.slice(next.length - MAX_IN_MEMORY)
      t.hasOlder = true
    }
    t.messages = next
  })

  on('messages.updated', ({ chatId, messages }) => {
    const t = timelines.get(chatId)
    if (!t) return
    const byKey = new Map(messages.map((m) => [m.key, m]))
    if (!t.messages.some((m) => byKey.has(m.key))) return
    t.messages = t.messages.map((m) => byKey.get(m.key) ?? m)
  })

  on('messages.removed', ({ chatId, keys }) => {
    const t = timelines.get(chatId)
    if (!t) return
    const gone = new Set(keys)
    t.messages = t.messages.filter((m) => !gone.has(m.key))
  })

  on('messages.reset', ({ chatId }) => {
    const t = timelines.get(chatId)
    if (!t) return
    // Only the open chat is read again now (chats.open marks it active); others when next opened, where the
    // window is merged the same way. Their place (anchor) is kept either way.
    if (chats.activeId === chatId) void reload(chatId)
    else t.stale = true
  })

  /** The reader reached the newest message: nothing below them is unseen any more. */
  function atNewest(chatId: ChatId): void {
    const t = timeline(chatId)
    t.anchor = null
    t.unseen = 0
  }

  /** The reader is away from the newest message, here (the view reports it as they scroll). */
  function setAnchor(chatId: ChatId, anchor: Anchor | null): void {
    if (!anchor) return atNewest(chatId)
    timeline(chatId).anchor = anchor
  }

  /** Whether the view should start at the unread divider (once per open). */
  function takeStartAtUnread(chatId: ChatId): boolean {
    const t = timeline(chatId)
    const start = t.startAtUnread
    t.startAtUnread = false
    return start
  }

  /** Another session (signed out, or someone else signed in): nothing of the last one's timelines stays. */
  function reset(): void {
    timelines.clear()
  }

  /** The view showed the message it was asked to focus (issue 14). */
  function focused(chatId: ChatId): void {
    timeline(chatId).focus = undefined
  }

  return {
    timelines, timeline, open, show, reload, loadOlder, loadNewer, send, retry, discard, atNewest, setAnchor, takeStartAtUnread,
    focused, reset,
  }
})
