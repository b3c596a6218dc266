// The stage of issue 13's catalogue (catalogue-inputs and catalogue-faults): Alice talks to the reference server
// through a hostile loopback server (hostile-server.ts) that replaces one answer or frame per row, Bob talks to it
// straight; and what the rows measure — what the server stored, what each app shows, Alice's outbox.
import { afterAll, beforeAll, vi } from 'vitest'
import { serverContext } from '../../../../server/index'
import { externalServer, startTestServer, uniqueSlug, type TestServer } from '../../../../testkit/server'
import type { ErrorCode } from '../../../shared/model'
import { cleanText } from '../../../shared/text'
import en from '../../../renderer/src/i18n/en'
import fa from '../../../renderer/src/i18n/fa'
import { memoryPorts, type Ports } from '../index'
import { systemClock } from '../ports'
import { passThrough, startHostileServer, type HostileServer, type Reply, type Rule, type Upstream } from './hostile-server'
import { listed, sharedGroup, signedIn, unpaced, until, type Harness } from './harness'

// ---- the stage: Alice talks through the hostile server, Bob straight to the reference server ---------------------

export let ts: TestServer
export let hostile: HostileServer
export let alice: Harness
export let bob: Harness
export let slug: string
export let group: string
export let direct: string
/** Alice's wall clock runs this far from the real one (clock rows move it). */
export const skew = { ms: 0 }
export const consoleErrors: unknown[][] = []
export const aliceTuning = {
  listPollMs: 100, // the R3 rows wait for two more polls
  socket: { backoff: { firstMs: 50, maxMs: 400 }, stableMs: 300 }, // the fault rows reconnect many times
  client: {
    ...unpaced,
    // A 429 pauses REST; here for a moment, not production's minute (the pause itself is tested in rest.test.ts).
    rest: { ...unpaced.rest, pause: { firstMs: 200, maxMs: 400 } },
  },
}

/** Alice with a renewed token (a row that signs her in again). */
export function setAlice(h: Harness): void {
  alice = h
}

/** The stage for one test file: its own reference server, hostile server, Alice and Bob. */
export function useStage(): void {
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
    vi.restoreAllMocks()
    await alice?.client.close()
    await bob?.client.close()
    await hostile?.close()
    await ts?.close()
  })
}

// ---- measuring ------------------------------------------------------------------------------------------------

/** How many times the server stored this text (every group and room: one table). */
export const storedCount = (text: string): number =>
  serverContext(ts.ref!).store.all<{ n: number }>('SELECT count(*) AS n FROM messages WHERE content IN (?, ?)', text, text.normalize('NFC'))[0].n
/** Files Alice has stored on the server. */
export const aliceFiles = (): number =>
  serverContext(ts.ref!).store.all<{ n: number }>('SELECT count(*) AS n FROM messages WHERE file IS NOT NULL AND user_id = ?', alice.me.id)[0].n
/** Texts are shown without bidi overrides (shared/text.ts cleanText, DESIGN §6). */
export const shownCount = (h: Harness, chatId: string, text: string): number =>
  h.client.engine!.messagesOf(chatId).filter((m) => m.text.normalize('NFC') === cleanText(text).normalize('NFC')).length
export const outbox = () => alice.client.session!.store.outbox()
/** The same chat as Bob knows it (a one-to-one chat is named after the other person). */
export const bobsView = (chatId: string) => (chatId === direct ? `direct:${alice.me.id}` : chatId)

/** `h` types `text` and waits until the server has it and `h`'s app shows it sent. */
export async function say(h: Harness, chatId: string, text: string): Promise<void> {
  await h.client.request('messages.send', { chatId, text })
  await until(() => storedCount(text) >= 1 && h.client.engine!.messagesOf(chatId).some((m) => m.text === text && m.status === 'sent'), 20_000, `"${text.slice(0, 40)}" sent`)
}

/** The text of an error code in one language, or undefined (i18n `errors.<code>`). */
export function translation(messages: typeof en, code: ErrorCode): string | undefined {
  let at: unknown = messages.errors
  for (const part of code.split('.')) at = (at as Record<string, unknown> | undefined)?.[part]
  return typeof at === 'string' && at.trim() ? at : undefined
}
export const translated = (code: ErrorCode): boolean => !!translation(en, code) && !!translation(fa, code) && translation(en, code) !== translation(fa, code)

/** The engine has nothing left to do: no request, no re-read, no send waiting. */
export const settled = () => alice.client.engine!.quiet() && outbox().length === 0
export async function consumed(...rules: Rule[]): Promise<void> {
  await until(() => rules.every((r) => r.left === 0), 20_000, 'the bad answer was asked for')
}
/** Alice polls R3 ten times a second: wait until it has been read normally twice more. */
export async function polledAgain(): Promise<void> {
  const at = ts.ref!.stats().routes.R3 ?? 0
  await until(() => (ts.ref!.stats().routes.R3 ?? 0) >= at + 2, 20_000, 'two more list polls')
}

// ---- what the hostile server answers instead ------------------------------------------------------------------

export const GROUP_SOCKET = /^\/cht\/ws\/chat\//
export const DIRECT_SOCKET = /^\/cht\/ws\/private_chat\//
export const R1 = /^\/cht\/save-user-data\/$/
export const R3 = /^\/cht\/api\/groups\/$/
export const R5 = () => new RegExp(`^/cht/api/groups/${slug}/chat/$`)
export const R9 = /^\/cht\/api\/private-chat\//

export const html502: Reply = {
  status: 502, headers: { 'content-type': 'text/html' },
  body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
}
export const envelope = (status: number, error: string, headers: Record<string, string> = {}): Reply => ({
  status, headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ status: { code: status, message: 'An error occurred.', type: 'fail' }, data: [], error }),
})
/** The reference server's JSON answer, edited. */
export const edited = (edit: (body: never) => unknown) => (u: Upstream): Reply => ({ ...passThrough(u), body: JSON.stringify(edit(JSON.parse(u.body.toString()) as never)) })
export const withDate = (date: string) => (u: Upstream): Reply => ({ ...passThrough(u), headers: { ...passThrough(u).headers, date } })
