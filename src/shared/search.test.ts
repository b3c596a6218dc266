import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { textAndTwin } from './testing/variants'
import { indexForm, MAX_QUERY_WORDS, matchesSearch, matchRanges, normalizeForSearch, searchTerms, snippetOf, SNIPPET_LENGTH, splitByRanges } from './search'

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

// ---- issue 14: the message index's side of the same rules ----------------------------------------------------------

describe('search terms, ranges and snippets (the message index)', () => {
  it('property: a text and its letter-variant twin normalize the same, and every word of one is found in the other', () => {
    fc.assert(fc.property(textAndTwin, ({ text, twin }) => {
      expect(normalizeForSearch(twin)).toBe(normalizeForSearch(text))
      const terms = searchTerms(twin + ' ')
      const found = matchRanges(text, terms).map((r) => normalizeForSearch(text.slice(r.start, r.end)))
      for (const w of terms.words) expect(found).toContain(w)
      // …and the other way round.
      const back = matchRanges(twin, searchTerms(text + ' ')).map((r) => normalizeForSearch(twin.slice(r.start, r.end)))
      for (const w of searchTerms(text).words) expect(back).toContain(w)
    }), { numRuns: 300 })
  })

  it('splits a query into normalized words; the last one is a prefix while it is being typed', () => {
    expect(searchTerms('گزارش فروش')).toEqual({ words: ['گزارش', 'فروش'], prefix: true })
    expect(searchTerms('گزارش فروش ')).toEqual({ words: ['گزارش', 'فروش'], prefix: false })
    expect(searchTerms('كيك ۱۴۰۳')).toEqual({ words: ['کیک', '1403'], prefix: true })
    expect(searchTerms('report.PDF')).toEqual({ words: ['report', 'pdf'], prefix: true })
    expect(searchTerms('budget b')).toEqual({ words: ['budget', 'b'], prefix: false }) // one letter: whole words only
    expect(searchTerms('"x" OR y*')).toEqual({ words: ['x', 'or', 'y'], prefix: false }) // no query syntax gets through
    expect(searchTerms('  ?!  ')).toEqual({ words: [], prefix: false })
    expect(searchTerms('a a a').words).toEqual(['a'])
    expect(searchTerms(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ')).words).toHaveLength(MAX_QUERY_WORDS)
  })

  it('ranges point into the original text: ZWNJ, diacritics and Arabic forms highlight what the person reads', () => {
    const text = 'سلام! گزارشِ فروشِ می‌خواهم report.PDF'
    const at = (q: string) => matchRanges(text, searchTerms(q)).map((r) => text.slice(r.start, r.end))
    expect(at('گزارش')).toEqual(['گزارشِ'])
    expect(at('ميخواهم ')).toEqual(['می‌خواهم'])
    expect(at('rep')).toEqual(['report'])
    expect(at('pdf report')).toEqual(['report', 'PDF'])
    expect(at('فروش سلا')).toEqual(['سلام', 'فروشِ'])
    expect(at('xyz')).toEqual([])
  })

  it('a word written with a half-space is found whole (any spelling) and by its parts typed with a space', () => {
    expect(indexForm('من می‌خواهم بروم')).toBe('من میخواهم بروم می خواهم')
    expect(indexForm('no half-space here')).toBe('no half-space here')
    const text = 'من می‌خواهم بروم'
    const at = (q: string) => matchRanges(text, searchTerms(q)).map((r) => text.slice(r.start, r.end))
    expect(at('ميخواهم ')).toEqual(['می‌خواهم'])
    expect(at('می خواهم ')).toEqual(['می', 'خواهم'])
    expect(at('خوا')).toEqual(['خواهم'])
  })

  it('letters outside the BMP are one character: folded, matched and highlighted whole', () => {
    const text = 'نامهٔ 𠀀𠀁 و 😀 hello'
    expect(normalizeForSearch(text)).toBe('نامه 𠀀𠀁 و 😀 hello')
    const r = matchRanges(text, searchTerms('𠀀𠀁 '))
    expect(r.map((x) => text.slice(x.start, x.end))).toEqual(['𠀀𠀁'])
  })

  it('a snippet is the whole short text, or a window around the first match with … where it was cut', () => {
    expect(snippetOf('one\ntwo budget', searchTerms('budget'))).toEqual({ text: 'one two budget', ranges: [{ start: 8, end: 14 }] })
    const long = `${'word '.repeat(60)}the budget is here ${'tail '.repeat(60)}`
    const s = snippetOf(long, searchTerms('budget'))
    expect(s.text.startsWith('…')).toBe(true)
    expect(s.text.endsWith('…')).toBe(true)
    expect(s.text.length).toBeLessThanOrEqual(SNIPPET_LENGTH + 2)
    expect(s.ranges).toHaveLength(1)
    expect(s.text.slice(s.ranges[0]!.start, s.ranges[0]!.end)).toBe('budget')
    // An emoji right at the cut is never split in half.
    const emoji = `${'😀'.repeat(100)} budget`
    const e = snippetOf(emoji, searchTerms('budget'))
    expect(() => encodeURIComponent(e.text)).not.toThrow()
    expect(e.text.slice(e.ranges[0]!.start, e.ranges[0]!.end)).toBe('budget')
  })

  it('splits a text into plain and matched parts by ranges', () => {
    expect(splitByRanges('a budget b', [{ start: 2, end: 8 }])).toEqual([
      { text: 'a ', match: false }, { text: 'budget', match: true }, { text: ' b', match: false },
    ])
    expect(splitByRanges('abc', [{ start: 1, end: 99 }, { start: 0, end: 1 }])).toEqual([{ text: 'a', match: true }, { text: 'bc', match: true }])
    expect(splitByRanges('abc', [])).toEqual([{ text: 'abc', match: false }])
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
