import { describe, expect, it } from 'vitest'
import { fuzzyFilter, fuzzyScore } from './fuzzy'

describe('fuzzyScore', () => {
  it('matches subsequences only', () => {
    expect(fuzzyScore('srh', 'Sara Ahmadi')).not.toBeNull()
    expect(fuzzyScore('hs', 'Sara Ahmadi')).toBeNull() // order matters
    expect(fuzzyScore('zq', 'Sara Ahmadi')).toBeNull()
    expect(fuzzyScore('ids', 'Sara Ahmadi')).toBeNull()
    expect(fuzzyScore('sara ahmadi x', 'Sara Ahmadi')).toBeNull()
    expect(fuzzyScore('', 'anything')).toBe(0)
  })

  it('favours word starts and consecutive letters', () => {
    const sara = fuzzyScore('sa', 'Sara Ahmadi')!
    const lisa = fuzzyScore('sa', 'Lisa Park')!
    expect(sara).toBeGreaterThan(lisa)
    // Initials beat scattered letters.
    expect(fuzzyScore('sa', 'Sam Adams')!).toBeGreaterThan(fuzzyScore('sa', 'Oscar Nash')!)
    // A contiguous run beats the same letters spread out.
    expect(fuzzyScore('team', 'Team chat')!).toBeGreaterThan(fuzzyScore('team', 'The east arm')!)
    // The best alignment is found, not the first one: "s" + "ah" at the start of the second word.
    expect(fuzzyScore('sah', 'Sara Ahmadi')!).toBeGreaterThan(fuzzyScore('sah', 'Sabah')!)
  })

  it('ignores spaces in the query and prefers shorter titles on ties', () => {
    expect(fuzzyScore('sara ahm', 'Sara Ahmadi')).toBe(fuzzyScore('saraahm', 'Sara Ahmadi'))
    expect(fuzzyScore('ali', 'Ali')!).toBeGreaterThan(fuzzyScore('ali', 'Alireza')!)
  })

  it('treats Persian letter variants, ZWNJ and digits as equal', () => {
    // Arabic yeh/kaf typed against Persian text with a ZWNJ.
    expect(fuzzyScore('برنامه نويس', 'برنامه‌نویسان')).not.toBeNull()
    expect(fuzzyScore('كار', 'گروه کاری')).not.toBeNull()
    expect(fuzzyScore('۱۴۰۳', 'team 1403')).not.toBeNull()
    expect(fuzzyScore('بن', 'برنامه‌نویسان')).not.toBeNull()
  })
})

describe('fuzzyFilter', () => {
  it('keeps matches only, best first, stable on equal scores', () => {
    const items = ['Lisa Park', 'Oscar Nash', 'Sara Ahmadi', 'Design', 'Sam Adams']
    expect(fuzzyFilter('sa', items, (s) => s)).toEqual(['Sam Adams', 'Sara Ahmadi', 'Lisa Park', 'Oscar Nash'])
    expect(fuzzyFilter('', items, (s) => s)).toEqual(items)
    expect(fuzzyFilter('qq', items, (s) => s)).toEqual([])
  })
})
