import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DND_FOREVER, type Chat, type Message, type NotificationRequest, type Settings } from '../../shared/model'
import { defaultSettings } from '../../shared/settings'
import { dndUntilFor } from '../../shared/dnd'
import type { Clock } from './ports'
import { COALESCE_MS, isDndActive, markMuted, Notifier, previewText, withMuted } from './notify'

const group: Chat = { id: 'group:team', kind: 'group', title: 'Team', live: true, unread: 0 }
const direct: Chat = { id: 'direct:abc', kind: 'direct', title: 'Sara Miller', live: true, unread: 0 }

let seq = 0
function msg(chat: Chat, text: string, extra: Partial<Message> = {}): Message {
  return { key: `l:${++seq}`, chatId: chat.id, senderName: 'Sara Miller', text, at: 0, own: false, status: 'sent', ...extra }
}

function setup(patch: Partial<Settings> = {}) {
  let settings: Settings = { ...defaultSettings('http://x'), locale: 'en', ...patch }
  // The clock follows vitest's fake timers, so the timers and the rules see the same time.
  const clock: Clock = {
    now: () => Date.now(), monotonic: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms) as never, clearTimeout: (t) => clearTimeout(t as never),
  }
  const out: NotificationRequest[] = []
  const chats = new Map([group, direct].map((c) => [c.id, c]))
  const n = new Notifier({ clock, getSettings: () => settings, chatOf: (id) => chats.get(id), emit: (r) => out.push(r) })
  return { n, out, set: (p: Partial<Settings>) => (settings = { ...settings, ...p }) }
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(new Date(2025, 2, 10, 14, 30))
})
afterEach(() => vi.useRealTimers())

describe('who gets notified', () => {
  it('a message in a chat not being looked at notifies: chat title, sender and preview', () => {
    const { n, out } = setup()
    n.incoming(group.id, msg(group, 'hello\n  team'), null)
    expect(out).toEqual([{ chatId: 'group:team', title: 'Team', body: 'Sara Miller: hello team', count: 1, silent: false }])
    n.incoming(direct.id, msg(direct, 'hi'), 'group:team')
    expect(out[1]).toEqual({ chatId: 'direct:abc', title: 'Sara Miller', body: 'hi', count: 1, silent: false })
  })

  it('own messages never notify', () => {
    const { n, out } = setup()
    n.incoming(group.id, msg(group, 'mine', { own: true }), null)
    expect(out).toEqual([])
  })

  it('muted chats do not notify; others still do', () => {
    const { n, out } = setup({ mutedChats: ['group:team'] })
    n.incoming(group.id, msg(group, 'x'), null)
    n.incoming(direct.id, msg(direct, 'y'), null)
    expect(out.map((r) => r.chatId)).toEqual(['direct:abc'])
  })

  it('the active chat notifies only when the window is not focused', () => {
    const { n, out } = setup()
    n.incoming(group.id, msg(group, 'seen'), 'group:team')
    expect(out).toHaveLength(0)
    expect(n.suppressedBy('group:team', 'group:team')).toBe('viewing')
    n.focused = false
    n.incoming(group.id, msg(group, 'not seen'), 'group:team')
    expect(out.map((r) => r.body)).toEqual(['Sara Miller: not seen'])
  })

  it('notifications switched off: nothing', () => {
    const { n, out } = setup({ notifications: { enabled: false, previews: true, sound: true } })
    n.incoming(group.id, msg(group, 'x'), null)
    expect(out).toEqual([])
  })

  it('sound off makes the notification silent', () => {
    const { n, out } = setup({ notifications: { enabled: true, previews: true, sound: false } })
    n.incoming(group.id, msg(group, 'x'), null)
    expect(out[0].silent).toBe(true)
  })
})

describe('Do Not Disturb (injected clock)', () => {
  it('for 1 hour: quiet during the hour, notifying after it', () => {
    const { n, out } = setup()
    const now = Date.now()
    const until = dndUntilFor('1h', now)!
    expect(until - now).toBe(3_600_000)
    const s = setup({ dndUntil: until })
    s.n.incoming(group.id, msg(group, 'during'), null)
    vi.advanceTimersByTime(59 * 60_000)
    s.n.incoming(group.id, msg(group, 'still during'), null)
    expect(s.out).toHaveLength(0)
    vi.advanceTimersByTime(2 * 60_000)
    s.n.incoming(group.id, msg(group, 'after'), null)
    expect(s.out.map((r) => r.body)).toEqual(['Sara Miller: after'])
    expect(out).toHaveLength(0)
    expect(n.suppressedBy('group:team', null)).toBeNull()
  })

  it('until tomorrow: ends tomorrow at 08:00 local time', () => {
    const until = dndUntilFor('tomorrow', Date.now())!
    const end = new Date(until)
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()]).toEqual([2025, 2, 11, 8, 0])
    const { n, out } = setup({ dndUntil: until })
    vi.setSystemTime(new Date(2025, 2, 11, 7, 59))
    n.incoming(group.id, msg(group, 'early'), null)
    expect(out).toHaveLength(0)
    vi.setSystemTime(new Date(2025, 2, 11, 8, 1))
    n.incoming(group.id, msg(group, 'morning'), null)
    expect(out).toHaveLength(1)
  })

  it('until turned off: still quiet a year later; off notifies again', () => {
    expect(dndUntilFor('forever', Date.now())).toBe(DND_FOREVER)
    expect(dndUntilFor('off', Date.now())).toBeNull()
    const { n, out, set } = setup({ dndUntil: DND_FOREVER })
    vi.setSystemTime(new Date(2026, 2, 10))
    n.incoming(group.id, msg(group, 'x'), null)
    expect(out).toHaveLength(0)
    expect(isDndActive({ dndUntil: DND_FOREVER }, Date.now())).toBe(true)
    set({ dndUntil: null })
    n.incoming(group.id, msg(group, 'y'), null)
    expect(out).toHaveLength(1)
  })
})

describe('content', () => {
  it('previews off: neither sender, chat nor text — only a count', () => {
    const { n, out } = setup({ notifications: { enabled: true, previews: false, sound: true } })
    n.incoming(direct.id, msg(direct, 'secret'), null)
    expect(out[0]).toMatchObject({ title: 'cht', body: 'New message', count: 1 })
    expect(JSON.stringify(out)).not.toMatch(/secret|Sara/)
  })

  it('previews off in Persian', () => {
    const { n, out } = setup({ locale: 'fa', notifications: { enabled: true, previews: false, sound: true } })
    n.incoming(direct.id, msg(direct, 'a'), null)
    vi.advanceTimersByTime(COALESCE_MS)
    n.incoming(direct.id, msg(direct, 'b'), null)
    vi.advanceTimersByTime(COALESCE_MS)
    expect(out.map((r) => r.body)).toEqual(['پیام جدید', '۲ پیام جدید'])
  })

  it('files say so, in the UI language; long texts are cut; bidi overrides never reach the bubble', () => {
    const photo = msg(group, '', { file: { url: 'http://x/a.png', name: 'a.png', isImage: true } })
    expect(previewText(photo, 'en')).toBe('Photo: a.png')
    expect(previewText(photo, 'fa')).toBe('عکس: a.png')
    const doc = msg(group, 'see this', { file: { url: 'http://x/r.pdf', name: 'r.pdf', isImage: false } })
    expect(previewText(doc, 'en')).toBe('File: r.pdf — see this')
    const long = previewText(msg(group, 'x'.repeat(500)), 'en')
    expect(long.length).toBeLessThanOrEqual(140)
    expect(long.endsWith('…')).toBe(true)
    expect(previewText(msg(group, 'evil\u202Egnp.exe'), 'en')).toBe('evilgnp.exe')
  })

  it('chats carry their mute flag', () => {
    const s = { mutedChats: ['group:team'] }
    expect(withMuted([group, direct], s).map((c) => c.muted)).toEqual([true, false])
    expect(markMuted({ ...group, muted: true }, { mutedChats: [] }).muted).toBe(false)
  })
})

describe('coalescing: one live notification per chat', () => {
  it('a burst becomes one event now and one carrying the latest message and the count', () => {
    const { n, out } = setup()
    for (let i = 1; i <= 5; i++) n.incoming(group.id, msg(group, `m${i}`), null)
    expect(out.map((r) => [r.body, r.count])).toEqual([['Sara Miller: m1', 1]])
    vi.advanceTimersByTime(COALESCE_MS)
    expect(out.map((r) => [r.body, r.count])).toEqual([['Sara Miller: m1', 1], ['Sara Miller: m5', 5]])
    vi.advanceTimersByTime(10 * COALESCE_MS)
    expect(out).toHaveLength(2)
  })

  it('chats coalesce independently', () => {
    const { n, out } = setup()
    n.incoming(group.id, msg(group, 'a'), null)
    n.incoming(direct.id, msg(direct, 'b'), null)
    n.incoming(group.id, msg(group, 'c'), null)
    expect(out.map((r) => r.chatId)).toEqual(['group:team', 'direct:abc'])
  })

  it('opening the chat resets the count and drops a held-back burst', () => {
    const { n, out } = setup()
    n.incoming(group.id, msg(group, 'a'), null)
    n.incoming(group.id, msg(group, 'b'), null)
    n.reset('group:team')
    vi.advanceTimersByTime(COALESCE_MS)
    expect(out).toHaveLength(1)
    n.incoming(group.id, msg(group, 'c'), null)
    expect(out[1]).toMatchObject({ body: 'Sara Miller: c', count: 1 })
  })

  it('muting or DND during the hold-back drops the pending one', () => {
    const { n, out, set } = setup()
    n.incoming(group.id, msg(group, 'a'), null)
    n.incoming(group.id, msg(group, 'b'), null)
    set({ dndUntil: dndUntilFor('1h', Date.now()) })
    vi.advanceTimersByTime(COALESCE_MS)
    expect(out).toHaveLength(1)
  })
})
