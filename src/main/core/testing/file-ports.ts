// Ports on plain files in one folder, for tests where the app's process dies (kill -9) and starts again: the token
// and the small state in JSON files written synchronously, the databases and caches beside them.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Ports } from '../ports'

export function filePorts(dir: string): Ports {
  mkdirSync(dir, { recursive: true })
  const stateFile = join(dir, 'state.json')
  const tokenFile = join(dir, 'token')
  const read = (): Record<string, unknown> => (existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>) : {})
  const write = (v: Record<string, unknown>) => writeFileSync(stateFile, JSON.stringify(v))
  return {
    secrets: {
      get: async () => (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8') : null),
      set: async (t) => writeFileSync(tokenFile, t),
      clear: async () => rmSync(tokenFile, { force: true }),
    },
    store: {
      get: <T>(k: string) => read()[k] as T | undefined,
      set: (k, v) => write({ ...read(), [k]: v }),
      delete: (k) => {
        const all = read()
        delete all[k]
        write(all)
      },
    },
    dataDir: join(dir, 'data'),
    cacheDir: join(dir, 'cache'),
  }
}
