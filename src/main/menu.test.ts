import { beforeEach, describe, expect, it, vi } from 'vitest'
import { appMenuTemplate, createZoom, installAppMenu, ZOOM_MAX } from './menu'
import { BrowserWindow, FakeMenu, Menu, resetFakeElectron } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

beforeEach(() => resetFakeElectron())

function zoomSetup(saved = 0) {
  const win = new BrowserWindow({})
  let level = saved
  const save = vi.fn((l: number) => (level = l))
  const zoom = createZoom({ getWindow: () => win as never, getLevel: () => level, save })
  return { win, zoom, save }
}

function install(platform: string, isPackaged = true, locale = 'en') {
  const quickSwitch = vi.fn()
  const quit = vi.fn()
  const openLogs = vi.fn()
  const copyDiagnostics = vi.fn()
  const { zoom, win, save } = zoomSetup()
  installAppMenu(Menu as never, { platform, isPackaged, locale, zoom, quickSwitch, quit, openLogs, copyDiagnostics })
  return { menu: Menu.applicationMenu as FakeMenu, quickSwitch, quit, win, save, openLogs, copyDiagnostics }
}

describe('application menu', () => {
  it('has the standard roles', () => {
    const { menu } = install('linux')
    const roles = JSON.stringify(menu.items, (_k, v) => (typeof v === 'function' ? undefined : v))
    for (const role of ['editMenu', 'windowMenu', 'togglefullscreen']) expect(roles).toContain(`"role":"${role}"`)
    expect(roles).not.toContain('toggleDevTools') // packaged: no DevTools (DESIGN §6)
    expect(menu.find('File', 'Quit cht')!.accelerator).toBe('CmdOrCtrl+Q')
  })

  it('macOS gets the app menu; development builds get reload and DevTools', () => {
    const mac = appMenuTemplate({
      platform: 'darwin', isPackaged: false, locale: 'en', zoom: zoomSetup().zoom, quickSwitch: vi.fn(), quit: vi.fn(),
      openLogs: vi.fn(), copyDiagnostics: vi.fn(),
    })
    expect(mac[0]).toEqual({ role: 'appMenu' })
    expect(JSON.stringify(mac)).toContain('toggleDevTools')
  })

  it('Ctrl/Cmd+K opens the quick switcher', () => {
    const { menu, quickSwitch } = install('win32')
    const item = menu.find('Go', 'Go to chat…')!
    expect(item.accelerator).toBe('CmdOrCtrl+K')
    item.click!()
    expect(quickSwitch).toHaveBeenCalledOnce()
  })

  it('zoom items change the page zoom and persist it', () => {
    const { menu, win, save } = install('linux')
    menu.find('View', 'Zoom in')!.click!()
    expect(win.webContents.zoomLevel).toBe(0.5)
    expect(save).toHaveBeenLastCalledWith(0.5)
    expect(menu.find('View', 'Zoom out')!.accelerator).toBe('CmdOrCtrl+-')
  })
})

describe('zoom', () => {
  it('in / out / reset, persisted, clamped', () => {
    const { win, zoom, save } = zoomSetup()
    zoom.zoomIn()
    zoom.zoomIn()
    expect(win.webContents.zoomLevel).toBe(1)
    zoom.zoomOut()
    expect(win.webContents.zoomLevel).toBe(0.5)
    expect(save.mock.calls.map((c) => c[0])).toEqual([0.5, 1, 0.5])
    zoom.reset()
    expect(win.webContents.zoomLevel).toBe(0)
    for (let i = 0; i < 50; i++) zoom.zoomIn()
    expect(win.webContents.zoomLevel).toBe(ZOOM_MAX)
  })

  it('a (re)loaded window gets the saved level', () => {
    const { win, zoom, save } = zoomSetup(-1)
    zoom.apply()
    expect(win.webContents.zoomLevel).toBe(-1)
    expect(save).not.toHaveBeenCalled()
  })
})

describe('Help menu (issue 13: no log file, nothing to send support)', () => {
  it('opens the logs folder and copies diagnostics, in English and Persian', () => {
    const en = install('linux')
    en.menu.find('Help', 'Open logs folder')!.click!()
    en.menu.find('Help', 'Copy diagnostics')!.click!()
    expect(en.openLogs).toHaveBeenCalledTimes(1)
    expect(en.copyDiagnostics).toHaveBeenCalledTimes(1)
    const fa = install('win32', true, 'fa')
    fa.menu.find('راهنما', 'باز کردن پوشهٔ گزارش‌ها')!.click!()
    fa.menu.find('راهنما', 'کپی اطلاعات عیب‌یابی')!.click!()
    expect(fa.openLogs).toHaveBeenCalledTimes(1)
    expect(fa.copyDiagnostics).toHaveBeenCalledTimes(1)
  })
})

