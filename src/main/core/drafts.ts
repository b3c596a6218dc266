// Unsent composer text per chat (issue 12 item 7): kept by main so it survives switching chats, a reload of the
// window and a restart. Stored through the KeyValueStore port under one key; it moves into the local database
// with the rest of the per-chat state later (DESIGN §4, MessageStore).
import type { Chat, ChatId } from '../../shared/model'
import type { KeyValueStore } from './ports'

const KEY = 'drafts'

export class Drafts {
  private drafts: Record<ChatId, string>

  constructor(private readonly store: KeyValueStore) {
    const saved = store.get<Record<ChatId, string>>(KEY)
    this.drafts = saved && typeof saved === 'object' ? { ...saved } : {}
  }

  get(chatId: ChatId): string | undefined {
    return this.drafts[chatId]
  }

  /** Whitespace alone is no draft: it is cleared, like a sent message. */
  set(chatId: ChatId, text: string): void {
    const had = chatId in this.drafts
    if (text.trim()) this.drafts = { ...this.drafts, [chatId]: text }
    else if (had) {
      const { [chatId]: _, ...rest } = this.drafts
      this.drafts = rest
    } else return
    this.store.set(KEY, this.drafts)
  }

  /** Chats as the UI sees them, each with its draft (or none). */
  apply<C extends Chat>(chat: C): C {
    const draft = this.drafts[chat.id]
    if (draft === undefined) {
      if (chat.draft === undefined) return chat
      const { draft: _, ...rest } = chat
      return rest as C
    }
    return { ...chat, draft }
  }

  /** Signing out forgets them with the rest of the account's local state. */
  clear(): void {
    this.drafts = {}
    this.store.delete(KEY)
  }
}
