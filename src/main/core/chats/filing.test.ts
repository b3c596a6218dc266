// The inbox filer (filing.ts) on fake time: it waits for the live inflow to pause, never much longer than a second,
// and files one inbox row per step until none is left.
import { describe, expect, it } from 'vitest'
import { manualClock } from '../testing/clock'
import { InboxFiler } from './filing'

/** An inbox of `rows` rows; file(1) takes one and answers whether any are left (LocalStore.fileInbox). */
function setup() {
  const clock = manualClock()
  let rows = 0
  const steps: number[] = []
  const filer = new InboxFiler(clock, (n) => {
    expect(n).toBe(1)
    steps.push(clock.monotonic())
    rows = Math.max(0, rows - n)
    return rows > 0
  })
  const keep = (n = 1) => {
    rows += n
    filer.kept()
  }
  return { clock, filer, keep, steps, left: () => rows }
}

describe('InboxFiler', () => {
  it('files nothing while a burst goes on, then everything once it pauses, a row per step', async () => {
    const { clock, keep, steps, left } = setup()
    for (let t = 0; t < 500; t += 10) {
      keep()
      await clock.advance(10)
    }
    expect(steps).toEqual([]) // 50 rows in half a second, never 100 ms apart
    await clock.advance(100)
    expect(steps.length).toBe(50)
    expect(left()).toBe(0)
    expect(clock.pending()).toBe(0) // nothing left to wake up for
  })

  it('an inflow that never pauses is still filed, at the latest a second after the oldest row', async () => {
    const { clock, keep, steps } = setup()
    for (let t = 0; t < 3_000; t += 50) {
      keep()
      await clock.advance(50)
    }
    expect(steps.length).toBeGreaterThan(0)
    expect(steps[0]).toBeLessThanOrEqual(1_000 + 100)
    // Between the frames it keeps up: a row a step, never more than a second behind.
    expect(steps.at(-1)).toBeGreaterThan(2_000)
  })

  it('a database that says no (a full disk) stops the steps; the next kept() tries again', async () => {
    const clock = manualClock()
    let fail = true
    let filed = 0
    const filer = new InboxFiler(clock, () => {
      if (fail) throw new Error('database or disk is full')
      filed++
      return false
    })
    filer.kept()
    await clock.advance(200)
    expect(clock.pending()).toBe(0)
    fail = false
    filer.kept()
    await clock.advance(200)
    expect(filed).toBe(1)
  })

  it('stop() cancels what is scheduled', async () => {
    const { clock, filer, keep, steps } = setup()
    keep(3)
    filer.stop()
    await clock.advance(5_000)
    expect(steps).toEqual([])
  })
})
