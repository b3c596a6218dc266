import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Settings } from '../shared/model'
import { defaultSettings } from '../shared/settings'
import { memoryPorts } from './core/ports'
import { AUTOSTART_FILE, autostartEntry, createLifecycle } from './lifecycle'
import { app, BrowserWindow, resetFakeElectron } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

function setup(patch: Partial<Settings> = {}, platform = 'win32') {
  const settings: Settings = { ...defaultSettings('http://x'), ...patch }
  const store = memoryPorts().store
  const showBackgroundNotice = vi.fn()
  const files = new Map<string, string>()
  const life = createLifecycle({
    app, platform, store, getSettings: () => settings, showBackgroundNotice,
    autostart: { dir: '/home/u/.config/autostart', exec: '/opt/cht/cht', write: (p, t) => files.set(p, t), remove: (p) => files.delete(p) },
  })
  const win = new BrowserWindow({})
  win.show()
  life.attach(win as never)
  return { life, win, store, showBackgroundNotice, settings, files }
}

beforeEach(() => resetFakeElectron())

describe('close to background vs quit', () => {
  it('closing hides the window and says so once', () => {
    const { win, showBackgroundNotice, store } = setup()
    win.close()
    expect(win.isDestroyed()).toBe(false)
    expect(win.isVisible()).toBe(false)
    expect(showBackgroundNotice).toHaveBeenCalledOnce()
    expect(store.get('background.noticeShown')).toBe(true)
    win.show()
    win.close()
    expect(win.isVisible()).toBe(false)
    expect(showBackgroundNotice).toHaveBeenCalledOnce()
  })

  it('"run in background" off: closing closes', () => {
    const { win, showBackgroundNotice } = setup({ runInBackground: false })
    win.close()
    expect(win.isDestroyed()).toBe(true)
    expect(showBackgroundNotice).not.toHaveBeenCalled()
  })

  it('Quit (tray, menu, Cmd+Q: all emit before-quit) really closes the window', () => {
    const { win, life } = setup()
    expect(life.isQuitting()).toBe(false)
    app.emit('before-quit', { preventDefault() {} })
    expect(life.isQuitting()).toBe(true)
    win.close()
    expect(win.isDestroyed()).toBe(true)
  })
})

describe('start at login', () => {
  it('applies the setting to the OS login items (packaged builds)', () => {
    app.isPackaged = true
    const on = setup({ startAtLogin: true }, 'darwin')
    on.life.applyLoginItem()
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true })
    const off = setup({ startAtLogin: false }, 'win32')
    off.life.applyLoginItem()
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false })
    expect(app.getLoginItemSettings().openAtLogin).toBe(false)
  })

  it('Linux: an XDG autostart entry, written and removed', () => {
    app.isPackaged = true
    const { life, settings, files } = setup({ startAtLogin: true }, 'linux')
    life.applyLoginItem()
    const path = `/home/u/.config/autostart/${AUTOSTART_FILE}`
    expect(files.get(path)).toBe(autostartEntry('/opt/cht/cht'))
    expect(files.get(path)).toContain('Exec="/opt/cht/cht"')
    settings.startAtLogin = false
    life.applyLoginItem()
    expect(files.has(path)).toBe(false)
    expect(app.setLoginItemSettings).not.toHaveBeenCalled()
  })

  it('a development build never registers itself', () => {
    const { life } = setup({ startAtLogin: true }, 'darwin')
    life.applyLoginItem()
    expect(app.setLoginItemSettings).not.toHaveBeenCalled()
  })
})
