import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isValidSlug, suggestSlug, SUGGESTED_MAX } from './slug'

describe('suggestSlug (PROTOCOL Q7)', () => {
  it('transliterates Persian titles consonant by consonant, as the server does for R2', () => {
    expect(suggestSlug('گروه تست')).toBe('grvh_tst')
    expect(suggestSlug('چت خانوادگی')).toBe('cht_khanvadgy')
    expect(suggestSlug('ژاله')).toBe('zhalh')
    expect(suggestSlug('شرکت')).toBe('shrkt')
    expect(suggestSlug('غذا قهوه')).toBe('ghza_ghhvh')
    expect(suggestSlug('علی')).toBe('ly')
  })

  it('treats Arabic letter variants like the Persian ones and drops hamza and diacritics', () => {
    expect(suggestSlug('كيك')).toBe(suggestSlug('کیک'))
    expect(suggestSlug('فاطمة')).toBe('fatmh')
    expect(suggestSlug('آرش')).toBe('arsh')
    expect(suggestSlug('أحمد')).toBe('ahmd')
    expect(suggestSlug('مؤسسه')).toBe('mvssh')
    expect(suggestSlug('مَسئله')).toBe('msylh')
    expect(suggestSlug('خانهٔ ما')).toBe('khanh_ma')
    expect(suggestSlug('جزء')).toBe('jz')
  })

  it('joins words with one underscore; ZWNJ keeps a word together', () => {
    expect(suggestSlug('  برنامه‌نویسان   وب  ')).toBe('brnamhnvysan_vb')
    expect(suggestSlug('front-end — team')).toBe('front_end_team')
    expect(suggestSlug('a__b')).toBe('a_b')
  })

  it('lowercases Latin, strips accents and punctuation, keeps digits (Persian digits become ASCII)', () => {
    expect(suggestSlug('Design Team')).toBe('design_team')
    expect(suggestSlug('Café Ünïon!')).toBe('cafe_union')
    expect(suggestSlug('تیم ۱۴۰۳')).toBe('tym_1403')
    expect(suggestSlug('٢٠٢٤ Sales')).toBe('2024_sales')
    expect(suggestSlug('Team تیم')).toBe('team_tym')
  })

  it('returns no suggestion when nothing usable is left', () => {
    expect(suggestSlug('')).toBe('')
    expect(suggestSlug('   ')).toBe('')
    expect(suggestSlug('!!! ؟؟ 🙂')).toBe('')
    expect(suggestSlug('ع')).toBe('')
    expect(suggestSlug('中文')).toBe('')
  })

  it('always yields a valid slug of at most 40 characters', () => {
    const long = suggestSlug('گروه '.repeat(30))
    expect(long.length).toBeLessThanOrEqual(SUGGESTED_MAX)
    expect(long.endsWith('_')).toBe(false)
    for (const t of ['گروه تست', 'Design Team', 'x', 'تیم ۱۴۰۳', 'a b c '.repeat(20)]) {
      expect(isValidSlug(suggestSlug(t)), t).toBe(true)
    }
  })
})

describe('isValidSlug', () => {
  it('accepts only lowercase Latin, digits and underscores, 1–64 long', () => {
    expect(isValidSlug('team_1')).toBe(true)
    expect(isValidSlug('a'.repeat(64))).toBe(true)
    expect(isValidSlug('a'.repeat(65))).toBe(false)
    expect(isValidSlug('')).toBe(false)
    expect(isValidSlug('Team')).toBe(false)
    expect(isValidSlug('team-1')).toBe(false)
    expect(isValidSlug('تیم')).toBe(false)
    expect(isValidSlug('team one')).toBe(false)
  })
})

// Titles as people type them: Persian and Latin letters, both keyboards' variants, digits of three scripts, spaces,
// dashes, ZWNJ, marks and emoji — and anything at all.
const titleChar = fc.constantFrom(
  ...'ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآأإؤئۀةيكى', ...'abcXYZé', ...'0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩',
  ' ', '-', '_', '\u200c', '\u064e', '\u0654', '—', '!', '🙂', '中',
)
const title = fc.oneof(fc.string({ unit: titleChar, maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 }))
/** The same title typed on the other keyboard: Arabic yeh/kaf/teh marbuta and Arabic-Indic digits. */
const otherKeyboard = (t: string) => t.replace(/ی/g, 'ي').replace(/ک/g, 'ك').replace(/[۰-۹]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0x06f0 + 0x0660))

describe('suggestSlug: properties (PROTOCOL Q7)', () => {
  it('whatever the title: no suggestion, or a valid slug of at most 40 without edge or double underscores', () => {
    fc.assert(fc.property(title, (t) => {
      const s = suggestSlug(t)
      if (s === '') return
      expect(isValidSlug(s)).toBe(true)
      expect(s.length).toBeLessThanOrEqual(SUGGESTED_MAX)
      expect(s).not.toMatch(/^_|_$|__/)
    }), { numRuns: 500 })
  })

  it('a suggestion suggests itself (what the person sees in the field is what gets created)', () => {
    fc.assert(fc.property(title, (t) => {
      const s = suggestSlug(t)
      expect(suggestSlug(s)).toBe(s)
    }), { numRuns: 500 })
  })

  it('the Persian and the Arabic keyboard give the same suggestion', () => {
    fc.assert(fc.property(title, (t) => {
      expect(suggestSlug(otherKeyboard(t))).toBe(suggestSlug(t))
    }), { numRuns: 500 })
  })
})
