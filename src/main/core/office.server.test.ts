// Issue 11: an office behind one NAT. 30 clients on 127.0.0.1 (one "IP" for the server's throttle, PROTOCOL 1.5:
// the 16th request within one second bans the IP for an hour) start at the same moment after a power cut, then all
// lose their sockets at once. With the production throttle on: nobody may be throttled. Everything runs on one
// fake clock shared with the server's throttle window, so the seconds it counts are the seconds the clients wait.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { serverContext } from '../../../server/index'
import { createGroup } from '../../../server/model'
import { externalServer, startTestServer, type TestServer } from '../../../testkit/server'
import { memoryPorts, type Ports } from './index'
import { drive, manualClock, type ManualClock } from './testing/clock'
import { recorded, type Recorded } from './testing/harness'

const CLIENTS = 30
let ts: TestServer
let clock: ManualClock
beforeAll(async () => {
  clock = manualClock(Date.now())
  ts = await startTestServer({ now: () => clock.now() })
})
afterAll(async () => {
  await ts?.close()
})

/** A seeded random per client (mulberry32): the run is the same every time. */
function seeded(seed: number): () => number {
  let a = seed * 0x9e3779b9
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** The app as shipped (default jitter and pacing), on the shared fake clock. CHT_OFFICE_SEED=n tries another draw. */
function app(ports: Ports, i: number): Recorded {
  return recorded(ts.origin, { ports, client: { startJitterMs: undefined, rereadJitterMs: undefined, backgroundGapMs: undefined, random: seeded(i + 1 + Number(process.env.CHT_OFFICE_SEED ?? 0) * 1000) }, socket: {}, listPollMs: undefined })
}

// The reference server's counters, ban and fake clock are the subject: skipped against CHT_TEST_SERVER.
it.skipIf(!!externalServer)(`${CLIENTS} clients behind one IP: a simultaneous start, then every socket dropped at once → throttled = 0`, async () => {
  const users = ts.users(CLIENTS)
  const ports = users.map(() => ({ ...memoryPorts(), clock }))
  let apps = users.map((_, i) => app(ports[i], i))
  const idle = () => apps.every((a) => !a.client.engine?.busy())
  /** Fake time passes with I/O in step (clock.advance alone would let requests land late, all at once). */
  const wait = (ms: number) => {
    const until = clock.monotonic() + ms
    return drive(clock, { idle, done: () => clock.monotonic() >= until, stepMs: 50, maxMs: ms + 1_000 })
  }
  const settle = async (p: Promise<unknown>, what: string) => {
    let done = false
    void p.finally(() => (done = true)).catch(() => undefined)
    await drive(clock, { idle, done: () => done, what, stepMs: 50 })
    await p.catch((e: unknown) => {
      throw new Error(`${what}: ${String(e)} at ${clock.monotonic()} ms, server ${JSON.stringify(ts.ref!.stats())}`)
    })
  }

  // Setup, one person at a time (as on their first day): signed in, all in one group, plus a one-to-one chat each.
  for (const [i, u] of users.entries()) {
    await settle(apps[i].client.request('session.signIn', { serverOrigin: ts.origin, token: u.token }), `sign-in ${i}`).catch((e) => {
      throw new Error(`sign-in ${i}: ${e} ${JSON.stringify(ts.ref!.stats())} t=${clock.monotonic()}`)
    })
    await wait(3_000)
  }
  const ids = await Promise.all(apps.map(async (a) => (await a.client.request('session.get', undefined))!.user.id))
  // The group is made in the server's database directly: a setup burst of R4s is not what this test measures.
  const { store } = serverContext(ts.ref!)
  const office = createGroup(store, store.user(ids[0])!, 'office', 'office', 'public')
  for (const id of ids.slice(1)) store.addMember(office.id, id)
  for (let i = 0; i < CLIENTS; i += 2) {
    await settle(apps[i].client.request('direct.start', { userId: ids[i + 1] }), 'direct')
    await apps[i].client.request('messages.send', { chatId: `direct:${ids[i + 1]}`, text: `hi ${i + 1}` })
    await wait(3_000)
  }
  await drive(clock, { idle, done: () => apps.every((a) => a.client.engine!.list().some((c) => c.id === 'group:office')), what: 'everyone has the group', stepMs: 500, maxMs: 300_000 })
  for (const a of apps) await a.client.close()
  ts.ref!.unban()
  ts.ref!.resetStats()

  // A power cut ends: every app starts at the same moment, from its saved session.
  apps = users.map((_, i) => app(ports[i], i))
  await Promise.all(apps.map((a) => a.client.start().catch(() => undefined)))
  await drive(clock, {
    idle, stepMs: 50, maxMs: 300_000, what: 'all online',
    done: () => apps.every((a) => a.client.engine?.started && a.client.engine.connectionState().status === 'online'),
  })
  await drive(clock, { idle, stepMs: 100, maxMs: 120_000, what: 'start-up re-reads', done: () => apps.every((a) => a.client.engine!.quiet()) })
  const start = ts.ref!.stats()

  // The office's network drops: every socket at once; they all come back and re-read what they missed.
  const sockets = apps.reduce((n, a) => n + a.client.engine!.socketCount(), 0)
  expect(sockets).toBeGreaterThanOrEqual(CLIENTS + CLIENTS / 2)
  ts.ref!.resetStats()
  ts.ref!.dropSockets()
  await drive(clock, {
    idle, stepMs: 100, maxMs: 300_000, what: 'reconnected',
    done: () => ts.ref!.stats().socketsOpened >= sockets && apps.every((a) => a.client.engine!.quiet()),
  })
  const reconnect = ts.ref!.stats()

  console.log(`office: start → ${start.restRequests} requests, peak ${start.maxPerWindow} per 1 s window, throttled = ${start.throttled}; ` +
    `reconnect → ${reconnect.restRequests} requests, peak ${reconnect.maxPerWindow} per 1 s window, throttled = ${reconnect.throttled} (server limit 15)`)
  expect(start.throttled).toBe(0)
  expect(reconnect.throttled).toBe(0)
  expect(Math.max(start.maxPerWindow, reconnect.maxPerWindow)).toBeLessThanOrEqual(15)
  for (const a of apps) await a.client.close()
}, 120_000)
