// The history worker's entry (chats/parser.ts): decode + parse a whole R5/R9 answer off the main thread, drop what the
// local database already holds (its own read-only connection — WAL lets it read while main writes), and send the rest
// back in parts, so that even a first load of a huge chat never holds main for long.
import { parentPort, workerData } from 'node:worker_threads'
import { DatabaseSync } from 'node:sqlite'
import { ChtError } from '../errors'
import { decodeChunks, parseHistory, type ParseJob } from './parse'
import type { WorkerReply } from './parser'

const PART = 2_000
const port = parentPort
if (!port) throw new Error('history-worker.ts runs as a worker thread')
const dbFile = (workerData as { dbFile: string }).dbFile
let db: DatabaseSync | undefined

function known(chatId: string): Set<string> {
  db ??= new DatabaseSync(dbFile, { readOnly: true })
  const out = new Set<string>()
  for (const r of db.prepare('SELECT server_id FROM messages WHERE chat_id = ? AND server_id IS NOT NULL').all(chatId) as Array<{ server_id: unknown }>) {
    if (typeof r.server_id === 'string') out.add(r.server_id)
  }
  return out
}

port.on('message', ({ id, job, chunks }: { id: number; job: ParseJob; chunks: Uint8Array[] }) => {
  const reply = (m: WorkerReply) => port.postMessage(m)
  try {
    const h = parseHistory(job, decodeChunks(chunks), known(job.chatId))
    for (let i = 0; i < h.messages.length; i += PART) reply({ id, part: h.messages.slice(i, i + PART) })
    const { messages: _, ...rest } = h
    reply({ id, done: rest })
  } catch (e) {
    reply({ id, error: e instanceof ChtError ? { code: e.code, detail: e.detail } : { code: 'unknown', detail: String((e as Error)?.message ?? e).slice(0, 200) } })
  }
})
