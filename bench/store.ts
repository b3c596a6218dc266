// (e) Cold start from the local store (issue 10): 50 chats and 200 000 stored messages; the time from creating the
// engine (as main does at launch) to the first chat-list event, beside reading the same rows bare: opening the
// database and reading every chat with its newest message and unread count in plain node:sqlite.
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import { createChatClient, memoryPorts } from '../src/main/core/index'
import { databaseFile } from '../src/main/core/session'
import { LocalStore } from '../src/main/core/store'
import type { Message } from '../src/shared/model'
import { fmtInt, fmtMs, lineOf, median, type Row } from './lib'

export interface StoreOptions {
  chats: number
  messages: number
  runs: number
  log: (line: string) => void
}

export async function benchColdStart({ chats, messages, runs, log }: StoreOptions): Promise<Row[]> {
  const origin = 'http://127.0.0.1:9' // nothing listens: a cold start must not need the network to show the list
  const user = { id: '00000000-0000-4000-8000-000000000001', name: 'خواننده بنچ', isSuperuser: false }
  const ports = memoryPorts({ token: 'bench-token' })
  ports.store.set('session', { serverOrigin: origin, user })
  const file = databaseFile(ports.dataDir!, { serverOrigin: origin, user })

  const seedStart = performance.now()
  const { store } = LocalStore.open(file)
  const per = Math.floor(messages / chats)
  const start = Date.now() - 365 * 86_400_000
  for (let c = 0; c < chats; c++) {
    const id = `group:bench_${c}`
    store.saveChat({ id, kind: 'group', title: `گروه ${c} — group ${c}`, slug: `bench_${c}`, live: true, membersCount: 12 })
    store.setReadAt(id, start + (per - 5) * 60_000)
    const batch: Message[] = []
    for (let i = 0; i < per; i++) {
      batch.push({
        key: `s:${c}-${i}`, serverId: `${c}-${i}`, chatId: id, senderId: `u${i % 7}`, senderName: `Sender ${i % 7}`,
        text: lineOf(i), at: start + i * 60_000, own: i % 5 === 0, status: 'sent',
      })
    }
    store.putMessages(batch)
  }
  store.close()
  log(`  seeded ${chats} chats, ${fmtInt(per * chats)} messages in ${fmtMs(performance.now() - seedStart)}`)

  const startTimes: number[] = []
  const bareTimes: number[] = []
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now()
    let listAt = 0
    let listed = 0
    const client = createChatClient({ serverOrigin: origin, ports, startJitterMs: 3_600_000, listPollMs: 3_600_000 })
    client.onEvent((name, payload) => {
      if (name === 'chats.changed' && !listAt) {
        listAt = performance.now()
        listed = (payload as unknown[]).length
      }
    })
    await client.start()
    if (!listAt || listed !== chats) throw new Error(`no list from disk (${listed} chats)`)
    await client.close()

    const tb = performance.now()
    const db = new DatabaseSync(file, { readOnly: true })
    const last = db.prepare('SELECT key, text, at, sender_name FROM messages WHERE chat_id = ? ORDER BY at DESC, seq DESC LIMIT 1')
    const unread = db.prepare('SELECT count(*) AS n FROM messages WHERE chat_id = ? AND at > ? AND own = 0')
    let sink = 0
    for (const row of db.prepare('SELECT id, data, read_at FROM chats').all() as Array<{ id: string; data: string; read_at: number }>) {
      sink += (last.get(row.id) as { at: number }).at + (unread.get(row.id, row.read_at) as { n: number }).n + JSON.parse(row.data).title.length
    }
    db.close()
    const bare = performance.now() - tb
    if (sink < 0) log('unreachable')
    if (r > 0) {
      startTimes.push(listAt - t0)
      bareTimes.push(bare)
    }
  }
  const cold = median(startTimes)
  const bare = median(bareTimes)
  log(`  engine created → chat list: ${fmtMs(cold)}; bare read of the same rows: ${fmtMs(bare)}`)
  return [{
    bench: `(e) cold start, ${chats} chats / ${fmtInt(per * chats / 1000)}k messages`,
    figure: `engine created → first chat list event, from the store, server unreachable (median of ${runs})`, value: fmtMs(cold),
    limit: 'bare node:sqlite: open + every chat with its newest message and unread count', limitValue: fmtMs(bare),
    ratio: `${(cold / bare).toFixed(1)} × bare`, target: '≤ 200 ms', ok: cold <= 200,
  }]
}
