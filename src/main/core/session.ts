// Who is signed in, and the engine that serves them (issues 10, 11). The session's user picks the local database
// (one per user), so the app starts from disk before any network; the bootstrap (PROTOCOL 1.2: R1 then R7, with
// the interrupted-bootstrap recovery) then brings it online. An expired or rejected token never deletes anything:
// the session stays, says "sign in again", and the outbox waits for the same user.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { ConnectionState, SessionInfo, User } from '../../shared/model'
import { createRest, type Rest, type RestOptions } from './cht/rest'
import * as wire from './cht/wire'
import type { Worker } from 'node:worker_threads'
import { ChatEngine, type ChatEngineOptions } from './chats/engine'
import { inlineParser, workerParser, type HistoryParser } from './chats/parser'
import { ChtError } from './errors'
import type { Clock } from './ports'
import { LocalStore } from './store'

/** A second socket 403 this soon after our own R1: another sign-in of this user took the socket token (1.3). */
const OTHER_DEVICE_WINDOW_MS = 60_000
/** Two devices fighting over the socket token must not loop hot: at most one automatic re-auth per this. */
const REAUTH_PAUSE_MS = 30_000

/** PROTOCOL 1.2: R1 then R7, before anything else. `signal`: a sign-in the person may cancel. */
export async function bootstrap(rest: Rest, origin: string, signal?: AbortSignal): Promise<User> {
  await saveUser(rest, signal)
  return wire.sessionUserFromR7((await rest.get(wire.routes.profile, { signal })).body, origin)
}

/**
 * R1: records this token as the user's socket token (1.3). An R1 5xx may be an interrupted bootstrap (R1 done, R7
 * never): R7, then R1 again (§1.2) — only a failure after that is an error.
 */
export async function saveUser(rest: Rest, signal?: AbortSignal): Promise<void> {
  try {
    await rest.get(wire.routes.saveUser, { signal })
  } catch (e) {
    if (!(e instanceof ChtError) || e.code !== 'server') throw e
    await rest.get(wire.routes.profile, { signal })
    await rest.get(wire.routes.saveUser, { signal })
  }
}

/** Where a user's database lives: one file per (server, user). */
export function databaseFile(dataDir: string, info: Pick<SessionInfo, 'serverOrigin' | 'user'>): string {
  const host = new URL(info.serverOrigin).host.replace(/[^A-Za-z0-9.-]/g, '_')
  return join(dataDir, `${host}-${info.user.id}.sqlite`)
}

export interface SessionDeps {
  clock: Clock
  dataDir: string
  historyWorker?: (dbFile: string) => Worker
  makeRest(origin: string, getToken: () => string | null): Rest
  /** Everything the engine needs beyond what a session provides. */
  engineOptions(): Omit<ChatEngineOptions, 'origin' | 'me' | 'rest' | 'store' | 'parser' | 'clock' | 'getToken' | 'onSocketAuthFailed'>
  emitConnection(state: ConnectionState): void
  notice(code: 'store.rebuilt' | 'session.expired'): void
}

export class Session {
  readonly rest: Rest
  readonly store: LocalStore
  readonly engine: ChatEngine
  private readonly parser: HistoryParser
  private reauth?: Promise<void>
  private reauthAt = -Infinity
  private expired = false
  private closed = false

  /** `rest`: the one a sign-in bootstrapped with — one client, one limiter (1.5); its token comes from `token`. */
  constructor(readonly info: SessionInfo, private readonly token: { value: string | null }, private readonly d: SessionDeps, rest?: Rest) {
    this.rest = rest ?? d.makeRest(info.serverOrigin, () => token.value)
    const opened = LocalStore.open(databaseFile(d.dataDir, info), () => d.clock.now())
    this.store = opened.store
    if (opened.recovered) d.notice('store.rebuilt')
    const store = this.store
    this.parser = d.historyWorker ? workerParser(d.historyWorker, store.file) : inlineParser((chatId) => store.serverIds(chatId))
    this.engine = new ChatEngine({
      ...d.engineOptions(),
      origin: info.serverOrigin, me: info.user, rest: this.rest, store: this.store, parser: this.parser, clock: d.clock,
      getToken: () => (this.expired ? null : this.token.value),
      onSocketAuthFailed: () => void this.socketRejected(),
    })
    this.engine.loadFromDisk()
  }

  /**
   * Online: after a sign-in (which just ran the bootstrap) the list is read at once. A restored session only renews
   * the socket token (R1; its user and its chats come from disk) and catches up gently: after a power cut an office's
   * clients all start together behind one IP (issue 11).
   */
  async goOnline(bootstrapped?: User): Promise<User> {
    if (!bootstrapped) await saveUser(this.rest)
    const user = bootstrapped ?? this.info.user
    if (this.closed) return user
    this.expired = false
    await this.engine.start(!!bootstrapped)
    return user
  }

  /** The same user signed in again (a new token): the outbox resumes, sockets reconnect with the new token. */
  renew(token: string): void {
    this.token.value = token
    this.expired = false
    this.reauthAt = this.d.clock.monotonic()
    this.engine.restartSockets()
  }

  /** "Reconnect now": take the socket token back (R1) and retry every socket at once. */
  async reconnect(): Promise<void> {
    this.reauth = undefined
    await this.socketRejected(true)
    this.engine.wake()
  }

  /**
   * A socket answered 403: the token is not the one of the latest R1 (1.3). Repeat R1 → R7 with ours and reconnect.
   * Right after our own R1 it means another sign-in of this user is taking the token back and forth: say so and
   * let the user choose (sockets keep retrying on their slow schedule meanwhile — never abandoned).
   */
  private socketRejected(userAsked = false): Promise<void> {
    const now = this.d.clock.monotonic()
    if (!userAsked && now - this.reauthAt < OTHER_DEVICE_WINDOW_MS) {
      // Another sign-in took the socket token — or this token died meanwhile. R7 tells which without taking the
      // token back (R1 would): 401 is an expired session, anything else the other device.
      return this.rest.get(wire.routes.profile, { background: true }).then(
        () => this.d.emitConnection({ status: 'offline', reason: 'other-device' }),
        (e: unknown) => {
          if (e instanceof ChtError && e.code === 'auth.invalid') this.markExpired()
          else this.d.emitConnection({ status: 'offline', reason: 'other-device' })
        },
      )
    }
    this.reauth ??= (async () => {
      try {
        await saveUser(this.rest)
        this.reauthAt = this.d.clock.monotonic()
        this.engine.restartSockets()
      } catch (e) {
        if (e instanceof ChtError && e.code === 'auth.invalid') this.markExpired()
      }
    })().finally(() => {
      this.d.clock.setTimeout(() => (this.reauth = undefined), userAsked ? 0 : REAUTH_PAUSE_MS)
    })
    return this.reauth
  }

  /** The token died: keep everything, stop the sockets' attempts, ask for a new sign-in. */
  markExpired(): void {
    if (this.expired) return
    this.expired = true
    this.engine.restartSockets() // with no token they stop at once (socket.ts: 'auth-failed', "no token")
    this.d.emitConnection({ status: 'offline', reason: 'session-expired' })
    this.d.notice('session.expired')
  }

  get isExpired(): boolean {
    return this.expired
  }

  connectionState(): ConnectionState {
    if (this.expired) return { status: 'offline', reason: 'session-expired' }
    return this.engine.connectionState()
  }

  close(): void {
    this.closed = true
    this.engine.close()
    this.parser.close()
    this.store.close()
  }

  /** Signed out on a shared computer: this user's database goes too. */
  deleteLocalData(): void {
    this.close()
    for (const suffix of ['', '-wal', '-shm']) rmSync(this.store.file + suffix, { force: true })
  }
}

export type { RestOptions }
export { createRest }
