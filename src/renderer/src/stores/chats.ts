import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Chat, ChatId, User } from '@shared/model'
import { on, request } from '../bridge'
import { matchesSearch } from '@shared/search'
import { unreadTotal } from '@shared/unread'
import { useConnectionStore } from './connection'

export const useChatsStore = defineStore('chats', () => {
  const connection = useConnectionStore()
  const list = ref<Chat[]>([])
  const loaded = ref(false)
  /**
   * The server has answered the list in this session (issue 10). The list first comes from the local store, before
   * any network — with the server down, or before the first poll, an empty one says nothing. Core sends the list
   * after each poll of the server, so a list received while online is the server's.
   */
  const confirmed = ref(false)
  const activeId = ref<ChatId | null>(null)
  const query = ref('')
  /**
   * Unsent composer text per chat (issue 12 item 7). The renderer's copy is the one being typed; main keeps it
   * (drafts.set) so it survives a reload and a restart, and hands it back on each chat as `Chat.draft`.
   */
  const drafts = ref<Record<ChatId, string>>({})
  /** Chats whose draft came from main once: after that, what is typed here wins. */
  const seeded = new Set<ChatId>()

  function take(chats: Chat[]): void {
    list.value = chats
    loaded.value = true
    for (const c of chats) {
      if (seeded.has(c.id)) continue
      seeded.add(c.id)
      if (c.draft && drafts.value[c.id] === undefined) drafts.value = { ...drafts.value, [c.id]: c.draft }
    }
  }

  on('chats.changed', (chats) => {
    take(chats)
    if (connection.state.status === 'online') confirmed.value = true
  })

  /** What an empty list means: no chats at all, still asking the server, or the server cannot be reached. */
  const emptyState = computed<'none' | 'looking' | 'unreachable'>(() => {
    if (confirmed.value) return 'none'
    const s = connection.state.status
    return s === 'online' || s === 'connecting' ? 'looking' : 'unreachable'
  })

  // Newest activity first; chats without messages keep the server order at the end.
  const sorted = computed(() =>
    list.value
      .map((c, i) => ({ c, i }))
      .sort((a, b) => (b.c.lastMessage?.at ?? -1) - (a.c.lastMessage?.at ?? -1) || a.i - b.i)
      .map((x) => x.c),
  )
  const filtered = computed(() => sorted.value.filter((c) => matchesSearch(c.title, query.value)))
  const active = computed(() => list.value.find((c) => c.id === activeId.value) ?? null)
  const totalUnread = computed(() => unreadTotal(list.value))

  async function load(): Promise<void> {
    take(await request('chats.list'))
  }

  function upsert(chat: Chat): void {
    const i = list.value.findIndex((c) => c.id === chat.id)
    if (i < 0) list.value = [...list.value, chat]
    else list.value = list.value.map((c) => (c.id === chat.id ? chat : c))
  }

  function byId(id: ChatId): Chat | undefined {
    return list.value.find((c) => c.id === id)
  }

  async function members(chatId: ChatId): Promise<User[]> {
    return request('chats.members', { chatId })
  }

  async function blur(): Promise<void> {
    activeId.value = null
    try { await request('chats.blur') } catch { /* nothing to undo */ }
  }

  /** Notifications on/off for one chat; optimistic, undone if main refuses (then rethrows). */
  async function setMuted(chatId: ChatId, muted: boolean): Promise<void> {
    const before = byId(chatId)
    if (before) upsert({ ...before, muted })
    try {
      await request('chats.setMuted', { chatId, muted })
    } catch (e) {
      const now = byId(chatId)
      if (before && now?.muted === muted) upsert({ ...now, muted: before.muted })
      throw e
    }
  }

  // Typing is saved to main after a short pause, and at once when leaving the chat, sending, or unloading.
  const DRAFT_SAVE_MS = 300
  const unsaved = new Map<ChatId, ReturnType<typeof setTimeout>>()

  function setDraft(chatId: ChatId, text: string): void {
    seeded.add(chatId)
    if (text) drafts.value = { ...drafts.value, [chatId]: text }
    else if (chatId in drafts.value) {
      const { [chatId]: _, ...rest } = drafts.value
      drafts.value = rest
    }
    clearTimeout(unsaved.get(chatId))
    if (!text) return saveDraft(chatId) // a send or a cleared box: no stale draft may come back
    unsaved.set(chatId, setTimeout(() => saveDraft(chatId), DRAFT_SAVE_MS))
  }

  function saveDraft(chatId: ChatId): void {
    clearTimeout(unsaved.get(chatId))
    unsaved.delete(chatId)
    void request('drafts.set', { chatId, text: drafts.value[chatId] ?? '' }).catch(() => {
      /* main is gone or refused: the renderer still has it for this session */
    })
  }

  /** Saves every draft typed since the last save (chat switch, window unload). */
  function flushDrafts(): void {
    for (const id of [...unsaved.keys()]) saveDraft(id)
  }
  if (typeof window !== 'undefined') window.addEventListener('pagehide', flushDrafts)

  /** Another session (signed out, or someone else signed in): its chats and drafts must not show for the next. */
  function reset(): void {
    for (const timer of unsaved.values()) clearTimeout(timer)
    unsaved.clear()
    seeded.clear()
    list.value = []
    loaded.value = false
    confirmed.value = false
    activeId.value = null
    query.value = ''
    drafts.value = {}
  }

  return {
    list, loaded, confirmed, emptyState, activeId, query, drafts, sorted, filtered, active, totalUnread,
    load, upsert, byId, members, blur, setMuted, setDraft, flushDrafts, reset,
  }
})
