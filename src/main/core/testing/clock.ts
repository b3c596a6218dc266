// Fake time for core tests (the Clock port, ports.ts): nothing waits for real, a test moves time itself. Timers fire
// in due order; between two of them the event loop turns once, so promise chains and ready socket I/O run as they
// would in real time.
import type { Clock, Timer } from '../ports'

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): Promise<void>
  /** Moves time to the next timer and fires it; false when no timer is pending. */
  next(): Promise<boolean>
  /** Moves the wall clock only (NTP, a zone change on a dual-boot PC): monotonic waits are not affected. */
  jumpWall(deltaMs: number): void
  /** Timers still pending. */
  pending(): number
}

interface Entry {
  at: number
  seq: number
  fn: () => void
}

/** One turn of the event loop: microtasks, then I/O that is ready, then this. */
export const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

export function manualClock(startWall = Date.UTC(2026, 10, 24, 9, 0, 0)): ManualClock {
  let mono = 0
  let wallOffset = startWall
  let seq = 0
  const timers = new Map<number, Entry>()

  function due(limit: number): Entry | undefined {
    let best: Entry | undefined
    for (const e of timers.values()) if (e.at <= limit && (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq))) best = e
    return best
  }

  async function fire(e: Entry): Promise<void> {
    timers.delete(e.seq)
    mono = Math.max(mono, e.at)
    e.fn()
    await turn()
  }

  return {
    now: () => wallOffset + mono,
    monotonic: () => mono,
    setTimeout(fn, ms) {
      const e = { at: mono + Math.max(0, ms), seq: ++seq, fn }
      timers.set(e.seq, e)
      return e.seq as unknown as Timer
    },
    clearTimeout(t) {
      if (t !== null && t !== undefined) timers.delete(t as unknown as number)
    },
    async advance(ms) {
      const target = mono + ms
      await turn()
      for (let e = due(target); e; e = due(target)) await fire(e)
      mono = target
    },
    async next() {
      await turn()
      const e = due(Infinity)
      if (!e) return false
      await fire(e)
      return true
    },
    jumpWall(deltaMs) {
      wallOffset += deltaMs
    },
    pending: () => timers.size,
  }
}

/**
 * Runs fake time forward in steps until `done()`, letting real I/O finish between steps: before each step it waits
 * (in real time) until `idle()` — no request on the wire, no handshake under way — so no timeout fires early.
 */
export async function drive(
  clock: ManualClock,
  o: { done: () => boolean; idle: () => boolean; stepMs?: number; maxMs?: number; what?: string },
): Promise<void> {
  const start = clock.monotonic()
  const step = o.stepMs ?? 100
  const t0 = Date.now()
  if (process.env.CHT_DRIVE_LOG) console.log(`drive ${o.what} from ${start}`)
  try {
    await driveLoop(clock, o, start, step)
  } finally {
    if (process.env.CHT_DRIVE_LOG) console.log(`drive ${o.what} done at ${clock.monotonic()} (+${clock.monotonic() - start} fake ms, ${Date.now() - t0} real ms)`)
  }
}

async function driveLoop(
  clock: ManualClock,
  o: { done: () => boolean; idle: () => boolean; stepMs?: number; maxMs?: number; what?: string },
  start: number,
  step: number,
): Promise<void> {
  while (!o.done()) {
    if (clock.monotonic() - start > (o.maxMs ?? 600_000)) throw new Error(`${o.what ?? 'condition'} not met within ${o.maxMs ?? 600_000} ms of fake time`)
    const realEnd = Date.now() + 10_000
    while (!o.idle()) {
      if (Date.now() > realEnd) throw new Error(`I/O did not settle (${o.what ?? 'drive'})`)
      await new Promise((r) => setTimeout(r, 2))
    }
    await turn()
    if (o.done()) return
    await clock.advance(step)
  }
}
