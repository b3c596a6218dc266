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

describe('cleanName fast path', () => {
  it('property: agrees with the plain definition (strip, collapse, trim, cap)', () => {
    const reference = (s: string) => truncate(stripUnsafe(s).replace(/\s+/g, ' ').trim(), NAME_MAX).trimEnd()
    const names = fc.oneof(
      hostileString,
      fc.string({ unit: fc.constantFrom('a', ' ', 'ب', '\u00A0', '\u2003', '\u3000', '\uFEFF', '\u200C', '\u1680'), maxLength: 12 }),
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
