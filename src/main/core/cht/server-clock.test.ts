// The server's clock as the client estimates it (server-clock.ts): offsets from samples, the median of the last
// few, thinned during a burst, and both readings (wall, monotonic) so a wall-clock jump cannot run it ahead.
import { describe, expect, it } from 'vitest'
import { manualClock } from '../testing/clock'
import { createServerClock, DATE_RESOLUTION_MS } from './server-clock'

describe('server clock', () => {
  it('is our wall clock until the server says anything, then ours plus its offset', () => {
    const clock = manualClock()
    const server = createServerClock(clock)
    expect(server.now()).toBe(clock.now())
    server.note(clock.now() + 90_000) // the server's clock is 1.5 min ahead of this PC's
    expect(server.now()).toBe(clock.now() + 90_000)
    expect(server.earliest()).toBe(clock.now() + 90_000 - DATE_RESOLUTION_MS)
  })

  it('one odd sample does not move it (median of the last seven)', async () => {
    const clock = manualClock()
    const server = createServerClock(clock)
    for (let i = 0; i < 6; i++) {
      server.note(clock.now() + 5_000)
      await clock.advance(100)
    }
    server.note(clock.now() + 3_600_000) // a frame stamped an hour ahead
    expect(server.now()).toBe(clock.now() + 5_000)
  })

  it('a burst of samples is thinned: thousands in one millisecond count as one', async () => {
    const clock = manualClock()
    const server = createServerClock(clock)
    server.note(clock.now() + 5_000)
    for (let i = 0; i < 10_000; i++) server.note(clock.now() + 3_600_000)
    expect(server.now()).toBe(clock.now() + 5_000) // one sample each: the median is the first
    await clock.advance(100)
    server.note(clock.now() + 5_000)
    expect(server.now()).toBe(clock.now() + 5_000)
  })

  it('after a wall-clock jump it is never later than the truth (issue 13: the client clock 3:30 h fast)', async () => {
    const clock = manualClock()
    const server = createServerClock(clock)
    server.note(clock.now())
    clock.jumpWall(3.5 * 3_600_000)
    await clock.advance(1_000)
    // Truth: the server's clock moved 1 s. The wall reading says 3.5 h more; the monotonic one holds.
    expect(server.now() - (Date.UTC(2026, 10, 24, 9, 0, 0) + 1_000)).toBeLessThanOrEqual(0)
    // The next sample after the jump drops the old ones (they describe another clock).
    server.note(Date.UTC(2026, 10, 24, 9, 0, 0) + 1_000)
    expect(server.now()).toBe(Date.UTC(2026, 10, 24, 9, 0, 0) + 1_000)
  })
})
