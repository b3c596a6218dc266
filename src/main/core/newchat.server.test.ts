// A chat someone starts with you counts its first message as unread (issue 12 item 6), however close that message
// comes to your previous list poll: that poll's time becomes the new chat's read mark, and the server-clock estimate
// it is taken from may run half a second ahead (whole-second Date headers). Before the fix about half of these
// rounds showed the message read. Real sockets, the reference server.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../testkit/server'
import { signedIn, unpaced, until } from './testing/harness'

let ts: TestServer
beforeAll(async () => {
  ts = await startTestServer({ throttle: false })
})
afterAll(async () => {
  await ts?.close()
})

it('the first message of a chat someone just started is unread, every time', async () => {
  const unread: number[] = []
  for (let round = 0; round < 8; round++) {
    const [a, b] = ts.users(2)
    const alice = await signedIn(ts.origin, a.token, { client: unpaced })
    const bob = await signedIn(ts.origin, b.token, { client: unpaced })
    await bob.client.request('direct.start', { userId: alice.me.id })
    await bob.client.request('messages.send', { chatId: `direct:${alice.me.id}`, text: `hello ${round}` })
    const chatId = `direct:${bob.me.id}`
    const shown = async () => (await alice.client.request('chats.list', undefined)).find((c) => c.id === chatId && c.lastMessage)
    await until(async () => !!(await shown()), 15_000, 'the new chat with its message')
    // The list shows the chat once its history is merged: the unread count is already final then.
    unread.push((await shown())!.unread)
    await Promise.all([alice.client.close(), bob.client.close()])
  }
  expect(unread).toEqual(Array(8).fill(1))
}, 60_000)
