// Issue 14 in core, against the reference server over real sockets: what arrives live (and is later reconciled by a
// history re-read) is found once, with Arabic-form input; your own file by its original name, the other side's by
// the server's; a search result opens its chat at that message (the window around it), older and newer pages lead
// on from there; every request is checked by its schema.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, uniqueSlug, type TestServer } from '../../../testkit/server'
import type { SearchPage } from '../../shared/contract'
import { sharedGroup, signedIn, until, type Harness } from './testing/harness'

let ts: TestServer
let alice: Harness
let bob: Harness
let sales: string
let other: string
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cht-search-'))
  ts = await startTestServer()
  const [a, b] = ts.users(2)
  alice = await signedIn(ts.origin, a.token)
  bob = await signedIn(ts.origin, b.token)
  sales = await sharedGroup(ts.origin, uniqueSlug('sales'), bob, alice)
  other = await sharedGroup(ts.origin, uniqueSlug('other'), alice, bob)
}, 60_000)

afterAll(async () => {
  await alice?.client.close()
  await bob?.client.close()
  await ts?.close()
  rmSync(dir, { recursive: true, force: true })
})

const search = (h: Harness, query: string, extra: { chatId?: string; limit?: number; before?: string } = {}): Promise<SearchPage> =>
  h.client.request('search.messages', { query, limit: extra.limit ?? 20, ...extra })

async function sendAndSettle(h: Harness, chatId: string, text: string): Promise<void> {
  const { key } = await h.client.request('messages.send', { chatId, text })
  await until(() => h.client.engine!.messagesOf(chatId).some((m) => m.key === key && m.status === 'sent'), 20_000, `"${text}" settled`)
}

describe('message search (issue 14)', () => {
  it('a Persian message that arrived live is found with Arabic-form letters, once — also after a history re-read', async () => {
    await alice.client.request('chats.open', { chatId: other }) // Alice is reading another chat
    await sendAndSettle(bob, sales, 'گزارش فروش کیک‌های ویژه برای مشتری آماده است')
    await until(() => alice.client.engine!.messagesOf(sales).some((m) => m.text.startsWith('گزارش فروش')), 20_000, 'live to Alice')

    const page = await search(alice, 'گزارش فروش كيكهاي ويژه') // Arabic yeh and kaf, no ZWNJ
    expect(page.hits).toHaveLength(1)
    const hit = page.hits[0]!
    expect(hit).toMatchObject({ chatId: sales, own: false, field: 'text', senderName: bob.me.name })
    expect(hit.at).toBeGreaterThan(Date.now() - 120_000)
    expect(hit.snippet.ranges.map((r) => hit.snippet.text.slice(r.start, r.end))).toEqual(['گزارش', 'فروش', 'کیک‌های', 'ویژه'])
    expect(page.next).toBeUndefined()

    // A re-read (after a network flicker) adopts the live message under its server id: still one hit, same key.
    await alice.client.request('chats.open', { chatId: sales })
    if (ts.ref) ts.ref.dropSockets()
    else alice.client.wake()
    await until(async () => alice.client.engine!.messagesOf(sales).every((m) => m.serverId), 20_000, 'adopted')
    const again = await search(alice, 'گزارش')
    expect(again.hits.map((h) => h.key)).toEqual([hit.key])
    // "This chat only".
    expect((await search(alice, 'گزارش', { chatId: other })).hits).toEqual([])
    expect((await search(alice, 'گزارش', { chatId: sales })).hits.map((h) => h.key)).toEqual([hit.key])
  })

  it('your own file is found by its original name; the other side finds it by the server\'s name', async () => {
    const path = join(dir, 'Budget plan ۱۴۰۵.xlsx')
    writeFileSync(path, Buffer.from('numbers'))
    const staged = await alice.client.stagePaths([path])
    if (!staged.ok) throw new Error(staged.error.code)
    const { keys } = await alice.client.request('files.send', { chatId: sales, stagedIds: [staged.value[0]!.id] })
    await until(() => alice.client.engine!.messagesOf(sales).some((m) => m.key === keys[0] && m.status === 'sent'), 20_000, 'file settled')

    const mine = await search(alice, 'budget 1405')
    expect(mine.hits.map((h) => [h.key, h.field, h.own, h.file?.name])).toEqual([[keys[0], 'file', true, 'Budget plan ۱۴۰۵.xlsx']])
    expect(mine.hits[0]!.snippet.ranges.map((r) => mine.hits[0]!.snippet.text.slice(r.start, r.end))).toEqual(['Budget', '۱۴۰۵'])

    // Bob only ever learns the server's name (Q5b): 6 digits and the extension.
    await until(async () => (await search(bob, 'xlsx')).hits.length === 1, 20_000, 'Bob finds the file')
    const theirs = (await search(bob, 'xlsx')).hits[0]!
    expect(theirs.file?.name).toMatch(/^\d{6}\.xlsx$/)
    expect((await search(bob, 'budget')).hits).toEqual([])
  })

  it('opens a chat at a found message: the window around it, then older and newer pages back to the newest', async () => {
    const slug = uniqueSlug('window')
    const chat = await sharedGroup(ts.origin, slug, bob, alice)
    for (let i = 1; i <= 40; i++) await sendAndSettle(bob, chat, `line ${i} ${i === 20 ? 'needle' : 'hay'}`)
    await until(() => alice.client.engine!.messagesOf(chat).length === 40, 20_000, 'all 40 at Alice')
    const [hit] = (await search(alice, 'needle', { chatId: chat })).hits
    expect(hit).toBeDefined()

    const w = await alice.client.request('chats.open', { chatId: chat, around: hit!.key, limit: 11 })
    expect(w.messages.map((m) => m.text.split(' ')[1])).toEqual(['15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25'])
    expect(w.messages[5]!.key).toBe(hit!.key)
    expect([w.hasOlder, w.hasNewer]).toEqual([true, true])

    const older = await alice.client.request('messages.older', { chatId: chat, beforeKey: w.messages[0]!.key, limit: 20 })
    expect(older.messages.map((m) => m.text.split(' ')[1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14'])
    const n1 = await alice.client.request('messages.newer', { chatId: chat, afterKey: w.messages[10]!.key, limit: 10 })
    expect(n1.messages.map((m) => m.text.split(' ')[1])).toEqual(['26', '27', '28', '29', '30', '31', '32', '33', '34', '35'])
    expect(n1.hasNewer).toBe(true)
    const n2 = await alice.client.request('messages.newer', { chatId: chat, afterKey: n1.messages[9]!.key, limit: 10 })
    expect(n2.messages.map((m) => m.text.split(' ')[1])).toEqual(['36', '37', '38', '39', '40'])
    expect(n2.hasNewer).toBe(false)

    // A key that is not (or no longer) stored: a clear error, nothing opened half-way.
    await expect(alice.client.request('chats.open', { chatId: chat, around: 's:nowhere' })).rejects.toMatchObject({ code: 'not-found' })
    await expect(alice.client.request('messages.newer', { chatId: chat, afterKey: 's:nowhere', limit: 5 })).rejects.toMatchObject({ code: 'not-found' })
  })

  it('pages: newest first, `next` continues where the page ended; bad arguments never reach the store', async () => {
    const slug = uniqueSlug('pages')
    const chat = await sharedGroup(ts.origin, slug, bob, alice)
    for (let i = 1; i <= 7; i++) await sendAndSettle(bob, chat, `invoice ${i}`)
    await until(async () => (await search(alice, 'invoice')).hits.length === 7, 20_000, 'all 7 found')
    const p1 = await search(alice, 'invoice', { limit: 3 })
    const p2 = await search(alice, 'invoice', { limit: 3, before: p1.next })
    const p3 = await search(alice, 'invoice', { limit: 3, before: p2.next })
    expect([...p1.hits, ...p2.hits, ...p3.hits].map((h) => h.snippet.text)).toEqual(
      ['invoice 7', 'invoice 6', 'invoice 5', 'invoice 4', 'invoice 3', 'invoice 2', 'invoice 1'],
    )
    expect(p3.next).toBeUndefined()

    for (const bad of [{ query: 'x', limit: 0 }, { query: 'x', limit: 101 }, { query: 'x', limit: 5, before: '12abc' }, { query: 'x'.repeat(501), limit: 5 },
      { query: 'x', limit: 5, chatId: 'nope' }, { query: 'x', limit: 5, extra: 1 }]) {
      const r = await alice.client.handle('search.messages', bad)
      expect(r.ok, JSON.stringify(bad)).toBe(false)
      expect(!r.ok && r.error.code).toBe('invalid-input')
    }
  })
})
