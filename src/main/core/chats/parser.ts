// Where whole histories are parsed (issue 13: a 1 000 000-message history blocked main for 5.3 s on every reconnect).
// In the app: a worker thread (history-worker.ts) decodes and parses the answer, and drops what the database already
// holds, with its own read-only connection; main gets back only what is new, in parts small enough that none of them
// holds main for long. In-process (tests of other things, or without a worker) the same code runs on main.
import type { Worker } from 'node:worker_threads'
import type { ChatId, Message } from '../../../shared/model'
import { ChtError } from '../errors'
import { decodeChunks, parseHistory, type ParsedHistory, type ParseJob } from './parse'

export interface HistoryParser {
  parse(job: ParseJob, chunks: Uint8Array[]): Promise<ParsedHistory>
  close(): void
}

/** The worker's messages (history-worker.ts). */
export type WorkerReply =
  | { id: number; part: Message[] }
  | { id: number; done: Omit<ParsedHistory, 'messages'> }
  | { id: number; error: { code: string; detail?: string } }

export function inlineParser(known: (chatId: ChatId) => ReadonlySet<string>): HistoryParser {
  return {
    parse: async (job, chunks) => parseHistory(job, decodeChunks(chunks), known(job.chatId)),
    close: () => undefined,
  }
}

interface Pending {
  messages: Message[]
  resolve: (h: ParsedHistory) => void
  reject: (e: unknown) => void
}

/** One worker per session (its database file); started on first use, started again if it dies. */
export function workerParser(spawn: (dbFile: string) => Worker, dbFile: string): HistoryParser {
  let worker: Worker | undefined
  let nextId = 0
  const pending = new Map<number, Pending>()

  function failAll(e: unknown): void {
    for (const p of pending.values()) p.reject(e)
    pending.clear()
    worker = undefined
  }

  function ensure(): Worker {
    if (worker) return worker
    const w = spawn(dbFile)
    w.unref() // an idle parser never keeps the process alive
    w.on('message', (m: WorkerReply) => {
      const p = pending.get(m.id)
      if (!p) return
      if ('part' in m) return void p.messages.push(...m.part)
      pending.delete(m.id)
      if ('done' in m) p.resolve({ ...m.done, messages: p.messages })
      else p.reject(new ChtError(m.error.code as ChtError['code'], m.error.detail))
    })
    w.on('error', (e) => failAll(new ChtError('unknown', `history worker: ${e.message}`.slice(0, 200))))
    w.on('exit', () => {
      if (worker === w) failAll(new ChtError('unknown', 'history worker exited'))
    })
    worker = w
    return w
  }

  return {
    parse(job, chunks) {
      const w = ensure()
      const id = ++nextId
      return new Promise<ParsedHistory>((resolve, reject) => {
        pending.set(id, { messages: [], resolve, reject })
        // Transferred, not copied: the chunks are rest.getChunks' own copies.
        w.postMessage({ id, job, chunks }, chunks.map((c) => c.buffer as ArrayBuffer))
      })
    },
    close() {
      const w = worker
      worker = undefined
      failAll(new ChtError('unknown', 'closed'))
      void w?.terminate()
    },
  }
}
