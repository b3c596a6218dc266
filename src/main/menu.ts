// The application menu (issue 5): the standard roles (so copy/paste, undo, full screen and window keys behave
// natively), zoom kept across restarts (settings.zoomLevel), Ctrl/Cmd+K for the renderer's quick switcher, and
// Help with the logs folder and diagnostics (issue 13).
import { liveWindow, type GetWindow, type Platform } from './desktop'
import { labelsFor } from './labels'
import type { AppMenu, MenuFactory, MenuItemTemplate } from './tray'

export const ZOOM_STEP = 0.5
export const ZOOM_MIN = -3
export const ZOOM_MAX = 4.5

export interface ZoomOptions {
  getWindow: GetWindow
  getLevel: () => number
  /** Persist (settings.set { zoomLevel }). */
  save: (level: number) => void
}

export function createZoom(o: ZoomOptions) {
  const apply = (level: number): void => {
    const win = liveWindow(o.getWindow)
    if (win && !win.webContents.isDestroyed()) win.webContents.setZoomLevel(level)
  }
  const set = (level: number): void => {
    const clamped = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.round(level / ZOOM_STEP) * ZOOM_STEP))
    apply(clamped)
    if (clamped !== o.getLevel()) o.save(clamped)
  }
  return {
    zoomIn: () => set(o.getLevel() + ZOOM_STEP),
    zoomOut: () => set(o.getLevel() - ZOOM_STEP),
    reset: () => set(0),
    /** The saved level, on a window that (re)loaded. */
    apply: () => apply(o.getLevel()),
  }
}

export type Zoom = ReturnType<typeof createZoom>

export interface AppMenuOptions {
  platform: Platform
  isPackaged: boolean
  locale: string
  zoom: Pick<Zoom, 'zoomIn' | 'zoomOut' | 'reset'>
  /** Ctrl/Cmd+K: the renderer opens its quick switcher (`app.quickSwitch`). */
  quickSwitch: () => void
  quit: () => void
  /** Help (issue 13): the folder with the log files, and a diagnostics summary to the clipboard. */
  openLogs: () => void
  copyDiagnostics: () => void
}

export function appMenuTemplate(o: AppMenuOptions): MenuItemTemplate[] {
  const l = labelsFor(o.locale)
  const mac = o.platform === 'darwin'
  const view: MenuItemTemplate[] = [
    // Dev tools and reload only while developing (DESIGN §6: DevTools only when not packaged).
    ...(o.isPackaged ? [] : ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] satisfies MenuItemTemplate[])),
    { label: l.zoomReset, accelerator: 'CmdOrCtrl+0', click: o.zoom.reset },
    { label: l.zoomIn, accelerator: 'CmdOrCtrl+Plus', click: o.zoom.zoomIn },
    // US layouts type "=" for the "+" key; keep both working without showing the item twice.
    { label: l.zoomIn, accelerator: 'CmdOrCtrl+=', click: o.zoom.zoomIn, visible: false, acceleratorWorksWhenHidden: true },
    { label: l.zoomOut, accelerator: 'CmdOrCtrl+-', click: o.zoom.zoomOut },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ]
  return [
    ...((mac
      ? [{ role: 'appMenu' }]
      : [{ label: l.file, submenu: [{ label: l.quit, accelerator: 'CmdOrCtrl+Q', click: o.quit }] }]) satisfies MenuItemTemplate[]),
    { role: 'editMenu' },
    { label: l.view, submenu: view },
    { label: l.go, submenu: [{ label: l.goToChat, accelerator: 'CmdOrCtrl+K', click: o.quickSwitch }] },
    { role: 'windowMenu' },
    {
      role: 'help',
      label: l.help,
      submenu: [
        { label: l.openLogs, click: o.openLogs },
        { label: l.copyDiagnostics, click: o.copyDiagnostics },
      ],
    },
  ]
}

export function installAppMenu(Menu: MenuFactory & { setApplicationMenu(menu: AppMenu | null): void }, o: AppMenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(o)))
}
