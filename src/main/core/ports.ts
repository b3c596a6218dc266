// Core's platform, as small interfaces (DESIGN §4). main/platform implements them with Electron;
// tests, the e2e host and the benchmarks pass in-memory or on-disk fakes. Core never imports electron.

/** Where the auth token lives (Electron: safeStorage-encrypted file). */
export interface SecretStore {
  get(): Promise<string | null>
  set(token: string): Promise<void>
  clear(): Promise<void>
}

/** Small persistent key/value state: settings, the outbox, per-chat state (Electron: electron-store). */
export interface KeyValueStore {
  get<T>(key: string): T | undefined
  set(key: string, value: unknown): void
  delete(key: string): void
}

export interface Clock {
  now(): number
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
}

export const systemClock: Clock = { now: () => Date.now() }

/** In-memory implementations: used by tests, the e2e host and the benchmarks. */
export function memoryPorts(init?: { token?: string }): Ports {
  let token: string | null = init?.token ?? null
  const kv = new Map<string, unknown>()
  return {
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
