// Issue 13's figures, part 1: every bad input we know of, counted as one catalogue — each row a test of its own (a
// failure names the row); the closing line gives the figure the issue asks for. A bad input reaches the engine
// through the hostile loopback server (testing/catalogue.ts) or through the reference server's own data (a name, a
// text, a file name). "Survived": nothing thrown, what was typed before and after reached the server exactly once,
// what was received before is still there, nothing is left in the outbox, and every notice has fa and en text.
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { serverContext } from '../../../server/index'
import { addMember } from '../../../testkit/groups'
import { externalServer, uniqueSlug } from '../../../testkit/server'
import type { AppError, ErrorCode } from '../../shared/model'
import { cleanText } from '../../shared/text'
import { passThrough, type Reply, type Upstream } from './testing/hostile-server'
import { listed, signedIn, unpaced, until, type Harness } from './testing/harness'
import {
  alice, aliceFiles, bob, consoleErrors, consumed, direct, DIRECT_SOCKET, edited, envelope, group, GROUP_SOCKET, hostile, html502, outbox, polledAgain, R1, R3, R5, R9, say, settled, shownCount, slug, storedCount, translated, ts, useStage, withDate,
} from './testing/catalogue'

useStage()

// ---- bad inputs -----------------------------------------------------------------------------------------------

/** Errors a request answered during the current row: the renderer shows them as it shows notices. */
const answered: AppError[] = []

interface BadInput {
  name: string
  /** Delivers the input and waits until the engine has met it. */
  deliver(): Promise<void>
  /** The notice (or request error) the person must see. */
  tell?: ErrorCode
  /** What else must hold afterwards. */
  check?(): void | Promise<void>
}


/** A W1 text frame as the server sends it (PROTOCOL W1), from Bob. */
const w1 = (over: Record<string, unknown>) =>
  JSON.stringify({ message: 'x', user_name: bob.me.name, avatar_url: '/static/profiles/default.png', timestamp: new Date().toISOString(), file: '', filename: '', ...over })

/**
 * The bad frame goes down Alice's group socket; the row's "after" message is echoed down the same socket behind it,
 * so by the time that echo has settled, the engine has met the bad frame.
 */
async function frameToGroup(data: string | Buffer, binary = false): Promise<void> {
  await until(() => hostile.sockets(GROUP_SOCKET) > 0, 20_000, 'a group socket through the hostile server')
  expect(hostile.inject(GROUP_SOCKET, data, binary)).toBeGreaterThan(0)
}

async function onR3(reply: Reply | ((u: Upstream) => Reply), times = 1): Promise<void> {
  await consumed(hostile.http(R3, reply, times))
  await polledAgain()
}
async function onReread(path: RegExp, reply: Reply | ((u: Upstream) => Reply), times = 1): Promise<void> {
  const rule = hostile.http(path, reply, times)
  alice.client.wake() // a reconnect's catch-up: the open chat re-read at once, the others in the background
  await consumed(rule)
  await until(() => alice.client.engine!.quiet(), 20_000, 'the re-read done')
}
/**
 * R1 runs when a person signs in (again: the same person, a new attempt — PROTOCOL 1.2). A refused sign-in says why
 * (a translated error) and the next attempt works; Alice's session and outbox carry on meanwhile.
 */
async function onR1(reply: Reply, expect?: ErrorCode): Promise<void> {
  const rule = hostile.http(R1, reply)
  const r = await alice.client.handle('session.signIn', { serverOrigin: hostile.origin, token: alice.token })
  await consumed(rule)
  if (!r.ok) answered.push(r.error)
  if (expect) {
    if (r.ok) throw new Error(`signing in should have failed with ${expect}`)
    if (r.error.code !== expect) throw new Error(`signing in failed with ${r.error.code}, not ${expect}`)
  }
  if (!r.ok) await alice.client.request('session.signIn', { serverOrigin: hostile.origin, token: alice.token })
}
/** Bob (or another member) writes through the reference server; Alice receives it. */
async function fromServer(text: string, who: Harness = bob): Promise<void> {
  await who.client.request('messages.send', { chatId: group, text })
  await until(() => alice.client.engine!.messagesOf(group).some((m) => m.text === cleanText(text)), 20_000, 'Alice received it')
}
/** A text the client cannot send (over the contract's limit) straight into the server's database, then a re-read. */
async function storedByServer(text: string): Promise<void> {
  const { store } = serverContext(ts.ref!)
  store.insertMessage({ group_id: store.groupByName(slug)!.id, user_id: bob.me.id, content: text, file: null, recipient: null, created_us: Date.now() * 1000 })
  alice.client.wake()
  await until(() => alice.client.engine!.messagesOf(group).some((m) => m.text.length === text.length), 20_000, 'read in')
}
const shownText = (text: string) => alice.client.engine!.messagesOf(group).find((m) => m.text === cleanText(text))
async function stageAndSend(name: string, bytes: Uint8Array): Promise<{ ok: boolean; error?: AppError }> {
  const staged = await alice.client.handle('files.stageBytes', { name, bytes })
  if (!staged.ok) return { ok: false, error: staged.error }
  const sent = await alice.client.handle('files.send', { chatId: group, stagedIds: [(staged.value as { id: string }).id] })
  if (!sent.ok) return { ok: false, error: sent.error }
  await until(() => outbox().length === 0, 20_000, 'the file sent')
  return { ok: true }
}
async function fileNamed(name: string): Promise<void> {
  const before = aliceFiles()
  const r = await stageAndSend(name, new Uint8Array(randomBytes(64)))
  expect(r.ok).toBe(true)
  expect(aliceFiles(), 'stored once').toBe(before + 1)
  const mine = alice.client.engine!.messagesOf(group).filter((m) => m.file).at(-1)!
  expect(mine.status).toBe('sent')
  expect(mine.file!.name).not.toMatch(/[\u202A-\u202E\u2066-\u2069/\\]/) // no bidi trick, no path
  expect(mine.file!.name.length).toBeGreaterThan(0)
}
async function memberNamed(first: string, last: string, avatarUrl?: string): Promise<Harness> {
  const carol = ts.ref!.createUser({ firstNameFa: first, lastNameFa: last, avatarUrl })
  const h = await signedIn(ts.origin, carol.token, { client: unpaced })
  await bob.client.request('groups.addMembers', { chatId: group, userIds: [h.me.id] })
  await until(() => listed(h, group), 20_000, 'the new member lists the group')
  return h
}

const bad: BadInput[] = [
  // frames on the group socket (W1)
  { name: 'a frame of malformed JSON', deliver: () => frameToGroup('{"message": "unterminated') },
  { name: 'a frame that is not JSON at all', deliver: () => frameToGroup('<html>502</html>') },
  { name: 'a frame holding a JSON array', deliver: () => frameToGroup('[1,2,3]') },
  { name: 'a frame holding JSON null', deliver: () => frameToGroup('null') },
  { name: 'a frame whose message is a number', deliver: () => frameToGroup(w1({ message: 42 })) },
  { name: 'a frame whose message is an object', deliver: () => frameToGroup(w1({ message: { text: 'x' } })) },
  { name: 'an empty object frame', deliver: () => frameToGroup('{}') },
  { name: 'a frame with an unknown type only', deliver: () => frameToGroup('{"type":"user_click","x":1}') },
  { name: 'a binary frame of random bytes', deliver: () => frameToGroup(randomBytes(512), true) },
  { name: 'a binary frame holding a message', deliver: () => frameToGroup(Buffer.from(w1({ message: 'binary' })), true) },
  { name: 'a 2 MB frame', deliver: () => frameToGroup(w1({ message: 'ب'.repeat(1024 * 1024) })) },
  { name: 'a frame with a garbage timestamp', deliver: () => frameToGroup(w1({ message: 'when?', timestamp: 'yesterday-ish' })) },
  { name: 'a frame from the year 2200', deliver: () => frameToGroup(w1({ message: 'from the future', timestamp: '2200-01-01T00:00:00+03:30' })) },
  { name: 'a file frame pointing at another host', deliver: () => frameToGroup(w1({ message: '', file: 'https://evil.example/x.png', filename: 'x.png' })), check: () => {
    for (const m of alice.client.engine!.messagesOf(group)) if (m.file) expect(new URL(m.file.url).host).not.toBe('evil.example')
  } },
  { name: 'a one-to-one frame of the wrong shape', deliver: async () => {
    await alice.client.request('chats.open', { chatId: direct })
    await until(() => hostile.sockets(DIRECT_SOCKET) > 0, 20_000, 'a one-to-one socket')
    hostile.inject(DIRECT_SOCKET, JSON.stringify({ type: 'chat_file', file: null, sender: { nested: true } }))
    hostile.inject(DIRECT_SOCKET, JSON.stringify({ message: ['a'], sender: 7 }))
    await say(alice, direct, 'after the wrong shapes') // its echo comes down the same socket, behind them
    expect(shownCount(alice, direct, 'after the wrong shapes')).toBe(1)
    await alice.client.request('chats.open', { chatId: group })
  } },

  // R1 (via "reconnect now": the token is taken back with R1)
  // R1 (signing in again as the same person)
  { name: 'R1 answers a proxy\'s HTML 502 (recovered: R7, then R1 again)', deliver: () => onR1(html502) },
  { name: 'R1 answers 403', tell: 'forbidden', deliver: () => onR1(envelope(403, 'Forbidden'), 'forbidden') },
  { name: 'R1 answers 429 without Retry-After', tell: 'throttled', deliver: () => onR1(envelope(429, 'Request was throttled.'), 'throttled') },
  { name: 'R1 answers 401', tell: 'auth.invalid', deliver: () => onR1(envelope(401, 'Invalid token.'), 'auth.invalid') },

  // R3 (the list, polled)
  { name: 'R3 answers a proxy\'s HTML 502', deliver: () => onR3(html502) },
  { name: 'R3 answers 401', deliver: () => onR3(envelope(401, 'Invalid token.')) },
  { name: 'R3 answers 403', deliver: () => onR3(envelope(403, 'Forbidden')) },
  { name: 'R3 answers 429 without Retry-After', deliver: () => onR3(envelope(429, 'Request was throttled.')) },
  { name: 'R3 answers 429 with Retry-After: 3600', deliver: () => onR3(envelope(429, 'Request was throttled.', { 'retry-after': '3600' })) },
  { name: 'R3 answers 429 with a garbage Retry-After', deliver: () => onR3(envelope(429, 'Request was throttled.', { 'retry-after': 'soon™' })) },
  { name: 'R3 with a Date header in 1999', deliver: () => onR3(withDate('Fri, 31 Dec 1999 23:59:59 GMT'), 3) },
  { name: 'R3 with a Date header in 2100', deliver: () => onR3(withDate('Fri, 01 Jan 2100 00:00:00 GMT'), 3) },
  { name: 'R3 with a garbage Date header', deliver: () => onR3(withDate('not a date'), 3) },
  { name: 'R3 listing nulls', deliver: () => onR3(edited((l: unknown[]) => [null, ...l, null, 7, 'x'])) },
  { name: 'R3 items with missing fields', deliver: () => onR3(edited((l: unknown[]) => [...l, {}, { slug: null }, { id: 1, name: 2 }, { slug: 'no_name' }])) },
  { name: 'R3 listing 3 000 groups (once; the next answer drops them)', deliver: () => onR3(edited((l: unknown[]) => [
    ...l, ...Array.from({ length: 3_000 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `flood_${i}`, slug: `flood_${i}`, created_by: 'x y', members_count: 1 })),
  ])), check: async () => {
    // The flood goes again once two more lists leave it out, and the real chats stay.
    await until(async () => (await alice.client.request('chats.list', undefined)).length < 100, 20_000, 'the flood gone')
    expect(await listed(alice, group)).toBe(true)
  } },
  { name: 'R3 with duplicate ids', deliver: () => onR3(edited((l: unknown[]) => [...l, ...l, ...l])) },
  { name: 'R3 an object, not a list', deliver: () => onR3(edited(() => ({ detail: 'a list was expected' }))) },
  { name: 'R3 JSON served as text/plain', deliver: () => onR3((u) => ({ ...passThrough(u), headers: { 'content-type': 'text/plain' } })) },

  // R5 (the open group's history, re-read)
  { name: 'R5 answers a proxy\'s HTML 502', deliver: () => onReread(R5(), html502) },
  { name: 'R5 answers 401', deliver: () => onReread(R5(), envelope(401, 'Invalid token.')) },
  { name: 'R5 answers 403', deliver: () => onReread(R5(), envelope(403, 'Forbidden')) },
  { name: 'R5 answers 429 with Retry-After: 120', deliver: () => onReread(R5(), envelope(429, 'Request was throttled.', { 'retry-after': '120' })) },
  { name: 'R5 with messages out of order', deliver: () => onReread(R5(), edited((b: { messages: unknown[] }) => ({ ...b, messages: [...b.messages].reverse() }))) },
  { name: 'R5 with duplicate ids', deliver: () => onReread(R5(), edited((b: { messages: unknown[] }) => ({ ...b, messages: [...b.messages, ...b.messages] }))) },
  { name: 'R5 with null text', deliver: () => onReread(R5(), edited((b: { messages: Array<Record<string, unknown>> }) => ({ ...b, messages: [...b.messages, { ...b.messages[0], id: 999_999, content: null }] }))) },
  { name: 'R5 with far-future timestamps', deliver: () => onReread(R5(), edited((b: { messages: Array<Record<string, unknown>> }) => ({ ...b, messages: [...b.messages, { ...b.messages[0], id: 999_998, content: 'dated 9999', timestamp: '9999-12-31T23:59:59.999999Z' }] }))), check: () => {
    const odd = shownText('dated 9999')
    if (odd) expect(odd.at).toBeLessThan(Date.now() + 24 * 3600_000)
  } },
  { name: 'R5 with messages missing fields', deliver: () => onReread(R5(), edited((b: { messages: unknown[] }) => ({ ...b, messages: [...b.messages, {}, null, { id: 'x' }, { content: 'no id', timestamp: 'no time' }] }))) },
  { name: 'R5 with messages: null and no group', deliver: () => onReread(R5(), edited((b: object) => ({ ...b, messages: null, group: null }))) },
  { name: 'R5 with a Date header in 1999', deliver: () => onReread(R5(), withDate('Fri, 31 Dec 1999 23:59:59 GMT')) },

  // R9 (the one-to-one history)
  { name: 'R9 answers a proxy\'s HTML 502', deliver: () => onReread(R9, html502) },
  { name: 'R9 answers 429 without Retry-After', deliver: () => onReread(R9, envelope(429, 'Request was throttled.')) },
  { name: 'R9 with duplicate ids and null text', deliver: () => onReread(R9, edited((b: { private_group: { messages: Array<Record<string, unknown>> } }) => {
    const ms = b.private_group.messages
    return { private_group: { ...b.private_group, messages: [...ms, ...ms, { ...ms[0], id: 999_997, content: null }] } }
  })) },

  // hostile strings, through the reference server's own data
  { name: 'HTML in a message', deliver: () => fromServer('<b>bold</b><img src=x onerror=alert(1)>'), check: () => expect(shownText('<b>bold</b><img src=x onerror=alert(1)>')).toBeDefined() },
  { name: '<script> in a message', deliver: () => fromServer('<script>alert(document.cookie)</script>') },
  { name: 'a bidi override (U+202E) in a message', deliver: () => fromServer('abc \u202Edegnahc\u202C def') },
  { name: 'zero-width characters in a message', deliver: () => fromServer('zero\u200Bwidth\u200C\u200D\uFEFF') },
  { name: 'a lone surrogate in a message', deliver: async () => {
    await bob.client.request('messages.send', { chatId: group, text: 'half \ud800 a pair' })
    await until(() => alice.client.engine!.messagesOf(group).some((m) => m.text.includes('a pair')), 20_000, 'received')
  } },
  { name: 'a 100 kB text from the server', deliver: () => storedByServer('ل'.repeat(100 * 1024)) },
  { name: 'a 100 kB text typed: refused, nothing queued', tell: 'invalid-input', deliver: async () => {
    const r = await alice.client.handle('messages.send', { chatId: group, text: 'x'.repeat(100 * 1024) })
    expect(r.ok).toBe(false)
    if (!r.ok) answered.push(r.error)
  } },
  { name: 'a javascript: link in a message', deliver: () => fromServer('click javascript:alert(1) here') },
  { name: 'a mailto:?attach link in a message', deliver: () => fromServer('mailto:boss@example.com?attach=/etc/passwd&body=hi'), check: async () => {
    expect(await alice.client.request('app.openExternal', { url: 'javascript:alert(1)' })).toBe(false)
  } },
  { name: 'a member name with <script> and U+202E', deliver: async () => {
    const carol = await memberNamed('<script>x</script>', '\u202Eevil\u202C')
    await fromServer('from a hostile name', carol)
    await carol.client.close()
  }, check: () => expect(shownText('from a hostile name')!.senderName).not.toMatch(/[\u202A-\u202E]/) },
  { name: 'a group named with HTML', deliver: async () => {
    const s = uniqueSlug('html')
    const r2 = await fetch(`${ts.origin}/cht/api/groups/create/`, {
      method: 'POST', headers: { Authorization: bob.token, 'content-type': 'application/json' },
      body: JSON.stringify({ group_name: '<img src=x onerror=alert(1)>', slug: s, type: 'public' }),
    })
    expect(r2.status).toBe(201)
    await addMember(ts.origin, bob.token, s, alice.me.id)
    await until(() => listed(alice, `group:${s}`), 20_000, 'listed')
  } },
  { name: 'a file named ../../etc/passwd', deliver: () => fileNamed('../../etc/passwd') },
  { name: 'a file named CON', deliver: () => fileNamed('CON') },
  { name: 'a file named a<U+202E>gpj.exe', deliver: () => fileNamed('a\u202Egpj.exe') },
  { name: 'a 0-byte file: refused, nothing queued', tell: 'file.empty', deliver: async () => {
    const r = await stageAndSend('empty.txt', new Uint8Array(0))
    expect(r.ok).toBe(false)
    answered.push(r.error!)
  } },
  { name: 'an avatar URL on another host', tell: 'forbidden', deliver: async () => {
    const dave = await memberNamed('Dave', 'Elsewhere', 'https://tracker.example/pixel.png')
    await fromServer('from a far avatar', dave)
    await dave.client.close()
    const r = await alice.client.handle('media.get', { url: 'https://tracker.example/pixel.png' })
    expect(r.ok).toBe(false)
    if (!r.ok) answered.push(r.error)
  } },
]

/** Every message Alice received before a bad input: all still there, once, after every later row. */
const receivedSoFar: string[] = []
let badTried = 0
let badSurvived = 0

afterAll(() => console.log(`bad inputs: ${badTried} tried, ${badSurvived} survived with nothing lost`))

describe.skipIf(!!externalServer)(`issue 13: ${bad.length} bad inputs`, () => {
  it.each(bad.map((row, i) => ({ ...row, i })))('$name', async (row) => {
    badTried++
    const tag = `#${row.i} ${row.name}`
    const errorsAt = consoleErrors.length
    // What was typed and received before the bad input.
    await Promise.all([say(alice, group, `before ${tag}`), fromServer(`received before ${tag}`)])
    const eventsAt = alice.events.length
    answered.length = 0
    await row.deliver()
    await row.check?.()
    await until(settled, 20_000, 'the engine settled')
    // And typed after it.
    await say(alice, group, `after ${tag}`)
    expect(storedCount(`before ${tag}`), 'before: stored once').toBe(1)
    expect(storedCount(`after ${tag}`), 'after: stored once').toBe(1)
    expect(shownCount(alice, group, `before ${tag}`), 'before: shown once').toBe(1)
    expect(shownCount(alice, group, `after ${tag}`), 'after: shown once').toBe(1)
    receivedSoFar.push(cleanText(`received before ${tag}`))
    const shown = new Map<string, number>()
    for (const m of alice.client.engine!.messagesOf(group)) shown.set(m.text, (shown.get(m.text) ?? 0) + 1)
    expect(receivedSoFar.filter((t) => shown.get(t) !== 1), 'received before: each shown once').toEqual([])
    expect(outbox(), 'nothing stuck in the outbox').toEqual([])
    const told = [...alice.events.slice(eventsAt).filter(([n]) => n === 'notice').map(([, p]) => (p as AppError).code), ...answered.map((e) => e.code)]
    for (const code of told) expect(translated(code), `notice ${code} in fa and en`).toBe(true)
    if (row.tell) expect(told).toContain(row.tell)
    expect(consoleErrors.slice(errorsAt), 'nothing thrown inside the engine').toEqual([])
    badSurvived++
  })
})
