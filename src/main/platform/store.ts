// KeyValueStore on electron-store (a JSON file in userData, written atomically).
import Store from 'electron-store'
import type { KeyValueStore } from '../core/ports'

export interface KeyValueStoreOptions {
  /** File name without extension (default 'cht-state'). */
  name?: string
  /** Directory; defaults to userData. */
  cwd?: string
}

export function createKeyValueStore(opts: KeyValueStoreOptions = {}): KeyValueStore {
  const store = new Store<Record<string, unknown>>({
    name: opts.name ?? 'cht-state',
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    // Keys are opaque (they may hold chat ids with dots): never treat them as paths.
    accessPropertiesByDotNotation: false,
    // A damaged file must not keep the app from starting; it is only a cache of settings and state.
    clearInvalidConfig: true,
  })
  return {
    get: <T>(key: string) => store.get(key) as T | undefined,
    set: (key, value) => {
      // conf refuses undefined values; for us "set to undefined" means "forget".
      if (value === undefined) store.delete(key)
      else store.set(key, value)
    },
    delete: (key) => store.delete(key),
  }
}
