import { describe, expect, it } from 'vitest'
import { isInsecureOrigin, isLoopbackHost, parseServerAddress } from './origin'

describe('parseServerAddress', () => {
  it.each([
    ['cht.example.com', 'https://cht.example.com'],
    ['  cht.example.com/  ', 'https://cht.example.com'],
    ['cht.example.com:8443', 'https://cht.example.com:8443'],
    ['https://cht.example.com/cht/', 'https://cht.example.com'],
    ['HTTPS://Cht.Example.com', 'https://cht.example.com'],
    ['http://cht.example.com', 'http://cht.example.com'],
    ['localhost:8787', 'http://localhost:8787'],
    ['127.0.0.1', 'http://127.0.0.1'],
    ['127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['[::1]:8787', 'http://[::1]:8787'],
    ['https://localhost:8787', 'https://localhost:8787'],
    ['10.0.0.5:8000', 'https://10.0.0.5:8000'],
  ])('%s → %s', (input, origin) => {
    expect(parseServerAddress(input)).toEqual({ ok: true, origin })
  })

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['not a url', 'invalid'],
    ['https://', 'invalid'],
    ['http//', 'invalid'],
    ['ftp://cht.example.com', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['https://user:pw@cht.example.com', 'credentials'],
    ['cht..example.com', 'invalid'],
  ])('%j is refused as %s', (input, problem) => {
    expect(parseServerAddress(input)).toEqual({ ok: false, problem })
  })
})

describe('isInsecureOrigin', () => {
  it('is true only for http: to another machine', () => {
    expect(isInsecureOrigin('http://cht.example.com')).toBe(true)
    expect(isInsecureOrigin('http://192.168.1.10:8000')).toBe(true)
    expect(isInsecureOrigin('https://cht.example.com')).toBe(false)
    expect(isInsecureOrigin('http://127.0.0.1:8787')).toBe(false)
    expect(isInsecureOrigin('http://localhost:8787')).toBe(false)
    expect(isInsecureOrigin('http://[::1]:8787')).toBe(false)
  })

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.3.2.1')).toBe(true)
    expect(isLoopbackHost('app.localhost')).toBe(true)
    expect(isLoopbackHost('localhost.example.com')).toBe(false)
    expect(isLoopbackHost('128.0.0.1')).toBe(false)
  })
})
