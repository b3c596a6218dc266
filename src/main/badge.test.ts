import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Chat } from '../shared/model'
import { createBadge } from './badge'
import { unreadTotal, windowTitle } from '../shared/unread'
import { OVERLAY_ICONS } from './tray-icons'
import { app, BrowserWindow, FakeNativeImage, nativeImage, resetFakeElectron } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

function setup(platform: string, quiet = false) {
  const win = new BrowserWindow({})
  const badge = createBadge({
    app, platform, nativeImage: nativeImage as never, getWindow: () => win as never, getLocale: () => 'en', isQuiet: () => quiet,
  })
  badge.attach(win as never)
  return { win, badge }
}

beforeEach(() => resetFakeElectron())

describe('unread total', () => {
  it('sums unread over chats that are not muted', () => {
    const chats = [{ unread: 2 }, { unread: 3, muted: true }, { unread: 4, muted: false }] as Chat[]
    expect(unreadTotal(chats)).toBe(6)
    expect(windowTitle(6)).toBe('cht (6)')
    expect(windowTitle(0)).toBe('cht')
  })
})

describe('badge per platform', () => {
  it.each(['darwin', 'linux'])('%s: app.setBadgeCount and the window title', (platform) => {
    const { win, badge } = setup(platform)
    badge.update([{ unread: 3 } as Chat])
    expect(app.setBadgeCount).toHaveBeenLastCalledWith(3)
    expect(win.getTitle()).toBe('cht (3)')
    expect(win.overlay).toBeUndefined()
    badge.setTotal(0)
    expect(app.setBadgeCount).toHaveBeenLastCalledWith(0)
    expect(win.getTitle()).toBe('cht')
  })

  it('win32: a taskbar overlay icon with a description, cleared at 0', () => {
    const { win, badge } = setup('win32')
    badge.setTotal(12)
    expect(app.setBadgeCount).not.toHaveBeenCalled()
    expect((win.overlay!.image as FakeNativeImage).buffer.toString('base64')).toBe(OVERLAY_ICONS['9+'])
    expect(win.overlay!.description).toBe('12 unread messages')
    expect(win.getTitle()).toBe('cht (12)')
    badge.setTotal(0)
    expect(win.overlay).toEqual({ image: null, description: '' })
  })

  it('the page cannot replace the title that carries the count', () => {
    const { win } = setup('linux')
    let prevented = false
    win.emit('page-title-updated', { preventDefault: () => { prevented = true } })
    expect(prevented).toBe(true)
  })
})

describe('flashFrame', () => {
  it('flashes on a new message only while unfocused (Windows/Linux) and stops on focus', () => {
    const { win, badge } = setup('win32')
    win.focus()
    badge.setTotal(1)
    expect(win.flashes).toEqual([])
    win.blur()
    badge.setTotal(2)
    expect(win.flashes).toEqual([true])
    badge.setTotal(1) // read elsewhere: not new
    expect(win.flashes).toEqual([true])
    win.focus()
    expect(win.flashes).toEqual([true, false])
  })

  it('never on macOS (the dock badge says it) and never during Do Not Disturb', () => {
    const mac = setup('darwin')
    mac.badge.setTotal(3)
    expect(mac.win.flashes).toEqual([])
    const quiet = setup('linux', true)
    quiet.badge.setTotal(3)
    expect(quiet.win.flashes).toEqual([])
  })
})
