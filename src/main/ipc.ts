// The only file that touches ipcMain (DESIGN §3): one request channel guarded by a sender check and the
// contract's schemas, and one event channel carrying batches.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { IPC_EVENTS, IPC_REQUEST, parseRequest, type AppError, type EventName, type Events, type Result } from '../shared/contract'
import { isAbsolute } from 'node:path'
import { IPC_STAGE_FILES, type StagedFile } from '../shared/contract'
import type { ChatClient } from './core'
import { toAppError } from './core/errors'
import { createEventBatcher } from './core/events'
import { APP_ORIGIN, originOf } from './window'

type GetWindow = () => BrowserWindow | null | undefined

/**
 * Unbinds; `push` sends main's own events (notification click → app.openChat, Ctrl+K) in the same batched stream;
 * `pageLoaded` (the window's did-finish-load) delivers the notices that came while no page could receive them.
 */
export type EventStream = (() => void) & {
  push<N extends EventName>(name: N, payload: Events[N]): void
  pageLoaded(): void
}

/** Requests that passed the sender check and the schema (main/recovery.ts remembers the open chat from them). */
export type RequestObserver = (name: string, args: unknown) => void

/** Notices held for a page that is not there yet: a few, one per code. */
const MAX_HELD_NOTICES = 10

function fail(error: AppError): Result<never> {
  return { ok: false, error }
}

/** True only for the app window's top frame showing our own origin — not a subframe, not another window. */
export function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow | null | undefined, allowedOrigin = APP_ORIGIN): boolean {
  if (!win || win.isDestroyed()) return false
  const frame = event.senderFrame
  if (!frame || event.sender !== win.webContents || frame !== win.webContents.mainFrame) return false
  return originOf(frame.url) === allowedOrigin
}

/** Registers the request channel; returns a function that removes it. */
export function registerRequests(
  client: Pick<ChatClient, 'handle'>, getWindow: GetWindow, allowedOrigin = APP_ORIGIN, observe?: RequestObserver,
): () => void {
  ipcMain.handle(IPC_REQUEST, async (event, name: unknown, args: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event, getWindow(), allowedOrigin)) return fail({ code: 'forbidden', detail: 'untrusted sender' })
    if (typeof name !== 'string') return fail({ code: 'invalid-input', detail: 'unknown request' })
    const parsed = parseRequest(name, args)
    if (!parsed.ok) return fail(parsed.error)
    observe?.(parsed.name, parsed.args)
    try {
      return await client.handle(parsed.name, parsed.args)
    } catch (e) {
      // core promises never to throw; if it ever does, the renderer still gets an envelope, not an IPC error.
      return fail(toAppError(e))
    }
  })
  return () => ipcMain.removeHandler(IPC_REQUEST)
}

/**
 * The preload's stage channel (DESIGN §3, issue 4): paths the preload took itself from dropped/picked File objects.
 * Same sender check as requests; only 1…50 absolute path strings pass; core then requires existing regular files.
 */
export function registerStageFiles(client: Pick<ChatClient, 'stagePaths'>, getWindow: GetWindow, allowedOrigin = APP_ORIGIN): () => void {
  ipcMain.handle(IPC_STAGE_FILES, async (event, paths: unknown): Promise<Result<StagedFile[]>> => {
    if (!isTrustedSender(event, getWindow(), allowedOrigin)) return fail({ code: 'forbidden', detail: 'untrusted sender' })
    const ok = Array.isArray(paths) && paths.length > 0 && paths.length <= 50 &&
      paths.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 4096 && !p.includes('\0') && isAbsolute(p))
    if (!ok) return fail({ code: 'invalid-input', detail: 'paths' })
    try {
      return await client.stagePaths(paths as string[])
    } catch (e) {
      return fail(toAppError(e))
    }
  })
  return () => ipcMain.removeHandler(IPC_STAGE_FILES)
}

/** Sends core's events to the window in batches (one IPC message per ~frame, DESIGN §2). */
export function forwardEvents(client: Pick<ChatClient, 'onEvent'>, getWindow: GetWindow, intervalMs = 16): EventStream {
  const held: Array<Events['notice']> = []
  const batcher = createEventBatcher((batch) => {
    const win = getWindow()
    if (!win || win.isDestroyed() || win.webContents.isDestroyed() || win.webContents.isLoading()) {
      // No page to receive them (none yet, or one still loading — at start-up, after a crash): state comes back
      // with the page's own requests, but a notice would be lost (issue 13: damaged settings are reported).
      for (const [name, payload] of batch) {
        const n = payload as Events['notice']
        if (name === 'notice' && held.length < MAX_HELD_NOTICES && !held.some((h) => h.code === n.code)) held.push(n)
      }
      return
    }
    win.webContents.send(IPC_EVENTS, batch)
  }, intervalMs)
  const off = client.onEvent((name, payload) => batcher.push(name, payload))
  const dispose = () => {
    off()
    batcher.flushNow()
  }
  const pageLoaded = () => {
    for (const n of held.splice(0)) batcher.push('notice', n)
  }
  return Object.assign(dispose, { push: batcher.push, pageLoaded })
}

/** Both directions at once, for index.ts. */
export function bindIpc(
  client: Pick<ChatClient, 'handle' | 'onEvent'>, getWindow: GetWindow, allowedOrigin = APP_ORIGIN, observe?: RequestObserver,
): EventStream {
  const offRequests = registerRequests(client, getWindow, allowedOrigin, observe)
  const events = forwardEvents(client, getWindow)
  const dispose = () => {
    events()
    offRequests()
  }
  return Object.assign(dispose, { push: events.push, pageLoaded: events.pageLoaded })
}
