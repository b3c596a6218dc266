import { describe, expect, it } from 'vitest'
import { splitLinks } from './linkify'

describe('splitLinks', () => {
  it('links https, http and mailto and keeps the rest as text', () => {
    expect(splitLinks('see https://example.org/a?b=1 now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ' now' },
    ])
    expect(splitLinks('mail mailto:a@b.org').map((p) => p.kind)).toEqual(['text', 'link'])
    expect(splitLinks('http://x.test').map((p) => p.kind)).toEqual(['link'])
  })

  it('never links other schemes', () => {
    for (const s of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'vbscript:x', 'JaVaScRiPt:alert(1)']) {
      expect(splitLinks(s)).toEqual([{ kind: 'text', text: s }])
    }
  })

  it('leaves trailing sentence punctuation (Latin and Persian) outside the link', () => {
    const parts = splitLinks('این را ببین https://example.org/x، بعد.')
    expect(parts[1]).toEqual({ kind: 'link', text: 'https://example.org/x', href: 'https://example.org/x' })
    expect(parts[2]).toEqual({ kind: 'text', text: '، بعد.' })
  })

  it('does not start a link inside a word', () => {
    expect(splitLinks('xhttps://evil.test').every((p) => p.kind === 'text')).toBe(true)
  })

  it('concatenates back to the original text', () => {
    const s = 'a https://a.b/c. b mailto:x@y.z, javascript:alert(1) <img src=x>'
    expect(splitLinks(s).map((p) => p.text).join('')).toBe(s)
  })
})
