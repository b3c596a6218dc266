import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ChtError } from '../core/errors'
import { BrowserWindow, resetFakeElectron, session, shell, type FakeSession } from '../testing/fake-electron'
import { cookieMatchesHost, createSsoLogin } from './sso'

vi.mock('electron', () => import('../testing/fake-electron'))

beforeEach(() => resetFakeElectron())

function start(origin = 'http://127.0.0.1:8787') {
  const promise = createSsoLogin().login(origin)
  const win = BrowserWindow.instances.at(-1)!
  const ses = session.partitions.get(win.options.webPreferences!.partition as string) as FakeSession
  const cookie = (c: { name: string; value: string; domain: string }, removed = false) =>
    ses.cookies.emit('changed', {}, c, removed ? 'explicit' : 'inserted', removed)
  return { promise, win, ses, cookie }
}

describe('SSO login window (DESIGN §4)', () => {
  it('is sandboxed, has no preload and its own in-memory session', () => {
    const { win, ses, promise } = start()
    promise.catch(() => undefined)
    const prefs = win.options.webPreferences!
    expect(prefs).not.toHaveProperty('preload')
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false })
    expect(prefs.partition).toMatch(/^sso-[0-9a-f-]{36}$/)
    expect(String(prefs.partition)).not.toMatch(/^persist:/)
    expect(ses).toBeDefined()
    expect(win.loadedUrl).toBe('http://127.0.0.1:8787/sso/login/')
    // The page gets no permissions at all.
    let granted: boolean | undefined
    ses.permissionRequestHandler!(...([{}, 'notifications', (g: boolean) => { granted = g }] as never[]))
    expect(granted).toBe(false)
    win.close()
  })

  it('resolves with the token cookie of the server host, ignoring anything else, and closes', async () => {
    const { promise, win, cookie, ses } = start()
    cookie({ name: 'token', value: 'evil', domain: 'evil.example' })
    cookie({ name: 'csrftoken', value: 'nope', domain: '127.0.0.1' })
    cookie({ name: 'token', value: 'gone', domain: '127.0.0.1' }, true)
    cookie({ name: 'token', value: '', domain: '127.0.0.1' })
    expect(win.isDestroyed()).toBe(false)
    cookie({ name: 'token', value: 'abc123', domain: '127.0.0.1' })
    await expect(promise).resolves.toBe('abc123')
    expect(win.isDestroyed()).toBe(true)
    expect(ses.cookies.listenerCount('changed')).toBe(0)
    expect(ses.cleared).toBeGreaterThan(0)
  })

  it('rejects with sso.cancelled when the user closes the window', async () => {
    const { promise, win } = start('https://chat.example.org')
    win.close()
    const err = await promise.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChtError)
    expect((err as ChtError).code).toBe('sso.cancelled')
  })

  it('closes the window when the app cancels the sign-in (issue 12 item 8)', async () => {
    const ctl = new AbortController()
    const promise = createSsoLogin().login('https://chat.example.org', ctl.signal)
    const win = BrowserWindow.instances.at(-1)!
    const ses = session.partitions.get(win.options.webPreferences!.partition as string) as FakeSession
    const reason = new ChtError('signin.cancelled')
    ctl.abort(reason)
    await expect(promise).rejects.toBe(reason)
    expect(win.isDestroyed()).toBe(true)
    expect(ses.cookies.listenerCount('changed')).toBe(0)
    // Already cancelled: nothing opens.
    await expect(createSsoLogin().login('https://chat.example.org', ctl.signal)).rejects.toBe(reason)
    expect(BrowserWindow.instances).toHaveLength(1)
  })

  it('keeps navigation on the server origin', () => {
    const { promise, win } = start('https://chat.example.org')
    promise.catch(() => undefined)
    const wc = win.webContents
    expect(wc.emitNavigation('will-navigate', 'https://chat.example.org/sso/login/?next=/')).toBe(false)
    expect(wc.emitNavigation('will-redirect', 'https://chat.example.org/sso/done/')).toBe(false)
    expect(wc.emitNavigation('will-navigate', 'https://evil.example/phish')).toBe(true)
    expect(wc.emitNavigation('will-redirect', 'http://chat.example.org/')).toBe(true)
    expect(wc.emitNavigation('will-navigate', 'javascript:alert(1)')).toBe(true)
    expect(wc.emitNavigation('will-attach-webview', 'https://chat.example.org/')).toBe(true)
    expect(wc.windowOpenHandler!({ url: 'https://chat.example.org/x' })).toEqual({ action: 'deny' })
    win.close()
  })

  it('the remote SSO page can reach openExternal through window.open with no click — now never, click or not', async () => {
    const { promise, win } = start('https://chat.example.org')
    promise.catch(() => undefined)
    const wc = win.webContents
    wc.emit('input-event', {}, { type: 'mouseDown' }) // even right after a click inside the SSO page
    for (const url of ['https://evil.example/', 'mailto:x@y.example?attach=/etc/passwd', 'https://chat.example.org/help']) {
      expect(wc.windowOpenHandler!({ url })).toEqual({ action: 'deny' })
    }
    await new Promise((r) => setImmediate(r))
    expect(shell.openExternal).not.toHaveBeenCalled()
    expect(BrowserWindow.instances).toHaveLength(1) // no other window either
    win.close()
  })

  it('refuses a non-http origin without opening anything', async () => {
    await expect(createSsoLogin().login('file:///etc')).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(createSsoLogin().login('not a url')).rejects.toMatchObject({ code: 'invalid-input' })
    expect(BrowserWindow.instances).toHaveLength(0)
  })

  it('matches cookie domains to the host', () => {
    expect(cookieMatchesHost({ domain: 'chat.example.org' }, 'chat.example.org')).toBe(true)
    expect(cookieMatchesHost({ domain: '.example.org' }, 'chat.example.org')).toBe(true)
    expect(cookieMatchesHost({ domain: 'example.org.evil' }, 'chat.example.org')).toBe(false)
    expect(cookieMatchesHost({ domain: 'le.org' }, 'chat.example.org')).toBe(false)
    expect(cookieMatchesHost({ domain: '' }, 'chat.example.org')).toBe(false)
  })
})
