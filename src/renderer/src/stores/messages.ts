import { defineStore } from 'pinia'
import { shallowReactive } from 'vue'
import type { ChatId, ErrorCode, Message } from '@shared/model'
import { codeOf, on, request } from '../bridge'
import { useChatsStore } from './chats'

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

export interface Timeline {
  chatId: ChatId
  /** Oldest first. Replaced (never mutated) so the virtualizer sees each change; not deeply reactive on purpose. */
  messages: Message[]
  hasOlder: boolean
  loading: boolean
  loadingOlder: boolean
  /** Newer messages than the last one here exist in main (dropped by the memory bound). */
  newestDropped: boolean
  /** Bumped when the whole window is replaced (open/reset): the view scrolls to the bottom. */
  generation: number
  error?: ErrorCode
}

export const useMessagesStore = defineStore('messages', () => {
  const timelines = shallowReactive(new Map<ChatId, Timeline>())
  const chats = useChatsStore()

  function timeline(chatId: ChatId): Timeline {
    let t = timelines.get(chatId)
    if (!t) {
      t = shallowReactive<Timeline>({
        chatId, messages: [], hasOlder: false, loading: false, loadingOlder: false, newestDropped: false, generation: 0,
      })
      timelines.set(chatId, t)
    }
    return t
  }

  /** Open a chat: main makes it the active one (unread cleared) and returns its newest window. */
  async function open(chatId: ChatId): Promise<void> {
    const t = timeline(chatId)
    chats.activeId = chatId
    t.loading = true
    t.error = undefined
    try {
      const w = await request('chats.open', { chatId, limit: NEWEST_LIMIT })
      chats.upsert(w.chat)
      t.messages = w.messages
      t.hasOlder = w.hasOlder
      t.newestDropped = false
      t.generation++
    } catch (e) {
      t.error = codeOf(e)
      throw e
    } finally {
      t.loading = false
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

  async function send(chatId: ChatId, text: string): Promise<string> {
    const { key } = await request('messages.send', { chatId, text })
    return key
  }
  const retry = (chatId: ChatId, key: string) => request('messages.retry', { chatId, key })
  const discard = (chatId: ChatId, key: string) => request('messages.discard', { chatId, key })

  on('messages.added', ({ chatId, messages }) => {
    const t = timelines.get(chatId)
    if (!t || t.newestDropped) return
    const have = new Set(t.messages.map((m) => m.key))
    const fresh = messages.filter((m) => !have.has(m.key))
    if (!fresh.length) return
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
    if (!timelines.has(chatId)) return
    // Only the open chat is reloaded now (chats.open marks it active); others reload when next opened.
    if (chats.activeId === chatId) void open(chatId).catch(() => {})
    else timelines.delete(chatId)
  })

  return { timelines, timeline, open, loadOlder, send, retry, discard }
})
