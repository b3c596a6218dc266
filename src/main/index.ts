// Entry: app lifecycle and wiring only (DESIGN §1). Every decision lives in the module it belongs to.
import { app, BrowserWindow, clipboard, Menu, nativeImage, Notification, session, Tray } from 'electron'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Chat, NotificationRequest, Settings } from '../shared/model'
import { createBadge } from './badge'
import { enableSpellCheck, installContextMenu } from './context-menu'
import { unreadTotal } from '../shared/unread'
import { createChatClient, type ChatClient } from './core'
import { isDndActive } from './core/notify'
import { showWindow } from './desktop'
import { openExternalSafe } from './external'
import { bindIpc, registerStageFiles } from './ipc'
import { createFileDialogs } from './platform/dialogs'
import { labelsFor } from './labels'
import { createLifecycle } from './lifecycle'
import { createZoom, installAppMenu } from './menu'
import { createNotifications } from './notifications'
import { createTray } from './tray'
import { createOnlineHints } from './platform/online'
import { createSecretStore } from './platform/secrets'
import { createSsoLogin } from './platform/sso'
import { createKeyValueStore } from './platform/store'
import {
  APP_ORIGIN, createMainWindow, guardWebContents, hardenSession, installAppProtocol, originOf, registerAppScheme,
} from './window'

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererRoot = join(here, '../renderer')
const preloadPath = join(here, '../preload/index.cjs')

app.enableSandbox()
app.setAppUserModelId('org.cht.desktop')

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let win: BrowserWindow | null = null
  let client: ChatClient | null = null

  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
  const appOrigin = (devUrl && originOf(devUrl)) || APP_ORIGIN

  registerAppScheme()

  app.on('web-contents-created', (_event, wc) => guardWebContents(wc))

  app.on('second-instance', () => showWindow(win))

  /** Desktop pieces every new window is attached to (set up once the app is ready). */
  let onWindow: (w: BrowserWindow) => void = () => undefined

  const openWindow = (store: ReturnType<typeof createKeyValueStore>): void => {
    win = createMainWindow({ preload: preloadPath, store, devUrl })
    win.on('closed', () => {
      win = null
      void client?.request('chats.blur', undefined).catch(() => undefined)
    })
    onWindow(win)
  }

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession, appOrigin)
    enableSpellCheck(session.defaultSession, process.platform)
    installAppProtocol(rendererRoot)

    const store = createKeyValueStore()
    const online = createOnlineHints()
    const cacheDir = join(app.getPath('userData'), 'cache')
    client = createChatClient({
      // Env (npm start, tests) wins; otherwise core uses the saved settings, then its default (127.0.0.1:8787).
      serverOrigin: process.env.CHT_SERVER_ORIGIN || undefined,
      ports: {
        secrets: createSecretStore({ getWindow: () => win }),
        store,
        sso: createSsoLogin({ getParent: () => win }),
        online,
        // Issue 4: open/save dialogs, and a private cache folder (media cache, pasted files in the outbox).
        dialogs: createFileDialogs({
          getWindow: () => win,
          locale: async () => (await client?.request('settings.get', undefined))?.locale ?? 'en',
          cacheDir,
        }),
        cacheDir,
        dataDir: join(app.getPath('userData'), 'data'),
      },
      openExternal: openExternalSafe,
      writeClipboard: (text) => clipboard.writeText(text),
    })
    const c = client
    const events = bindIpc(c, () => win, appOrigin)
    registerStageFiles(c, () => win, appOrigin)
    const getWindow = () => win
    const platform = process.platform
    let settings: Settings = await c.request('settings.get', undefined)
    const saveSettings = (patch: Parameters<typeof c.request<'settings.set'>>[1]): void => {
      void c.request('settings.set', patch).catch(() => undefined)
    }

    // Issue 5: notifications, tray, badge, menu, background running — each a module with Electron injected.
    const notifications = createNotifications({
      Notification, platform, getWindow, openChat: (chatId) => events.push('app.openChat', { chatId }),
    })
    const badge = createBadge({
      app, platform, nativeImage, getWindow, getLocale: () => settings.locale, isQuiet: () => isDndActive(settings, Date.now()),
    })
    const lifecycle = createLifecycle({
      app, platform, store, getSettings: () => settings,
      showBackgroundNotice: () => {
        const l = labelsFor(settings.locale)
        if (Notification.isSupported()) new Notification({ title: l.backgroundTitle, body: l.backgroundBody, silent: true }).show()
      },
      autostart: {
        dir: join(app.getPath('appData'), 'autostart'),
        // An AppImage runs from a temporary mount: autostart must name the image itself.
        exec: process.env.APPIMAGE || process.execPath,
        write: (path, text) => {
          mkdirSync(dirname(path), { recursive: true })
          writeFileSync(path, text)
        },
        remove: (path) => rmSync(path, { force: true }),
      },
    })
    const tray = createTray({
      Tray, Menu, nativeImage, getSettings: () => settings,
      open: () => (win ? showWindow(win) : openWindow(store)),
      toggle: () => (win?.isVisible() && win.isFocused() ? win.hide() : win ? showWindow(win) : openWindow(store)),
      quit: () => app.quit(),
      setDnd: (dndUntil) => saveSettings({ dndUntil }),
    })
    const zoom = createZoom({
      getWindow, getLevel: () => settings.zoomLevel,
      save: (zoomLevel) => {
        settings = { ...settings, zoomLevel } // presses in quick succession build on each other
        saveSettings({ zoomLevel })
      },
    })
    const menu = (): void => installAppMenu(Menu, {
      platform, isPackaged: app.isPackaged, locale: settings.locale, zoom,
      quickSwitch: () => {
        showWindow(win)
        events.push('app.quickSwitch', null)
      },
      quit: () => app.quit(),
    })
    menu()
    lifecycle.applyLoginItem()

    c.onEvent((name, payload) => {
      if (name === 'notification') notifications.show(payload as NotificationRequest)
      else if (name === 'chats.changed') {
        const chats = payload as Chat[]
        notifications.sync(chats)
        tray.setUnread(unreadTotal(chats))
        badge.setTotal(unreadTotal(chats))
      } else if (name === 'settings.changed') {
        const prev = settings
        settings = payload as Settings
        if (prev.locale !== settings.locale) menu()
        if (prev.startAtLogin !== settings.startAtLogin) lifecycle.applyLoginItem()
        tray.refresh()
      } else if (name === 'session.changed' && payload === null) {
        notifications.dispose()
        tray.setUnread(0)
        badge.setTotal(0)
      }
    })

    onWindow = (w) => {
      lifecycle.attach(w)
      badge.attach(w)
      // Issue 12: the native menu for text fields (spell check) and selected text or links.
      installContextMenu(w, { Menu, getLocale: () => settings.locale, clipboard, openExternal: openExternalSafe })
      w.webContents.on('did-finish-load', zoom.apply)
      // What the user can see decides notifications and unread counts (core: app.attention).
      w.on('focus', () => void c.request('app.attention', { focused: true }).catch(() => undefined))
      w.on('blur', () => void c.request('app.attention', { focused: false }).catch(() => undefined))
    }
    openWindow(store)

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow(store)
      else showWindow(win)
    })

    await client.start()
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  let closing = false
  app.on('before-quit', (event) => {
    if (closing || !client) return
    // Give core a moment to flush the outbox and close sockets cleanly.
    closing = true
    event.preventDefault()
    const timeout = new Promise((resolve) => setTimeout(resolve, 3000))
    void Promise.race([client.close(), timeout]).finally(() => app.quit())
  })
}
