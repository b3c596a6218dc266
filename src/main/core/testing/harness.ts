// Test helpers for core integration tests: headless clients with their events recorded, signed in against the
// reference server (or any cht server). Nothing of ours is mocked.
import type { EventName, Events } from '../../../shared/contract'
import type { Settings, User } from '../../../shared/model'
import { makeGroup } from '../../../../testkit/groups'
import { unpacedClient } from '../../../../testkit/server'
import { createChatClient, memoryPorts, type ChatClient, type ChatClientOptions, type Ports } from '../index'

/** A client whose events are all kept, in order. */
export interface Recorded {
  client: ChatClient
  ports: Ports
  events: Array<[EventName, unknown]>
  /** Resolves with the first event (past or future) of `name` that `pred` accepts. */
  waitFor<N extends EventName>(name: N, pred: (p: Events[N]) => boolean, timeoutMs?: number): Promise<Events[N]>
}

export interface Harness extends Recorded {
  me: User
  token: string
}

export interface ClientTuning {
  /** Default: in-memory ports with a fresh cache folder. */
  ports?: Ports
  socket?: ChatClientOptions['socket']
  listPollMs?: number
  client?: Partial<ChatClientOptions>
}

const freshPorts = (): Ports => memoryPorts()

export const fastSockets = { backoff: { firstMs: 100, maxMs: 1_000 }, stableMs: 500 }

/** `client: unpaced` for a reference server started with `throttle: false` (testkit/server.ts). */
export const unpaced: Partial<ChatClientOptions> = unpacedClient

/** A client that is not signed in yet (restoring a session with start(), or a sign-in that must fail). */
export function recorded(origin: string, tuning: ClientTuning = {}): Recorded {
  const ports = tuning.ports ?? freshPorts()
  const client = createChatClient({
    serverOrigin: origin, ports, socket: tuning.socket ?? fastSockets, listPollMs: 3_000,
    // No start-up or reconnect jitter here: these tests are about behaviour, not about many clients on one IP.
    startJitterMs: 0, rereadJitterMs: 0, backgroundGapMs: 200, rest: { backgroundGapMs: 20 }, ...tuning.client,
    // A test's own poll interval wins over a tuning set's (`client: unpaced`).
    ...('listPollMs' in tuning ? { listPollMs: tuning.listPollMs } : {}),
  })
  const events: Array<[EventName, unknown]> = []
  const waiters = new Set<() => void>()
  client.onEvent((name, payload) => {
    events.push([name, payload])
    for (const w of [...waiters]) w()
  })
  return {
    client, ports, events,
    waitFor(name, pred, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(([n, p]) => n === name && pred(p as never))
          if (!hit) return
          waiters.delete(check)
          clearTimeout(timer)
          resolve(hit[1] as never)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`timed out waiting for ${name}`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
  }
}

export async function signedIn(
  origin: string, token: string, opts: ClientTuning & { settings?: Partial<Settings> } = {},
): Promise<Harness> {
  const ports = opts.ports ?? freshPorts()
  // Before the client exists: it reads its settings once, when created.
  if (opts.settings) ports.store.set('settings', { ...(ports.store.get<Partial<Settings>>('settings') ?? {}), ...opts.settings })
  const h = recorded(origin, { ...opts, ports })
  const s = await h.client.request('session.signIn', { serverOrigin: origin, token })
  return { ...h, me: s.user, token }
}

export function eventsOf<N extends EventName>(h: Recorded, name: N): Array<Events[N]> {
  return h.events.filter(([n]) => n === name).map(([, p]) => p as Events[N])
}

export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`${what} not met in time`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function listed(h: Recorded, chatId: string): Promise<boolean> {
  return (await h.client.request('chats.list', undefined)).some((c) => c.id === chatId)
}

/** makeGroup with `owner` and `members`, then waits until every one of them lists it; answers its chat id. */
export async function sharedGroup(origin: string, slug: string, owner: Harness, ...members: Harness[]): Promise<string> {
  await makeGroup(origin, owner.token, slug, members.map((m) => m.me.id))
  const chatId = `group:${slug}`
  for (const h of [owner, ...members]) await until(() => listed(h, chatId), undefined, `${chatId} listed`)
  return chatId
}

/** R5 file messages of a group, read with a raw request (what the server stored). */
export async function storedFiles(origin: string, token: string, slug: string): Promise<Array<{ file: string; user_id: string }>> {
  const r = await fetch(`${origin}/cht/api/groups/${slug}/chat/`, { headers: { Authorization: token } })
  if (r.status !== 200) throw new Error(`R5 ${r.status}`)
  const body = (await r.json()) as { messages: Array<{ file: string | null; user_id: string }> }
  return body.messages.filter((m) => m.file).map((m) => ({ file: m.file!, user_id: m.user_id }))
}
