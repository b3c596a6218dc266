// The server's clock, estimated from what its answers say about it (Date headers, W1 timestamps). PROTOCOL Q9
// compares server times with server times: a PC whose clock is minutes or a zone off must not make a message look
// unsent. Offsets from the last few samples, against our wall clock AND our monotonic clock; their median rides out
// one odd sample.
import type { Clock } from '../ports'

/** The wall clock moving this far against the monotonic one is a jump (or a sleep), not drift. */
const CLOCK_JUMP_MS = 2_000
/** `Date` headers have whole seconds: a reading may be up to this far from the server's clock. */
export const DATE_RESOLUTION_MS = 1_000
const SAMPLES = 7
const MIN_GAP_MS = 50

export interface ServerClock {
  /** The server's clock now, epoch ms (whole ms). Our wall clock until the server has said anything. */
  now(): number
  /** now() less its uncertainty: never later than the server's clock. */
  earliest(): number
  /** A time the server stamped (a Date header, a W1 timestamp), read now. */
  note(serverMs: number): void
}

export function createServerClock(clock: Clock): ServerClock {
  const wall = new Float64Array(SAMPLES)
  const mono = new Float64Array(SAMPLES)
  const scratch = new Float64Array(SAMPLES)
  let count = 0
  let next = 0
  let wallOffset = 0
  let monoOffset = 0
  let gapAtSample: number | undefined
  let sampledAt = -Infinity

  const median = (xs: Float64Array): number => {
    scratch.set(xs.subarray(0, count))
    scratch.subarray(0, count).sort()
    return scratch[count >> 1]
  }

  /**
   * Issue 13 (catalogue: "client clock 3:30 h fast"): between a wall-clock jump and the next answer, the wall-based
   * reading is off by the jump — forward, it made a send whose echo was lost look later than its stored copy, so the
   * re-read proved it "missing" and it went twice (Q9). The monotonic reading is right across a jump but lags after
   * a sleep (it may pause while suspended). The earlier of the two is never later than the truth: a send is matched
   * to its stored copy either way, and read marks and clamps err towards "not yet".
   */
  const now = (): number => {
    if (!count) return clock.now()
    // Whole milliseconds: epoch ms are stored as integers (store/rows.ts), and the monotonic clock has fractions.
    return Math.floor(Math.min(clock.now() + wallOffset, clock.monotonic() + monoOffset))
  }

  return {
    now,
    earliest: () => now() - DATE_RESOLUTION_MS,
    note(serverMs) {
      if (!Number.isFinite(serverMs)) return
      const m = clock.monotonic()
      // A burst of live frames brings thousands of samples a second: a few a second say as much.
      if (count && m - sampledAt < MIN_GAP_MS) return
      sampledAt = m
      const w = clock.now()
      // The wall clock moved against the monotonic one since the last sample (it was set, or the machine slept):
      // older samples describe another clock.
      if (gapAtSample !== undefined && Math.abs(w - m - gapAtSample) > CLOCK_JUMP_MS) count = next = 0
      gapAtSample = w - m
      wall[next] = serverMs - w
      mono[next] = serverMs - m
      next = (next + 1) % SAMPLES
      count = Math.min(count + 1, SAMPLES)
      wallOffset = median(wall)
      monoOffset = median(mono)
    },
  }
}
