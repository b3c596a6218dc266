import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { cleanName, cleanText, NAME_MAX, stripUnsafe, truncate } from './text'

const BIDI = ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_NAMES = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/

const hostileChar = fc.constantFrom(
  ...BIDI, '\u0000', '\u0001', '\u001B', '\u007F', '\u0085', '\u009F', '\r', '\n', '\t', ' ', '\u00A0',
  '\u200C', '\u200D', 'a', 'ب', 'ی', '😀', '\uD83D', '\uDE00', '<', '&',
)
const hostileString = fc.oneof(
  fc.string({ unit: hostileChar, maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
)

describe('stripUnsafe', () => {
  it('removes bidi overrides, embeddings, isolates and marks (Q14: a name cannot reorder the UI)', () => {
    expect(stripUnsafe('evil\u202Egnp.exe')).toBe('evilgnp.exe')
    expect(stripUnsafe(BIDI.join('x'))).toBe('x'.repeat(BIDI.length - 1))
  })

  it('keeps ZWNJ and ZWJ, which Persian spelling needs', () => {
    expect(stripUnsafe('می\u200Cخواهم')).toBe('می\u200Cخواهم')
    expect(stripUnsafe('a\u200Db')).toBe('a\u200Db')
  })

  it('removes NUL, C0 (except \\n \\t), DEL and C1 controls', () => {
    expect(stripUnsafe('a\u0000b\u0007c\u001Bd\u007Fe\u0085f\u009Fg')).toBe('abcdefg')
    expect(stripUnsafe('line1\nline2\tx\r')).toBe('line1\nline2\tx')
  })

  it('returns the same string when there is nothing to strip', () => {
    const s = 'سلام دنیا hello'
    expect(stripUnsafe(s)).toBe(s)
  })
})

describe('cleanName', () => {
  it('collapses whitespace and trims', () => {
    expect(cleanName('  علی \n\t  رضایی  ')).toBe('علی رضایی')
    expect(cleanName('\u202E  ')).toBe('')
  })

  it('caps at NAME_MAX characters without splitting a surrogate pair', () => {
    expect(cleanName('x'.repeat(500))).toHaveLength(NAME_MAX)
    const s = 'a'.repeat(NAME_MAX - 1) + '😀😀'
    const out = cleanName(s)
    expect(out).toBe('a'.repeat(NAME_MAX - 1))
  })

  it('property: never contains bidi controls or control characters (even \\n \\t), never over NAME_MAX, idempotent', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const out = cleanName(s)
        expect(FORBIDDEN_IN_NAMES.test(out)).toBe(false)
        expect(out.length).toBeLessThanOrEqual(NAME_MAX)
        expect(out).toBe(out.trim())
        expect(cleanName(out)).toBe(out)
      }),
      { numRuns: 2000 },
    )
  })
})

// Issue 13: invisible characters that make two different people's names look the same ("Ali" vs "A\u200Bli").
// Every Default_Ignorable_Code_Point except ZWNJ/ZWJ, which Persian spelling needs (می‌خواهم).
const ZERO_WIDTH = [
  '\u00AD', '\u034F', '\u115F', '\u1160', '\u17B4', '\u17B5', '\u180B', '\u180E', '\u180F', '\u200B', '\u2060',
  '\u2061', '\u2064', '\u206F', '\u3164', '\uFE00', '\uFE0F', '\uFEFF', '\uFFA0', '\u{1BCA0}', '\u{1D173}', '\u{E0001}',
  '\u{E0041}', '\u{E01EF}',
]
const INVISIBLE_IN_NAMES = /[\p{Default_Ignorable_Code_Point}]/u
const JOINERS = /[\u200C\u200D]/

describe('cleanName: zero-width characters survive in display names (look-alike names)', () => {
  it.each(ZERO_WIDTH)('strips U+%s', (zw) => {
    expect(cleanName(`A${zw}li`)).toBe('Ali')
    expect(cleanName(`${zw}علی رضایی${zw}`)).toBe('علی رضایی')
  })

  it('two look-alike names become the same string', () => {
    expect(cleanName('\uFEFFعلی\u200B \u2060رضایی\u180E')).toBe(cleanName('علی رضایی'))
  })

  it('keeps one ZWNJ inside a word, collapses runs and trims joiners at the ends of words', () => {
    expect(cleanName('می\u200Cخواهم')).toBe('می\u200Cخواهم')
    expect(cleanName('می\u200C\u200C\u200Cخواهم')).toBe('می\u200Cخواهم')
    expect(cleanName('\u200Cعلی\u200C \u200Cرضایی\u200C')).toBe('علی رضایی')
    expect(cleanName('\u200D\u200Cx\u200D\u200D')).toBe('x')
  })

  it('keeps emoji sequences: ZWJ between pictographs and VS16 after one', () => {
    expect(cleanName('Ali 👩\u200D💻')).toBe('Ali 👩\u200D💻')
    expect(cleanName('Ali ❤\uFE0F')).toBe('Ali ❤\uFE0F')
    expect(cleanName('A\uFE0Fli')).toBe('Ali')
  })

  it('property: no default-ignorable but a single joiner inside a word; idempotent; agrees with the fast path', () => {
    const unit = fc.constantFrom(...ZERO_WIDTH, '\u200C', '\u200D', ' ', 'a', 'ب', 'ی', '❤', '👩', '\uFE0F', '\u202E', '\u0000')
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 40 }), hostileString), (s) => {
        const out = cleanName(s)
        const rest = out.replace(/\p{Extended_Pictographic}\uFE0F/gu, '').replace(/[\u200C\u200D]/g, '')
        expect(INVISIBLE_IN_NAMES.test(rest)).toBe(false)
        expect(/[\u200C\u200D]{2}/.test(out)).toBe(false)
        expect(JOINERS.test(out.charAt(0)) || JOINERS.test(out.charAt(out.length - 1))).toBe(false)
        expect(/ [\u200C\u200D]|[\u200C\u200D] /.test(out)).toBe(false)
        expect(cleanName(out)).toBe(out)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('cleanName fast path', () => {
  it('property: agrees with the plain definition (strip, collapse, trim, cap)', () => {
    const reference = (s: string) => cleanName(s + ' ') // the trailing space forces the slow path
    const names = fc.oneof(
      hostileString,
      fc.string({ unit: fc.constantFrom('a', ' ', 'ب', '\u00A0', '\u2003', '\u3000', '\uFEFF', '\u200C', '\u1680', '\u00AD', '\u3164', '\uFE0F', '\u2064'), maxLength: 12 }),
      fc.string({ unit: fc.constantFrom('x', ' '), minLength: 195, maxLength: 205 }),
    )
    fc.assert(fc.property(names, (s) => { expect(cleanName(s)).toBe(reference(s)) }), { numRuns: 3000 })
  })
})

describe('cleanText (message bodies)', () => {
  it('keeps newlines, tabs and other bidi marks; strips NUL and the overrides U+202D/U+202E', () => {
    expect(cleanText('a\n\tb\u200Fc')).toBe('a\n\tb\u200Fc')
    expect(cleanText('x\u0000y\u202Dz\u202E')).toBe('xyz')
  })

  it('property: the output never holds NUL/LRO/RLO and everything else is kept in order', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const out = cleanText(s)
        expect(/[\u0000\u202D\u202E]/.test(out)).toBe(false) // eslint-disable-line no-control-regex
        expect(out).toBe(s.split('').filter((c) => c !== '\u0000' && c !== '\u202D' && c !== '\u202E').join(''))
      }),
    )
  })
})

describe('truncate', () => {
  it('keeps short strings and never ends on a lone high surrogate', () => {
    expect(truncate('abc', 5)).toBe('abc')
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (s, n) => {
        const out = truncate(s, n)
        expect(out.length).toBeLessThanOrEqual(n)
        expect(s.startsWith(out)).toBe(true)
        if (out.length > 0) {
          const last = out.charCodeAt(out.length - 1)
          expect(last >= 0xd800 && last <= 0xdbff).toBe(false)
        }
      }),
    )
  })
})
