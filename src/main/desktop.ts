// The slices of Electron the desktop modules (notifications, tray, badge, menu, lifecycle) use, as small
// structural types: index.ts passes the real Electron objects, tests pass testing/fake-electron (DESIGN §4/§5).
import type { NativeImage } from 'electron'

export type Platform = 'darwin' | 'win32' | 'linux' | (string & {})

export interface AppWindow {
  isDestroyed(): boolean
  isMinimized(): boolean
  isVisible(): boolean
  isFocused(): boolean
  restore(): void
  show(): void
  hide(): void
  focus(): void
  setTitle(title: string): void
  flashFrame(flag: boolean): void
  setOverlayIcon(overlay: NativeImage | null, description: string): void
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown
  on(event: 'page-title-updated', listener: (event: { preventDefault(): void }) => void): unknown
  on(event: 'focus' | 'blur' | 'show' | 'hide', listener: () => void): unknown
  webContents: {
    isDestroyed(): boolean
    setZoomLevel(level: number): void
    on(event: 'did-finish-load', listener: () => void): unknown
  }
}

export type GetWindow = () => AppWindow | null | undefined

export interface ImageFactory {
  createFromBuffer(buffer: Buffer, options?: { scaleFactor?: number }): NativeImage
}

/** The window, usable: restored if minimized, shown if hidden, focused. */
export function showWindow(win: AppWindow | null | undefined): boolean {
  if (!win || win.isDestroyed()) return false
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
  return true
}

export function liveWindow(getWindow: GetWindow): AppWindow | null {
  const win = getWindow()
  return win && !win.isDestroyed() ? win : null
}
