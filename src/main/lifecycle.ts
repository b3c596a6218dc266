// Running in the background (issue 5): closing the window hides it while `runInBackground` is on (a one-time
// note says so), Quit really quits, and "start at login" follows the setting.
import { join } from 'node:path'
import type { Settings } from '../shared/model'
import type { AppWindow, Platform } from './desktop'
import type { KeyValueStore } from './core/ports'

export const NOTICE_KEY = 'background.noticeShown'
export const AUTOSTART_FILE = 'org.cht.desktop.desktop'

export interface LifecycleOptions {
  app: {
    on(event: 'before-quit', listener: () => void): unknown
    setLoginItemSettings(settings: { openAtLogin: boolean }): void
    isPackaged: boolean
  }
  platform: Platform
  getSettings: () => Settings
  store: KeyValueStore
  /** The one-time note that the app keeps running (a native notification). */
  showBackgroundNotice: () => void
  /** Linux has no login items: an XDG autostart entry instead (~/.config/autostart). */
  autostart?: { dir: string; exec: string; write(path: string, text: string): void; remove(path: string): void }
}

export function autostartEntry(exec: string): string {
  // Quoted per the Desktop Entry spec, so a path with spaces still starts.
  const quoted = `"${exec.replace(/(["`$\\])/g, '\\$1')}"`
  return ['[Desktop Entry]', 'Type=Application', 'Name=cht', `Exec=${quoted}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n')
}

export function createLifecycle(o: LifecycleOptions) {
  let quitting = false
  // Every way out — tray and menu Quit, Cmd+Q, the OS — goes through app.quit(), which emits before-quit first.
  o.app.on('before-quit', () => {
    quitting = true
  })

  /** Closing the main window hides it instead, unless the app is quitting or the user turned that off. */
  function attach(win: AppWindow): void {
    win.on('close', (event) => {
      if (quitting || !o.getSettings().runInBackground) return
      event.preventDefault()
      win.hide()
      if (!o.store.get<boolean>(NOTICE_KEY)) {
        o.store.set(NOTICE_KEY, true)
        o.showBackgroundNotice()
      }
    })
  }

  /** `startAtLogin` → the OS. Only for the packaged app: a dev build would register the bare Electron binary. */
  function applyLoginItem(): void {
    if (!o.app.isPackaged) return
    const openAtLogin = o.getSettings().startAtLogin
    if (o.platform === 'linux') {
      if (!o.autostart) return
      const file = join(o.autostart.dir, AUTOSTART_FILE)
      if (openAtLogin) o.autostart.write(file, autostartEntry(o.autostart.exec))
      else o.autostart.remove(file)
      return
    }
    o.app.setLoginItemSettings({ openAtLogin })
  }

  return {
    attach,
    applyLoginItem,
    isQuitting: () => quitting,
    /** For tray/menu Quit: mark first, so the window's close handler lets it go. */
    markQuitting: () => {
      quitting = true
    },
  }
}

export type Lifecycle = ReturnType<typeof createLifecycle>
