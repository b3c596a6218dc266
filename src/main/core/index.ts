// The chat engine, headless (DESIGN §4): implements every request of the bridge contract and emits its
// events. Never imports electron — main/ipc.ts, the e2e host and the benchmarks all drive it the same way.
import {
  parseRequest, type EventName, type Events, type FileRefusal, type RequestArgs, type RequestName, type RequestResults,
  type Result,
} from '../../shared/contract'
import type { ConnectionState, SessionInfo, Settings, StagedFile } from '../../shared/model'
import type { ChatEngine, ChatEngineOptions } from './chats/engine'
import { createRest, type Rest } from './cht/rest'
import * as wire from './cht/wire'
import { ChtError, toAppError } from './errors'
import { defaultSettings, readSettings } from '../../shared/settings'
import { MediaCache, MediaDiskCache, ssoOriginOf } from './media'
import { displayFileName, Staging, statRegularFile } from './files'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isMuted, Notifier } from './notify'
import { systemClock, type Ports, type Timer } from './ports'
import { searchMessages } from './search'
import { bootstrap, Session } from './session'
import { abortable, checkOrigin, SignInAttempts } from './signin'

export type { Ports } from './ports'
export { memoryPorts } from './ports'
export { createEventBatcher } from './events'

export const DEFAULT_SERVER_ORIGIN = 'http://127.0.0.1:8787'

type Listener = <N extends EventName>(name: N, payload: Events[N]) => void
type Handlers = { [N in RequestName]: (args: RequestArgs<N>) => Promise<RequestResults[N]> | RequestResults[N] }

export interface ChatClientOptions {
  /** Used until the user signs in to another server (then the settings remember theirs). */
  serverOrigin?: string
  ports: Ports
  /** Where links may be opened (main: openExternalSafe). Without it `app.openExternal` answers false. */
  openExternal?: (url: string) => boolean | Promise<boolean>
  /** The system clipboard (main: Electron's clipboard). Without it `clipboard.writeText` is refused. */
  writeClipboard?: (text: string) => void
  /** Tuning for tests and benchmarks. */
  rest?: Partial<Parameters<typeof createRest>[0]>
  socket?: ChatEngineOptions['socketOptions']
  listPollMs?: number
  /**
   * A restored session waits a random time up to this before its first request (default 20 s): after a power cut
   * an office's clients all start at once behind one IP (PROTOCOL 1.5, issue 11). The stored chats show meanwhile.
   */
  startJitterMs?: number
  /** Engine pacing (issue 11): the open chat's re-read after a reconnect, and background re-reads. */
  rereadJitterMs?: number
  backgroundGapMs?: number
  random?: () => number
}

export interface ChatClient {
  /** Parses the arguments with the contract's schema and answers a Result; never throws. */
  handle(name: string, args: unknown): Promise<Result<unknown>>
  request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResults[N]>
  onEvent(listener: Listener): () => void
  /** Restore the saved session, if any: from disk at once, online after the bootstrap. */
  start(): Promise<void>
  close(): Promise<void>
  /** Resume from sleep / network back (DESIGN §7). */
  wake(): void
  /** The engine of the signed-in session, for tests and benchmarks. */
  readonly engine: ChatEngine | undefined
  /** The session (REST, store, engine), for tests and benchmarks. */
  readonly session: Session | undefined
  /**
   * Issue 4: stage files by path — ONLY for paths main obtained itself (the preload's stage channel, after its
   * sender check). No request can name a path. Never throws.
   */
  stagePaths(paths: string[]): Promise<Result<StagedFile[]>>
}

/** Retry an offline start after this (doubling to the max), or at once on wake. */
const ONLINE_RETRY = { firstMs: 5_000, maxMs: 120_000 }

export function createChatClient(opts: ChatClientOptions): ChatClient {
  const { ports } = opts
  const clock = ports.clock ?? systemClock
  const random = opts.random ?? Math.random
  const listeners = new Set<Listener>()
  let connection: ConnectionState = { status: 'signed-out' }
  const emit: Listener = (name, payload) => {
    if (name === 'connection.changed') {
      // An expired session stays "expired" until the person signs in again (issue 11): the engine's own socket states
      // (opening a chat or sending syncs its sockets, which cannot connect without a token) must not hide it.
      if (session?.isExpired) payload = session.connectionState() as typeof payload
      connection = payload as ConnectionState
    }
    for (const l of listeners) l(name, payload)
  }

  // Issue 13: every stored field is checked; a bad one falls back to its default and is reported once started.
  const stored = readSettings(ports.store.get('settings'), defaultSettings(opts.serverOrigin ?? DEFAULT_SERVER_ORIGIN))
  let settings: Settings = stored.settings
  if (opts.serverOrigin && !ports.store.get('session')) settings.serverOrigin = opts.serverOrigin

  // Issue 5: notification rules (notify.ts) and the chat the renderer shows, kept while the window is unfocused.
  const notifier = new Notifier({
    clock,
    getSettings: () => settings,
    chatOf: (chatId) => session?.engine.chatView(chatId),
    emit: (n) => emit('notification', n),
  })
  let viewing: string | null = null
  // Issue 12: the one sign-in attempt that Cancel stops (signin.ts).
  const attempts = new SignInAttempts()

  // Issue 4: staged files, pasted bytes waiting in the outbox, and the media cache live under one private folder.
  const cacheRoot = ports.cacheDir ?? join(tmpdir(), `cht-cache-${process.pid}`)
  const dataDir = ports.dataDir ?? join(tmpdir(), `cht-data-${process.pid}`)
  const staging = new Staging({ outgoingDir: join(cacheRoot, 'outgoing'), maxBytes: () => settings.maxFileBytes, clock })
  const mediaDisk = new MediaDiskCache(join(cacheRoot, 'media'))

  let session: Session | undefined
  let media: MediaCache | undefined
  let onlineTimer: Timer | undefined
  let onlineAttempt = 0
  let goingOnline: Promise<void> | undefined
  let closed = false
  const unwake = ports.online?.onWake(() => client.wake())

  function makeRest(origin: string, getToken: () => string | null): Rest {
    return createRest({
      origin,
      getToken,
      clock,
      ...opts.rest,
      onPause: (until) => emit('connection.changed', { status: 'throttled', retryAt: until }),
      onResume: () => emit('connection.changed', session?.connectionState() ?? { status: 'online' }),
    })
  }

  /** From disk (no network): the session's chats are on screen before anything else happens. */
  function open(info: SessionInfo, token: { value: string | null }, rest?: Rest): Session {
    const s = new Session(info, token, {
      clock, dataDir, makeRest, historyWorker: ports.historyWorker,
      engineOptions: () => ({
        emit,
        isMuted: (chatId) => isMuted(settings, chatId),
        onIncoming: (chatId, message, active, count) => notifier.incoming(chatId, message, active, count),
        onNewChat: (chat) => notifier.newChat(chat),
        maxFileBytes: () => settings.maxFileBytes,
        socketOptions: opts.socket,
        listPollMs: opts.listPollMs,
        rereadJitterMs: opts.rereadJitterMs,
        backgroundGapMs: opts.backgroundGapMs,
        random,
      }),
      emitConnection: (state) => emit('connection.changed', state),
      notice: (code) => emit('notice', { code }),
    }, rest)
    session = s
    const e = s.engine
    media = new MediaCache(s.rest, (url) => e.isKnownAvatar(url), mediaDisk, () => ssoOriginOf(settings.ssoOrigin, s.info.user.avatarUrl))
    emit('session.changed', info)
    return s
  }

  /** Bootstrap and start the engine; offline → retried with backoff (and at once on wake). */
  function goOnline(s: Session, delayMs = 0): Promise<void> {
    clock.clearTimeout(onlineTimer)
    onlineTimer = undefined
    const attempt = async () => {
      if (s !== session || closed) return
      try {
        const user = await s.goOnline()
        onlineAttempt = 0
        ports.store.set('session', { serverOrigin: s.info.serverOrigin, user })
        emit('connection.changed', s.connectionState())
      } catch (e) {
        if (s !== session) return
        if (e instanceof ChtError && e.code === 'auth.invalid') return s.markExpired()
        emit('connection.changed', { status: 'offline' })
        const wait = Math.min(ONLINE_RETRY.maxMs, ONLINE_RETRY.firstMs * 2 ** onlineAttempt++)
        onlineTimer = clock.setTimeout(() => void goOnline(s), wait)
      }
    }
    if (delayMs > 0) {
      onlineTimer = clock.setTimeout(() => void goOnline(s), delayMs)
      return Promise.resolve()
    }
    goingOnline = attempt()
    return goingOnline
  }

  /** One sign-in attempt: Cancel (session.cancelSignIn) aborts it until the new session is in place. */
  async function attempt(work: (signal: AbortSignal) => Promise<SessionInfo>): Promise<SessionInfo> {
    const signal = attempts.begin()
    try {
      return await work(signal)
    } finally {
      attempts.end(signal)
    }
  }

  async function signIn(origin: string, newToken: string, signal: AbortSignal): Promise<SessionInfo> {
    const normalized = new URL(origin).origin
    const token = { value: newToken }
    const candidate = makeRest(normalized, () => token.value)
    const user = await bootstrap(candidate, normalized, signal)
    if (signal.aborted) throw signal.reason
    await ports.secrets.set(newToken)
    const info: SessionInfo = { serverOrigin: normalized, user }
    settings = { ...settings, serverOrigin: normalized }
    ports.store.set('settings', settings)
    ports.store.set('session', info)
    if (session && session.info.serverOrigin === normalized && session.info.user.id === user.id) {
      // The same person again (an expired session, a new token): nothing is reloaded, the outbox resumes.
      session.renew(newToken)
      emit('connection.changed', session.connectionState())
      if (!session.engine.started) await session.goOnline(user)
      return session.info
    }
    await endSession()
    const s = open(info, token, candidate)
    await s.goOnline(user)
    emit('connection.changed', s.connectionState())
    return info
  }

  /** Closes the session; `forget` also signs out (token and saved session), `deleteData` removes its database. */
  async function endSession(forget = false, deleteData = false): Promise<void> {
    clock.clearTimeout(onlineTimer)
    notifier.close()
    viewing = null
    const s = session
    session = undefined
    media = undefined
    if (s) {
      if (deleteData) s.deleteLocalData()
      else s.close()
    }
    if (forget) {
      staging.clear()
      await ports.secrets.clear()
      ports.store.delete('session')
    }
    if (s) {
      emit('session.changed', null)
      emit('connection.changed', { status: 'signed-out' })
    }
  }

  function requireEngine(): ChatEngine {
    if (!session) throw new ChtError('auth.invalid', 'not signed in')
    return session.engine
  }

  const handlers: Handlers = {
    'session.get': () => session?.info ?? null,
    'session.signIn': ({ serverOrigin, token: t, allowInsecure }) => {
      checkOrigin(serverOrigin, allowInsecure)
      return attempt((signal) => signIn(serverOrigin, t, signal))
    },
    'session.signInWeb': ({ serverOrigin, allowInsecure }) => {
      checkOrigin(serverOrigin, allowInsecure)
      const sso = ports.sso
      if (!sso) throw new ChtError('sso.cancelled', 'no web sign-in here')
      return attempt(async (signal) => {
        const t = await abortable(sso.login(new URL(serverOrigin).origin, signal), signal)
        return signIn(serverOrigin, t, signal)
      })
    },
    'session.cancelSignIn': () => attempts.cancel(),
    'session.signOut': (args) => endSession(true, args?.deleteLocalData ?? false),
    'connection.get': () => connection,
    'connection.reconnect': async () => {
      if (!session) return
      if (!session.engine.started) return goOnline(session)
      // Only when another sign-in holds the socket token is it taken back (R1: PROTOCOL 1.3); otherwise "try now".
      if (connection.reason === 'other-device') await session.reconnect()
      else session.engine.wake()
      emit('connection.changed', session.connectionState())
    },
    'chats.list': () => requireEngine().list(),
    'chats.open': async ({ chatId, limit, around }) => {
      const e = requireEngine()
      viewing = chatId
      notifier.reset(chatId)
      const r = await e.open(chatId, limit, around)
      // Opened while the window is in the background (a notification click racing the focus report): not read yet.
      if (!notifier.focused && viewing === chatId) e.blur()
      return r
    },
    'chats.blur': () => {
      viewing = null
      session?.engine.blur(true)
    },
    'chats.members': ({ chatId }) => requireEngine().members(chatId),
    'drafts.set': ({ chatId, text }) => requireEngine().setDraft(chatId, text),
    'data.size': () => ({ bytes: session?.store.sizeBytes() ?? 0 }),
    'messages.older': ({ chatId, beforeKey, limit }) => requireEngine().older(chatId, beforeKey, limit),
    'messages.newer': ({ chatId, afterKey, limit }) => requireEngine().newer(chatId, afterKey, limit),
    // Issue 14: the local store's full-text index (search.ts); no network.
    'search.messages': (args) => {
      if (!session) throw new ChtError('auth.invalid', 'not signed in')
      return searchMessages(session.store, args)
    },
    'messages.send': ({ chatId, text }) => requireEngine().send(chatId, text),
    'messages.retry': ({ chatId, key }) => requireEngine().retry(chatId, key),
    'messages.discard': ({ chatId, key }) => requireEngine().discard(chatId, key),
    // R6 (cached ~60 s) with memberships and superuser flags; R5's users when R6 is a 500 (groups.ts).
    'users.list': () => requireEngine().groups.users(),
    'direct.start': ({ userId }) => requireEngine().startDirect(userId),
    'media.get': ({ url }) => {
      if (!media || !session) throw new ChtError('auth.invalid', 'not signed in')
      return media.get(url, session.info.serverOrigin)
    },
    'settings.get': () => settings,
    'settings.set': ({ notifications, ...patch }) => {
      settings = { ...settings, ...patch, notifications: { ...settings.notifications, ...notifications } }
      ports.store.set('settings', settings)
      emit('settings.changed', settings)
      return settings
    },
    'app.openExternal': ({ url }) => (opts.openExternal ? opts.openExternal(url) : false),
    // Issue 5 (notify.ts): per-chat mute and whether the user can see the app decide what notifies.
    'chats.setMuted': ({ chatId, muted }) => {
      const others = settings.mutedChats.filter((id) => id !== chatId)
      settings = { ...settings, mutedChats: muted ? [...others, chatId] : others }
      ports.store.set('settings', settings)
      if (muted) notifier.reset(chatId)
      emit('settings.changed', settings)
      if (session) emit('chats.changed', session.engine.list())
    },
    'app.attention': async ({ focused }) => {
      notifier.focused = focused
      const e = session?.engine
      if (!e) return
      e.setFocused(focused) // discovery polls faster while the user is looking (issue 12)
      // An unfocused window is not being read: the open chat's unread count rises and it notifies.
      if (!focused) return e.blur()
      if (viewing) {
        notifier.reset(viewing)
        await e.open(viewing, 1).catch(() => undefined)
      }
    },
    // Issue 6 (groups.ts): R7 get-all, R2 with name == slug (Q7), R4 paced one at a time, leave = remove self.
    'profiles.list': () => requireEngine().groups.profiles(),
    'groups.create': (args) => requireEngine().groups.create(args),
    'groups.addMembers': ({ chatId, userIds }) => requireEngine().groups.addMembers(chatId, userIds),
    'groups.removeMember': ({ chatId, userId }) => requireEngine().groups.removeMember(chatId, userId),
    // Issue 4: staging (files.ts), streamed sends through the outbox (transfers.ts), saving through main's dialogs.
    'files.pick': async () => {
      const paths = (await ports.dialogs?.pickFiles()) ?? []
      // One at a time, so a file that cannot be sent is named in its refusal and does not refuse the others.
      const files: StagedFile[] = []
      const refused: FileRefusal[] = []
      for (const path of paths) {
        try {
          files.push(...(await staging.stagePaths([path])))
        } catch (e) {
          const size = await statRegularFile(path).catch(() => undefined)
          refused.push({ name: displayFileName(path), code: toAppError(e).code, ...(size !== undefined ? { size } : {}) })
        }
      }
      return { files, refused }
    },
    'files.preview': ({ stagedId }) => staging.preview(stagedId),
    'files.stageBytes': ({ name, mime, bytes }) => staging.stageBytes(name, mime, bytes),
    'files.send': ({ chatId, stagedIds }) => {
      const e = requireEngine()
      const ids = [...new Set(stagedIds)]
      const files = staging.peek(ids).map(({ path, name, size, mime, isImage, temp }) => ({ path, name, size, mime, isImage, temp }))
      const r = e.sendFiles(chatId, files) // throws before anything is queued (first-in-direct, too large…)
      staging.take(ids)
      return r
    },
    'files.cancel': ({ chatId, key }) => requireEngine().cancelFile(chatId, key),
    'files.save': async ({ url, name }) => {
      const r = session?.rest
      if (!r || !session) throw new ChtError('auth.invalid', 'not signed in')
      if (!ports.dialogs) throw new ChtError('unknown', 'no save dialog here')
      // Only the server's own uploads (Q5b); the renderer cannot make main download from anywhere else.
      const src = wire.fileUrl(url, session.info.serverOrigin)
      if (!src) throw new ChtError('forbidden', 'media host')
      return ports.dialogs.saveFile({
        name,
        write: async (dest) => {
          await r.downloadToFile(src, dest, { maxBytes: Number.MAX_SAFE_INTEGER })
        },
      })
    },
    'files.showSaved': async ({ savedId }) => {
      if (!ports.dialogs) throw new ChtError('not-found', 'saved file')
      await ports.dialogs.showSaved(savedId)
    },
    'files.open': async ({ url, name }) => {
      const r = session?.rest
      if (!r || !session) throw new ChtError('auth.invalid', 'not signed in')
      if (!ports.dialogs?.openFile) throw new ChtError('unknown', 'no file opener here')
      // Only the server's own uploads (Q5b), as for files.save.
      const src = wire.fileUrl(url, session.info.serverOrigin)
      if (!src) throw new ChtError('forbidden', 'media host')
      return ports.dialogs.openFile({
        key: src,
        name,
        download: async (dest) => {
          await r.downloadToFile(src, dest, { maxBytes: Number.MAX_SAFE_INTEGER })
        },
      })
    },
    'clipboard.writeText': ({ text }) => {
      if (!opts.writeClipboard) throw new ChtError('unknown', 'no clipboard here')
      opts.writeClipboard(text)
    },
  }

  const client: ChatClient = {
    get engine() {
      return session?.engine
    },
    get session() {
      return session
    },
    async handle(name, args) {
      const parsed = parseRequest(name, args)
      if (!parsed.ok) return parsed
      try {
        const value = await (handlers[parsed.name] as (a: unknown) => unknown)(parsed.args)
        return { ok: true, value }
      } catch (e) {
        return { ok: false, error: toAppError(e) }
      }
    },
    async request(name, args) {
      const r = await client.handle(name, args)
      if (!r.ok) throw new ChtError(r.error.code, r.error.detail)
      return r.value as RequestResults[typeof name]
    },
    async stagePaths(paths) {
      try {
        return { ok: true, value: await staging.stagePaths(paths) }
      } catch (e) {
        return { ok: false, error: toAppError(e) }
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async start() {
      if (stored.invalid.length) emit('notice', { code: 'state.reset', detail: stored.invalid.join(', ') })
      const saved = savedSession(ports.store.get('session'))
      if (!saved || closed) {
        emit('connection.changed', { status: 'signed-out' })
        return
      }
      // From disk first (issue 10): the chats are shown before any network, even when the server is down.
      const token = await ports.secrets.get()
      const s = open(saved, { value: token })
      emit('connection.changed', { status: 'connecting' })
      if (!token) return s.markExpired()
      await goOnline(s, random() * (opts.startJitterMs ?? 20_000))
    },
    async close() {
      closed = true
      unwake?.()
      clock.clearTimeout(onlineTimer)
      notifier.close()
      await goingOnline?.catch(() => undefined)
      session?.close()
    },
    wake() {
      const s = session
      if (!s) return
      if (!s.engine.started && !s.isExpired) void goOnline(s)
      else s.engine.wake()
    },
  }
  return client
}

/** The saved session, if it still has the shape of one (a damaged or older state file must not break start-up). */
function savedSession(raw: unknown): SessionInfo | undefined {
  const o = raw as Partial<SessionInfo> | undefined
  const u = o?.user
  if (!o || typeof o.serverOrigin !== 'string' || !u || typeof u.id !== 'string' || typeof u.name !== 'string') return undefined
  try {
    new URL(o.serverOrigin)
  } catch {
    return undefined
  }
  return { serverOrigin: o.serverOrigin, user: { id: u.id, name: u.name, isSuperuser: !!u.isSuperuser, ...(typeof u.avatarUrl === 'string' ? { avatarUrl: u.avatarUrl } : {}) } }
}
