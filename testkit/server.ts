// One way for every suite (core integration, e2e, benchmarks) to get a cht server:
// the reference server in-process on port 0 (real sockets, real database, real throttle), or — with
// CHT_TEST_SERVER=<origin> and CHT_TEST_TOKENS=name:token,… — any running cht server (DESIGN §5).
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, type RefServer, type StartOptions } from '../server/index'

export interface TestUser {
  name: string
  token: string
}

export interface TestServer {
  origin: string
  /** Set only for the in-process reference server. */
  ref?: RefServer
  /** Users with fresh tokens (not yet bootstrapped: the client does R1 → R7 itself). */
  users(count: number): TestUser[]
  /** Stop and start the same server on the same port and data (reference server only). */
  restart?(): Promise<void>
  /** Stop the server; its port and data wait for start() (reference server only): "the server is down". */
  stop?(): Promise<void>
  /** Start a stopped server again on the same port and data (reference server only). */
  start?(): Promise<void>
  close(): Promise<void>
}

export const externalServer = process.env.CHT_TEST_SERVER

const DEMO_NAMES: Array<[string, string]> = [
  ['مریم', 'احمدی'], ['Sara', 'Miller'], ['رضا', 'کریمی'], ['John', 'Smith'], ['علی', 'رضایی'], ['Nika', 'Jones'],
]

export async function startTestServer(opts: Partial<StartOptions> = {}): Promise<TestServer> {
  if (externalServer) return external(externalServer)
  const dataDir = mkdtempSync(join(tmpdir(), 'cht-test-'))
  let ref = await startServer({ port: 0, dataDir, ...opts })
  const port = Number(new URL(ref.origin).port)
  let running = true
  let n = 0
  const ts: TestServer = {
    origin: ref.origin,
    get ref() {
      return ref
    },
    users(count) {
      return Array.from({ length: count }, () => {
        const [first, last] = DEMO_NAMES[n % DEMO_NAMES.length]
        const suffix = n >= DEMO_NAMES.length ? String(n) : ''
        n++
        const u = ref.createUser({ firstNameFa: first + suffix, lastNameFa: last })
        return { name: `${first}${suffix} ${last}`, token: u.token }
      })
    },
    async restart() {
      await ts.stop!()
      await ts.start!()
    },
    async stop() {
      if (!running) return
      running = false
      await ref.close()
    },
    async start() {
      if (running) return
      ref = await startServer({ port, dataDir, ...opts })
      running = true
    },
    async close() {
      await ts.stop!()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return ts
}

function external(origin: string): TestServer {
  const pool = (process.env.CHT_TEST_TOKENS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const i = p.lastIndexOf(':')
      return { name: p.slice(0, i), token: p.slice(i + 1) }
    })
  return {
    origin,
    users(count) {
      return Array.from({ length: count }, () => claimUser(pool))
    },
    async close() {},
  }
}

/**
 * Each user of CHT_TEST_TOKENS goes to one test only, across every worker process of the run: suites expect fresh
 * users (no chats, no bootstrap yet), and one person signed in from two tests at once would take each other's socket
 * token (R7). A claim is a file created exclusively (atomic across processes) in a folder the whole run shares —
 * `npm test` sets CHT_TEST_CLAIMS for vitest and Playwright together; alone, a runner uses its private temp folder.
 */
function claimUser(pool: TestUser[]): TestUser {
  const dir = process.env.CHT_TEST_CLAIMS ?? join(tmpdir(), 'cht-token-claims')
  mkdirSync(dir, { recursive: true })
  for (let i = 0; i < pool.length; i++) {
    try {
      closeSync(openSync(join(dir, String(i)), 'wx'))
      return pool[i]
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
  }
  throw new Error(`CHT_TEST_TOKENS has ${pool.length} users and all of them are taken; the suites need more fresh users (see README: Tests against another server)`)
}

/**
 * Client tuning (ChatClientOptions) for a server started with `throttle: false`: no budget to stay under, so requests
 * go out as fast as a test needs, background work is not spread out, and the chat list is polled four times a second.
 * The budget itself is tested against the production throttle on a fake clock (core's rest, office and groups tests).
 * Against CHT_TEST_SERVER the client keeps its production pace: that server may throttle.
 */
export const unpacedClient = externalServer
  ? {}
  : { rest: { rate: { perSecond: 1_000, burst: 1_000 }, backgroundGapMs: 0 }, backgroundGapMs: 0, listPollMs: 250 }

/** A name that is a valid live group slug (Q7) and unique enough for a shared external server. */
export function uniqueSlug(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`
}
