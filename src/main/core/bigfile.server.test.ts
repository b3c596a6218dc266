// Issue 4 acceptance: a 50 MiB file through core arrives byte-identical on the other user's side (R10, sha256), and
// this process's extra memory while sending stays far below the file size. The reference server runs in a child
// process, so what is measured here is the client alone (no throttle: this is not about the REST budget).
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { peakMemoryDuring, writeRandomFile } from '../../../testkit/memory'
import { uniqueSlug } from '../../../testkit/server'
import { startChildServer, type ChildServer } from './testing/child-server'
import { sharedGroup, signedIn, unpaced, until, type Harness } from './testing/harness'
import { transferCounters } from './transfers'

const SIZE = 50 * 1024 * 1024
let server: ChildServer
let alice: Harness
let bob: Harness
let dir: string
let slug: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cht-bigfile-'))
  server = await startChildServer({ throttle: false })
  const [a, b] = [server.users[0], server.users[3]]
  alice = await signedIn(server.origin, a.token, { settings: { maxFileBytes: 64 * 1024 * 1024 }, client: unpaced })
  bob = await signedIn(server.origin, b.token, { client: unpaced })
  slug = uniqueSlug('big')
  const id = await sharedGroup(server.origin, slug, alice, bob)
  await alice.client.request('chats.open', { chatId: id })
  await bob.client.request('chats.open', { chatId: id })
}, 90_000)

afterAll(async () => {
  await alice?.client.close()
  await bob?.client.close()
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('a 50 MiB file arrives byte-identical, with bounded memory while sending', async () => {
  const chatId = `group:${slug}`
  const path = join(dir, 'video.mp4')
  const sha = await writeRandomFile(path, SIZE)
  const r = await alice.client.stagePaths([path])
  if (!r.ok) throw new Error(r.error.code)
  const [staged] = r.value

  // Warm-up with an 8 MiB file: a cold heap grows V8's young generation once (up to ~30 MiB here, whatever the file
  // size); that one-time growth is the process's, not this file's. Measured after it: what a send itself holds.
  const warm = join(dir, 'warm.bin')
  await writeRandomFile(warm, 8 * 1024 * 1024)
  const w = await alice.client.stagePaths([warm])
  if (!w.ok) throw new Error(w.error.code)
  const wk = (await alice.client.request('files.send', { chatId, stagedIds: [w.value[0].id] })).keys[0]
  await until(() => alice.client.engine!.messagesOf(chatId).find((m) => m.key === wk)?.status === 'sent', 60_000, 'warm-up settled')

  const read0 = transferCounters.bytesRead
  let keys: string[] = []
  const own = () => alice.client.engine!.messagesOf(chatId).find((m) => m.key === keys[0])
  const { ms, peakRss, peakHeapBuffers } = await peakMemoryDuring(async () => {
    keys = (await alice.client.request('files.send', { chatId, stagedIds: [staged.id] })).keys
    await until(() => own()?.status === 'sent', 120_000, 'own file settled')
  }, { settleMs: 300, everyMs: 10 })
  console.log(`50 MiB send: ${Math.round(ms)} ms; peak extra rss ${(peakRss / 1048576).toFixed(1)} MiB; ` +
    `peak extra heap+arrayBuffers ${(peakHeapBuffers / 1048576).toFixed(1)} MiB (file ${SIZE / 1048576} MiB)`)
  expect(transferCounters.bytesRead - read0).toBe(SIZE)
  // Generous bounds, far below one whole copy of the file (50 MiB raw, 67 MiB as base64; a naive sender holds several).
  // What remains is garbage between GCs (each 48 KiB chunk's string and ws's copy of it), bounded by V8's young
  // generation and malloc's free lists whatever the file size: 15–29 MiB measured here under parallel test load;
  // `npm run bench` alone: ≤ 11 MiB rss. The bound says "never one whole copy", not the bench's 0.25 target.
  expect(peakRss).toBeLessThan(0.75 * SIZE)
  expect(peakHeapBuffers).toBeLessThan(0.75 * SIZE)
  expect(own()!.file!.name).toBe('video.mp4')

  // Bob's side: the file message, then R10 streamed through a hash.
  await until(() => bob.client.engine!.messagesOf(chatId).some((m) => m.file?.url === own()!.file!.url), 30_000, 'bob has it')
  const url = bob.client.engine!.messagesOf(chatId).find((m) => m.file?.url === own()!.file!.url)!.file!.url
  const res = await fetch(url)
  expect(res.status).toBe(200)
  const hash = createHash('sha256')
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) hash.update(chunk)
  expect(hash.digest('hex')).toBe(sha)
}, 180_000)
