// The tray icon (issue 5): unread indicator from pre-rendered icons (tray-icons.ts) and a context menu that
// carries every action — some Linux trays (GNOME's AppIndicator extension, KDE) never deliver clicks.
import type { MenuItemConstructorOptions, NativeImage } from 'electron'
import type { Settings } from '../shared/model'
import { dndUntilFor, type DndChoice } from '../shared/dnd'
import { isDndActive } from './core/notify'
import type { ImageFactory } from './desktop'
import { labelsFor } from './labels'
import { TRAY_ICONS, type UnreadIconKey } from './tray-icons'

export interface TrayLike {
  setImage(image: NativeImage): void
  setToolTip(tip: string): void
  setContextMenu(menu: AppMenu | null): void
  on(event: 'click', listener: () => void): unknown
  destroy(): void
}

export type MenuItemTemplate = MenuItemConstructorOptions
export type AppMenu = Electron.Menu

export interface MenuFactory {
  buildFromTemplate(template: MenuItemTemplate[]): AppMenu
}

export interface TrayOptions {
  Tray: new (image: NativeImage) => TrayLike
  Menu: MenuFactory
  nativeImage: ImageFactory
  getSettings: () => Settings
  now?: () => number
  /** Show the window (menu "Open"). */
  open: () => void
  /** Tray click: show, or hide when already in front. */
  toggle: () => void
  quit: () => void
  setDnd: (until: number | null) => void
}

/** Which pre-rendered icon shows `count` unread messages. */
export function trayIconKey(count: number): UnreadIconKey {
  if (!(count > 0)) return '0'
  return count > 9 ? '9+' : (String(Math.floor(count)) as UnreadIconKey)
}

export function imageFor(nativeImage: ImageFactory, base64: string): NativeImage {
  return nativeImage.createFromBuffer(Buffer.from(base64, 'base64'), { scaleFactor: 2 })
}

export function trayMenuTemplate(o: Pick<TrayOptions, 'getSettings' | 'now' | 'open' | 'quit' | 'setDnd'>): MenuItemTemplate[] {
  const settings = o.getSettings()
  const l = labelsFor(settings.locale)
  const now = (o.now ?? Date.now)()
  const dnd = (choice: DndChoice) => () => o.setDnd(dndUntilFor(choice, (o.now ?? Date.now)()))
  const active = isDndActive(settings, now)
  return [
    { label: l.open, click: o.open },
    {
      label: active ? `${l.dnd} ✓` : l.dnd,
      submenu: [
        { label: l.dnd1h, click: dnd('1h') },
        { label: l.dndTomorrow, click: dnd('tomorrow') },
        { label: l.dndForever, click: dnd('forever') },
        { type: 'separator' },
        { label: l.dndOff, enabled: active, click: dnd('off') },
      ],
    },
    { type: 'separator' },
    { label: l.quit, click: o.quit },
  ]
}

export function createTray(o: TrayOptions) {
  const images = new Map<UnreadIconKey, NativeImage>()
  const image = (key: UnreadIconKey): NativeImage => {
    let img = images.get(key)
    if (!img) images.set(key, (img = imageFor(o.nativeImage, TRAY_ICONS[key])))
    return img
  }
  let unread = 0
  let key: UnreadIconKey = '0'
  const tray = new o.Tray(image(key))
  tray.on('click', o.toggle)

  function tooltip(): string {
    const s = o.getSettings()
    const l = labelsFor(s.locale)
    const parts = ['cht']
    if (unread > 0) parts.push(l.unread(unread))
    if (isDndActive(s, (o.now ?? Date.now)())) parts.push(l.dndOn)
    return parts.join(' — ')
  }

  /** Rebuild the menu and tooltip (settings changed: language, Do Not Disturb). */
  function refresh(): void {
    tray.setContextMenu(o.Menu.buildFromTemplate(trayMenuTemplate(o)))
    tray.setToolTip(tooltip())
  }

  function setUnread(count: number): void {
    unread = count
    const next = trayIconKey(count)
    if (next !== key) tray.setImage(image((key = next)))
    tray.setToolTip(tooltip())
  }

  refresh()
  return { setUnread, refresh, destroy: () => tray.destroy(), get iconKey() { return key } }
}

export type AppTray = ReturnType<typeof createTray>
