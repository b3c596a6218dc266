import fc from 'fast-check'
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
  it('treats alef variants, waw with hamza and teh marbuta as their plain letters', () => {
    expect(normalizeForSearch('أحمد')).toBe(normalizeForSearch('احمد'))
    expect(normalizeForSearch('إيران')).toBe('ایران')
    expect(normalizeForSearch('آرش')).toBe('ارش')
    expect(normalizeForSearch('مؤمن')).toBe('مومن')
    expect(normalizeForSearch('فاطمة')).toBe('فاطمه')
    expect(normalizeForSearch('خانهٔ')).toBe('خانه')
    // Decomposed input (alef + combining hamza / madda) normalizes the same way.
    expect(normalizeForSearch('\u0627\u0654حمد')).toBe('احمد')
    expect(normalizeForSearch('\u0627\u0653رش')).toBe('ارش')
  })

  it('ignores every harakat mark, superscript alef, tatweel and zero-width characters', () => {
    for (let c = 0x064b; c <= 0x065f; c++) {
      expect(normalizeForSearch(`ع${String.fromCharCode(c)}لی`), c.toString(16)).toBe('علی')
    }
    expect(normalizeForSearch('رحمٰن')).toBe('رحمن')
    expect(normalizeForSearch('مـــحمد')).toBe('محمد')
    expect(normalizeForSearch('نیم\u200bفاصله\u200d')).toBe('نیمفاصله')
  })

  it('maps every Persian and Arabic-Indic digit to ASCII', () => {
    expect(normalizeForSearch('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789')
    expect(normalizeForSearch('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789')
    expect(matchesSearch('Room 42', '۴۲')).toBe(true)
    expect(matchesSearch('اتاق ۴۲', '٤2')).toBe(true)
  })

  it('is case-insensitive for Latin and finds people in either script', () => {
    expect(matchesSearch('Sara AHMADI', 'ahmadi sara')).toBe(true)
    expect(matchesSearch('زهرا كريمي', 'کریمی')).toBe(true)
    expect(matchesSearch('مهدی\u200cزاده', 'مهدیزاده')).toBe(true)
    expect(matchesSearch('Zahra Karimi', 'کریمی')).toBe(false)
  })
})

// Names and titles as they are stored and typed: Persian, Arabic variants, Latin in both cases, digits of three
// scripts, spaces, and the characters search must not see (ZWNJ, ZWJ, tatweel, harakat).
const IGNORED = ['\u200c', '\u200d', '\u200b', '\u0640', '\u064b', '\u064e', '\u0650', '\u0651', '\u0652', '\u0670']
const letter = fc.constantFrom(...'ابپتجچخدرزسشعفقکگلمنوهیيكىةۀأإآؤئ', ...'aBcDeZ', ...'07۰۷٠٧', ' ')
const text = fc.string({ unit: letter, maxLength: 40 })

describe('normalizeForSearch: properties', () => {
  it('is idempotent: normalized text normalizes to itself', () => {
    fc.assert(fc.property(fc.oneof(text, fc.string({ unit: 'grapheme', maxLength: 40 })), (t) => {
      const n = normalizeForSearch(t)
      expect(normalizeForSearch(n)).toBe(n)
    }), { numRuns: 500 })
  })

  it('does not see ZWNJ, tatweel or harakat, wherever they are typed', () => {
    fc.assert(fc.property(text, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...IGNORED)), { maxLength: 6 }), (t, inserts) => {
      let noisy = t
      for (const [at, ch] of inserts) {
        const i = at % (noisy.length + 1)
        noisy = noisy.slice(0, i) + ch + noisy.slice(i)
      }
      expect(normalizeForSearch(noisy)).toBe(normalizeForSearch(t))
    }), { numRuns: 500 })
  })

  it('every word of a title, typed on either keyboard or in either case, finds it', () => {
    const arabicKeyboard = (w: string) => w.replace(/ی/g, 'ي').replace(/ک/g, 'ك').replace(/ه/g, 'ة')
    fc.assert(fc.property(text, fc.nat(), (t, pick) => {
      const words = normalizeForSearch(t).split(' ').filter(Boolean)
      if (!words.length) return
      const w = words[pick % words.length]
      expect(matchesSearch(t, w)).toBe(true)
      expect(matchesSearch(t, arabicKeyboard(w).toUpperCase())).toBe(true)
    }), { numRuns: 500 })
  })
})
