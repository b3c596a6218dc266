import { beforeEach, describe, expect, it, vi } from 'vitest'
import { DND_FOREVER, type Settings } from '../shared/model'
import { defaultSettings } from '../shared/settings'
import { createTray, trayIconKey } from './tray'
import { OVERLAY_ICONS, TRAY_ICONS } from './tray-icons'
import { FakeNativeImage, Menu, nativeImage, resetFakeElectron, Tray } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

const NOW = new Date(2025, 2, 10, 14, 30).getTime()

function setup(patch: Partial<Settings> = {}) {
  let settings: Settings = { ...defaultSettings('http://x'), locale: 'en', ...patch }
  const actions = { open: vi.fn(), toggle: vi.fn(), quit: vi.fn(), setDnd: vi.fn() }
  const t = createTray({
    Tray: Tray as never, Menu: Menu as never, nativeImage: nativeImage as never, getSettings: () => settings, now: () => NOW, ...actions,
  })
  const tray = Tray.instances.at(-1)!
  return { t, tray, actions, set: (p: Partial<Settings>) => (settings = { ...settings, ...p }) }
}

function pngSize(b64: string): [number, number] {
  const buf = Buffer.from(b64, 'base64')
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  expect(buf.subarray(12, 16).toString('ascii')).toBe('IHDR')
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)]
}

const shown = (tray: Tray) => (tray.image as FakeNativeImage).buffer.toString('base64')

beforeEach(() => resetFakeElectron())

describe('tray icon by unread count', () => {
  it('0 → plain, 5 → "5", 12 → "9+"', () => {
    expect([0, 1, 5, 9, 10, 12, 5000].map(trayIconKey)).toEqual(['0', '1', '5', '9', '9+', '9+', '9+'])
    const { t, tray } = setup()
    expect(shown(tray)).toBe(TRAY_ICONS['0'])
    t.setUnread(5)
    expect(shown(tray)).toBe(TRAY_ICONS['5'])
    expect(t.iconKey).toBe('5')
    t.setUnread(12)
    expect(shown(tray)).toBe(TRAY_ICONS['9+'])
    t.setUnread(0)
    expect(shown(tray)).toBe(TRAY_ICONS['0'])
    expect((tray.image as FakeNativeImage).scaleFactor).toBe(2)
  })

  it('the pre-rendered icons are distinct 32×32 PNGs', () => {
    const all = [...Object.values(TRAY_ICONS), ...Object.values(OVERLAY_ICONS)]
    expect(Object.keys(TRAY_ICONS)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '9+'])
    for (const b64 of all) expect(pngSize(b64)).toEqual([32, 32])
    expect(new Set(all).size).toBe(all.length)
  })

  it('the tooltip tells the count and Do Not Disturb', () => {
    const { t, tray, set } = setup()
    t.setUnread(3)
    expect(tray.tooltip).toBe('cht — 3 unread messages')
    set({ dndUntil: DND_FOREVER })
    t.refresh()
    expect(tray.tooltip).toBe('cht — 3 unread messages — Do Not Disturb is on')
  })
})

describe('tray menu: every action, since some Linux trays ignore clicks', () => {
  it('Open, Quit and the click', () => {
    const { tray, actions } = setup()
    tray.menu!.find('Open cht')!.click!()
    expect(actions.open).toHaveBeenCalledOnce()
    tray.menu!.find('Quit cht')!.click!()
    expect(actions.quit).toHaveBeenCalledOnce()
    tray.emit('click')
    expect(actions.toggle).toHaveBeenCalledOnce()
  })

  it('Do Not Disturb: 1 hour, until tomorrow 08:00, until turned off, off', () => {
    const { t, tray, actions, set } = setup()
    expect(tray.menu!.find('Do Not Disturb', 'Turn off')!.enabled).toBe(false)
    tray.menu!.find('Do Not Disturb', 'For 1 hour')!.click!()
    tray.menu!.find('Do Not Disturb', 'Until tomorrow')!.click!()
    tray.menu!.find('Do Not Disturb', 'Until turned off')!.click!()
    expect(actions.setDnd.mock.calls.map((c) => c[0])).toEqual([
      NOW + 3_600_000, new Date(2025, 2, 11, 8, 0).getTime(), DND_FOREVER,
    ])
    set({ dndUntil: DND_FOREVER })
    t.refresh()
    expect(tray.menu!.find('Do Not Disturb ✓', 'Turn off')!.enabled).toBe(true)
    tray.menu!.find('Do Not Disturb ✓', 'Turn off')!.click!()
    expect(actions.setDnd).toHaveBeenLastCalledWith(null)
  })

  it('speaks Persian when the UI does', () => {
    const { tray } = setup({ locale: 'fa' })
    expect(tray.menu!.find('خروج از cht')).toBeDefined()
    expect(tray.menu!.find('مزاحم نشوید', 'تا فردا')).toBeDefined()
  })
})
