// The chat engine, headless (DESIGN §4): implements every request of the bridge contract and emits its
// events. Never imports electron — main/ipc.ts, the e2e host and the benchmarks all drive it the same way.
import {
  parseRequest, type EventName, type Events, type RequestArgs, type RequestName, type RequestResults, type Result,
} from '../../shared/contract'
import type { Chat, ConnectionState, SessionInfo, Settings, StagedFile, User } from '../../shared/model'
import { ChatEngine, type ChatEngineOptions } from './chats'
import { createRest, type Rest } from './cht/rest'
import * as wire from './cht/wire'
import { ChtError, toAppError } from './errors'
import { defaultSettings } from '../../shared/settings'
import { MediaCache, MediaDiskCache } from './media'
import { Staging } from './files'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { markMuted, Notifier } from './notify'
import { Drafts } from './drafts'
import { abortable, checkOrigin, SignInAttempts } from './signin'
import { systemClock, type Ports } from './ports'

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
  /** Tuning for tests and benchmarks. */
  rest?: Partial<Parameters<typeof createRest>[0]>
  socket?: ChatEngineOptions['socketOptions']
  listPollMs?: number
}

export interface ChatClient {
  /** Parses the arguments with the contract's schema and answers a Result; never throws. */
  handle(name: string, args: unknown): Promise<Result<unknown>>
  request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResults[N]>
  onEvent(listener: Listener): () => void
  /** Restore the saved session, if any. */
  start(): Promise<void>
  close(): Promise<void>
  /** Resume from sleep / network back (DESIGN §7). */
  wake(): void
  /** The engine of the signed-in session, for tests and benchmarks. */
  readonly engine: ChatEngine | undefined
  /**
   * Issue 4: stage files by path — ONLY for paths main obtained itself (the preload's stage channel, after its
   * sender check). No request can name a path. Never throws.
   */
  stagePaths(paths: string[]): Promise<Result<StagedFile[]>>
}

export function createChatClient(opts: ChatClientOptions): ChatClient {
  const { ports } = opts
  const clock = ports.clock ?? systemClock
  const listeners = new Set<Listener>()
  let connection: ConnectionState = { status: 'signed-out' }
  const emit: Listener = (name, payload) => {
    if (name === 'connection.changed') connection = payload as ConnectionState
    for (const l of listeners) l(name, payload)
  }

  let settings: Settings = {
    ...defaultSettings(opts.serverOrigin ?? DEFAULT_SERVER_ORIGIN),
    ...ports.store.get<Partial<Settings>>('settings'),
  }
  if (opts.serverOrigin && !ports.store.get('session')) settings.serverOrigin = opts.serverOrigin

  // Issue 5: notification rules (notify.ts) and the chat the renderer shows, kept while the window is unfocused.
  const notifier = new Notifier({
    clock,
    getSettings: () => settings,
    chatOf: (chatId) => {
      const chat = engine?.chatView(chatId)
      return chat && markMuted(chat, settings)
    },
    emit: (n) => emit('notification', n),
  })
  let viewing: string | null = null
  // Issue 12: composer drafts per chat (drafts.ts) and the one sign-in attempt that Cancel stops (signin.ts).
  const drafts = new Drafts(ports.store)
  const attempts = new SignInAttempts()
  /** A chat as it leaves core: with its mute flag and its draft. */
  const decorate = (chat: Chat): Chat => drafts.apply(markMuted(chat, settings))

  // Issue 4: staged files, pasted bytes waiting in the outbox, and the media cache live under one private folder.
  const cacheRoot = ports.cacheDir ?? join(tmpdir(), `cht-cache-${process.pid}`)
  const staging = new Staging({ outgoingDir: join(cacheRoot, 'outgoing'), maxBytes: () => settings.maxFileBytes, clock })
  const mediaDisk = new MediaDiskCache(join(cacheRoot, 'media'))

  let token: string | null = null
  let session: SessionInfo | null = null
  let rest: Rest | undefined
  let engine: ChatEngine | undefined
  let media: MediaCache | undefined
  let reauth: Promise<void> | undefined
  let closed = false
  const unwake = ports.online?.onWake(() => client.wake())

  function makeRest(origin: string, getToken: () => string | null): Rest {
    return createRest({
      origin,
      getToken,
      ...opts.rest,
      onPause: (until) => emit('connection.changed', { status: 'throttled', retryAt: until }),
      onResume: () => emit('connection.changed', engine?.connectionState() ?? { status: 'online' }),
    })
  }

  /** PROTOCOL 1.2: R1 then R7, before anything else and before any socket. */
  async function bootstrap(r: Rest, origin: string, signal?: AbortSignal): Promise<User> {
    await r.get(wire.routes.saveUser, { signal })
    return wire.sessionUserFromR7((await r.get(wire.routes.profile, { signal })).body, origin)
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
    const candidate = makeRest(normalized, () => newToken)
    const user = await bootstrap(candidate, normalized, signal)
    if (signal.aborted) throw signal.reason
    await ports.secrets.set(newToken)
    await endSession(false)
    token = newToken
    rest = candidate
    settings = { ...settings, serverOrigin: normalized }
    ports.store.set('settings', settings)
    ports.store.set('session', { serverOrigin: normalized, user })
    await begin({ serverOrigin: normalized, user })
    return session!
  }

  async function begin(info: SessionInfo): Promise<void> {
    session = info
    engine = new ChatEngine({
      origin: info.serverOrigin,
      me: info.user,
      rest: rest!,
      store: ports.store,
      clock,
      getToken: () => token,
      // Chats leave core with their mute flag and their draft.
      emit: (name, payload) => emit(name, name === 'chats.changed' ? ((payload as Chat[]).map(decorate) as never) : payload),
      onIncoming: (chatId, message, active) => notifier.incoming(chatId, message, active),
      maxFileBytes: () => settings.maxFileBytes,
      onSocketAuthFailed: () => void reauthenticate(),
      socketOptions: opts.socket,
      listPollMs: opts.listPollMs,
    })
    const e = engine
    media = new MediaCache(rest!, (url) => e.isKnownAvatar(url), mediaDisk)
    emit('session.changed', session)
    emit('connection.changed', { status: 'connecting' })
    await engine.start().catch((e: unknown) => {
      emit('notice', toAppError(e))
    })
  }

  /**
   * A socket answered 403: the token is not the one of the latest R1 (1.3) — another device signed in.
   * Repeat R1 → R7 with ours and reconnect; if the token itself is dead, the session ends.
   */
  function reauthenticate(): Promise<void> {
    reauth ??= (async () => {
      if (!rest || !session || !engine) return
      try {
        await bootstrap(rest, session.serverOrigin)
        engine.restartSockets()
      } catch (e) {
        if (e instanceof ChtError && e.code === 'auth.invalid') await endSession(true)
      }
    })().finally(() => {
      // Two devices fighting over the socket token must not loop hot.
      setTimeout(() => (reauth = undefined), 30_000).unref?.()
    })
    return reauth
  }

  async function endSession(forget: boolean): Promise<void> {
    engine?.close()
    notifier.close()
    viewing = null
    if (forget) {
      staging.clear()
      engine?.clearLocalState()
      drafts.clear()
      await ports.secrets.clear()
      ports.store.delete('session')
    }
    engine = undefined
    media = undefined
    rest = undefined
    token = null
    if (session) {
      session = null
      emit('session.changed', null)
      emit('connection.changed', { status: 'signed-out' })
    }
  }

  function requireEngine(): ChatEngine {
    if (!engine) throw new ChtError('auth.invalid', 'not signed in')
    return engine
  }

  const handlers: Handlers = {
    'session.get': () => session,
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
    'session.signOut': () => endSession(true),
    'connection.get': () => connection,
    'chats.list': () => requireEngine().list().map(decorate),
    'chats.open': async ({ chatId, limit }) => {
      const e = requireEngine()
      viewing = chatId
      notifier.reset(chatId)
      const r = await e.open(chatId, limit)
      // Opened while the window is in the background (a notification click racing the focus report): not read yet.
      if (!notifier.focused && viewing === chatId) e.blur()
      return { ...r, chat: decorate(r.chat) }
    },
    'chats.blur': () => {
      viewing = null
      engine?.blur()
    },
    'chats.members': ({ chatId }) => requireEngine().members(chatId),
    'drafts.set': ({ chatId, text }) => drafts.set(chatId, text),
    'messages.older': ({ chatId, beforeKey, limit }) => requireEngine().older(chatId, beforeKey, limit),
    'messages.send': ({ chatId, text }) => requireEngine().send(chatId, text),
    'messages.retry': ({ chatId, key }) => requireEngine().retry(chatId, key),
    'messages.discard': ({ chatId, key }) => requireEngine().discard(chatId, key),
    // R6 (cached ~60 s) with memberships and superuser flags; R5's users when R6 is a 500 (groups.ts).
    'users.list': () => requireEngine().groups.users(),
    'direct.start': async ({ userId }) => markMuted(await requireEngine().startDirect(userId), settings),
    'media.get': ({ url }) => {
      if (!media || !session) throw new ChtError('auth.invalid', 'not signed in')
      return media.get(url, session.serverOrigin)
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
      if (engine) emit('chats.changed', engine.list().map(decorate))
    },
    'app.attention': async ({ focused }) => {
      notifier.focused = focused
      const e = engine
      if (!e) return
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
      return paths.length ? staging.stagePaths(paths) : []
    },
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
      const r = rest
      if (!r || !session) throw new ChtError('auth.invalid', 'not signed in')
      if (!ports.dialogs) throw new ChtError('unknown', 'no save dialog here')
      // Only the server's own uploads (Q5b); the renderer cannot make main download from anywhere else.
      const src = wire.fileUrl(url, session.serverOrigin)
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
  }

  const client: ChatClient = {
    get engine() {
      return engine
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
      const saved = ports.store.get<SessionInfo>('session')
      const savedToken = await ports.secrets.get()
      if (!saved || !savedToken || closed) {
        emit('connection.changed', { status: 'signed-out' })
        return
      }
      token = savedToken
      rest = makeRest(saved.serverOrigin, () => token)
      try {
        const user = await bootstrap(rest, saved.serverOrigin)
        ports.store.set('session', { serverOrigin: saved.serverOrigin, user })
        await begin({ serverOrigin: saved.serverOrigin, user })
      } catch (e) {
        if (e instanceof ChtError && e.code === 'auth.invalid') return endSession(true)
        // Offline at start: show what we know and try again when the network is back.
        await begin(saved)
        emit('connection.changed', { status: 'offline' } satisfies ConnectionState)
      }
    },
    async close() {
      closed = true
      unwake?.()
      notifier.close()
      engine?.close()
    },
    wake() {
      engine?.wake()
    },
  }
  return client
}
