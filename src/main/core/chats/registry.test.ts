// The registry's in-memory count of live batches (registry.appended, issue 10) against the store's own count after
// the batches are filed: the live path must not need the store to know a chat's unread count and preview. Property-
// tested on a real SQLite file; the read mark moves at random in between, as reading the chat does —
// a few milliseconds apart, so messages at the very mark and ties for the newest are common.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { Message } from '../../../shared/model'
import { LocalStore } from '../store'
import { ChatRegistry } from './registry'

const root = mkdtempSync(join(tmpdir(), 'cht-registry-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const chat = { id: 'group:team', kind: 'group' as const, title: 'Team', slug: 'team', live: true }
const me = { id: 'me', name: 'Me', isSuperuser: false }

describe('ChatRegistry.appended', () => {
  it('property: counting live batches in memory gives what the store counts once they are filed', () => {
    const step = fc.oneof(
      fc.record({ batch: fc.array(fc.record({ dt: fc.integer({ min: -5, max: 5 }), own: fc.boolean() }), { minLength: 1, maxLength: 6 }) }),
      fc.record({ readTo: fc.integer({ min: -5, max: 5 }) }),
    )
    fc.assert(fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
      const { store } = LocalStore.open(join(root, `u${++n}`, 'db.sqlite'))
      try {
        store.saveChat(chat)
        const registry = new ChatRegistry({ store, me, isMuted: () => false, newestQueued: () => undefined })
        registry.load()
        const s = registry.get(chat.id)!
        let i = 0
        const base = 1_700_000_000_000
        for (const x of steps) {
          if ('readTo' in x) {
            registry.markRead(s, base + x.readTo, base + 60_000)
            continue
          }
          const messages: Message[] = x.batch.map((m) => ({
            key: `l:${String(++i).padStart(6, '0')}`, chatId: chat.id, senderName: m.own ? me.name : 'Sara', text: `m${i}`,
            at: base + m.dt, own: m.own, status: 'sent',
          }))
          store.keepLive(messages)
          registry.appended(s, messages)
          expect(store.inboxPending()).toBe(true) // counted without asking the store (a read would file them)
        }
        const counted = { unread: s.unread, last: s.last?.key }
        registry.recount(s) // reads the store: files the inbox first
        expect(counted).toEqual({ unread: s.unread, last: s.last?.key })
      } finally {
        store.close()
      }
    }), { numRuns: 150 })
  })
})
