// Notification rules (issue 5), headless: decides whether a live message deserves a native notification and what
// it says; main/notifications.ts only shows what arrives as the `notification` event. Never imports electron.
//
// Wording: core knows the UI language (settings.locale), so the few words a notification needs ("New message",
// "File", "Photo") come from the small fa/en table below. The event then carries final text, identical for the
// Electron main process and the e2e host.
import type { Chat, ChatId, Locale, Message, NotificationRequest, Settings } from '../../shared/model'
import { dndActive } from '../../shared/dnd'
import { stripUnsafe, truncate } from '../../shared/text'
import type { Clock, Timer } from './ports'

/** At most one `notification` event per chat in this window; later messages ride on the next one (count). */
export const COALESCE_MS = 1_500
const PREVIEW_MAX = 140

interface Words {
  app: string
  file: string
  photo: string
  newMessages: (n: number) => string
  addedToGroup: string
  newDirect: string
}

const WORDS: Record<Locale, Words> = {
  en: {
    app: 'cht',
    file: 'File',
    photo: 'Photo',
    newMessages: (n) => (n === 1 ? 'New message' : `${n} new messages`),
    addedToGroup: 'You were added to this group',
    newDirect: 'Started a chat with you',
  },
  fa: {
    app: 'cht',
    file: 'فایل',
    photo: 'عکس',
    newMessages: (n) => (n === 1 ? 'پیام جدید' : `${n.toLocaleString('fa-IR')} پیام جدید`),
    addedToGroup: 'شما به این گروه اضافه شدید',
    newDirect: 'گفتگویی با شما آغاز کرد',
  },
}

export function isDndActive(settings: Pick<Settings, 'dndUntil'>, now: number): boolean {
  return dndActive(settings.dndUntil, now)
}

export function isMuted(settings: Pick<Settings, 'mutedChats'>, chatId: ChatId): boolean {
  return settings.mutedChats.includes(chatId)
}

/** What a message looks like in a notification: its text, or "File: name" / "Photo: name" (files say so). */
export function previewText(message: Message, locale: Locale): string {
  const w = WORDS[locale] ?? WORDS.en
  const text = message.text.replace(/\s+/g, ' ').trim()
  let out = text
  if (message.file) {
    const label = `${message.file.isImage ? w.photo : w.file}: ${message.file.name}`
    out = text ? `${label} — ${text}` : label
  }
  // Bidi controls could reorder the text around them in the notification bubble.
  out = stripUnsafe(out)
  return out.length > PREVIEW_MAX ? truncate(out, PREVIEW_MAX - 1) + '…' : out
}

/** A chat as it leaves core: with its mute flag (settings.mutedChats). */
export function markMuted(chat: Chat, settings: Pick<Settings, 'mutedChats'>): Chat {
  const muted = isMuted(settings, chat.id)
  return chat.muted === muted ? chat : { ...chat, muted }
}

export function withMuted(chats: Chat[], settings: Pick<Settings, 'mutedChats'>): Chat[] {
  return chats.map((c) => markMuted(c, settings))
}

export interface NotifierOptions {
  clock: Clock
  getSettings: () => Settings
  /** The chat as listed (display title), read when a notification is shown — not for every message. */
  chatOf: (chatId: ChatId) => Chat | undefined
  emit: (payload: NotificationRequest) => void
  coalesceMs?: number
}

interface Pending {
  message: Message
  /** Notifiable messages since the chat was last opened. */
  count: number
  lastEmitAt: number
  timer?: Timer
}

export class Notifier {
  private readonly perChat = new Map<ChatId, Pending>()
  /** app.attention: the window is focused and visible. Headless clients (tests, e2e host) start focused. */
  focused = true

  constructor(private readonly o: NotifierOptions) {}

  /** Why a message from someone else does not notify, or null when it does. */
  suppressedBy(chatId: ChatId, activeChat: ChatId | null): 'disabled' | 'muted' | 'dnd' | 'viewing' | null {
    const s = this.o.getSettings()
    if (!s.notifications.enabled) return 'disabled'
    if (isMuted(s, chatId)) return 'muted'
    if (isDndActive(s, this.o.clock.now())) return 'dnd'
    if (this.focused && activeChat === chatId) return 'viewing'
    return null
  }

  /** ChatEngine's onIncoming hook: a message from someone else (live, or `count` found by a re-read). */
  incoming(chatId: ChatId, message: Message, activeChat: ChatId | null, count = 1): void {
    if (message.own) return
    if (this.suppressedBy(chatId, activeChat)) return
    const now = this.o.clock.monotonic()
    let p = this.perChat.get(chatId)
    if (!p) this.perChat.set(chatId, (p = { message, count: 0, lastEmitAt: -Infinity }))
    p.message = message
    p.count += count
    if (p.timer) return // already scheduled: it will carry this message and the count
    const wait = p.lastEmitAt + (this.o.coalesceMs ?? COALESCE_MS) - now
    if (wait <= 0) return this.flush(chatId)
    p.timer = this.o.clock.setTimeout(() => this.flush(chatId), wait)
  }

  /** A chat appeared with no message yet (issue 12): somebody added us to a group, or started a one-to-one chat. */
  newChat(chat: Chat): void {
    if (this.suppressedBy(chat.id, null)) return
    const s = this.o.getSettings()
    const w = WORDS[s.locale] ?? WORDS.en
    const body = chat.kind === 'group' ? w.addedToGroup : w.newDirect
    this.o.emit({ chatId: chat.id, title: s.notifications.previews ? chat.title : w.app, body, count: 0, silent: !s.notifications.sound })
  }

  /** The chat was opened or muted: its count starts again, a burst held back for it is dropped. */
  reset(chatId: ChatId): void {
    const p = this.perChat.get(chatId)
    this.o.clock.clearTimeout(p?.timer)
    this.perChat.delete(chatId)
  }

  close(): void {
    for (const id of [...this.perChat.keys()]) this.reset(id)
  }

  private flush(chatId: ChatId): void {
    const p = this.perChat.get(chatId)
    if (!p) return
    p.timer = undefined
    // Settings may have changed while the burst was held back (muted, DND switched on). Opening the chat
    // meanwhile already dropped it (reset()).
    if (this.suppressedBy(chatId, null)) return
    const chat = this.o.chatOf(chatId)
    if (!chat) return // left or removed meanwhile
    p.lastEmitAt = this.o.clock.monotonic()
    this.o.emit(this.describe(chat, p))
  }

  private describe(chat: Chat, p: Pending): NotificationRequest {
    const s = this.o.getSettings()
    const w = WORDS[s.locale] ?? WORDS.en
    const silent = !s.notifications.sound
    if (!s.notifications.previews) {
      // Privacy: neither the sender, nor the chat, nor the text.
      return { chatId: chat.id, title: w.app, body: w.newMessages(p.count), count: p.count, silent }
    }
    const preview = previewText(p.message, s.locale)
    const sender = p.message.senderName
    const body = chat.kind === 'group' && sender ? `${sender}: ${preview}` : preview
    return { chatId: chat.id, title: chat.title, body, count: p.count, silent }
  }
}
