// Issue 13 end to end in main's own state file, against the reference server over real sockets: a damaged state file
// used to be reset silently (electron-store's clearInvalidConfig) — the user signed out and the queued messages gone.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { externalServer, startTestServer, type TestServer } from '../../../testkit/server'
import { memoryPorts, type Ports } from '../core'
import { recorded, signedIn, unpaced, until, type Harness } from '../core/testing/harness'
import { createLog } from '../log'
import { STATE_SCHEMAS } from '../state'
import { createKeyValueStore } from './store'

vi.mock('electron', () => import('../testing/fake-electron'))

let ts: TestServer
let bob: Harness
beforeAll(async () => {
  ts = await startTestServer({ throttle: false }) // not about the REST budget: no throttle, no pacing
  const [b] = ts.users(1)
  bob = await signedIn(ts.origin, b.token, { client: unpaced })
}, 60_000)
afterAll(async () => {
  await bob?.client.close()
  await ts?.close()
})

/** A chat's messages, or none while the chat is not known yet (discovery, a restart still loading). */
function messagesOf(h: Pick<Harness, 'client'>, chatId: string) {
  try {
    return h.client.engine?.messagesOf(chatId) ?? []
  } catch {
    return []
  }
}

const damages: Array<[string, (text: string) => string]> = [
  ['truncated', (t) => t.slice(0, Math.floor(t.length / 2))],
  ['empty', () => ''],
  ['garbage appended', (t) => `${t}\u0000garbage}`],
]

// The SSO must forget a token and issue another: the reference server only.
describe.runIf(!externalServer)('a damaged state file (issue 13)', () => {
  it.each(damages)('(%s) is silently reset: the user is signed out and the 5 queued messages are gone — now neither', async (_kind, damage) => {
    const dir = mkdtempSync(join(tmpdir(), 'cht-state-e2e-'))
    try {
      const [a] = ts.users(1)
      const log = createLog({ dir: join(dir, 'logs') })
      const ports: Ports = { ...memoryPorts(), store: createKeyValueStore({ dir, schemas: STATE_SCHEMAS, log }) }
      const alice = await signedIn(ts.origin, a.token, { ports, client: unpaced })
      const bobId = bob.me.id
      const chat = await alice.client.request('direct.start', { userId: bobId })
      // The session ends at the SSO and every socket drops: nothing Alice types now can reach the server.
      ts.ref!.endSession(a.token)
      ts.ref!.dropSockets()
      const texts = Array.from({ length: 5 }, (_, i) => `${_kind} ${i + 1}`)
      for (const text of texts) await alice.client.request('messages.send', { chatId: chat.id, text })
      await alice.client.close()

      const file = join(dir, 'cht-state.json')
      writeFileSync(file, damage(readFileSync(file, 'utf8')))

      // The app starts again with the damaged file: still signed in, the 5 messages still waiting.
      const store = createKeyValueStore({ dir, schemas: STATE_SCHEMAS, log })
      expect(store.problems.map((p) => p.kind)).toEqual(['damaged'])
      const again = recorded(ts.origin, { ports: { ...ports, store }, client: unpaced })
      await again.client.start()
      expect((await again.client.request('session.get', undefined))?.user.id).toBe(alice.me.id)
      const shown = () => messagesOf(again, chat.id)
      await until(() => texts.every((t) => shown().some((m) => m.text === t && m.own)), 20_000, 'queued messages shown')

      // Signing in again (the same person, a new token from the SSO) sends each of them exactly once.
      await again.client.request('session.signIn', { serverOrigin: ts.origin, token: ts.ref!.issueToken(alice.me.id) })
      const fromAlice = `direct:${alice.me.id}`
      await until(() => texts.every((t) => messagesOf(bob, fromAlice).some((m) => m.text === t)), 30_000, 'delivered to Bob')
      await until(() => again.client.engine!.messagesOf(chat.id).filter((m) => texts.includes(m.text)).every((m) => m.status === 'sent'), 30_000, 'settled')
      for (const t of texts) {
        expect(bob.client.engine!.messagesOf(fromAlice).filter((m) => m.text === t)).toHaveLength(1)
        expect(again.client.engine!.messagesOf(chat.id).filter((m) => m.text === t)).toHaveLength(1)
      }
      await again.client.close()
      // Every key core and main used on the way has its schema in main/state.ts (else it would not be kept).
      expect(readFileSync(join(dir, 'logs', 'main.log'), 'utf8')).not.toMatch(/state\.(unknown-key|invalid-write)/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)
})
