// KeyValueStore as one small JSON file in userData (issue 13). It replaces electron-store, whose constructor
// registers its own ipcMain handlers with no sender check and whose clearInvalidConfig silently wipes a damaged
// file (signing the user out). Here:
// * writes are atomic (a temp file, fsync, then rename), to the file and then to a second copy, `<name>.bak.json`;
// * the file carries a schema version (`{ version, values }`; electron-store's flat object is version 0);
// * every value is validated with zod on read (the schemas in main/state.ts): a bad part falls back to its default
//   — it is dropped, the reader's default applies — and is reported (logged, and main tells the user), never throws;
// * a file that cannot be read is moved aside and kept (`<name>.damaged-<time>.json`), never silently cleared; the
//   second copy (`.bak`) is used instead.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { z } from 'zod'
import { isPlainObject, salvage } from '../../shared/salvage'
import type { KeyValueStore } from '../core/ports'
import { silentLog, type Log } from '../log'

export const STATE_VERSION = 1
/** Settings and a little state: anything bigger is not a file we wrote. */
const MAX_FILE_BYTES = 8 * 1024 * 1024

export interface StateProblem {
  /** `damaged`: the file could not be read (kept aside); `invalid`: some values failed their schema (dropped). */
  kind: 'damaged' | 'invalid'
  /** What: a file name, or the paths of the values that were dropped (never the values: they may be personal). */
  detail: string
}

export interface JsonStoreOptions {
  /** The folder (userData). */
  dir: string
  /** File name without extension (default 'cht-state'). */
  name?: string
  /** Every key the app stores, with the schema its value must satisfy. */
  schemas: Record<string, z.ZodType>
  log?: Log
  now?: () => number
}

export interface JsonStore extends KeyValueStore {
  /** What was wrong when the file was read (each also logged): main tells the user once. */
  readonly problems: readonly StateProblem[]
  readonly path: string
}

type Values = Record<string, unknown>

/** The file's values and version (`damage`: what was wrong but could be read past), or why it cannot be used. */
function parseFile(text: string): { values: Values; version: number; damage?: string } | { error: string } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { error: text.length === 0 ? 'empty file' : 'not JSON' }
  }
  if (!isPlainObject(data)) return { error: 'not an object' }
  const { version, values } = data
  const goodVersion = typeof version === 'number' && Number.isInteger(version) && version >= 1
  if (isPlainObject(values)) return goodVersion ? { values, version } : { values, version: STATE_VERSION, damage: 'bad version' }
  if ('version' in data || 'values' in data) return { error: 'no values' }
  // Version 0: electron-store's file, the keys at the top level.
  return { values: data, version: 0 }
}

export function createKeyValueStore(opts: JsonStoreOptions): JsonStore {
  const log = opts.log ?? silentLog
  const now = opts.now ?? Date.now
  const name = opts.name ?? 'cht-state'
  const file = join(opts.dir, `${name}.json`)
  const backup = join(opts.dir, `${name}.bak.json`)
  const problems: StateProblem[] = []
  const warnedUnknown = new Set<string>()

  function report(p: StateProblem): void {
    problems.push(p)
    log.warn('state.problem', { kind: p.kind, detail: p.detail })
  }

  /** Moves (or copies) a file aside under a new name: kept for the user, or support, to look at. */
  function keepAside(path: string, why: string, kind: StateProblem['kind'], copy = false): void {
    const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-')
    let aside = join(opts.dir, `${name}.damaged-${stamp}.json`)
    for (let i = 1; existsSync(aside); i++) aside = join(opts.dir, `${name}.damaged-${stamp}-${i}.json`)
    try {
      if (copy) copyFileSync(path, aside)
      else renameSync(path, aside)
      report({ kind, detail: `${why}; kept as ${aside}` })
    } catch (e) {
      report({ kind, detail: `${why}; could not be kept aside` })
      log.error('state.keep-aside-failed', e)
    }
  }

  function readOne(path: string): { values: Values; version: number; path: string } | undefined {
    let text: string
    try {
      if (!existsSync(path)) return undefined
      if (statSync(path).size > MAX_FILE_BYTES) {
        keepAside(path, 'too large', 'damaged')
        return undefined
      }
      text = readFileSync(path, 'utf8')
    } catch (e) {
      log.error('state.read-failed', e)
      keepAside(path, 'unreadable', 'damaged')
      return undefined
    }
    const parsed = parseFile(text)
    if ('error' in parsed) {
      keepAside(path, parsed.error, 'damaged')
      return undefined
    }
    if (parsed.damage) keepAside(path, parsed.damage, 'damaged', true)
    return { ...parsed, path }
  }

  // The file, else its second copy (the file damaged, or lost between a rename and the next write).
  const loaded = readOne(file) ?? readOne(backup) ?? { values: {}, version: STATE_VERSION, path: undefined }
  const version = Math.max(STATE_VERSION, loaded.version) // a newer app's file keeps its number (and its keys)
  const values: Values = {}
  const dropped: string[] = []
  for (const [key, raw] of Object.entries(loaded.values)) {
    const schema = opts.schemas[key]
    if (!schema) {
      values[key] = raw // not ours to judge (an older or newer version's key): kept in the file, never returned
      continue
    }
    const issues: string[] = []
    const value = salvage(schema, raw, key, issues)
    if (issues.length) dropped.push(...issues)
    if (value !== undefined) values[key] = value
  }
  if (dropped.length) {
    // The original is kept as it was; the next start reads clean values.
    if (loaded.path) keepAside(loaded.path, `invalid values dropped: ${dropped.join(', ')}`, 'invalid', true)
    else report({ kind: 'invalid', detail: dropped.join(', ') })
    persist()
  }

  /** temp file, fsync, rename: `path` holds either its old or its new content, never half of one. */
  function writeAtomic(path: string, text: string): void {
    const tmp = `${path}.tmp-${process.pid}`
    const fd = openSync(tmp, 'w', 0o600)
    try {
      writeSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  }

  // Two copies of the same state, one after the other: whatever happens to one of them (a crash between the writes,
  // a damaged sector, a sync tool), the other is complete — and at most one write old.
  function persist(): void {
    try {
      mkdirSync(opts.dir, { recursive: true, mode: 0o700 })
      const text = JSON.stringify({ version, values })
      writeAtomic(file, text)
      writeAtomic(backup, text)
    } catch (e) {
      // The values stay in memory; the next write tries again.
      log.error('state.write-failed', e)
    }
  }

  return {
    path: file,
    problems,
    get<T>(key: string): T | undefined {
      if (!opts.schemas[key]) {
        if (!warnedUnknown.has(key)) log.error('state.unknown-key', undefined, { key })
        warnedUnknown.add(key)
        return undefined
      }
      return values[key] === undefined ? undefined : (structuredClone(values[key]) as T)
    },
    set(key, value) {
      const schema = opts.schemas[key]
      if (!schema) {
        log.error('state.unknown-key', undefined, { key })
        return
      }
      if (value === undefined) {
        if (!(key in values)) return
        delete values[key]
      } else {
        // What would not be read back is not written (a bug upstream): logged, the rest of the value kept.
        const issues: string[] = []
        const clean = salvage(schema, value, key, issues)
        if (issues.length) log.error('state.invalid-write', undefined, { paths: issues.join(', ') })
        if (clean === undefined) return
        values[key] = structuredClone(clean)
      }
      persist()
    },
    delete(key) {
      if (!(key in values)) return
      delete values[key]
      persist()
    },
  }
}
