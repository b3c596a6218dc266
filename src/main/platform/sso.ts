// SsoLogin (DESIGN §4): the server's own login page in a separate, sandboxed window with no preload and a
// throw-away session; we only watch its cookie jar for the `token` cookie the SSO sets.
import { app, BrowserWindow, session, type Cookie } from 'electron'
import { randomUUID } from 'node:crypto'
import { ChtError } from '../core/errors'
import type { SsoLogin } from '../core/ports'
import { guardWebContents, originOf } from '../window'

export interface SsoOptions {
  getParent?: () => BrowserWindow | null | undefined
}

/** Does a cookie's domain cover the server's host? (host-only cookies carry the host itself). */
export function cookieMatchesHost(cookie: Pick<Cookie, 'domain'>, hostname: string): boolean {
  const domain = (cookie.domain ?? '').replace(/^\./, '').toLowerCase()
  const host = hostname.toLowerCase()
  return domain !== '' && (host === domain || host.endsWith('.' + domain))
}

export function createSsoLogin(opts: SsoOptions = {}): SsoLogin {
  return {
    login(serverOrigin: string, signal?: AbortSignal): Promise<string> {
      let server: URL
      try {
        server = new URL(serverOrigin)
      } catch {
        return Promise.reject(new ChtError('invalid-input', 'bad server origin'))
      }
      if (server.protocol !== 'https:' && server.protocol !== 'http:') {
        return Promise.reject(new ChtError('invalid-input', 'bad server origin'))
      }
      if (signal?.aborted) return Promise.reject(signal.reason)
      const origin = `${server.protocol}//${server.host}`
      // No 'persist:' prefix: an in-memory session that disappears with the window.
      const partition = `sso-${randomUUID()}`
      const ses = session.fromPartition(partition)
      ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
      ses.setPermissionCheckHandler(() => false)

      const parent = opts.getParent?.() ?? undefined
      const win = new BrowserWindow({
        width: 520,
        height: 720,
        title: 'cht',
        autoHideMenuBar: true,
        ...(parent && !parent.isDestroyed() ? { parent } : {}),
        webPreferences: {
          partition,
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          webSecurity: true,
          allowRunningInsecureContent: false,
          webviewTag: false,
          navigateOnDragDrop: false,
          disableBlinkFeatures: 'Auxclick',
          devTools: !app.isPackaged,
        },
      })
      const wc = win.webContents
      guardWebContents(wc)
      // The login page may move around the server, never elsewhere.
      const stayOnServer = (event: { preventDefault(): void }, url: string): void => {
        if (originOf(url) !== origin) event.preventDefault()
      }
      wc.on('will-navigate', (event) => stayOnServer(event, event.url))
      wc.on('will-redirect', (event) => stayOnServer(event, event.url))

      return new Promise<string>((resolve, reject) => {
        let settled = false
        // Cancel in the app (session.cancelSignIn) closes the page; the rejection carries the signal's reason.
        const onAbort = (): void => {
          if (settled) return
          settled = true
          cleanup()
          reject(signal?.reason)
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        const onCookie = (_event: unknown, cookie: Cookie, _cause: string, removed: boolean): void => {
          if (settled || removed || cookie.name !== 'token' || !cookie.value) return
          if (!cookieMatchesHost(cookie, server.hostname)) return
          settled = true
          cleanup()
          resolve(cookie.value)
        }
        const cleanup = (): void => {
          signal?.removeEventListener('abort', onAbort)
          ses.cookies.removeListener('changed', onCookie)
          if (!win.isDestroyed()) win.close()
          void ses.clearStorageData().catch(() => undefined)
        }
        ses.cookies.on('changed', onCookie)
        win.on('closed', () => {
          if (settled) return
          settled = true
          signal?.removeEventListener('abort', onAbort)
          ses.cookies.removeListener('changed', onCookie)
          void ses.clearStorageData().catch(() => undefined)
          reject(new ChtError('sso.cancelled'))
        })
        win.loadURL(`${origin}/sso/login/`).catch(() => {
          // A failed load shows Chromium's error page; the user can still close the window (= cancelled).
        })
      })
    },
  }
}
