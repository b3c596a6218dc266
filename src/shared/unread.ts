import type { Chat } from './model'

/** The total shown everywhere (title, tray, badge): unread messages in chats that are not muted. */
export function unreadTotal(chats: readonly Chat[]): number {
  let n = 0
  for (const c of chats) if (!c.muted && c.unread > 0) n += c.unread
  return n
}

/** The window title: main sets it on the native window, the renderer on the page (the e2e host has no main). */
export function windowTitle(total: number): string {
  return total > 0 ? `cht (${total})` : 'cht'
}
