import type { Settings } from './model'

/** The one set of defaults, used by core (what is stored) and the renderer (before main answers). */
export function defaultSettings(serverOrigin: string): Settings {
  return {
    locale: 'fa',
    theme: 'system',
    serverOrigin,
    notifications: { enabled: true, previews: true, sound: true },
    dndUntil: null,
    mutedChats: [],
    runInBackground: true,
    startAtLogin: false,
    zoomLevel: 0,
    maxFileBytes: 25 * 1024 * 1024,
  }
}
