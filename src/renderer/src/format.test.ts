import { describe, expect, it } from 'vitest'
import { formatDay } from './format'

// Issue 12 (and the item 5): the day heading and the floating date read as a Persian reader writes them.
describe('formatDay', () => {
  const day = new Date(2026, 10, 15, 12).getTime() // Sunday 15 November 2026 = ۲۴ آبان ۱۴۰۵

  it('fa: weekday, day, month, year in the Persian calendar with Persian digits, no Latin comma', () => {
    expect(formatDay('fa', day)).toBe('یکشنبه ۲۴ آبان ۱۴۰۵')
  })

  it('en: the Gregorian date as English readers expect it', () => {
    expect(formatDay('en', day)).toBe('Sunday, November 15, 2026')
  })

  it('an unknown time is an empty heading, not "Invalid Date"', () => {
    expect(formatDay('fa', Number.NaN)).toBe('')
  })
})
