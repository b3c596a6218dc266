// The local database (issue 10) on real SQLite files in a temp folder: windows in time order, read-back
// validation, migration v1 → v2, and damaged files moved aside with their readable outbox rows carried over.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { Message } from '../../../shared/model'
import type { OutboxItem } from '../outbox'
import { openDatabase, registerFunctions, SCHEMA_VERSION } from './db'
import { LocalStore } from './index'
import { rejected } from './rows'

const root = mkdtempSync(join(tmpdir(), 'cht-store-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const file = () => join(root, `u${++n}`, 'db.sqlite')

const chat = { id: 'group:team', kind: 'group' as const, title: 'Team', slug: 'team', live: true }
function msg(i: number, extra: Partial<Message> = {}): Message {
  return { key: `s:${i}`, serverId: String(i), chatId: chat.id, senderName: 'Sara', text: `m${i}`, at: 1_000 + i, own: false, status: 'sent', ...extra }
}
function item(i: number): OutboxItem {
  return { key: `o:${i}`, chatId: chat.id, text: `queued ${i}`, createdAt: 5_000 + i, status: 'pending' }
}

describe('LocalStore', () => {
  it('keeps chats, messages in time order, read marks, drafts and the outbox across a reopen', () => {
    const f = file()
    const { store } = LocalStore.open(f)
    store.saveChat(chat, [{ id: 'u1', name: 'Sara', isSuperuser: false }])
    // Inserted out of order (a re-read brings older messages after live ones): windows are by time.
    store.putMessages([msg(3), msg(1), msg(2), { ...msg(4), key: 'l:live', serverId: undefined, at: 1_003 }])
    store.setReadAt(chat.id, 1_002)
    store.setDraft(chat.id, 'half a thought')
    store.putOutbox(item(1))
    store.close()

    const { store: again, recovered } = LocalStore.open(f)
    expect(recovered).toBeUndefined()
    expect(again.chats()).toEqual([{ chat, members: [{ id: 'u1', name: 'Sara', isSuperuser: false }], readAt: 1_002, draft: 'half a thought' }])
    expect(again.latest(chat.id, 10).map((m) => m.key)).toEqual(['s:1', 's:2', 's:3', 'l:live'])
    expect(again.latest(chat.id, 2).map((m) => m.key)).toEqual(['s:3', 'l:live'])
    expect(again.before(chat.id, 's:3', 5)!.map((m) => m.key)).toEqual(['s:1', 's:2'])
    expect(again.after(chat.id, 's:1', 1)!.map((m) => m.key)).toEqual(['s:2'])
    expect(again.unreadCount(chat.id, 1_002)).toBe(2)
    expect(again.firstUnread(chat.id, 1_002)?.key).toBe('s:3')
    expect(again.withoutServerId(chat.id).map((m) => m.key)).toEqual(['l:live'])
    expect([...again.serverIds(chat.id)].sort()).toEqual(['1', '2', '3'])
    expect(again.outbox()).toEqual([item(1)])
    again.close()
  })

  it('a message written again under its key keeps its place and takes the new fields (settling)', () => {
    const { store } = LocalStore.open(file())
    store.saveChat(chat)
    store.putMessages([msg(1), { ...msg(2), key: 'o:x', serverId: undefined, own: true }])
    store.putMessages([{ ...msg(2), key: 'o:x', own: true, text: 'settled' }])
    expect(store.latest(chat.id, 5).map((m) => [m.key, m.serverId, m.text])).toEqual([['s:1', '1', 'm1'], ['o:x', '2', 'settled']])
    store.close()
  })

  it('rows that do not validate are skipped and counted, never thrown', () => {
    const f = file()
    const { store } = LocalStore.open(f)
    store.saveChat(chat)
    store.putMessages([msg(1), msg(2)])
    store.putOutbox(item(1))
    store.close()
    const raw = new DatabaseSync(f)
    registerFunctions(raw) // the search index's triggers call them (v3)
    raw.exec(`UPDATE messages SET file = '{not json' WHERE key = 's:2'`)
    raw.exec(`INSERT INTO outbox(key, chat_id, data) VALUES ('o:bad', 'group:team', '{"key":"o:bad"}')`)
    raw.exec(`INSERT INTO chats(id, data) VALUES ('group:x', 'null')`)
    raw.close()
    const before = rejected.rows
    const { store: again } = LocalStore.open(f)
    expect(again.latest(chat.id, 10).map((m) => m.key)).toEqual(['s:1'])
    expect(again.outbox().map((i) => i.key)).toEqual(['o:1'])
    expect(again.chats().map((c) => c.chat.id)).toEqual([chat.id])
    expect(rejected.rows - before).toBe(3)
    again.close()
  })

  it('migrates a v1 database to the current schema without losing anything', () => {
    const f = file()
    const v1 = openDatabase(f, Date.now, 1).db
    v1.prepare('INSERT INTO chats(id, data, read_at) VALUES (?, ?, ?)').run(chat.id, JSON.stringify(chat), 1_001)
    v1.prepare(`INSERT INTO messages(chat_id, key, server_id, at, own, sender_name, text) VALUES (?, 's:1', '1', 1001, 0, 'Sara', 'm1')`).run(chat.id)
    v1.prepare('INSERT INTO outbox(key, chat_id, data) VALUES (?, ?, ?)').run('o:1', chat.id, JSON.stringify(item(1)))
    expect((v1.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(1)
    v1.close()

    const { store } = LocalStore.open(f)
    const check = new DatabaseSync(f, { readOnly: true })
    expect((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION)
    check.close()
    expect(store.chats()).toEqual([{ chat, members: [], readAt: 1_001, draft: '' }])
    expect(store.latest(chat.id, 5).map((m) => m.text)).toEqual(['m1'])
    expect(store.outbox()).toEqual([item(1)])
    // v2's additions work on the migrated file.
    store.setDraft(chat.id, 'new in v2')
    store.addRoom('privatechat_abc', 'direct:p')
    expect(store.chats()[0].draft).toBe('new in v2')
    expect([...store.rooms()]).toEqual([['privatechat_abc', 'direct:p']])
    store.close()
  })

  it('a garbage file is moved aside (kept for support) and a new database made', () => {
    const f = file()
    LocalStore.open(f).store.close()
    writeFileSync(f, 'this is not a database, it is a shopping list\n'.repeat(200))
    const { store, recovered } = LocalStore.open(f)
    expect(recovered?.movedAside).toMatch(/db\.sqlite\.damaged-/)
    expect(existsSync(recovered!.movedAside)).toBe(true)
    expect(store.chats()).toEqual([])
    store.saveChat(chat)
    expect(store.chats()).toHaveLength(1)
    store.close()
  })

  it('a truncated file is moved aside and its readable outbox rows are carried over', () => {
    const f = file()
    const { store } = LocalStore.open(f)
    store.saveChat(chat)
    for (let i = 1; i <= 5; i++) store.putOutbox(item(i)) // early pages
    for (let b = 0; b < 20; b++) store.putMessages(Array.from({ length: 500 }, (_, i) => msg(b * 500 + i, { text: 'x'.repeat(200) })))
    store.close() // closing checkpoints the WAL into the file
    const size = statSync(f).size
    truncateSync(f, Math.floor(size * 0.6))
    const { store: again, recovered } = LocalStore.open(f)
    expect(recovered).toEqual({ movedAside: expect.stringMatching(/damaged/), outboxKept: 5 })
    expect(again.outbox().map((i) => i.text)).toEqual(['queued 1', 'queued 2', 'queued 3', 'queued 4', 'queued 5'])
    expect(again.latest(chat.id, 5)).toEqual([])
    again.close()
    expect(readdirSync(join(f, '..')).some((x) => x.includes('damaged'))).toBe(true)
  })

  // Windows: the profile folder is private already; there is no POSIX mode to check.
  it.skipIf(process.platform === 'win32')('files are readable by their owner only (POSIX)', () => {
    const f = file()
    const { store } = LocalStore.open(f)
    store.saveChat(chat)
    expect(statSync(f).mode & 0o077).toBe(0)
    expect(statSync(join(f, '..')).mode & 0o077).toBe(0)
    store.close()
  })
})

describe('the inbox (v4): live messages kept at once, filed later', () => {
  const live = (i: number, extra: Partial<Message> = {}): Message =>
    ({ key: `l:${String(i).padStart(6, '0')}`, chatId: chat.id, senderName: 'Sara', senderAvatarUrl: 'https://x.example/a.png', text: `live ${i}`, at: 2_000 + i, own: false, status: 'sent', ...extra })

  it('nothing that reads or writes messages can tell a kept message from a filed one', () => {
    const { store } = LocalStore.open(file())
    store.saveChat(chat)
    store.putMessages([msg(1)])
    store.keepLive([live(1), live(2, { own: true }), live(3, { file: { url: 'https://x.example/f.pdf', name: 'f.pdf', isImage: false } })])
    expect(store.inboxPending()).toBe(true)
    // A read files the inbox first: windows, counts, the Q9 candidates, search.
    expect(store.latest(chat.id, 10).map((m) => m.key)).toEqual(['s:1', 'l:000001', 'l:000002', 'l:000003'])
    expect(store.inboxPending()).toBe(false)
    expect(store.get('l:000003')?.file?.name).toBe('f.pdf')
    expect(store.unreadCount(chat.id, 0)).toBe(3)
    store.keepLive([live(4)])
    expect(store.searchMessages({ words: ['live', '4'], prefix: false }, { limit: 5 }).map((h) => h.message.key)).toEqual(['l:000004'])
    // A write files it first too: a settled copy under a kept key replaces it, in its place.
    store.keepLive([live(5)])
    store.putMessages([{ ...live(5), serverId: '55', text: 'live 5, settled' }])
    expect(store.latest(chat.id, 2).map((m) => [m.key, m.serverId, m.text])).toEqual([['l:000004', undefined, 'live 4'], ['l:000005', '55', 'live 5, settled']])
    store.close()
  })

  it('what a crash leaves in the inbox is there after the next open; a damaged row costs only itself', () => {
    const f = file()
    const { store } = LocalStore.open(f)
    store.saveChat(chat)
    store.keepLive(Array.from({ length: 1_200 }, (_, i) => live(i))) // three inbox rows (500 a row)
    // kill -9 now: no close, no filing. Another connection, as the next start.
    const raw = new DatabaseSync(f)
    expect((raw.prepare('SELECT count(*) AS n FROM inbox').get() as { n: number }).n).toBe(3)
    raw.prepare("INSERT INTO inbox(rows) VALUES ('{not json')").run()
    raw.prepare('INSERT INTO inbox(rows) VALUES (?)').run(JSON.stringify([['group:team', 'l:bad', null, -5, 0, null, 'Sara', null, 'x', null]]))
    raw.close()
    const before = rejected.rows
    const { store: again } = LocalStore.open(f)
    expect(again.inboxPending()).toBe(true)
    expect(again.count(chat.id)).toBe(1_200)
    expect(again.latest(chat.id, 1)[0].text).toBe('live 1199')
    expect(rejected.rows - before).toBe(2)
    again.close()
  })

  it('fileInbox(1) files one row a step, oldest first, and says whether any are left', () => {
    const { store } = LocalStore.open(file())
    store.saveChat(chat)
    store.keepLive(Array.from({ length: 1_000 }, (_, i) => live(i)))
    store.keepLive([live(1_000)])
    expect(store.fileInbox(1)).toBe(true)
    expect(store.fileInbox(1)).toBe(true)
    expect(store.fileInbox(1)).toBe(false)
    expect(store.fileInbox(1)).toBe(false)
    expect(store.count(chat.id)).toBe(1_001)
    store.close()
  })
})

describe('unread counting (issue 5: counts, the divider of issue 12)', () => {
  it('property: the count is the messages from others after the read mark, and the divider goes before the first of them', () => {
    const { store } = LocalStore.open(file())
    let run = 0
    // Messages in any order of arrival (live ones before a re-read's older ones), equal times included, some own.
    const arrival = fc.array(fc.record({ at: fc.integer({ min: 0, max: 50 }), own: fc.boolean() }), { maxLength: 40 })
    fc.assert(fc.property(arrival, fc.integer({ min: -1, max: 51 }), (ms, readAt) => {
      const id = `group:p${++run}`
      store.saveChat({ ...chat, id, slug: `p${run}` })
      const messages = ms.map((m, i): Message => ({ ...msg(i), key: `${id}:${i}`, chatId: id, at: m.at, own: m.own }))
      store.putMessages(messages)
      const unread = messages.filter((m) => !m.own && m.at > readAt)
      expect(store.unreadCount(id, readAt)).toBe(unread.length)
      // The first by time; among equal times, the first to arrive (its place in the timeline).
      const first = [...unread].sort((a, b) => a.at - b.at)[0]
      expect(store.firstUnread(id, readAt)?.key).toBe(first?.key)
      // Another chat's messages never count here.
      expect(store.unreadCount(`group:p${run + 1}`, readAt)).toBe(0)
    }), { numRuns: 300 })
    store.close()
  })
})
