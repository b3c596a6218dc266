import { describe, expect, it } from 'vitest'
import { matchesSearch, normalizeForSearch } from './search'

describe('normalizeForSearch', () => {
  it('unifies Arabic and Persian yeh and kaf', () => {
    expect(normalizeForSearch('علي')).toBe(normalizeForSearch('علی'))
    expect(normalizeForSearch('كتاب')).toBe('کتاب')
    expect(normalizeForSearch('يك')).toBe('یک')
  })

  it('ignores ZWNJ, tatweel and diacritics', () => {
    expect(normalizeForSearch('می\u200cخواهم')).toBe('میخواهم')
    expect(normalizeForSearch('سـلام')).toBe('سلام')
    expect(normalizeForSearch('مُحَمَّد')).toBe('محمد')
  })

  it('maps Persian and Arabic digits to ASCII and lowercases Latin', () => {
    expect(normalizeForSearch('گروه ۱۲۳')).toBe('گروه 123')
    expect(normalizeForSearch('٤٥')).toBe('45')
    expect(normalizeForSearch('  Team   ALPHA ')).toBe('team alpha')
  })

  it('matches every query word anywhere in the title', () => {
    expect(matchesSearch('گروه برنامه‌نویسان', 'برنامهنویس')).toBe(true)
    expect(matchesSearch('علی رضایی', 'رضايي علي')).toBe(true)
    expect(matchesSearch('Design team', 'team des')).toBe(true)
    expect(matchesSearch('Design team', 'sales')).toBe(false)
    expect(matchesSearch('anything', '   ')).toBe(true)
  })
})
