// Issue 13's figures: every bad input and every fault we know of, counted as one catalogue. Each row is a test of its
// own (a failure names the row); the closing lines give the two figures the issue asks for.
//
// Bad inputs reach the engine through a hostile loopback server (testing/hostile-server.ts: it proxies to the
// reference server and replaces one answer or frame) or through the reference server's own data (a name, a text, a
// file name). "Survived": nothing thrown, what was typed before and after reached the server exactly once, what was
// received before is still there, nothing is left in the outbox, and every notice has an fa and an en translation.
// Faults: each row types messages while something breaks, then counts lost / duplicated / stuck from the server's
// stored messages, what both clients show and Alice's outbox.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serverContext } from '../../../server/index'
import { addMember } from '../../../testkit/groups'
import { externalServer, startTestServer, uniqueSlug, type TestServer } from '../../../testkit/server'
import type { AppError, ErrorCode } from '../../shared/model'
import { cleanText } from '../../shared/text'
import en from '../../renderer/src/i18n/en'
import fa from '../../renderer/src/i18n/fa'
import { memoryPorts, type Ports } from './index'
import { systemClock } from './ports'
import { passThrough, startHostileServer, type HostileServer, type Reply, type Rule, type Upstream } from './testing/hostile-server'
import { listed, sharedGroup, signedIn, unpaced, until, type Harness } from './testing/harness'

// ---- the stage: Alice talks through the hostile server, Bob straight to the reference server ---------------------

let ts: TestServer
let hostile: HostileServer
let alice: Harness
let bob: Harness
let slug: string
let group: string
let direct: string
/** Alice's wall clock runs this far from the real one (clock rows move it). */
const skew = { ms: 0 }
const consoleErrors: unknown[][] = []
const aliceTuning = {
  listPollMs: 100, // the R3 rows wait for two more polls
  socket: { backoff: { firstMs: 50, maxMs: 400 }, stableMs: 300 }, // the fault rows reconnect many times
  client: {
    ...unpaced,
    // A 429 pauses REST; here for a moment, not production's minute (the pause itself is tested in rest.test.ts).
    rest: { ...unpaced.rest, pause: { firstMs: 200, maxMs: 400 } },
  },
}

beforeAll(async () => {
  ts = await startTestServer({ throttle: false })
  if (externalServer) return
  hostile = await startHostileServer(ts.origin)
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void consoleErrors.push(args))
  const [a, b] = ts.users(2)
  const ports: Ports = { ...memoryPorts(), clock: { ...systemClock, now: () => Date.now() + skew.ms } }
  alice = await signedIn(hostile.origin, a.token, { ...aliceTuning, ports })
  bob = await signedIn(ts.origin, b.token, { client: unpaced })
  slug = uniqueSlug('catalogue')
  group = await sharedGroup(ts.origin, slug, bob, alice)
  // A one-to-one chat too (R8, R9, W2): Alice starts it, Bob finds it in his list.
  direct = (await alice.client.request('direct.start', { userId: bob.me.id })).id
  await say(alice, direct, 'hello, one to one')
  await until(() => listed(bob, bobsView(direct)), 20_000, 'Bob lists the one-to-one chat')
  await alice.client.request('chats.open', { chatId: group })
}, 60_000)

afterAll(async () => {
  console.log(`bad inputs: ${badTried} tried, ${badSurvived} survived with nothing lost`)
  console.log(`faults: ${faultRuns}, ${totals.lost} lost, ${totals.duplicated} duplicated, ${totals.stuck} stuck`)
  vi.restoreAllMocks()
  await alice?.client.close()
  await bob?.client.close()
  await hostile?.close()
  await ts?.close()
})

// ---- measuring ------------------------------------------------------------------------------------------------

/** How many times the server stored this text (every group and room: one table). */
const storedCount = (text: string): number =>
  serverContext(ts.ref!).store.all<{ n: number }>('SELECT count(*) AS n FROM messages WHERE content IN (?, ?)', text, text.normalize('NFC'))[0].n
/** Files Alice has stored on the server. */
const aliceFiles = (): number =>
  serverContext(ts.ref!).store.all<{ n: number }>('SELECT count(*) AS n FROM messages WHERE file IS NOT NULL AND user_id = ?', alice.me.id)[0].n
/** Texts are shown without bidi overrides (shared/text.ts cleanText, DESIGN §6). */
const shownCount = (h: Harness, chatId: string, text: string): number =>
  h.client.engine!.messagesOf(chatId).filter((m) => m.text.normalize('NFC') === cleanText(text).normalize('NFC')).length
const outbox = () => alice.client.session!.store.outbox()
/** The same chat as Bob knows it (a one-to-one chat is named after the other person). */
const bobsView = (chatId: string) => (chatId === direct ? `direct:${alice.me.id}` : chatId)

/** `h` types `text` and waits until the server has it and `h`'s app shows it sent. */
async function say(h: Harness, chatId: string, text: string): Promise<void> {
  await h.client.request('messages.send', { chatId, text })
  await until(() => storedCount(text) >= 1 && h.client.engine!.messagesOf(chatId).some((m) => m.text === text && m.status === 'sent'), 20_000, `"${text.slice(0, 40)}" sent`)
}

/** The text of an error code in one language, or undefined (i18n `errors.<code>`). */
function translation(messages: typeof en, code: ErrorCode): string | undefined {
  let at: unknown = messages.errors
  for (const part of code.split('.')) at = (at as Record<string, unknown> | undefined)?.[part]
  return typeof at === 'string' && at.trim() ? at : undefined
}
const translated = (code: ErrorCode): boolean => !!translation(en, code) && !!translation(fa, code) && translation(en, code) !== translation(fa, code)

/** The engine has nothing left to do: no request, no re-read, no send waiting. */
const settled = () => alice.client.engine!.quiet() && outbox().length === 0
async function consumed(...rules: Rule[]): Promise<void> {
  await until(() => rules.every((r) => r.left === 0), 20_000, 'the bad answer was asked for')
}
/** Alice polls R3 ten times a second: wait until it has been read normally twice more. */
async function polledAgain(): Promise<void> {
  const at = ts.ref!.stats().routes.R3 ?? 0
  await until(() => (ts.ref!.stats().routes.R3 ?? 0) >= at + 2, 20_000, 'two more list polls')
}

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

const GROUP_SOCKET = /^\/cht\/ws\/chat\//
const DIRECT_SOCKET = /^\/cht\/ws\/private_chat\//
const R1 = /^\/cht\/save-user-data\/$/
const R3 = /^\/cht\/api\/groups\/$/
const R5 = () => new RegExp(`^/cht/api/groups/${slug}/chat/$`)
const R9 = /^\/cht\/api\/private-chat\//

const html502: Reply = {
  status: 502, headers: { 'content-type': 'text/html' },
  body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
}
const envelope = (status: number, error: string, headers: Record<string, string> = {}): Reply => ({
  status, headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ status: { code: status, message: 'An error occurred.', type: 'fail' }, data: [], error }),
})
/** The reference server's JSON answer, edited. */
const edited = (edit: (body: never) => unknown) => (u: Upstream): Reply => ({ ...passThrough(u), body: JSON.stringify(edit(JSON.parse(u.body.toString()) as never)) })
const withDate = (date: string) => (u: Upstream): Reply => ({ ...passThrough(u), headers: { ...passThrough(u).headers, date } })

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

// ---- faults ---------------------------------------------------------------------------------------------------

interface Counts { lost: number; duplicated: number; stuck: number }
const totals: Counts = { lost: 0, duplicated: 0, stuck: 0 }
let faultRuns = 0

interface Fault {
  name: string
  /** Types while something breaks; answers the texts typed (in `chatId`) and any counts of its own. */
  run(n: (i: number) => string): Promise<{ typed: string[]; chatId?: string; extra?: () => Counts }>
}

/** Sends `count` texts one after another without waiting for their echoes. */
async function burst(n: (i: number) => string, count: number, chatId = group, during?: (i: number) => void | Promise<void>): Promise<string[]> {
  const typed: string[] = []
  for (let i = 0; i < count; i++) {
    typed.push(n(i))
    await alice.client.request('messages.send', { chatId, text: n(i) })
    await during?.(i)
  }
  return typed
}

async function skewed(ms: number, n: (i: number) => string) {
  skew.ms = ms
  try {
    ts.ref!.fault({ cutAfterStore: 1 }) // stored, then the echo lost: only a re-read comparing server times settles it
    const typed = await burst(n, 3)
    await until(() => outbox().length === 0, 20_000, 'settled with the clock off')
    return { typed }
  } finally {
    skew.ms = 0
  }
}

async function jump(ms: number, n: (i: number) => string) {
  const typed = await burst(n, 2)
  skew.ms += ms
  try {
    typed.push(...(await burst((i) => n(i + 2), 2)))
    hostile.dropSockets()
    typed.push(...(await burst((i) => n(i + 4), 2)))
    await until(() => outbox().length === 0, 20_000, 'settled after the jump')
    return { typed }
  } finally {
    skew.ms = 0
  }
}

const faults: Fault[] = [
  { name: 'server restart mid-send', run: async (n) => {
    const typed = await burst(n, 10, group, async (i) => {
      if (i === 3) await ts.restart!()
    })
    return { typed }
  } },
  { name: 'server down while typing, back later', run: async (n) => {
    await ts.stop!()
    const typed = await burst(n, 4)
    await ts.start!()
    alice.client.wake()
    return { typed }
  } },
  { name: 'socket dropped mid-burst (network)', run: async (n) => ({ typed: await burst(n, 20, group, (i) => { if (i === 5) hostile.dropSockets() }) }) },
  { name: 'server drops every socket mid-burst', run: async (n) => ({ typed: await burst(n, 20, group, (i) => { if (i === 7) ts.ref!.dropSockets() }) }) },
  { name: 'echo lost but stored (group)', run: async (n) => {
    ts.ref!.fault({ cutAfterStore: 1 })
    return { typed: await burst(n, 3) }
  } },
  { name: 'echo lost but stored (one-to-one)', run: async (n) => {
    // The reference server's cutAfterStore is W1's; on W2 the hostile server cuts the link instead of the echo.
    hostile.frames(DIRECT_SOCKET, () => 'cut')
    await alice.client.request('chats.open', { chatId: direct })
    await until(() => hostile.sockets(DIRECT_SOCKET) > 0, 20_000, 'one-to-one socket')
    const typed = await burst(n, 3, direct)
    await alice.client.request('chats.open', { chatId: group })
    return { typed, chatId: direct }
  } },
  { name: '1011 instead of the W2 echo (stored, echo failed)', run: async (n) => {
    hostile.frames(DIRECT_SOCKET, () => 'close 1011')
    await alice.client.request('chats.open', { chatId: direct })
    await until(() => hostile.sockets(DIRECT_SOCKET) > 0, 20_000, 'one-to-one socket')
    const typed = await burst(n, 3, direct)
    await alice.client.request('chats.open', { chatId: group })
    return { typed, chatId: direct }
  } },
  { name: 'R5 cut mid-body while a send\'s fate is unknown', run: async (n) => {
    hostile.http(R5(), (u) => ({ ...passThrough(u), cutAfter: Math.floor(u.body.length / 2) }), 2)
    ts.ref!.fault({ cutAfterStore: 1 })
    return { typed: await burst(n, 3) }
  } },
  { name: 'HTML 500 on R5 while a send\'s fate is unknown', run: async (n) => {
    hostile.http(R5(), { status: 500, headers: { 'content-type': 'text/html' }, body: '<h1>Server Error (500)</h1>' }, 2)
    ts.ref!.fault({ cutAfterStore: 1 })
    return { typed: await burst(n, 3) }
  } },
  { name: '429 ban during the re-read that settles a send', run: async (n) => {
    hostile.http(/^\/cht\//, envelope(429, 'Request was throttled.'), 4)
    ts.ref!.fault({ cutAfterStore: 1 })
    return { typed: await burst(n, 3) }
  } },
  { name: 'connection refused (the server unreachable), then back', run: async (n) => {
    await hostile.down()
    await until(async () => (await alice.client.request('connection.get', undefined)).status !== 'online', 20_000, 'Alice sees she is offline')
    const typed = await burst(n, 3)
    await hostile.up()
    alice.client.wake()
    return { typed }
  } },
  ...([404, 429, 400] as const).map((status): Fault => ({ name: `socket handshake answered ${status} once`, run: async (n) => {
    hostile.handshake(GROUP_SOCKET, status)
    hostile.dropSockets()
    const typed = await burst(n, 3)
    return { typed }
  } })),
  { name: 'the clock jumps forward an hour', run: (n) => jump(3_600_000, n) },
  { name: 'the clock jumps back an hour', run: (n) => jump(-3_600_000, n) },
  { name: 'client clock 10 min fast', run: (n) => skewed(600_000, n) },
  { name: 'client clock 10 min slow', run: (n) => skewed(-600_000, n) },
  { name: 'client clock 3:30 h fast (a dual-boot PC)', run: (n) => skewed(12_600_000, n) },
  { name: 'client clock 3:30 h slow', run: (n) => skewed(-12_600_000, n) },
  { name: 'an NFC-normalising server', run: async (n) => {
    ts.ref!.fault({ normalizeText: true })
    try {
      const typed = await burst((i) => `${n(i)} cafe\u0301`, 3)
      await until(() => outbox().length === 0, 20_000, 'settled')
      hostile.dropSockets()
      await until(() => alice.client.engine!.quiet(), 20_000, 're-read')
      await until(() => typed.every((t) => storedCount(t) === 1), 20_000, 'stored')
      // Stored as the server normalized it (the fault is on), and settled by its echo all the same.
      expect(typed.map((t) => serverContext(ts.ref!).store.all('SELECT 1 FROM messages WHERE content = ?', t.normalize('NFC')).length)).toEqual([1, 1, 1])
      return { typed }
    } finally {
      ts.ref!.fault({ normalizeText: false })
    }
  } },
  { name: 'session expired with queued sends', run: async (n) => {
    await hostile.down()
    const typed = await burst(n, 3)
    ts.ref!.endSession(alice.token)
    await hostile.up()
    alice.client.wake()
    await alice.waitFor('notice', (x) => x.code === 'session.expired')
    const token = ts.ref!.issueToken(alice.me.id)
    await alice.client.request('session.signIn', { serverOrigin: hostile.origin, token })
    alice = { ...alice, token }
    return { typed }
  } },
  { name: 'a group dropping out of one R3 answer', run: async (n) => {
    const removed = alice.events.length
    hostile.http(R3, edited((l: Array<{ slug: string }>) => l.filter((g) => g.slug !== slug)))
    const typed = await burst(n, 3)
    await polledAgain()
    expect(await listed(alice, group)).toBe(true)
    expect(alice.events.slice(removed).filter(([k, p]) => k === 'notice' && (p as AppError).code === 'chat.removed')).toEqual([])
    return { typed }
  } },
  { name: 'two devices racing', run: async (n) => {
    const second = await signedIn(hostile.origin, ts.ref!.issueToken(alice.me.id), aliceTuning)
    await until(() => listed(second, group), 20_000, 'the second device lists the group')
    const typed: string[] = []
    await Promise.all([0, 1].map(async (d) => {
      const h = d === 0 ? alice : second
      for (let i = 0; i < 5; i++) {
        const text = n(d * 10 + i)
        typed.push(text)
        await h.client.request('messages.send', { chatId: group, text })
      }
    }))
    await until(() => second.client.session!.store.outbox().length === 0, 20_000, 'the second device settled')
    await second.client.close()
    // The second sign-in holds the socket token now (1.3): the first device's next handshake is refused; it says so
    // (or takes the token back itself), and "reconnect now" takes it back.
    hostile.dropSockets()
    const state = () => alice.client.request('connection.get', undefined)
    await until(async () => (await state()).reason === 'other-device' || hostile.sockets(GROUP_SOCKET) > 0, 20_000, 'the first device reconnected or told')
    if ((await state()).reason === 'other-device') await alice.client.request('connection.reconnect', undefined)
    await until(async () => (await state()).status === 'online' && hostile.sockets(GROUP_SOCKET) > 0, 20_000, 'online again')
    return { typed }
  } },
  { name: 'socket killed during a file upload', run: async () => {
    const before = aliceFiles()
    // The next group socket is cut a megabyte into what Alice sends on it: in the middle of the file's frame.
    const cut = hostile.cutUpload(GROUP_SOCKET, 1024 * 1024)
    hostile.dropSockets()
    const staged = await alice.client.request('files.stageBytes', { name: 'big.bin', bytes: new Uint8Array(randomBytes(3 * 1024 * 1024)) })
    const { keys } = await alice.client.request('files.send', { chatId: group, stagedIds: [staged.id] })
    await consumed(cut)
    const file = () => alice.client.engine!.messagesOf(group).find((m) => m.key === keys[0])
    // A file cut in flight is sent again from the start (or offered for retry): either way it reaches the server once.
    await until(() => file()?.status !== 'sending' || aliceFiles() > before, 30_000, 'the upload ended')
    if (file()?.status === 'failed') await alice.client.request('messages.retry', { chatId: group, key: keys[0] })
    await until(() => aliceFiles() > before && outbox().length === 0, 30_000, 'the file stored').catch(() => undefined)
    return { typed: [], extra: () => ({ lost: aliceFiles() === before ? 1 : 0, duplicated: Math.max(0, aliceFiles() - before - 1), stuck: 0 }) }
  } },
]

describe.skipIf(!!externalServer)(`issue 13: ${faults.length} faults`, () => {
  it.each(faults.map((row, i) => ({ ...row, i })))('$name', async (row) => {
    const { typed, chatId = group, extra } = await row.run((k) => `fault #${row.i} (${row.name}) ${k}`)
    ts.ref!.fault({ cutAfterStore: 0 })
    // Settle: everything typed is on the server and Alice's outbox is empty — or the time is up and the counts say why.
    await until(() => typed.every((t) => storedCount(t) >= 1) && outbox().length === 0 && alice.client.engine!.quiet(), 30_000, 'settled').catch(() => undefined)
    // A message stored whose broadcast was cut (cutAfterStore) reaches Bob with his next re-read, as in production.
    const bobHasAll = () => typed.every((t) => shownCount(bob, bobsView(chatId), t) >= 1)
    if (!bobHasAll()) bob.client.wake()
    await until(bobHasAll, 10_000, 'Bob has them').catch(() => undefined)
    const counts: Counts = {
      lost: typed.filter((t) => storedCount(t) === 0).length,
      duplicated: typed.filter((t) => storedCount(t) > 1 || shownCount(alice, chatId, t) > 1 || shownCount(bob, bobsView(chatId), t) > 1).length,
      stuck: outbox().length + typed.filter((t) => alice.client.engine!.messagesOf(chatId).some((m) => m.text === t && m.status !== 'sent')).length,
    }
    const own = extra?.()
    if (own) for (const k of ['lost', 'duplicated', 'stuck'] as const) counts[k] += own[k]
    faultRuns++
    for (const k of ['lost', 'duplicated', 'stuck'] as const) totals[k] += counts[k]
    const diag = typed.map((t) => ({ t, stored: storedCount(t), alice: alice.client.engine!.messagesOf(chatId).filter((m) => m.text.normalize('NFC') === t.normalize('NFC')).map((m) => m.status), bob: shownCount(bob, bobsView(chatId), t) }))
    expect(counts, JSON.stringify({ outbox: outbox().map((i) => [i.text, i.status, i.fate]), diag })).toEqual({ lost: 0, duplicated: 0, stuck: 0 })
  })
})
