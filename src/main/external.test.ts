import { beforeEach, describe, expect, it, vi } from 'vitest'
import { openExternalSafe, safeExternalUrl } from './external'
import { resetFakeElectron, shell } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

beforeEach(() => resetFakeElectron())

describe('openExternalSafe (DESIGN §6)', () => {
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'file:///etc/passwd',
    'file://server/share/x.exe',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'smb://host/share',
    'ms-msdt:/id PCWDiagnostic',
    'search-ms:query=x',
    'cht://deep/link',
    'app://bundle/index.html',
    'https://user:pw@example.com/',
    'https://user@example.com/',
    'http://:pw@example.com/',
    'https://exa\u202emple.com/',
    'https://example.com/\u200bpath',
    'https://example.com/a\u0000b',
    'https://example.com/\ufeff',
    'https://example.com/a b',
    'https:\\\\example.com\\x',
    '//example.com/x',
    '/relative/path',
    'https://',
    '',
  ])('refuses %j', async (url) => {
    expect(safeExternalUrl(url)).toBeNull()
    expect(await openExternalSafe(url)).toBe(false)
    expect(shell.openExternal).not.toHaveBeenCalled()
  })

  it('refuses non-strings and huge strings', async () => {
    for (const v of [undefined, null, 42, {}, ['https://x.example'], `https://example.com/${'x'.repeat(5000)}`]) {
      expect(await openExternalSafe(v)).toBe(false)
    }
    expect(shell.openExternal).not.toHaveBeenCalled()
  })

  it.each([
    ['https://example.com', 'https://example.com/'],
    ['HTTPS://Example.COM/a?b=1#c', 'https://example.com/a?b=1#c'],
    ['http://127.0.0.1:8787/cht/media/x.png', 'http://127.0.0.1:8787/cht/media/x.png'],
    ['https://example.com/a/../b', 'https://example.com/b'],
    ['mailto:someone@example.com?subject=hi', 'mailto:someone@example.com?subject=hi'],
    ['https://ایران.example/', 'https://xn--mgba3a4f16a.example/'],
  ])('opens %j re-serialized as %j', async (input, expected) => {
    expect(safeExternalUrl(input)).toBe(expected)
    expect(await openExternalSafe(input)).toBe(true)
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
    expect(shell.openExternal.mock.calls[0][0]).toBe(expected)
  })

  it('answers false when the OS refuses', async () => {
    shell.openExternal.mockRejectedValueOnce(new Error('no handler'))
    expect(await openExternalSafe('https://example.com/')).toBe(false)
  })
})

describe('mailto: keeps only subject and body (issue 13)', () => {
  it.each([
    ['mailto:x@y.example?attach=~/.ssh/id_rsa', 'mailto:x@y.example'],
    ['mailto:x@y.example?subject=Hi%20there&attachment=/etc/passwd&body=See%20you', 'mailto:x@y.example?subject=Hi%20there&body=See%20you'],
    ['mailto:x@y.example?cc=boss@corp.example&bcc=spy@evil.example&to=more@evil.example', 'mailto:x@y.example'],
    ['mailto:x@y.example?Attach=a&ATTACH=b&X-Header=1#frag', 'mailto:x@y.example'],
    ['mailto:x@y.example?SUBJECT=%D8%B3%D9%84%D8%A7%D9%85&subject=second', 'mailto:x@y.example?subject=%D8%B3%D9%84%D8%A7%D9%85'],
    ['mailto:x@y.example?body=a+b', 'mailto:x@y.example?body=a%2Bb'],
  ])('mailto:x@y?attach=~/.ssh/id_rsa is opened — %j opens as %j', async (input, expected) => {
    expect(safeExternalUrl(input)).toBe(expected)
    expect(await openExternalSafe(input)).toBe(true)
    expect(shell.openExternal.mock.calls[0][0]).toBe(expected)
  })
})

