// Entry: app lifecycle and wiring only (DESIGN §1). Every decision lives in the module it belongs to.
import { app, BrowserWindow, clipboard, dialog, Menu, nativeImage, Notification, session, shell, Tray } from 'electron'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { arch, homedir, release } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { AppError, Chat, ConnectionState, NotificationRequest, SessionInfo, Settings } from '../shared/model'
import { createBadge } from './badge'
import { enableSpellCheck, installContextMenu } from './context-menu'
import { unreadTotal } from '../shared/unread'
import { createChatClient, type ChatClient } from './core'
import { isDndActive } from './core/notify'
import { showWindow } from './desktop'
import { diagnosticsText } from './diagnostics'
import { openExternalSafe } from './external'
import { createGestureGate } from './gesture'
import { bindIpc, registerStageFiles } from './ipc'
import { createFileDialogs } from './platform/dialogs'
import { labelsFor } from './labels'
import { createLifecycle } from './lifecycle'
import { createLog } from './log'
import { createZoom, installAppMenu } from './menu'
import { createNotifications } from './notifications'
import { createTray } from './tray'
import { createOnlineHints } from './platform/online'
import { createSecretStore } from './platform/secrets'
import { createSsoLogin } from './platform/sso'
import { createKeyValueStore } from './platform/store'
import { createRecovery, installProcessGuards } from './recovery'
import { STATE_SCHEMAS } from './state'
import {
  APP_ORIGIN, createMainWindow, guardWebContents, hardenSession, installAppProtocol, originOf, registerAppScheme,
} from './window'

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererRoot = join(here, '../renderer')
const preloadPath = join(here, '../preload/index.cjs')

app.enableSandbox()
app.setAppUserModelId('org.cht.desktop')

// Issue 13: the log first, so that everything after it — even an error while starting — is on disk.
const log = createLog({ dir: join(app.getPath('userData'), 'logs'), home: homedir(), echo: !app.isPackaged })
installProcessGuards(process, log)
log.info('app.start', {
  version: app.getVersion(), packaged: app.isPackaged, electron: process.versions.electron, chrome: process.versions.chrome,
  node: process.versions.node, platform: process.platform, release: release(), arch: arch(),
})

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

  // Issue 13: links open only right after a click or key press in the app's own window, never from the SSO page.
  const gestures = createGestureGate()
  const openLink = (url: string): Promise<boolean> | false => {
    if (gestures.recent()) return openExternalSafe(url)
    log.warn('external.refused', { reason: 'no user gesture' })
    return false
  }

  const openWindow = (store: ReturnType<typeof createKeyValueStore>): void => {
    win = createMainWindow({ preload: preloadPath, store, devUrl, openLink: (url) => void openLink(url) })
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

    const store = createKeyValueStore({ dir: app.getPath('userData'), schemas: STATE_SCHEMAS, log })
    const online = createOnlineHints()
    const cacheDir = join(app.getPath('userData'), 'cache')
    // The token never reaches the log, whatever an error message quotes.
    const secretStore = createSecretStore({ getWindow: () => win })
    const secrets: typeof secretStore = {
      get: async () => {
        const t = await secretStore.get()
        log.addSecret(t)
        return t
      },
      set: (t) => {
        log.addSecret(t)
        return secretStore.set(t)
      },
      clear: () => secretStore.clear(),
    }
    client = createChatClient({
      // Env (npm start, tests) wins; otherwise core uses the saved settings, then its default (127.0.0.1:8787).
      serverOrigin: process.env.CHT_SERVER_ORIGIN || undefined,
      ports: {
        secrets,
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
        // Issue 13: whole histories are parsed in a worker thread (a second entry of the main build).
        historyWorker: (dbFile) => new Worker(join(here, 'history-worker.js'), { workerData: { dbFile } }),
      },
      openExternal: openLink,
      writeClipboard: (text) => clipboard.writeText(text),
    })
    const c = client
    const recovery = createRecovery({
      log, now: () => performance.now(), getLocale: () => settings.locale,
      showMessageBox: (w, options) => dialog.showMessageBox(w, options),
      quit: () => app.quit(),
      notice: (e) => events.push('notice', e),
      openChat: (chatId) => events.push('app.openChat', { chatId }),
    })
    const events = bindIpc(c, () => win, appOrigin, recovery.observe)
    // What the state file could not give back is said once the page can show it (held until it has loaded).
    for (const p of store.problems) events.push('notice', { code: p.kind === 'damaged' ? 'state.damaged' : 'state.reset', detail: p.detail })
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
    let connection: ConnectionState = { status: 'signed-out' }
    let signedIn: SessionInfo | null = null
    const menu = (): void => installAppMenu(Menu, {
      platform, isPackaged: app.isPackaged, locale: settings.locale, zoom,
      quickSwitch: () => {
        showWindow(win)
        events.push('app.quickSwitch', null)
      },
      quit: () => app.quit(),
      openLogs: () => {
        mkdirSync(log.dir, { recursive: true })
        void shell.openPath(log.dir)
      },
      copyDiagnostics: () => {
        clipboard.writeText(diagnosticsText({
          app: { version: app.getVersion(), packaged: app.isPackaged },
          versions: process.versions,
          os: { platform, release: release(), arch: arch() },
          locale: settings.locale,
          connection,
          server: signedIn?.serverOrigin ?? null,
          rendererCrashes: recovery.crashes(),
          uptimeMs: process.uptime() * 1000,
          recentErrors: log.recent(),
        }))
        const l = labelsFor(settings.locale)
        if (Notification.isSupported()) new Notification({ title: l.diagnosticsCopied, body: l.diagnosticsCopiedBody, silent: true }).show()
      },
    })
    menu()
    lifecycle.applyLoginItem()

    c.onEvent((name, payload) => {
      if (name === 'connection.changed') {
        const next = payload as ConnectionState
        if (next.status !== connection.status || next.reason !== connection.reason) log.info('connection', { status: next.status, reason: next.reason })
        connection = next
      } else if (name === 'session.changed') signedIn = payload as SessionInfo | null
      else if (name === 'notice') log.warn('notice', { code: (payload as AppError).code })
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
      recovery.attach(w)
      gestures.watch(w.webContents)
      w.webContents.on('did-finish-load', zoom.apply)
      w.webContents.on('did-finish-load', events.pageLoaded)
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

  // The GPU or a utility process going away is worth a line in the log (the window itself: recovery.ts).
  app.on('child-process-gone', (_event, details) => log.warn('child-process-gone', { type: details.type, reason: details.reason }))

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  let closing = false
  app.on('before-quit', (event) => {
    if (closing || !client) return
    // Give core a moment to flush the outbox and close sockets cleanly.
    closing = true
    log.info('app.quit')
    event.preventDefault()
    const timeout = new Promise((resolve) => setTimeout(resolve, 3000))
    void Promise.race([client.close(), timeout]).finally(() => app.quit())
  })
}
