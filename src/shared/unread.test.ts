// The unread total (title, tray, badge — issue 5): properties over any list of chats.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Chat } from './model'
import { unreadTotal, windowTitle } from './unread'

const chat = fc.record({ id: fc.uuid().map((u) => `group:${u}`), unread: fc.nat({ max: 10_000 }), muted: fc.boolean() })
  .map(({ id, unread, muted }): Chat => ({ id, kind: 'group', title: id, live: true, unread, muted }))
const chats = fc.array(chat, { maxLength: 30 })

describe('unreadTotal', () => {
  it('counts exactly the unread messages of chats that are not muted, in any order', () => {
    fc.assert(fc.property(chats, (cs) => {
      const expected = cs.filter((c) => !c.muted).reduce((n, c) => n + c.unread, 0)
      expect(unreadTotal(cs)).toBe(expected)
      expect(unreadTotal([...cs].reverse())).toBe(expected)
    }), { numRuns: 300 })
  })

  it('muting a chat never raises the total, and a chat with news raises it by exactly its count', () => {
    fc.assert(fc.property(chats, chat, (cs, c) => {
      const before = unreadTotal(cs)
      expect(unreadTotal(cs.map((x) => ({ ...x, muted: true })))).toBe(0)
      expect(unreadTotal([...cs, { ...c, muted: false }])).toBe(before + c.unread)
      expect(unreadTotal([...cs, { ...c, muted: true }])).toBe(before)
    }), { numRuns: 300 })
  })

  it('the window title shows the total only when there is one', () => {
    fc.assert(fc.property(fc.nat({ max: 1_000_000 }), (n) => {
      expect(windowTitle(n)).toBe(n === 0 ? 'cht' : `cht (${n})`)
    }))
  })
})
