import { describe, expect, it } from 'vitest'
import { DND_FOREVER } from './model'
import { dndActive, dndChoiceOf, dndUntilFor, nextMorning } from './dnd'

const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo, d, h, mi).getTime()

describe('Do Not Disturb choices', () => {

  it('"until tomorrow" is the next local 08:00', () => {
    expect(nextMorning(at(2024, 5, 10, 14, 30))).toBe(at(2024, 5, 11, 8))
    expect(nextMorning(at(2024, 5, 10, 2, 0))).toBe(at(2024, 5, 10, 8))
    expect(nextMorning(at(2024, 5, 10, 8, 0))).toBe(at(2024, 5, 11, 8))
    // Month and year boundaries.
    expect(nextMorning(at(2024, 11, 31, 23, 59))).toBe(at(2025, 0, 1, 8))
  })

  it('maps choices to dndUntil and back', () => {
    const now = at(2024, 5, 10, 14, 30)
    expect(dndUntilFor('off', now)).toBeNull()
    expect(dndUntilFor('1h', now)).toBe(now + 3_600_000)
    expect(dndUntilFor('tomorrow', now)).toBe(at(2024, 5, 11, 8))
    expect(dndUntilFor('forever', now)).toBe(DND_FOREVER)
    for (const c of ['off', '1h', 'tomorrow', 'forever'] as const) expect(dndChoiceOf(dndUntilFor(c, now), now)).toBe(c)
  })

  it('an expired time is off', () => {
    const now = at(2024, 5, 10, 14, 30)
    expect(dndActive(now - 1, now)).toBe(false)
    expect(dndActive(null, now)).toBe(false)
    expect(dndActive(DND_FOREVER, now)).toBe(true)
    expect(dndChoiceOf(now - 1, now)).toBe('off')
  })
})
