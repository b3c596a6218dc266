import { beforeEach, describe, expect, it, vi } from 'vitest'
import { IPC_EVENTS } from '../shared/contract'
import type { Chat, NotificationRequest } from '../shared/model'
import { forwardEvents } from './ipc'
import { createNotifications, escapeMarkup, notificationContent } from './notifications'
import { BrowserWindow, Notification, resetFakeElectron } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

const req = (p: Partial<NotificationRequest> = {}): NotificationRequest =>
  ({ chatId: 'group:team', title: 'Team', body: 'Sara: hi', count: 1, silent: false, ...p })

function setup(platform = 'linux') {
  const win = new BrowserWindow({})
  const openChat = vi.fn()
  const n = createNotifications({ Notification, platform, getWindow: () => win as never, openChat })
  return { win, openChat, n }
}

beforeEach(() => resetFakeElectron())

describe('content', () => {
  it('title, body, count and silence come from core’s request', () => {
    expect(notificationContent(req(), 'darwin')).toEqual({ title: 'Team', body: 'Sara: hi', silent: false })
    expect(notificationContent(req({ count: 4, silent: true }), 'win32')).toEqual({ title: 'Team (4)', body: 'Sara: hi', silent: true })
  })

  it('escapes markup in the body on Linux only', () => {
    const body = 'Sara: <b>bold</b> & <a href="x">link</a>'
    expect(escapeMarkup(body)).toBe('Sara: &lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href="x"&gt;link&lt;/a&gt;')
    expect(notificationContent(req({ body }), 'linux').body).toBe(escapeMarkup(body))
    expect(notificationContent(req({ body }), 'win32').body).toBe(body)
    expect(notificationContent(req({ body }), 'darwin').body).toBe(body)
    expect(escapeMarkup('&lt;')).toBe('&amp;lt;') // already-escaped text is shown as typed, not decoded
  })

  it('shows a native notification with that content', () => {
    const { n } = setup()
    n.show(req({ body: 'a < b', silent: true }))
    expect(Notification.instances).toHaveLength(1)
    expect(Notification.instances[0].options).toEqual({ title: 'Team', body: 'a &lt; b', silent: true })
    expect(Notification.instances[0].shown).toBe(true)
  })

  it('does nothing where notifications are unsupported', () => {
    Notification.supported = false
    const { n } = setup()
    n.show(req())
    expect(Notification.instances).toHaveLength(0)
  })
})

describe('one live notification per chat', () => {
  it('a newer one for the same chat replaces (closes) the previous; other chats keep theirs', () => {
    const { n } = setup()
    n.show(req({ body: 'one' }))
    n.show(req({ chatId: 'direct:x', title: 'Sara' }))
    n.show(req({ body: 'two', count: 2 }))
    const [first, other, second] = Notification.instances
    expect(first.closed).toBe(true)
    expect(other.closed).toBe(false)
    expect(second.closed).toBe(false)
    expect(second.options.title).toBe('Team (2)')
    expect(n.liveCount).toBe(2)
  })

  it('a chat read elsewhere (unread 0) or muted loses its notification', () => {
    const { n } = setup()
    n.show(req())
    n.show(req({ chatId: 'direct:x' }))
    n.show(req({ chatId: 'direct:y' }))
    const chats = [
      { id: 'group:team', unread: 0 }, { id: 'direct:x', unread: 3, muted: true }, { id: 'direct:y', unread: 2 },
    ] as Chat[]
    n.sync(chats)
    expect(Notification.instances.map((x) => x.closed)).toEqual([true, true, false])
    expect(n.liveCount).toBe(1)
  })

  it('dismissing it in the OS forgets it', () => {
    const { n } = setup()
    n.show(req())
    Notification.instances[0].close()
    expect(n.liveCount).toBe(0)
  })
})

describe('click routing', () => {
  it('restores, shows and focuses the window, then asks the renderer to open that chat', () => {
    const { win, openChat, n } = setup()
    win.minimize()
    win.visible = false
    n.show(req({ chatId: 'direct:x' }))
    Notification.instances[0].click()
    expect(win.isMinimized()).toBe(false)
    expect(win.isVisible()).toBe(true)
    expect(win.isFocused()).toBe(true)
    expect(openChat).toHaveBeenCalledWith('direct:x')
    expect(n.liveCount).toBe(0)
  })

  it('app.openChat travels in the batched event stream to the window (ipc push)', async () => {
    vi.useFakeTimers()
    try {
      const win = new BrowserWindow({})
      const stream = forwardEvents({ onEvent: () => () => undefined }, () => win as never, 5)
      const n = createNotifications({
        Notification, platform: 'win32', getWindow: () => win as never, openChat: (chatId) => stream.push('app.openChat', { chatId }),
      })
      n.show(req())
      Notification.instances[0].click()
      vi.advanceTimersByTime(10)
      expect(win.webContents.sent).toEqual([[IPC_EVENTS, [['app.openChat', { chatId: 'group:team' }]]]])
      stream()
    } finally {
      vi.useRealTimers()
    }
  })
})
