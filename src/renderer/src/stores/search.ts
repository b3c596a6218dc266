import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { SearchHit } from '@shared/contract'
import type { ChatId, ErrorCode } from '@shared/model'
import { normalizeForSearch, searchTerms } from '@shared/search'
import { codeOf, request } from '../bridge'
import { useChatsStore } from './chats'
import { useMessagesStore, type Anchor } from './messages'

/** Hits per request; more load as the list is scrolled or walked to its end. */
export const SEARCH_PAGE = 30
/** Typing pause before a query goes to main (each keystroke would otherwise be a search). */
export const TYPING_PAUSE_MS = 150
/** The contract's bound on a query. */
const MAX_QUERY = 500

/** Where the person was before the first result of a search took them away (issue 14: Escape goes back there). */
export interface ReturnPoint {
  chatId: ChatId | null
  /** Their place in that chat; null = at the newest message. */
  anchor: Anchor | null
  /** What had focus before the search took it, given back on return when it is still there. */
  focus: HTMLElement | null
}

/**
 * Issue 14: message search from the sidebar's search box (the same box filters the chat list: `chats.query`).
 * Ctrl/Cmd+F searches the open chat (`scope`), Ctrl/Cmd+Shift+F every chat. Hits come from main's index, newest
 * first, a page at a time; opening one shows its chat at that message (messages.show) and remembers where the person
 * was, so Escape takes them back.
 */
export const useSearchStore = defineStore('search', () => {
  const chats = useChatsStore()
  const messages = useMessagesStore()

  /** One chat (Ctrl/Cmd+F), or every chat (null). */
  const scope = ref<ChatId | null>(null)
  const hits = ref<SearchHit[]>([])
  const next = ref<string | undefined>()
  /** The query (and scope) the hits answer; null before the first answer. */
  const answered = ref<{ query: string; scope: ChatId | null } | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = ref<ErrorCode | undefined>()
  /** Bumped when a shortcut asks for the search box (the sidebar focuses it). */
  const focusRequests = ref(0)
  const back = ref<ReturnPoint | null>(null)
  /** The hit opened last (its row stays marked in the list). */
  const opened = ref<SearchHit | null>(null)
  /** What had focus when a shortcut started the search. */
  let origin: HTMLElement | null = null

  /** The sidebar is searching (a query typed, or one chat chosen): it shows results instead of the plain list. */
  const active = computed(() => scope.value !== null || chats.query.trim() !== '')
  /** Messages are searched from two characters on: one matches too much to mean anything. */
  const searchable = computed(() => searchTerms(chats.query).words.length > 0 && normalizeForSearch(chats.query).replace(/ /g, '').length >= 2)

  let seq = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  watch([() => chats.query, scope], () => {
    clearTimeout(timer)
    seq++
    if (!searchable.value) {
      hits.value = []
      next.value = undefined
      answered.value = null
      loading.value = false
      error.value = undefined
      return
    }
    loading.value = true
    timer = setTimeout(() => void run(), TYPING_PAUSE_MS)
  })

  const args = (query: string, chatId: ChatId | null) => ({ query: query.slice(0, MAX_QUERY), limit: SEARCH_PAGE, ...(chatId ? { chatId } : {}) })

  /** Ask main for the first page; an answer to an older query (typed over since) is dropped. */
  async function run(): Promise<void> {
    const my = ++seq
    const query = chats.query
    const chatId = scope.value
    try {
      const page = await request('search.messages', args(query, chatId))
      if (my !== seq) return
      hits.value = page.hits
      next.value = page.next
      answered.value = { query, scope: chatId }
      error.value = undefined
    } catch (e) {
      if (my !== seq) return
      hits.value = []
      next.value = undefined
      error.value = codeOf(e)
    } finally {
      if (my === seq) loading.value = false
    }
  }

  /** The next (older) page of hits. */
  async function more(): Promise<void> {
    const a = answered.value
    if (!a || !next.value || loading.value || loadingMore.value) return
    const my = seq
    loadingMore.value = true
    try {
      const page = await request('search.messages', { ...args(a.query, a.scope), before: next.value })
      if (my !== seq) return
      const have = new Set(hits.value.map((h) => h.key))
      hits.value = [...hits.value, ...page.hits.filter((h) => !have.has(h.key))]
      next.value = page.next
    } catch (e) {
      if (my === seq) error.value = codeOf(e)
    } finally {
      loadingMore.value = false
    }
  }

  /** The shortcut: search `chatId` (null: every chat), from wherever focus is now. */
  function start(chatId: ChatId | null, from: Element | null): void {
    if (scope.value !== chatId) scope.value = chatId
    if (from instanceof HTMLElement && !from.closest('[data-search-root]')) origin = from
    focusRequests.value++
  }

  /** Clicked or tabbed into the search box from elsewhere: that is where Escape returns focus. */
  function focusedFrom(from: Element | null): void {
    if (from instanceof HTMLElement && !from.closest('[data-search-root]')) origin = from
  }

  /**
   * Open a hit: its chat at that message, highlighted (messages.show). The first one opened in a search remembers
   * where the person was. The caller navigates to `hit.chatId`.
   */
  async function open(hit: SearchHit): Promise<void> {
    if (!back.value) {
      const chatId = chats.activeId
      back.value = { chatId, anchor: chatId ? messages.timeline(chatId).anchor : null, focus: origin }
    }
    opened.value = hit
    await messages.show(hit.chatId, hit.key, { query: answered.value?.query ?? chats.query })
  }

  /**
   * Escape after opening results: the search ends and the chat left goes back to the place it had (the window
   * around it is read again when a result replaced it). Answers where to go (the caller navigates), or null.
   */
  async function goBack(): Promise<ReturnPoint | null> {
    const b = back.value
    if (!b) return null
    const jumpedTo = opened.value?.chatId
    end()
    if (b.chatId && b.chatId === jumpedTo) {
      const t = messages.timeline(b.chatId)
      t.found = undefined
      if (b.anchor) await messages.show(b.chatId, b.anchor.key, { anchor: b.anchor })
      else {
        messages.atNewest(b.chatId)
        if (chats.activeId === b.chatId) await messages.open(b.chatId)
      }
    } else if (jumpedTo) {
      messages.timeline(jumpedTo).found = undefined
    }
    return b
  }

  /** The person stays where the result took them: no way back any more (the results stay listed). */
  function stay(): void {
    back.value = null
  }

  /** The search ends: box emptied, every chat again, nothing to go back to. Answers where focus was before it. */
  function end(): HTMLElement | null {
    const f = origin
    origin = null
    chats.query = ''
    scope.value = null
    back.value = null
    opened.value = null
    return f?.isConnected ? f : null
  }

  // Moving on from a result — another chat opened some other way, or a message sent — leaves nothing to go back to.
  watch(() => chats.activeId, (id) => {
    if (back.value && id !== opened.value?.chatId && id !== back.value.chatId) back.value = null
  })
  messages.$onAction(({ name }) => {
    if (name === 'send') back.value = null
  })

  return {
    scope, hits, next, answered, loading, loadingMore, error, focusRequests, back, opened, active, searchable,
    more, start, focusedFrom, open, goBack, stay, end,
  }
})
