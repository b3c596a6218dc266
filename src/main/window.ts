// The one secure window (DESIGN §6): sandboxed renderer served from the privileged app:// scheme with a strict
// CSP, no navigation, no popups, no webviews, only the notifications permission.
import { app, BrowserWindow, protocol, screen, session, type Rectangle, type Session, type WebContents } from 'electron'
import { readFile as readFileCb, realpath as realpathCb } from 'node:fs'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { promisify } from 'node:util'
import { CSP, MIME } from './app-content'
import type { KeyValueStore } from './core/ports'

export const APP_SCHEME = 'app'
export const APP_HOST = 'bundle'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY = `${APP_ORIGIN}/index.html`

export const BOUNDS_KEY = 'window.bounds'

// The callback forms: Electron's asar support patches fs.readFile/fs.realpath, so these also work inside app.asar.
const readFile = promisify(readFileCb)
const realpath = promisify(realpathCb)

/** `scheme://host` of a URL. WHATWG gives opaque ("null") origins to non-special schemes like app:, Chromium does not. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    return u.host ? `${u.protocol}//${u.host}` : null
  } catch {
    return null
  }
}

/** Must run before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

/**
 * Maps an app:// URL onto a file inside `root`, or null when it would leave it (`..`, encoded separators,
 * absolute paths, NUL bytes, another host). Symlinks are checked later with realpath.
 */
export function resolveAppPath(root: string, url: string): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null
  let pathname: string
  try {
    pathname = decodeURIComponent(u.pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null
  if (pathname === '/' || pathname === '') pathname = '/index.html'
  const base = resolve(root)
  const file = resolve(base, '.' + pathname)
  const rel = relative(base, file)
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return null
  return file
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain', 'Content-Security-Policy': CSP } })
}

/** The app:// handler: serves files of the built renderer with the CSP header; anything else is a 404. */
export async function serveApp(root: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return notFound()
  const file = resolveAppPath(root, request.url)
  if (!file) return notFound()
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)])
    if (!realFile.startsWith(realRoot + sep)) return notFound()
    const body = await readFile(realFile)
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': MIME[extname(realFile).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    })
  } catch {
    return notFound()
  }
}

export function installAppProtocol(root: string, ses: Session = session.defaultSession): void {
  ses.protocol.handle(APP_SCHEME, (request) => serveApp(root, request))
}

/** Permissions: notifications only, and only for our own pages. Everything else (camera, geolocation, …) is refused. */
export function hardenSession(ses: Session, allowedOrigin = APP_ORIGIN): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(permission === 'notifications' && originOf(details.requestingUrl) === allowedOrigin)
  })
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => {
    return permission === 'notifications' && originOf(requestingOrigin) === allowedOrigin
  })
}

/**
 * Guards every web contents gets (the app window, the SSO window, anything Electron creates): no webviews, no new
 * windows. Only the app's own window passes `openLink` (issue 13: the SSO page can never reach openExternal).
 */
export function guardWebContents(wc: WebContents, openLink?: (url: string) => void): void {
  wc.on('will-attach-webview', (event) => event.preventDefault())
  wc.setWindowOpenHandler(({ url }) => {
    openLink?.(url)
    return { action: 'deny' }
  })
}

function guardAppNavigation(wc: WebContents): void {
  // The SPA never leaves its document (in-app routing); any navigation is an attack or a stray link.
  wc.on('will-navigate', (event) => event.preventDefault())
  wc.on('will-redirect', (event) => event.preventDefault())
}

type SavedBounds = Rectangle & { maximized?: boolean }

function isSavedBounds(v: unknown): v is SavedBounds {
  if (!v || typeof v !== 'object') return false
  const b = v as Record<string, unknown>
  return ['x', 'y', 'width', 'height'].every((k) => typeof b[k] === 'number' && Number.isFinite(b[k] as number))
}

/** Saved bounds are reused only when a good part of the window lands on a display that still exists. */
export function visibleBounds(saved: unknown, displays: Array<{ workArea: Rectangle }>): SavedBounds | null {
  if (!isSavedBounds(saved) || saved.width < 200 || saved.height < 150) return null
  const onScreen = displays.some(({ workArea: a }) => {
    const w = Math.min(saved.x + saved.width, a.x + a.width) - Math.max(saved.x, a.x)
    const h = Math.min(saved.y + saved.height, a.y + a.height) - Math.max(saved.y, a.y)
    return w >= 100 && h >= 50
  })
  return onScreen ? saved : null
}

export interface MainWindowOptions {
  preload: string
  store: KeyValueStore
  /** Dev server URL (electron-vite dev); honoured only when not packaged. */
  devUrl?: string
  /** A link the page opened with window.open (a target=_blank click): main decides (gesture + openExternalSafe). */
  openLink?: (url: string) => void
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const saved = visibleBounds(opts.store.get(BOUNDS_KEY), screen.getAllDisplays())
  const win = new BrowserWindow({
    width: saved?.width ?? 1100,
    height: saved?.height ?? 750,
    ...(saved ? { x: saved.x, y: saved.y } : {}),
    minWidth: 420,
    minHeight: 360,
    show: false,
    title: 'cht',
    autoHideMenuBar: true,
    webPreferences: {
      // The one preload: src/preload/index.ts, a reviewed, narrow bridge (DESIGN §3). Electronegativity asks
      // for a review of every preload; this is it, so the reminder is silenced on this line only.
      preload: opts.preload, /* eng-disable PRELOAD_JS_CHECK */
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click must not open links in new windows (they are denied anyway; this removes the path).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
      devTools: !app.isPackaged,
    },
  })
  if (saved?.maximized) win.maximize()

  const wc = win.webContents
  guardWebContents(wc, opts.openLink)
  guardAppNavigation(wc)

  const saveBounds = (): void => {
    if (win.isDestroyed()) return
    opts.store.set(BOUNDS_KEY, { ...win.getNormalBounds(), maximized: win.isMaximized() })
  }
  win.on('close', saveBounds)
  win.once('ready-to-show', () => win.show())

  const url = !app.isPackaged && opts.devUrl ? opts.devUrl : APP_ENTRY
  void win.loadURL(url)
  return win
}
