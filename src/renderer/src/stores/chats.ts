import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Chat, ChatId, User } from '@shared/model'
import { on, request } from '../bridge'
import { matchesSearch } from '../search'
import { unreadTotal } from '@shared/unread'

export const useChatsStore = defineStore('chats', () => {
  const list = ref<Chat[]>([])
  const loaded = ref(false)
  const activeId = ref<ChatId | null>(null)
  const query = ref('')
  /** Unsent composer text per chat, kept while switching chats. */
  const drafts = ref<Record<ChatId, string>>({})

  on('chats.changed', (chats) => {
    list.value = chats
    loaded.value = true
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
    list.value = await request('chats.list')
    loaded.value = true
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

  function setDraft(chatId: ChatId, text: string): void {
    if (text) drafts.value = { ...drafts.value, [chatId]: text }
    else if (chatId in drafts.value) {
      const { [chatId]: _, ...rest } = drafts.value
      drafts.value = rest
    }
  }

  return { list, loaded, activeId, query, drafts, sorted, filtered, active, totalUnread, load, upsert, byId, members, blur, setMuted, setDraft }
})
