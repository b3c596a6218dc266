// Test helpers for core integration tests (issue 4): a signed-in headless client with its events recorded.
// Nothing of ours is mocked; the server is the reference one (or any cht server).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EventName, Events } from '../../../shared/contract'
import type { Settings, User } from '../../../shared/model'
import { createChatClient, memoryPorts, type ChatClient, type Ports } from '../index'

export interface Harness {
  client: ChatClient
  ports: Ports
  me: User
  events: Array<[EventName, unknown]>
}

export const fastSockets = { backoff: { firstMs: 100, maxMs: 1_000 }, stableMs: 500 }

export async function signedIn(origin: string, token: string, settings: Partial<Settings> = {}, ports?: Ports): Promise<Harness> {
  const p: Ports = ports ?? { ...memoryPorts(), cacheDir: mkdtempSync(join(tmpdir(), 'cht-cache-test-')) }
  p.store.set('settings', { ...(p.store.get<Partial<Settings>>('settings') ?? {}), ...settings })
  const client = createChatClient({ serverOrigin: origin, ports: p, socket: fastSockets, listPollMs: 3_000 })
  const events: Array<[EventName, unknown]> = []
  client.onEvent((name, payload) => {
    events.push([name, payload])
  })
  const s = await client.request('session.signIn', { serverOrigin: origin, token })
  return { client, ports: p, me: s.user, events }
}

export function eventsOf<N extends EventName>(h: Harness, name: N): Array<Events[N]> {
  return h.events.filter(([n]) => n === name).map(([, p]) => p as Events[N])
}

export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`${what} not met in time`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** R2 (name == slug, Q7) by `owner`, then R4 add_member for each other user — the protocol way. */
export async function makeGroup(origin: string, ownerToken: string, slug: string, memberIds: string[]): Promise<void> {
  const headers = { Authorization: ownerToken, 'content-type': 'application/json' }
  const r2 = await fetch(`${origin}/cht/api/groups/create/`, {
    method: 'POST', headers, body: JSON.stringify({ group_name: slug, slug, type: 'public' }),
  })
  if (r2.status !== 201) throw new Error(`R2 ${r2.status}`)
  for (const uuid of memberIds) {
    const r4 = await fetch(`${origin}/cht/api/group_chat/${slug}/`, { method: 'POST', headers, body: JSON.stringify({ action: 'add_member', uuid }) })
    if (r4.status !== 200) throw new Error(`R4 ${r4.status}`)
  }
}

/** R5 file messages of a group, read with a raw request (what the server stored). */
export async function storedFiles(origin: string, token: string, slug: string): Promise<Array<{ file: string; user_id: string }>> {
  const r = await fetch(`${origin}/cht/api/groups/${slug}/chat/`, { headers: { Authorization: token } })
  if (r.status !== 200) throw new Error(`R5 ${r.status}`)
  const body = (await r.json()) as { messages: Array<{ file: string | null; user_id: string }> }
  return body.messages.filter((m) => m.file).map((m) => ({ file: m.file!, user_id: m.user_id }))
}
