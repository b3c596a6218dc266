// Issue 10: the engine's memory survives what a desktop app lives through — its process killed (kill -9) in the middle
// of a burst, a restart with the server down, the server coming back. Real processes, real SQLite files, the
// reference server over real sockets.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestServer, externalServer, type TestServer } from '../../../testkit/server'
import type { Message } from '../../shared/model'
import { filePorts } from './testing/file-ports'
import { recorded, sharedGroup, signedIn, until, type Harness } from './testing/harness'

let ts: TestServer
beforeAll(async () => {
  ts = await startTestServer({ throttle: false })
})
afterAll(async () => {
  await ts?.close()
})

const R5 = async (slug: string, token: string): Promise<Array<{ content: string; user_id: string }>> =>
  ((await (await fetch(`${ts.origin}/cht/api/groups/${slug}/chat/`, { headers: { Authorization: token } })).json()) as { messages: Array<{ content: string; user_id: string }> }).messages

// Kills a process and restarts the server: only against the in-process reference server.
it.skipIf(!!externalServer)('kill -9 in the middle of a 200-message burst: every typed message is delivered once or still queued, every received one kept', async () => {
  const [a, b] = ts.users(2)
  const dir = mkdtempSync(join(tmpdir(), 'cht-crash-'))
  const bob: Harness = await signedIn(ts.origin, b.token)
  // Alice's app, first a moment in-process to learn her id and share a group with Bob.
  const aliceOnce = await signedIn(ts.origin, a.token, { ports: filePorts(dir) })
  const slug = `crash_${Date.now().toString(36)}`
  const chatId = await sharedGroup(ts.origin, slug, bob, aliceOnce)
  await aliceOnce.client.close()

  const root = resolve(import.meta.dirname, '../../..')
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/core/testing/child-client.ts', ts.origin, dir, a.token, chatId, '200'], {
    cwd: root, stdio: ['pipe', 'pipe', 'inherit'],
  })
  const queued: number[] = []
  const got = new Set<string>()
  let ready = false
  const lines = createInterface({ input: child.stdout! })
  lines.on('line', (l) => {
    if (l === 'ready') ready = true
    else if (l.startsWith('queued ')) queued.push(Number(l.slice(7)))
    else if (l.startsWith('got ')) got.add(l.slice(4))
  })
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)))
  await until(() => ready, 30_000, 'the child is ready')
  // Bob talks; Alice has received 30 of his messages before she starts typing, and he goes on while she types.
  let bobSent = 0
  for (; bobSent < 30; bobSent++) await bob.client.request('messages.send', { chatId, text: `from bob ${bobSent}` })
  await until(() => got.size >= 30, 30_000, 'Alice received 30')
  child.stdin!.write('go\n')
  // The child dies (SIGKILL: no exit handler, no flush) right after her 100th message.
  const talking = (async () => {
    while (queued.length < 100 && bobSent < 200) await bob.client.request('messages.send', { chatId, text: `from bob ${bobSent++}` })
  })()
  await until(() => queued.length >= 100, 30_000, '100 queued')
  child.kill('SIGKILL')
  child.stdin!.end()
  expect(await exited).toBe('SIGKILL')
  await talking
  const typedBeforeKill = queued.length
  const receivedBeforeKill = [...got]
  expect(typedBeforeKill).toBeGreaterThanOrEqual(100)
  expect(typedBeforeKill).toBeLessThan(200) // it really died mid-burst
  expect(receivedBeforeKill.length).toBeGreaterThanOrEqual(30)

  // The app starts again with the server down: what she received and typed is all there, from disk.
  await ts.stop!()
  const again = recorded(ts.origin, { ports: filePorts(dir) })
  await again.client.start()
  await until(() => !!again.client.engine, 10_000, 'opened from disk')
  const held = (): Message[] => again.client.engine!.messagesOf(chatId)
  const heldTexts = new Set(held().map((m) => m.text))
  for (const t of receivedBeforeKill) expect(heldTexts.has(t), `received before the kill: ${t}`).toBe(true)
  for (let i = 0; i < typedBeforeKill; i++) expect(heldTexts.has(`typed ${i}`), `typed ${i}`).toBe(true)
  expect((await again.client.request('chats.list', undefined)).map((c) => c.id)).toContain(chatId)
  // Typed while offline: it queues like any other.
  await again.client.request('messages.send', { chatId, text: 'typed while the server was down' })
  expect(held().find((m) => m.text === 'typed while the server was down')?.status).toBe('sending')
  console.log(`kill -9: ${typedBeforeKill} typed before the kill, ${receivedBeforeKill.length} received before it; ` +
    `${held().filter((m) => m.status !== 'sent').length} still queued at restart`)

  // The server comes back: every typed message reaches it exactly once.
  await ts.start!()
  again.client.wake()
  await until(async () => {
    const stored = (await R5(slug, b.token)).map((m) => m.content)
    return Array.from({ length: typedBeforeKill }, (_, i) => `typed ${i}`).every((t) => stored.includes(t))
  }, 60_000, 'all typed messages on the server')
  await until(() => held().filter((m) => m.text.startsWith('typed ')).every((m) => m.status === 'sent'), 30_000, 'nothing left queued')
  await until(async () => (await R5(slug, b.token)).some((m) => m.content === 'typed while the server was down'), 30_000, 'the offline one')
  const stored = (await R5(slug, b.token)).map((m) => m.content)
  expect(stored.filter((t) => t === 'typed while the server was down')).toHaveLength(1)
  for (let i = 0; i < typedBeforeKill; i++) expect(stored.filter((t) => t === `typed ${i}`), `typed ${i} on the server`).toHaveLength(1)
  const shown = held().map((m) => m.text)
  for (let i = 0; i < typedBeforeKill; i++) expect(shown.filter((t) => t === `typed ${i}`), `typed ${i} shown`).toHaveLength(1)
  for (let i = 0; i < bobSent; i++) expect(shown.filter((t) => t === `from bob ${i}`), `from bob ${i}`).toHaveLength(1)
  await again.client.close()
  await bob.client.close()
}, 120_000)
