// (c) Sending a big file through core (issue 4): wall time and peak extra memory of this process, beside the raw
// limit measured in the same run — the same bytes read in chunks, base64-encoded and sent as the fragments of one
// ws text message (with the same bufferedAmount backpressure) to a bare ws sink.
// Both receivers run in CHILD processes (the reference server with the production throttle; the sink), so the
// memory sampled here is the sender's alone.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import { createChatClient, createEventBatcher, memoryPorts, type ChatClient } from '../src/main/core/index'
import { startChildServer, type ChildServer } from '../src/main/core/testing/child-server'
import { makeGroup } from '../testkit/groups'
import { peakMemoryDuring, writeRandomFile, type MemoryPeaks } from '../testkit/memory'
import { fmtMiB, fmtMs, median, until, type Row } from './lib'

export interface FileBenchOptions {
  mib: number
  runs: number
  log: (line: string) => void
}

/** This process's memory peaks while `fn` runs, relative to just before it (sampled every 5 ms). */
const measured = (fn: () => Promise<void>) => peakMemoryDuring(fn, { settleMs: 200, everyMs: 5 })

/** A bare ws sink in a child process: receives whole messages and answers their length. */
async function startSink(): Promise<{ url: string; close(): void }> {
  const script = `
    const { WebSocketServer } = require('ws')
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 2 ** 31, perMessageDeflate: false })
    wss.on('listening', () => console.log(wss.address().port))
    wss.on('connection', (ws) => ws.on('message', (d) => ws.send(String(d.length))))`
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).once('line', res)
    child.once('exit', (c) => rej(new Error(`sink exited ${c}`)))
  })
  return { url: `ws://127.0.0.1:${port}`, close: () => void child.kill('SIGTERM') }
}

/**
 * The raw limit: read, base64, ws-send as fragments of one text message (fin on the last), bufferedAmount ≤ 1 MiB.
 * Timed like core: until the last fragment is written (the sink's acknowledgement is awaited outside the timing).
 */
async function rawSend(ws: WebSocket, path: string): Promise<void> {
  const hwm = 1024 * 1024
  const send = (data: string, fin: boolean) =>
    new Promise<void>((res, rej) => ws.send(data, { fin, binary: false }, (e) => (e ? rej(e) : res())))
  const pending: Promise<void>[] = [send('{"file":"', false)]
  for await (const chunk of createReadStream(path, { highWaterMark: 3 * 64 * 1024 }) as AsyncIterable<Buffer>) {
    pending.push(send(chunk.toString('base64'), false))
    while (ws.bufferedAmount > hwm && pending.length) await pending.shift()
  }
  pending.push(send('","filename":"raw.bin"}', true))
  await Promise.all(pending)
}

export async function benchFile({ mib, runs, log }: FileBenchOptions): Promise<Row[]> {
  const size = mib * 1024 * 1024
  const dir = mkdtempSync(join(tmpdir(), 'cht-bench-file-'))
  let server: ChildServer | undefined
  let sink: { url: string; close(): void } | undefined
  let client: ChatClient | undefined
  let raw: WebSocket | undefined
  try {
    // ---- the file (random, so nothing compresses) ----
    const path = join(dir, 'payload.bin')
    const sha = await writeRandomFile(path, size)

    server = await startChildServer()
    sink = await startSink()
    const [a] = server.users
    // ---- core, wired like main/ipc.ts (events through the batcher) ----
    // The group first (demo users have done R1 + R7), so the client's first R3 lists it.
    const slug = `file_bench_${Date.now().toString(36)}`
    await makeGroup(server.origin, a.token, slug, [])
    const chatId = `group:${slug}`

    const ports = { ...memoryPorts(), cacheDir: join(dir, 'cache') }
    ports.store.set('settings', { maxFileBytes: size + 1 })
    // "Written" = the moment the outbox records the whole frame on the wire (sentAt), read off the local store.
    let written = 0
    let currentKey = ''
    client = createChatClient({ serverOrigin: server.origin, ports })
    const batcher = createEventBatcher(() => undefined, 16)
    client.onEvent((name, payload) => batcher.push(name, payload))
    await client.request('session.signIn', { serverOrigin: server.origin, token: a.token })
    const store = client.session!.store
    const putOutbox = store.putOutbox.bind(store)
    store.putOutbox = (item) => {
      if (!written && item.key === currentKey && item.sentAt !== undefined) written = performance.now()
      putOutbox(item)
    }
    await client.request('chats.open', { chatId })
    await until(() => client!.engine!.connectionState().status === 'online', 10_000, 'online')

    raw = new WebSocket(sink.url, { perMessageDeflate: false, maxPayload: 1 << 20 })
    await new Promise((r) => raw!.once('open', r))

    const cores: Array<MemoryPeaks & { settledMs: number }> = []
    const raws: MemoryPeaks[] = []
    const coreRun = async () => {
      const staged = await client!.stagePaths([path])
      if (!staged.ok) throw new Error(staged.error.code)
      written = 0
      currentKey = ''
      let started = 0
      let settledAt = 0
      const s = await measured(async () => {
        started = performance.now()
        const { keys } = await client!.request('files.send', { chatId, stagedIds: [staged.value[0].id] })
        currentKey = keys[0]
        await until(() => written > 0, 120_000, 'file written', 2)
      })
      await until(() => client!.engine!.messagesOf(chatId).find((m) => m.key === currentKey)?.status === 'sent', 120_000, 'echo', 5)
      settledAt = performance.now()
      return { ...s, ms: written - started, settledMs: settledAt - started }
    }
    const rawRun = async () => {
      const acked = new Promise<void>((res) => raw!.once('message', () => res()))
      const s = await measured(() => rawSend(raw!, path))
      await acked
      return s
    }

    // Core's warm-up runs FIRST, in a fresh heap, and counts for the memory peak (not for the time).
    log(`  file ${mib} MiB, sha256 ${sha.slice(0, 16)}…; warm-up (core first)`)
    const coldCore = await coreRun()
    log(`  warm-up core: written ${fmtMs(coldCore.ms)} (peak +${fmtMiB(coldCore.peakRss)} rss, +${fmtMiB(coldCore.peakHeapBuffers)} heap+buffers)`)
    await rawRun()
    for (let i = 0; i < runs; i++) {
      const r = await rawRun()
      raws.push(r)
      const c = await coreRun()
      cores.push(c)
      log(`  run ${i + 1}: raw ${fmtMs(r.ms)} (peak +${fmtMiB(r.peakRss)} rss) · core written ${fmtMs(c.ms)}, echoed ${fmtMs(c.settledMs)} ` +
        `(peak +${fmtMiB(c.peakRss)} rss, +${fmtMiB(c.peakHeapBuffers)} heap+buffers)`)
    }
    // The server stored it byte-identical (R10).
    const last = client.engine!.messagesOf(chatId).findLast((m) => m.file)!
    const got = createHash('sha256')
    for await (const c of (await fetch(last.file!.url)).body as AsyncIterable<Uint8Array>) got.update(c)
    const identical = got.digest('hex') === sha

    const coreMs = median(cores.map((c) => c.ms))
    const rawMs = median(raws.map((r) => r.ms))
    const all = [coldCore, ...cores]
    const peakRss = Math.max(...all.map((c) => c.peakRss))
    const peakHeap = Math.max(...all.map((c) => c.peakHeapBuffers))
    const rawPeakRss = Math.max(...raws.map((r) => r.peakRss))
    const rawPeakHeap = Math.max(...raws.map((r) => r.peakHeapBuffers))
    const ratio = coreMs / rawMs
    return [
      {
        bench: `(c) send a ${mib} MiB file`, figure: 'core: files.send → last fragment written', value: fmtMs(coreMs),
        limit: 'raw: read + base64 + ws fragments, last written', limitValue: fmtMs(rawMs),
        ratio: `${ratio.toFixed(2)} × raw`, target: '≤ 1.5 × raw', ok: ratio <= 1.5,
      },
      {
        bench: `(c) send a ${mib} MiB file`, figure: 'core: peak extra memory (process rss, cold run included)', value: fmtMiB(peakRss),
        limit: 'file size', limitValue: fmtMiB(size), ratio: `${(peakRss / size).toFixed(3)} × size`, target: '≤ 0.25 × size', ok: peakRss <= 0.25 * size,
      },
      {
        bench: `(c) send a ${mib} MiB file`, figure: 'core: peak extra heapUsed + arrayBuffers (counts uncollected garbage)', value: fmtMiB(peakHeap),
        limit: 'raw sender, same measure', limitValue: fmtMiB(rawPeakHeap), ratio: `${(peakHeap / size).toFixed(3)} × size`, target: '—',
      },
      {
        bench: `(c) send a ${mib} MiB file`, figure: 'core: until the echo (includes the server decoding and storing)',
        value: fmtMs(median(cores.map((c) => c.settledMs))), limit: 'raw sender peak extra rss', limitValue: fmtMiB(rawPeakRss), ratio: '—', target: '—',
      },
      {
        bench: `(c) send a ${mib} MiB file`, figure: 'stored byte-identical (R10 sha256)', value: identical ? 'yes' : 'NO',
        limit: '—', limitValue: '—', ratio: '—', target: 'yes', ok: identical,
      },
    ]
  } finally {
    raw?.terminate()
    await client?.close()
    sink?.close()
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
