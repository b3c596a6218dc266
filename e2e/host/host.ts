// The e2e host (DESIGN §5): serves the BUILT renderer unchanged (same CSP as the app) and stands in for the
// Electron main process — one real headless core (createChatClient) per page, reached through Playwright's
// exposeBinding (requests) and page.evaluate (event batches). Only the IPC transport is replaced.
import { tsxHistoryWorker } from '../../src/main/core/testing/worker'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'
import type { Browser, Page } from '@playwright/test'
import type { EventBatch } from '../../src/shared/contract'
import {
  createChatClient, createEventBatcher, memoryPorts, type ChatClient, type ChatClientOptions, type Ports,
} from '../../src/main/core/index'
import { CSP, MIME } from '../../src/main/app-content'
import { ChtError } from '../../src/main/core/errors'

/** The app's CSP and content types (main/app-content.ts, as the app:// scheme sends them). */
export const APP_CSP = CSP

export const DEFAULT_RENDERER_DIR = resolve(import.meta.dirname, '../../out/renderer')

export interface Host {
  /** Origin of the static server, ending in '/' (the app's index). */
  url: string
  close(): Promise<void>
}

/** A tiny static server for out/renderer: GET/HEAD only, no directory listing, no escaping the folder. */
export async function startHost(opts: { rendererDir?: string; port?: number } = {}): Promise<Host> {
  const root = resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR)
  if (!existsSync(resolve(root, 'index.html'))) {
    throw new Error(`No built renderer in ${root}: run \`npm run build\` first.`)
  }
  const server: Server = createServer((req, res) => {
    const headers = { 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }
    const fail = (status: number) => {
      res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
      res.end(String(status))
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405)
    let path: string
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname)
    } catch {
      return fail(400)
    }
    if (path.includes('\0')) return fail(400)
    if (path.endsWith('/')) path += 'index.html'
    const file = resolve(root, '.' + path)
    // Path traversal: the resolved file must stay inside root (also refuses encoded ../ and absolute paths).
    if (file !== root && !file.startsWith(root + sep)) return fail(403)
    let size: number
    try {
      const st = statSync(file)
      if (!st.isFile()) return fail(404)
      size = st.size
    } catch {
      return fail(404)
    }
    res.writeHead(200, {
      ...headers,
      'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': size,
    })
    if (req.method === 'HEAD') return res.end()
    createReadStream(file).on('error', () => res.destroy()).pipe(res)
  })
  await new Promise<void>((ok, ko) => {
    server.once('error', ko)
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}

// ---- values across the binding -------------------------------------------------------------------------------
// Playwright serializes binding results as JSON-like values; Uint8Array would not survive. Bytes travel as
// { __chtBytes: base64 } and the page shim turns them back into a Uint8Array, so the renderer sees the contract's types.

const BYTES = '__chtBytes'

export function encodeForPage(v: unknown): unknown {
  if (v instanceof Uint8Array) return { [BYTES]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }
  if (Array.isArray(v)) return v.map(encodeForPage)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = encodeForPage(x)
    return out
  }
  return v
}

/** Runs in the page before any of its scripts (addInitScript): defines window.cht like the preload does. */
function pageShim(bytesKey: string): void {
  type Listener = (payload: unknown) => void
  const g = globalThis as unknown as {
    cht?: unknown
    __chtRequest(name: unknown, args: unknown): Promise<unknown>
    __chtStage(files: Array<{ name: string; b64: string }>): Promise<unknown>
    __chtDeliver?: (batch: unknown) => void
  }
  const listeners = new Map<string, Set<Listener>>()
  const decode = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(decode)
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      if (typeof o[bytesKey] === 'string' && Object.keys(o).length === 1) {
        const bin = atob(o[bytesKey] as string)
        const bytes = new Uint8Array(bin.length)
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
        return bytes
      }
      const out: Record<string, unknown> = {}
      for (const k of Object.keys(o)) out[k] = decode(o[k])
      return out
    }
    return v
  }
  const deliver = (batch: unknown) => {
    if (!Array.isArray(batch)) return
    for (const item of batch) {
      if (!Array.isArray(item) || typeof item[0] !== 'string') continue
      const set = listeners.get(item[0])
      if (!set) continue
      const payload = decode(item[1])
      for (const cb of [...set]) {
        try {
          cb(payload)
        } catch (e) {
          console.error('cht listener failed', e)
        }
      }
    }
  }
  const cht = Object.freeze({
    request(name: unknown, args: unknown) {
      if (typeof name !== 'string') {
        return Promise.resolve({ ok: false, error: { code: 'invalid-input', detail: 'request name must be a string' } })
      }
      return g.__chtRequest(name, args).then(decode)
    },
    // The preload hands main each dropped File's path; a page has no paths, so the host gets the bytes instead
    // and writes them to disk, then stages those paths exactly as main's stage channel does.
    async stageFiles(files: unknown) {
      const list = Array.isArray(files) ? files : []
      if (list.length === 0 || list.some((f) => !(f instanceof File))) {
        return { ok: false, error: { code: 'invalid-input', detail: 'not a file from disk' } }
      }
      const payload: Array<{ name: string; b64: string }> = []
      for (const f of list as File[]) {
        const bytes = new Uint8Array(await f.arrayBuffer())
        let bin = ''
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
        payload.push({ name: f.name, b64: btoa(bin) })
      }
      return g.__chtStage(payload).then(decode)
    },
    on(name: unknown, listener: unknown) {
      if (typeof name !== 'string') throw new TypeError('event name must be a string')
      if (typeof listener !== 'function') throw new TypeError('listener must be a function')
      const cb = listener as Listener
      let set = listeners.get(name)
      if (!set) listeners.set(name, (set = new Set()))
      set.add(cb)
      return () => {
        set.delete(cb)
      }
    },
  })
  Object.defineProperty(g, 'cht', { value: cht, writable: false, configurable: false, enumerable: true })
  Object.defineProperty(g, '__chtDeliver', { value: deliver, writable: false, configurable: false })
}

// ---- attaching a core to a page ------------------------------------------------------------------------------

export interface AttachOptions {
  serverOrigin: string
  /** Keep the same Ports across pages to "reopen the app" with its saved session and outbox. */
  ports?: Ports
  /** Extra core options (socket backoff, list polling) for tests. */
  client?: Partial<Omit<ChatClientOptions, 'ports' | 'serverOrigin'>>
  /** How long the SSO page may stay open before sign-in is cancelled (default 5 min). */
  ssoTimeoutMs?: number
}

export interface AttachedApp {
  client: ChatClient
  ports: Ports
  /** Resolves with the next SSO login page the core opens (a separate context without the bridge). */
  nextSsoPage(): Promise<Page>
  /** Main's own events into the same batched stream (main/ipc.ts EventStream.push): app.openChat, notices. */
  push: ReturnType<typeof createEventBatcher>['push']
  detach(): Promise<void>
}

/**
 * One ChatClient for this page, wired like main/ipc.ts: requests are parsed by the contract's schema inside
 * client.handle (never throws), events are batched (≈16 ms) and delivered in order. Call before page.goto.
 */
export async function attachApp(page: Page, opts: AttachOptions): Promise<AttachedApp> {
  // Like the app: whole histories parsed in the history worker (issue 13).
  const ports: Ports = opts.ports ?? { ...memoryPorts(), historyWorker: tsxHistoryWorker }
  const ssoWaiters: Array<(p: Page) => void> = []
  const ssoPending: Page[] = []
  const announceSso = (p: Page) => {
    const w = ssoWaiters.shift()
    if (w) w(p)
    else ssoPending.push(p)
  }

  const browser: Browser | null = page.context().browser()
  // SsoLogin (DESIGN §4): like Electron's separate window without preload — a fresh context, no bridge.
  ports.sso = {
    async login(serverOrigin, signal) {
      if (!browser) throw new ChtError('sso.cancelled', 'no browser for the sign-in page')
      const context = await browser.newContext()
      // Cancel in the app closes the sign-in page, as main's SSO window does.
      const onAbort = () => void context.close().catch(() => undefined)
      signal?.addEventListener('abort', onAbort, { once: true })
      try {
        const ssoPage = await context.newPage()
        await ssoPage.goto(new URL('/sso/login/', serverOrigin).href)
        announceSso(ssoPage)
        const deadline = Date.now() + (opts.ssoTimeoutMs ?? 300_000)
        for (;;) {
          const cookie = (await context.cookies(serverOrigin)).find((c) => c.name === 'token' && c.value)
          if (cookie) return cookie.value
          if (signal?.aborted) throw signal.reason
          if (ssoPage.isClosed() || Date.now() > deadline) throw new ChtError('sso.cancelled')
          await new Promise((r) => setTimeout(r, 150))
        }
      } finally {
        signal?.removeEventListener('abort', onAbort)
        await context.close().catch(() => undefined)
      }
    },
  }

  const client = createChatClient({ serverOrigin: opts.serverOrigin, ports, ...opts.client })
  let detached = false
  // Deliveries are chained so batches arrive in order; a batch sent while the page navigates is dropped,
  // exactly as an IPC message to a reloading window is (the renderer pulls its state on start).
  let delivery: Promise<unknown> = Promise.resolve()
  const batcher = createEventBatcher((batch: EventBatch) => {
    if (detached) return
    const encoded = encodeForPage(batch)
    delivery = delivery.then(() =>
      page
        .evaluate((b) => (globalThis as unknown as { __chtDeliver?: (b: unknown) => void }).__chtDeliver?.(b), encoded)
        .catch(() => undefined),
    )
  }, 16)
  const unsubscribe = client.onEvent((name, payload) => batcher.push(name, payload))

  await page.exposeBinding('__chtRequest', async (_source, name: unknown, args: unknown) => {
    if (detached) return { ok: false, error: { code: 'unknown', detail: 'app closed' } }
    return encodeForPage(await client.handle(String(name), args))
  })
  // window.cht.stageFiles (issue 4): the page's dropped Files arrive as bytes; each is written under its own name
  // in a fresh temp folder (the name shown is the file's base name), then staged by path like main's stage channel.
  const dropDirs: string[] = []
  await page.exposeBinding('__chtStage', async (_source, files: unknown) => {
    if (detached) return { ok: false, error: { code: 'unknown', detail: 'app closed' } }
    if (!Array.isArray(files) || files.length === 0) return { ok: false, error: { code: 'invalid-input', detail: 'no files' } }
    const paths: string[] = []
    for (const f of files as Array<{ name?: unknown; b64?: unknown }>) {
      const name = String(f.name ?? '').replace(/[\\/\0]/g, '_').replace(/^\.+$/, '_') || 'file'
      const dir = await mkdtemp(join(tmpdir(), 'cht-e2e-drop-'))
      dropDirs.push(dir)
      const path = join(dir, name)
      await writeFile(path, Buffer.from(String(f.b64 ?? ''), 'base64'))
      paths.push(path)
    }
    return encodeForPage(await client.stagePaths(paths))
  })
  // As source text: a function compiled by tsx/esbuild may reference its `__name` helper, absent in the page.
  await page.addInitScript({
    content: `(() => { const __name = (f) => f; (${pageShim.toString()})(${JSON.stringify(BYTES)}) })()`,
  })
  await client.start()

  return {
    client,
    ports,
    push: batcher.push,
    nextSsoPage() {
      const p = ssoPending.shift()
      return p ? Promise.resolve(p) : new Promise((r) => ssoWaiters.push(r))
    },
    async detach() {
      if (detached) return
      batcher.flushNow()
      detached = true
      unsubscribe()
      await client.close()
      await delivery
      await Promise.all(dropDirs.map((d) => rm(d, { recursive: true, force: true })))
    },
  }
}
