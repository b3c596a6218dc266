// Whole histories parsed off the main thread (issue 13): the worker and the in-process parser give the same answer,
// drop what the database holds, carry errors as ChtErrors, and a huge answer never holds main for long.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ChtError } from '../errors'
import { LocalStore } from '../store'
import { tsxHistoryWorker } from '../testing/worker'
import { inlineParser, workerParser } from './parser'
import type { ParseJob } from './parse'

const dir = mkdtempSync(join(tmpdir(), 'cht-parser-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ME = '00000000-0000-4000-8000-000000000001'
const SARA = '00000000-0000-4000-8000-000000000002'
const job: ParseJob = { kind: 'group', origin: 'https://cht.example', meId: ME, chatId: 'group:team' }

/** An R5 answer of `n` messages; `firstId`: ids number all groups' messages on the server, so another group's start elsewhere. */
function r5(n: number, firstId = 1): string {
  const messages = Array.from({ length: n }, (_, i) => ({
    id: firstId + i, content: i % 3 ? `پیام ${i}` : `message ${i}`, timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    user_id: i % 2 ? SARA : ME, user_name: i % 2 ? 'سارا امینی' : 'من', avatar: null, group: 'g', file: i % 50 === 7 ? `/cht/media/static/files/${100000 + i}.png` : null,
  }))
  return JSON.stringify({
    group: { id: 'g', name: 'team', slug: 'team', type: 'public', members: [{ id: ME, firstname: 'من', lastname: '', is_superuser: false, avatar: null }, { id: SARA, firstname: 'سارا', lastname: 'امینی', is_superuser: false, avatar: null }] },
    messages, all_users: [], user_profile: null,
  })
}

/** The answer as the network would hand it over: cut anywhere, even inside a Persian character. */
function chunksOf(text: string, size = 7_777): Uint8Array[] {
  const bytes = new TextEncoder().encode(text)
  const out: Uint8Array[] = []
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size))
  return out
}

describe('history parser (issue 13)', () => {
  const file = join(dir, 'db.sqlite')
  const { store } = LocalStore.open(file)
  store.saveChat({ id: 'group:team', kind: 'group', title: 'team', slug: 'team', live: true })
  const text = r5(5_000)
  const inline = inlineParser((chatId) => store.serverIds(chatId))
  const worker = workerParser(tsxHistoryWorker, file)
  afterAll(() => {
    worker.close()
    store.close()
  })

  it('the worker answers exactly what the in-process parser answers, chunk boundaries anywhere', async () => {
    const [a, b] = await Promise.all([inline.parse(job, chunksOf(text)), worker.parse(job, chunksOf(text, 1_001))])
    expect(b).toEqual(a)
    expect(a.total).toBe(5_000)
    expect(a.messages).toHaveLength(5_000)
    expect(a.messages[1]).toMatchObject({ serverId: '2', text: 'پیام 1', senderName: 'سارا امینی', own: false })
  })

  it('only what the database does not hold yet comes back', async () => {
    const first = await inline.parse(job, chunksOf(text))
    store.putMessages(first.messages.slice(0, 4_990))
    const again = await worker.parse(job, chunksOf(text))
    expect(again.total).toBe(5_000)
    expect(again.messages.map((m) => m.serverId)).toEqual(['4991', '4992', '4993', '4994', '4995', '4996', '4997', '4998', '4999', '5000'])
  })

  it('a broken answer is a bad-response ChtError from the worker too; the worker keeps serving', async () => {
    const err = await worker.parse(job, chunksOf('{"group": {"slug": "team"}, "messages": [')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChtError)
    expect((err as ChtError).code).toBe('bad-response')
    expect((await worker.parse(job, chunksOf(text))).total).toBe(5_000)
  })

  it('re-reading a 100 000-message chat (a reconnect) leaves main free: its longest pause a small part of parsing in place', async () => {
    const bigText = r5(100_000, 1_000_001)
    const big = chunksOf(bigText, 64 * 1024)
    // The chat is stored already but for its newest 10 messages, as after any earlier read.
    const stored = await inline.parse({ ...job, chatId: 'group:other' }, chunksOf(bigText))
    store.saveChat({ id: 'group:other', kind: 'group', title: 'other', slug: 'team', live: true })
    store.putMessages(stored.messages.slice(0, 99_990).map((m) => ({ ...m, chatId: 'group:other' })))
    /** How busy main's event loop was while `work` ran (0 = idle, 1 = never free), and its longest pause. */
    async function mainLoad(work: () => Promise<{ total: number; messages: unknown[] }>): Promise<{ busy: number; longest: number }> {
      let last = performance.now()
      let longest = 0
      let ticking = true
      const tick = () => {
        const now = performance.now()
        longest = Math.max(longest, now - last)
        last = now
        if (ticking) setTimeout(tick, 1)
      }
      const before = performance.eventLoopUtilization()
      tick()
      const h = await work()
      await new Promise((r) => setTimeout(r, 5)) // the timer that was held up gets to run and be measured
      ticking = false
      const busy = performance.eventLoopUtilization(before).utilization
      expect(h.total).toBe(100_000)
      expect(h.messages).toHaveLength(10)
      return { busy, longest }
    }
    const copy = () => big.map((c) => c.slice()) // the worker takes its chunks away (transferred)
    const [one, two] = [copy(), copy()]
    const inWorker = await mainLoad(() => worker.parse({ ...job, chatId: 'group:other' }, two))
    const inPlace = await mainLoad(() => inline.parse({ ...job, chatId: 'group:other' }, one))
    console.log(`re-read of 100 000 messages: main busy ${(inWorker.busy * 100).toFixed(0)} % (longest pause ${inWorker.longest.toFixed(0)} ms) ` +
      `with the worker, ${(inPlace.busy * 100).toFixed(0)} % (${inPlace.longest.toFixed(0)} ms) parsed in place`)
    // A ratio, as the machine's load moves both sides (the longest pause is printed, not judged: a garbage collection
    // caused by other suites in this process can land in it).
    expect(inWorker.busy).toBeLessThan(inPlace.busy / 3)
  })
})
