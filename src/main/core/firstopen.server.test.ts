// The first open of a big chat on this computer (issue 10, bench (b)): the window shows once the history's newest
// part is stored, not after all of it; the older parts follow, and paging up meets them contiguously, up to the
// very first message — never a false top while they are still being written. Reference server, real sockets.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { serverContext } from '../../../server/index'
import { makeGroup } from '../../../testkit/groups'
import { externalServer, startTestServer, uniqueSlug, type TestServer } from '../../../testkit/server'
import { signedIn, unpaced, until } from './testing/harness'

const COUNT = 12_000

let ts: TestServer
beforeAll(async () => {
  ts = await startTestServer({ throttle: false })
})
afterAll(async () => {
  await ts?.close()
})

// Seeding a long history goes through the reference server's database: skipped against CHT_TEST_SERVER.
it.skipIf(!!externalServer)('a first open answers with the newest window before the whole history is stored; paging up reaches the first message', async () => {
  const [owner, reader] = ts.users(2)
  const o = await signedIn(ts.origin, owner.token, { client: unpaced })
  const r = await signedIn(ts.origin, reader.token, { client: unpaced })
  const slug = uniqueSlug('first')
  await makeGroup(ts.origin, owner.token, slug, [r.me.id])
  const { store } = serverContext(ts.ref!)
  const group = store.groupByName(slug)!
  const start = Date.now() - COUNT * 60_000
  store.transaction(() => {
    for (let i = 1; i <= COUNT; i++) {
      store.insertMessage({ group_id: group.id, user_id: o.me.id, content: `line ${i}`, file: null, recipient: null, created_us: (start + i * 60_000) * 1000 })
    }
  })
  const chatId = `group:${slug}`
  await until(async () => (await r.client.request('chats.list', undefined)).some((c) => c.id === chatId), 15_000, 'listed')

  const win = await r.client.request('chats.open', { chatId, limit: 50 })
  const storedAtAnswer = r.client.engine!.messagesOf(chatId).length
  expect(win.messages.map((m) => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${COUNT - 49 + i}`))
  expect(win.hasOlder).toBe(true)
  expect(storedAtAnswer).toBeLessThan(COUNT) // answered early: older parts were still being written

  // Paging up as the reader scrolls: contiguous, each page right above the last, until the first message.
  const seen = [...win.messages]
  let hasOlder = win.hasOlder
  while (hasOlder) {
    const page = await r.client.request('messages.older', { chatId, beforeKey: seen[0]!.key, limit: 1_000 })
    seen.unshift(...page.messages)
    hasOlder = page.hasOlder
    // Nothing older stored yet: the reader's next scroll comes later (a macrotask), when the next part is written.
    if (!page.messages.length) await new Promise((r) => setImmediate(r))
  }
  expect(seen.map((m) => m.text)).toEqual(Array.from({ length: COUNT }, (_, i) => `line ${i + 1}`))
  await Promise.all([o.client.close(), r.client.close()])
}, 60_000)
