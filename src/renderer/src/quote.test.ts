import { describe, expect, it } from 'vitest'
import { QUOTE_MAX_CHARS, quoteOf, withQuote } from './quote'

describe('quote', () => {
  it('every line of the message becomes a "> " line, ready for the reply below it', () => {
    expect(quoteOf({ text: 'جلسه ساعت ۱۰\nroom 3' })).toBe('> جلسه ساعت ۱۰\n> room 3\n')
    expect(quoteOf({ text: 'a\n\nb' })).toBe('> a\n>\n> b\n')
  })

  it('a file message quotes its name; an empty one quotes nothing', () => {
    expect(quoteOf({ text: '', file: { url: 'u', name: 'گزارش.pdf', isImage: false } })).toBe('> گزارش.pdf\n')
    expect(quoteOf({ text: '  ' })).toBe('')
  })

  it('a long message is quoted in part', () => {
    const q = quoteOf({ text: 'x'.repeat(QUOTE_MAX_CHARS + 50) })
    expect(q).toBe(`> ${'x'.repeat(QUOTE_MAX_CHARS)}…\n`)
  })

  it('goes after what was already typed, on its own line', () => {
    expect(withQuote('', '> a\n')).toBe('> a\n')
    expect(withQuote('hello  \n', '> a\n')).toBe('hello\n> a\n')
  })
})
