// Entry: app lifecycle and wiring only (DESIGN §1). Every decision lives in the module it belongs to.
import { app, BrowserWindow, session } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createChatClient, type ChatClient } from './core'
import { openExternalSafe } from './external'
import { bindIpc } from './ipc'
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

  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  })

  const openWindow = (store: ReturnType<typeof createKeyValueStore>): void => {
    win = createMainWindow({ preload: preloadPath, store, devUrl })
    win.on('closed', () => {
      win = null
      void client?.request('chats.blur', undefined).catch(() => undefined)
    })
  }

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession, appOrigin)
    installAppProtocol(rendererRoot)

    const store = createKeyValueStore()
    const online = createOnlineHints()
    client = createChatClient({
      // Env (npm start, tests) wins; otherwise core uses the saved settings, then its default (127.0.0.1:8787).
      serverOrigin: process.env.CHT_SERVER_ORIGIN || undefined,
      ports: {
        secrets: createSecretStore({ getWindow: () => win }),
        store,
        sso: createSsoLogin({ getParent: () => win }),
        online,
      },
      openExternal: openExternalSafe,
    })
    bindIpc(client, () => win, appOrigin)
    openWindow(store)

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow(store)
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
