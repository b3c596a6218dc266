import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { CSP } from './app-content'
import { memoryPorts } from './core/ports'
import { app, BrowserWindow, FakeSession, protocol, resetFakeElectron, screen, shell } from './testing/fake-electron'
import {
  APP_ENTRY, APP_ORIGIN, createMainWindow, guardWebContents, hardenSession, installAppProtocol, originOf,
  registerAppScheme, resolveAppPath, serveApp, visibleBounds,
} from './window'

vi.mock('electron', () => import('./testing/fake-electron'))

function openWindow() {
  const store = memoryPorts().store
  createMainWindow({ preload: '/app/out/preload/index.cjs', store })
  const win = BrowserWindow.instances.at(-1)!
  return { win, store }
}

beforeEach(() => resetFakeElectron())

describe('the main window (DESIGN §6)', () => {
  it('has exactly the secure webPreferences', () => {
    const { win } = openWindow()
    expect(win.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
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
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
      devTools: true,
    })
    expect(win.loadedUrl).toBe(APP_ENTRY)
  })

  it('disables DevTools when packaged and ignores a dev server URL', () => {
    app.isPackaged = true
    createMainWindow({ preload: '/p.cjs', store: memoryPorts().store, devUrl: 'http://localhost:5173' })
    const win = BrowserWindow.instances.at(-1)!
    expect(win.options.webPreferences?.devTools).toBe(false)
    expect(win.loadedUrl).toBe(APP_ENTRY)
  })

  it('denies every window.open; by itself it opens nothing (links are main\'s decision: openLink)', async () => {
    const { win } = openWindow()
    const h = win.webContents.windowOpenHandler!
    expect(h({ url: 'https://example.com/a?b=1' })).toEqual({ action: 'deny' })
    expect(h({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(h({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(h({ url: 'app://bundle/index.html' })).toEqual({ action: 'deny' })
    await Promise.resolve()
    expect(shell.openExternal).not.toHaveBeenCalled()
  })

  it('prevents navigation, redirects and webviews', () => {
    const { win } = openWindow()
    const wc = win.webContents
    expect(wc.emitNavigation('will-navigate', 'https://evil.example/')).toBe(true)
    expect(wc.emitNavigation('will-navigate', 'app://bundle/index.html')).toBe(true)
    expect(wc.emitNavigation('will-redirect', 'https://evil.example/')).toBe(true)
    expect(wc.emitNavigation('will-attach-webview', 'https://evil.example/')).toBe(true)
  })

  it('guards any web contents (app-wide hook)', () => {
    const wc = new BrowserWindow({}).webContents
    guardWebContents(wc as never)
    expect(wc.windowOpenHandler!({ url: 'https://x.example/' })).toEqual({ action: 'deny' })
    expect(wc.emitNavigation('will-attach-webview', 'https://x.example/')).toBe(true)
  })

  it('shows only when ready and saves its bounds on close', () => {
    const { win, store } = openWindow()
    expect(win.shown).toBe(false)
    win.emit('ready-to-show')
    expect(win.shown).toBe(true)
    win.setBounds({ x: 100, y: 120, width: 900, height: 700 })
    win.close()
    expect(store.get('window.bounds')).toEqual({ x: 100, y: 120, width: 900, height: 700, maximized: false })
  })

  it('restores saved bounds only when they are visible on a display', () => {
    const store = memoryPorts().store
    store.set('window.bounds', { x: 50, y: 60, width: 1000, height: 800, maximized: true })
    createMainWindow({ preload: '/p.cjs', store })
    let win = BrowserWindow.instances.at(-1)!
    expect(win.bounds).toEqual({ x: 50, y: 60, width: 1000, height: 800 })
    expect(win.maximized).toBe(true)

    store.set('window.bounds', { x: 5000, y: 60, width: 1000, height: 800 }) // a monitor that is gone
    createMainWindow({ preload: '/p.cjs', store })
    win = BrowserWindow.instances.at(-1)!
    expect(win.bounds.x).toBe(0)
    expect(win.bounds.width).toBe(1100)

    expect(visibleBounds({ x: 1900, y: 0, width: 800, height: 600 }, screen.displays)).toBeNull() // 20 px visible
    expect(visibleBounds({ x: 'a', y: 0, width: 800, height: 600 }, screen.displays)).toBeNull()
    expect(visibleBounds(undefined, screen.displays)).toBeNull()
    expect(visibleBounds({ x: 2000, y: 100, width: 800, height: 600 }, [
      ...screen.displays, { workArea: { x: 1920, y: 0, width: 1920, height: 1080 } },
    ])).not.toBeNull()
  })
})

describe('permissions', () => {
  it('grants notifications to our own origin and nothing else', () => {
    const ses = new FakeSession()
    hardenSession(ses as never)
    const ask = (permission: string, requestingUrl: string) => {
      let granted: boolean | undefined
      ses.permissionRequestHandler!(...([{}, permission, (g: boolean) => { granted = g }, { requestingUrl }] as never[]))
      return granted
    }
    const check = (permission: string, origin: string) => ses.permissionCheckHandler!(...([{}, permission, origin] as never[]))
    expect(ask('notifications', 'app://bundle/index.html')).toBe(true)
    expect(ask('notifications', 'https://evil.example/')).toBe(false)
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'pointerLock']) {
      expect(ask(p, 'app://bundle/index.html')).toBe(false)
      expect(check(p, APP_ORIGIN)).toBe(false)
    }
    expect(check('notifications', APP_ORIGIN)).toBe(true)
    expect(check('notifications', 'https://evil.example')).toBe(false)
  })
})

describe('the app:// scheme', () => {
  let base: string
  let root: string

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'cht-app-'))
    root = join(base, 'renderer')
    mkdirSync(join(root, 'assets'), { recursive: true })
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>cht</title>')
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(base, 'secret.txt'), 'TOP SECRET')
    symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'))
  })
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  const get = (url: string, method = 'GET') => serveApp(root, new Request(url, { method }))

  it('is registered as privileged (standard, secure, fetch) before ready', () => {
    registerAppScheme()
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ])
  })

  it('serves the built renderer with the CSP header', async () => {
    const res = await get('app://bundle/index.html')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toBe(CSP)
    expect(await res.text()).toContain('<title>cht</title>')
    const js = await get('app://bundle/assets/app.js')
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(js.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await get('app://bundle/')).status).toBe(200)
  })

  it('installs the handler on the session', async () => {
    const ses = new FakeSession()
    installAppProtocol(root, ses as never)
    const res = await ses.protocolHandlers.get('app')!(new Request('app://bundle/index.html'))
    expect(res.status).toBe(200)
  })

  it('refuses path traversal, other hosts, odd methods and symlinks out of the root', async () => {
    const bad = [
      'app://bundle/../secret.txt', // normalized by URL to /secret.txt: not in root
      'app://bundle/%2e%2e/secret.txt',
      'app://bundle/..%2fsecret.txt',
      'app://bundle/assets/..%2f..%2fsecret.txt',
      'app://bundle/%2e%2e%5csecret.txt',
      'app://bundle/assets%00/app.js',
      'app://bundle/assets/link.txt',
      'app://other/index.html',
      'app://bundle/nope.js',
      'app://bundle/%E0%A4%A',
    ]
    for (const url of bad) {
      const res = await get(url)
      expect(res.status, url).toBe(404)
      expect(res.headers.get('content-security-policy'), url).toBe(CSP)
      expect(await res.text(), url).not.toContain('SECRET')
    }
    expect((await get('app://bundle/index.html', 'POST')).status).toBe(404)
  })

  it('maps paths only inside the root', () => {
    expect(resolveAppPath(root, 'app://bundle/assets/app.js')).toBe(join(resolve(root), 'assets', 'app.js'))
    expect(resolveAppPath(root, 'app://bundle/..%2F..%2Fetc/passwd')).toBeNull()
    expect(resolveAppPath(root, 'app://bundle/%2F..%2F..%2Fetc%2Fpasswd')).toBeNull()
    expect(resolveAppPath(root, 'https://bundle/index.html')).toBeNull()
    expect(resolveAppPath(root, 'not a url')).toBeNull()
  })

  it('uses the same CSP as index.html (plus frame-ancestors, which a meta tag cannot carry)', () => {
    const html = readFileSync(resolve(import.meta.dirname, '../renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBeTruthy()
    const directives = (s: string) => s.split(';').map((d) => d.trim()).filter(Boolean).sort()
    expect(directives(CSP)).toEqual(directives(`${meta}; frame-ancestors 'none'`))
    expect(CSP).toContain("connect-src 'none'")
  })

  it('computes scheme://host origins (WHATWG gives app: an opaque one)', () => {
    expect(originOf('app://bundle/index.html#/chat')).toBe('app://bundle')
    expect(originOf('https://Example.com:8443/x')).toBe('https://example.com:8443')
    expect(originOf('javascript:alert(1)')).toBeNull()
    expect(originOf('nonsense')).toBeNull()
  })
})
