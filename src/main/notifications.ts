// Native notifications (issue 5) from core's `notification` events: core decided whether and what (notify.ts);
// this shows it, keeps one live notification per chat, and routes a click to that chat.
import type { Chat, ChatId, NotificationRequest } from '../shared/model'
import { liveWindow, showWindow, type GetWindow, type Platform } from './desktop'

export interface NotificationLike {
  show(): void
  close(): void
  on(event: 'click' | 'close', listener: () => void): unknown
}

export interface NotificationCtor {
  new (options: { title: string; body: string; silent?: boolean }): NotificationLike
  isSupported(): boolean
}

export interface NotificationsOptions {
  Notification: NotificationCtor
  platform: Platform
  getWindow: GetWindow
  /** Ask the renderer to show a chat (the `app.openChat` event); its chats.open resets core's count. */
  openChat: (chatId: ChatId) => void
}

/** Linux notification servers read the body as markup (freedesktop spec): `<b>` must stay text. */
export function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function notificationContent(req: NotificationRequest, platform: Platform): { title: string; body: string; silent: boolean } {
  return {
    title: req.count > 1 ? `${req.title} (${req.count})` : req.title,
    body: platform === 'linux' ? escapeMarkup(req.body) : req.body,
    silent: req.silent,
  }
}

export function createNotifications(o: NotificationsOptions) {
  // Kept referenced: a garbage-collected Electron Notification loses its click handler.
  const live = new Map<ChatId, NotificationLike>()

  function close(chatId: ChatId): void {
    const n = live.get(chatId)
    live.delete(chatId)
    n?.close()
  }

  function show(req: NotificationRequest): void {
    if (!o.Notification.isSupported()) return
    close(req.chatId) // one live notification per chat: the new one carries the count
    const n = new o.Notification(notificationContent(req, o.platform))
    n.on('click', () => {
      if (live.get(req.chatId) === n) live.delete(req.chatId)
      showWindow(liveWindow(o.getWindow))
      o.openChat(req.chatId)
    })
    n.on('close', () => {
      if (live.get(req.chatId) === n) live.delete(req.chatId)
    })
    live.set(req.chatId, n)
    n.show()
  }

  /** From `chats.changed`: a chat that was read (or muted) elsewhere no longer needs its notification. */
  function sync(chats: Chat[]): void {
    for (const c of chats) if (live.has(c.id) && (c.unread === 0 || c.muted)) close(c.id)
  }

  function dispose(): void {
    for (const id of [...live.keys()]) close(id)
  }

  return { show, close, sync, dispose, get liveCount() { return live.size } }
}

export type Notifications = ReturnType<typeof createNotifications>
