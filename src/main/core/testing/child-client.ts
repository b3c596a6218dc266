// A chat client in a process of its own, driven by a test that kills it (issue 10: kill -9 in the middle of a
// burst). `node --import tsx child-client.ts <origin> <dir> <token> <chatId> <count>`: signs in with file ports,
// waits for the chat, then types <count> messages as fast as it can, reporting each one the moment the outbox holds
// it ("queued i") and each message received from others ("got <text>").
import { createChatClient } from '../index'
import { filePorts } from './file-ports'

const [origin, dir, token, chatId, countRaw] = process.argv.slice(2)
const client = createChatClient({
  serverOrigin: origin, ports: filePorts(dir), listPollMs: 300, startJitterMs: 0, rereadJitterMs: 0, backgroundGapMs: 100,
  socket: { backoff: { firstMs: 100, maxMs: 500 }, stableMs: 500 },
})
client.onEvent((name, payload) => {
  if (name !== 'messages.added') return
  const p = payload as { chatId: string; messages: Array<{ own: boolean; text: string }> }
  for (const m of p.messages) if (!m.own && p.chatId === chatId) console.log(`got ${m.text}`)
})
await client.request('session.signIn', { serverOrigin: origin, token })
while (!(await client.request('chats.list', undefined)).some((c) => c.id === chatId)) await new Promise((r) => setTimeout(r, 50))
await client.request('chats.open', { chatId })
console.log('ready')
await new Promise((r) => process.stdin.once('data', r)) // "go": the test first has Bob talk for a while
// Halfway the burst waits for a line on stdin before going on: the test kills the process there, with the first half
// in every state at once (echoed, on the wire, still queued) — a kill that lands mid-burst every time.
const count = Number(countRaw)
for (let i = 0; i < count; i++) {
  await client.request('messages.send', { chatId, text: `typed ${i}` })
  console.log(`queued ${i}`)
  if (i === Math.floor(count / 2) - 1) await new Promise((r) => process.stdin.once('data', r))
}
console.log('done')
