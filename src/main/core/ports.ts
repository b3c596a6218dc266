// Core's platform, as small interfaces (DESIGN §4). main/platform implements them with Electron;
// tests, the e2e host and the benchmarks pass in-memory or on-disk fakes. Core never imports electron.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'

/** Where the auth token lives (Electron: safeStorage-encrypted file). */
export interface SecretStore {
  get(): Promise<string | null>
  set(token: string): Promise<void>
  clear(): Promise<void>
}

/** Small persistent key/value state: settings, the session, window state (Electron: platform/store.ts, validated on read). */
export interface KeyValueStore {
  get<T>(key: string): T | undefined
  set(key: string, value: unknown): void
  delete(key: string): void
}

/** An opaque timer handle from a Clock. */
export type Timer = { readonly __timer: unique symbol }

/**
 * Time and timers (DESIGN §4): everything in core that waits or measures takes them from here, so tests run on
 * fake time (testing/clock.ts) and a wall clock that jumps (NTP, a dual-boot PC's zone offset) never stalls a wait.
 */
export interface Clock {
  /** Wall time, epoch ms: timestamps a person sees and the server's times are compared with. May jump. */
  now(): number
  /** Monotonic ms (arbitrary origin): every wait, limit, backoff and timeout. Never jumps. */
  monotonic(): number
  setTimeout(fn: () => void, ms: number): Timer
  clearTimeout(timer: Timer | null | undefined): void
}

/**
 * Opens the server's SSO login page and resolves with the `token` cookie it sets (DESIGN §4). When `signal` aborts
 * (the person pressed Cancel in the app), the page closes and the promise rejects with the signal's reason.
 */
export interface SsoLogin {
  login(serverOrigin: string, signal?: AbortSignal): Promise<string>
}

/** Hints that the network may be back (resume from sleep, unlock, online): reconnect at once. */
export interface OnlineHints {
  onWake(listener: () => void): () => void
}

/**
 * Native file dialogs and the file manager (Electron: dialog + shell; issue 4). Core never learns where a
 * saved file went: it gets an opaque id back.
 */
export interface FileDialogs {
  /** The open dialog: absolute paths of the chosen files, [] when cancelled. */
  pickFiles(): Promise<string[]>
  /**
   * "Save as…" with `name` as the (unsanitized) default; never overwrites. `write(dest)` creates `dest`, which must
   * not exist yet. `savedId` is undefined when the user cancelled.
   */
  saveFile(req: { name: string; write: (destPath: string) => Promise<void> }): Promise<{ savedId?: string; warnedExecutable: boolean }>
  /** Reveal a saved file in the system file manager. */
  showSaved(savedId: string): Promise<void> | void
  /**
   * Issue 12: "Open" a received file with the system's app for it. `key` identifies the file (its URL: a file asked
   * about once is not asked about again); `download(dest)` creates `dest`, which must not exist yet. `opened` is false
   * when the user declined the warning for a program or script. Without it `files.open` is refused.
   */
  openFile?(req: { key: string; name: string; download: (destPath: string) => Promise<void> }): Promise<{ opened: boolean }>
}

export interface Ports {
  secrets: SecretStore
  store: KeyValueStore
  clock?: Clock
  sso?: SsoLogin
  online?: OnlineHints
  /** Issue 4: open/save dialogs. Without it `files.pick` answers [] and `files.save` is refused. */
  dialogs?: FileDialogs
  /** Issue 4: a private folder for the media cache and pasted files waiting in the outbox (default: a temp dir). */
  cacheDir?: string
  /** Issue 10: where the local databases live, one per signed-in user (Electron: userData/data; default: a temp dir). */
  dataDir?: string
  /**
   * Issue 13: starts the history worker (core/chats/history-worker.ts) for a session's database, so whole histories
   * are parsed off the main thread. Without it they are parsed in-process (tests of other things).
   */
  historyWorker?: (dbFile: string) => Worker
}

/**
 * Real time. Timers are unref'd: core never keeps a process alive by waiting alone (Electron keeps main alive;
 * a test or a benchmark that is done should exit even if a reconnect is scheduled).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return t as unknown as Timer
  },
  clearTimeout: (t) => {
    if (t) clearTimeout(t as unknown as ReturnType<typeof setTimeout>)
  },
}

/** Calls `fn` every `ms` on `clock` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let timer: Timer | undefined
  let stopped = false
  const tick = () => {
    timer = clock.setTimeout(() => {
      if (stopped) return
      tick()
      fn()
    }, ms)
  }
  tick()
  return () => {
    stopped = true
    clock.clearTimeout(timer)
  }
}

const tempRoots: string[] = []

/** One private temp folder per set of ports, removed when the process exits (tests leave nothing behind). */
function tempRoot(): string {
  if (!tempRoots.length) {
    process.once('exit', () => {
      for (const d of tempRoots) rmSync(d, { recursive: true, force: true })
    })
  }
  const d = mkdtempSync(join(tmpdir(), 'cht-ports-'))
  tempRoots.push(d)
  return d
}

/**
 * In-memory settings and token, and the real local database and caches in a private temp folder: used by tests,
 * the e2e host and the benchmarks. Pass the same ports again to "restart the app" with its data.
 */
export function memoryPorts(init?: { token?: string }): Ports {
  let token: string | null = init?.token ?? null
  const kv = new Map<string, unknown>()
  const root = tempRoot()
  return {
    dataDir: join(root, 'data'),
    cacheDir: join(root, 'cache'),
    secrets: {
      get: async () => token,
      set: async (t) => { token = t },
      clear: async () => { token = null },
    },
    store: {
      get: <T>(k: string) => (kv.has(k) ? (structuredClone(kv.get(k)) as T) : undefined),
      set: (k, v) => { kv.set(k, structuredClone(v)) },
      delete: (k) => { kv.delete(k) },
    },
  }
}
