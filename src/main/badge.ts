// The unread total outside the window (issue 5): dock/launcher badge (macOS, Linux Unity launchers:
// app.setBadgeCount), taskbar overlay icon (Windows), the window title, and a flashing frame for a new message
// while the window is in the background (Windows, Linux; macOS bounces nothing — the dock badge says it).
import type { Chat } from '../shared/model'
import { unreadTotal, windowTitle } from '../shared/unread'
import { liveWindow, type AppWindow, type GetWindow, type ImageFactory, type Platform } from './desktop'
import { labelsFor } from './labels'
import { imageFor, trayIconKey } from './tray'
import { OVERLAY_ICONS } from './tray-icons'

export interface BadgeOptions {
  app: { setBadgeCount(count?: number): boolean }
  platform: Platform
  nativeImage: ImageFactory
  getWindow: GetWindow
  getLocale?: () => string
  /** Do Not Disturb: no flashing. */
  isQuiet?: () => boolean
}

export function createBadge(o: BadgeOptions) {
  let total = 0
  let flashing = false

  function stopFlashing(win: AppWindow): void {
    if (!flashing) return
    flashing = false
    win.flashFrame(false)
  }

  /** Every (new) main window: keep our title (the page's <title> must not replace it), stop flashing on focus. */
  function attach(win: AppWindow): void {
    win.on('page-title-updated', (e) => e.preventDefault())
    win.on('focus', () => stopFlashing(win))
    render(win)
  }

  function render(win: AppWindow | null): void {
    if (o.platform === 'win32') {
      if (win) {
        const key = trayIconKey(total)
        const description = total > 0 ? labelsFor(o.getLocale?.()).unread(total) : ''
        win.setOverlayIcon(key === '0' ? null : imageFor(o.nativeImage, OVERLAY_ICONS[key]), description)
      }
    } else {
      o.app.setBadgeCount(total)
    }
    win?.setTitle(windowTitle(total))
  }

  function setTotal(next: number): void {
    const rose = next > total
    total = next
    const win = liveWindow(o.getWindow)
    render(win)
    if (rose && win && !win.isFocused() && o.platform !== 'darwin' && !o.isQuiet?.()) {
      flashing = true
      win.flashFrame(true)
    }
  }

  return { attach, setTotal, update: (chats: readonly Chat[]) => setTotal(unreadTotal(chats)), get total() { return total } }
}

export type Badge = ReturnType<typeof createBadge>
