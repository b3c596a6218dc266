import { describe, expect, it } from 'vitest'
import { formatDay } from './format'

// 2026-11-15 (a Sunday) at noon local time = 24 Aban 1405.
const SUNDAY = new Date(2026, 10, 15, 12).getTime()

describe('formatDay', () => {
  it('reads weekday, day, month, year in Persian, in that order and without a Latin comma', () => {
    expect(formatDay('fa', SUNDAY)).toBe('یکشنبه ۲۴ آبان ۱۴۰۵')
  })

  it('keeps the usual English form', () => {
    expect(formatDay('en', SUNDAY)).toBe('Sunday, November 15, 2026')
  })

  it('is empty for an unknown time instead of "Invalid Date"', () => {
    expect(formatDay('fa', Number.NaN)).toBe('')
    expect(formatDay('en', Number.POSITIVE_INFINITY)).toBe('')
  })
})
