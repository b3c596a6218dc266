// Issue 14, the message index on real SQLite files: it follows every write the engine makes (insert, settle, move,
// delete, remove a chat) through v3's triggers; a text and its letter-variant twin find each other (property);
// results are newest first across chats, paged without gaps; file names are found; no input reaches FTS5's syntax.
import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import type { Message } from '../../shared/model'
import { textAndTwin } from '../../shared/testing/variants'
import { searchMessages, type SearchArgs } from './search'
import { LocalStore } from './store'
import { openDatabase, registerFunctions, SCHEMA_VERSION } from './store/db'

const root = mkdtempSync(join(tmpdir(), 'cht-search-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const file = () => join(root, `u${++n}`, 'db.sqlite')

const T0 = Date.UTC(2026, 0, 1)
let k = 0
function msg(chatId: string, text: string, at: number, extra: Partial<Message> = {}): Message {
  k++
  return { key: `s:${k}`, serverId: String(k), chatId, senderName: 'مریم احمدی', senderId: 'u1', text, at, own: false, status: 'sent', ...extra }
}

function find(store: LocalStore, query: string, extra: Partial<SearchArgs> = {}) {
  return searchMessages(store, { query, limit: 50, ...extra })
}
const keys = (store: LocalStore, query: string, extra: Partial<SearchArgs> = {}) => find(store, query, extra).hits.map((h) => h.key)

// Every behaviour with the FTS5 index, and on a SQLite without the FTS5 module (search scans instead).
for (const fts5 of [true, false]) describe(`message search index${fts5 ? '' : ' (no FTS5: scanning)'}`, () => {
  const open = (f: string) => LocalStore.open(f, Date.now, { fts5 })

  it('follows every write: new, settled (text and time change), moved to another chat, deleted, chat removed', () => {
    const { store } = open(file())
    const a = msg('group:team', 'گزارش فروش آماده است', T0 + 1_000)
    const b = msg('group:team', 'budget meeting at ten', T0 + 2_000)
    const c = msg('direct:p1', 'the budget is late', T0 + 3_000, { key: 'o:pending', serverId: undefined, own: true })
    store.putMessages([a, b, c])
    expect(keys(store, 'گزارش')).toEqual([a.key])
    expect(keys(store, 'budget')).toEqual([c.key, b.key])

    // Settled: the same key gets the server's time and text (timeline.ts merges this way).
    store.putMessages([{ ...c, text: 'the plan is late', at: T0 + 500, serverId: 'x9' }])
    expect(keys(store, 'budget')).toEqual([b.key])
    expect(keys(store, 'plan')).toEqual([c.key])
    // Re-dated: it is now the oldest of the three.
    store.putMessages([{ ...c, text: 'budget again', at: T0 + 500 }])
    expect(keys(store, 'budget')).toEqual([b.key, c.key])

    // A one-to-one chat learned its peer (Q6): its messages move, and so does "this chat only".
    store.moveMessages('direct:p1', 'direct:p2')
    expect(keys(store, 'budget', { chatId: 'direct:p2' })).toEqual([c.key])
    expect(keys(store, 'budget', { chatId: 'direct:p1' })).toEqual([])

    store.deleteMessages([b.key])
    expect(keys(store, 'budget')).toEqual([c.key])
    store.removeChat('group:team')
    expect(keys(store, 'گزارش')).toEqual([])
    expect(keys(store, 'budget')).toEqual([c.key])
    store.close()
  })

  it('property: a message is found by its letter-variant twin, and the other way round (through the real index)', () => {
    const { store } = open(file())
    let i = 0
    fc.assert(fc.property(textAndTwin, ({ text, twin }) => {
      const chat = `group:p${++i}`
      const one = msg(chat, text, T0 + i)
      const two = msg(chat, `x ${twin} y`, T0 + i + 0.5)
      store.putMessages([one, two])
      // Typed complete (a trailing space): every word matched whole.
      expect(keys(store, `${twin} `, { chatId: chat })).toContain(one.key)
      expect(keys(store, `${text} `, { chatId: chat })).toContain(two.key)
    }), { numRuns: 60 })
    store.close()
  })

  it('Persian and Arabic forms, digits, ZWNJ and diacritics: either way round', () => {
    const { store } = open(file())
    const fa = msg('group:a', 'جلسه‌ی کمیته ساعت ۱۰ در اتاق ۴۲؛ لطفاً گزارشِ فروش را بیاورید', T0)
    const ar = msg('group:b', 'يك كتاب جديد عن الإدارة ٢٠٢٦', T0 + 1)
    store.putMessages([fa, ar])
    for (const q of ['جلسهی', 'جلسه‌ي', 'كميته', 'ساعت 10', 'اتاق ٤٢', 'گزارش فروش', 'لطفا']) expect(keys(store, q), q).toEqual([fa.key])
    for (const q of ['یک کتاب', 'الاداره', '2026', 'جدید']) expect(keys(store, q), q).toEqual([ar.key])
    // A half-space typed as a space in the search box.
    expect(keys(store, 'جلسه ی کمیته')).toEqual([fa.key])
    store.close()
  })

  it('the last word is a prefix while typed; with the index, a trailing space or a one-letter word means whole words', () => {
    const { store } = open(file())
    const m = msg('group:a', 'Budgets for the quarterly review', T0)
    store.putMessages([m])
    expect(keys(store, 'bud')).toEqual([m.key])
    expect(keys(store, 'quarterly rev')).toEqual([m.key])
    // The index matches whole words but the last one being typed; the scan (no FTS5) any part of a word, as the
    // People filter does.
    expect(keys(store, 'budget ')).toEqual(fts5 ? [] : [m.key])
    expect(keys(store, 'rev quarterly')).toEqual(fts5 ? [] : [m.key])
    expect(keys(store, 'b')).toEqual(fts5 ? [] : [m.key])
    store.close()
  })

  it('results are newest first across chats whatever the order they were stored in, and pages neither skip nor repeat', () => {
    const { store } = open(file())
    // Stored out of time order (a history re-read brings old messages after live ones), some in the same millisecond.
    const all: Message[] = []
    for (let i = 0; i < 230; i++) all.push(msg(`group:c${i % 7}`, `report number ${i}`, T0 + Math.floor(i / 3) * 1000))
    const shuffled = [...all].sort((x, y) => ((x.at * 7919 + Number(x.serverId)) % 101) - ((y.at * 7919 + Number(y.serverId)) % 101))
    for (const m of shuffled) store.putMessages([m])
    const seen: string[] = []
    let before: string | undefined
    let pages = 0
    do {
      const page = find(store, 'report', { limit: 40, before })
      seen.push(...page.hits.map((h) => h.key))
      const times = page.hits.map((h) => h.at)
      expect(times).toEqual([...times].sort((x, y) => y - x))
      before = page.next
      pages++
    } while (before)
    expect(pages).toBe(6)
    expect(seen).toHaveLength(230)
    expect(new Set(seen).size).toBe(230)
    const atOf = new Map(all.map((m) => [m.key, m.at]))
    expect(seen.map((key) => atOf.get(key))).toEqual(all.map((m) => m.at).sort((x, y) => y - x))
    // One chat only: the same order, that chat's messages only.
    const c3 = find(store, 'report', { chatId: 'group:c3', limit: 100 }).hits
    expect(c3.map((h) => h.chatId)).toEqual(Array(all.filter((m) => m.chatId === 'group:c3').length).fill('group:c3'))
    expect(find(store, 'report', { chatId: 'group:nowhere' }).hits).toEqual([])
    store.close()
  })

  it('a file message is found by its name (your own sends keep the original one), the snippet shows the name', () => {
    const { store } = open(file())
    const own = msg('group:a', '', T0, {
      own: true, file: { url: 'http://h/cht/media/static/files/582120.pdf', name: 'گزارش-بودجه Quarterly_Budget.pdf', isImage: false },
    })
    const theirs = msg('group:a', '', T0 + 1, { file: { url: 'http://h/cht/media/static/files/748964.png', name: '748964.png', isImage: true } })
    const captioned = msg('group:a', 'the budget, as promised', T0 + 2, { file: { url: 'http://h/cht/media/static/files/1.xlsx', name: 'numbers.xlsx', isImage: false } })
    store.putMessages([own, theirs, captioned])
    const hits = find(store, 'budget').hits
    expect(hits.map((h) => [h.key, h.field])).toEqual([[captioned.key, 'text'], [own.key, 'file']])
    const s = hits[1]!.snippet
    expect(s.ranges.map((r) => s.text.slice(r.start, r.end))).toEqual(['Budget'])
    expect(find(store, 'بودجه').hits.map((h) => h.key)).toEqual([own.key])
    expect(find(store, 'png').hits.map((h) => [h.key, h.file?.isImage])).toEqual([[theirs.key, true]])
    expect(find(store, 'xlsx').hits[0]?.field).toBe('file')
    store.close()
  })

  it('nothing typed reaches FTS5 query syntax: quotes, operators, column filters and stars are just text', () => {
    const { store } = open(file())
    const m = msg('group:a', 'NEAR the "chat" AND text: OR {name}', T0)
    store.putMessages([m])
    for (const q of ['"', '"chat', 'NEAR(', 'AND', 'OR text', '{chat}: 1', 'chat:1', '*', 'a*b', '^near', '(((', '-text', '+', 'NOT', '\u0000']) {
      expect(() => find(store, q), q).not.toThrow()
    }
    expect(keys(store, 'near chat')).toEqual([m.key])
    expect(keys(store, 'near', { before: '9999999999999999999' })).toEqual([m.key]) // past 64 bits: from the newest
    expect(keys(store, 'near', { before: '0' })).toEqual([])
    expect(keys(store, '{name}')).toEqual([m.key])
    expect(keys(store, '{chat}: 1')).toEqual([])
    store.close()
  })

  it('v3 indexes the messages of an existing (v2) database, in time order, and keeps them indexed from then on', () => {
    const f = file()
    const v2 = openDatabase(f, Date.now, 2).db
    const insert = v2.prepare('INSERT INTO messages(chat_id, key, server_id, at, own, sender_name, text, file) VALUES (?, ?, ?, ?, 0, ?, ?, ?)')
    insert.run('group:a', 'k:2', '2', T0 + 2, 'Sara', 'second budget', null)
    insert.run('group:a', 'k:1', '1', T0 + 1, 'Sara', 'first budget', null)
    insert.run('group:b', 'k:3', '3', T0 + 2, 'Ali', '', JSON.stringify({ url: 'http://h/cht/media/x.pdf', name: 'Budget plan.pdf', isImage: false }))
    v2.close()
    const { store } = open(f)
    const check = new DatabaseSync(f, { readOnly: true })
    expect((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION)
    check.close()
    expect(keys(store, 'budget')).toEqual(['k:3', 'k:2', 'k:1'])
    store.putMessages([msg('group:a', 'third budget', T0 + 3)])
    expect(keys(store, 'budget')).toHaveLength(4)
    store.close()
  })

  it('another connection writes messages only with the search functions registered (the triggers call them)', () => {
    const f = file()
    open(f).store.close()
    const raw = new DatabaseSync(f)
    const put = () => raw.exec(`INSERT INTO messages(chat_id, key, at, own, sender_name, text) VALUES ('group:a', 'x', 1, 0, 'S', 'hello')`)
    expect(put).toThrow(/cht_search_text/)
    registerFunctions(raw)
    put()
    raw.close()
    const { store } = open(f)
    expect(keys(store, 'hello')).toEqual(['x'])
    store.close()
  })
})

describe('the FTS5 index arrives later', () => {
  it('a database kept without FTS5 gets its index built whole when opened where FTS5 exists, and kept from then on', () => {
    const f = file()
    const { store: without } = LocalStore.open(f, Date.now, { fts5: false })
    expect(without.fts).toBe(false)
    without.putMessages([msg('group:a', 'first budget', T0 + 1), msg('group:a', 'second budget', T0 + 2)])
    expect(keys(without, 'budget')).toHaveLength(2)
    without.deleteMessages([keys(without, 'second')[0]!])
    without.close()
    const { store } = LocalStore.open(f)
    expect(store.fts).toBe(true)
    expect(find(store, 'budget').hits.map((h) => h.snippet.text)).toEqual(['first budget'])
    store.putMessages([msg('group:a', 'third budget', T0 + 3)])
    expect(find(store, 'budget').hits.map((h) => h.snippet.text)).toEqual(['third budget', 'first budget'])
    store.close()
  })
})
