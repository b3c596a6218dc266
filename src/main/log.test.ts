import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChtError } from './core/errors'
import { createLog, redact } from './log'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cht-log-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const allLogs = () => readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('')

describe('main log (issue 13: no log file → a rotating log under userData/logs)', () => {
  it('writes timestamped lines with the error and its stack', () => {
    const log = createLog({ dir, now: () => Date.UTC(2026, 10, 24, 9, 0, 0) })
    log.info('app.start', { version: '1.2.3', packaged: false })
    log.error('main.uncaught', new TypeError('x is not a function'))
    const text = readFileSync(join(dir, 'main.log'), 'utf8')
    expect(text).toMatch(/^2026-11-24T09:00:00.000Z INFO {2}app.start version=1.2.3 packaged=false\n/)
    expect(text).toContain('ERROR main.uncaught — TypeError: x is not a function')
    expect(text).toMatch(/\n {4}at /)
    expect(log.recent()).toEqual([expect.stringContaining('main.uncaught — TypeError: x is not a function')])
  })

  it('never contains a token, message text or file content', () => {
    const token = '3f9c2a7be1d04c55a9e8f0b1c2d3e4f5'
    const log = createLog({ dir, home: '/home/zahra' })
    log.addSecret(token)
    const message = 'جلسه فردا ساعت ۱۰ — salary figures attached'
    const fileContent = Buffer.from('%PDF-1.7 confidential contract body '.repeat(20)).toString('base64')
    log.error('rest.failed', new Error(`request with Authorization: ${token} failed`))
    log.error('json', new SyntaxError(`Unexpected token 'ج', "${message}" is not valid JSON`))
    log.warn('frame', { sample: `{"message":"${message}"}` })
    log.warn('file', { head: fileContent.slice(0, 200) })
    log.error('media', new Error(`GET https://host.example/cht/media/a.png?token=${token}#x failed`))
    log.error('mail', new Error('could not open mailto:zahra.ahmadi@example.ir'))
    log.error('path', new Error('EACCES: /home/zahra/.config/cht/cht-state.json'))
    log.error('cht', new ChtError('bad-response', `the server said: ${message}`, 500))
    const text = allLogs()
    expect(text).not.toContain(token)
    expect(text).not.toContain(token.slice(0, 16))
    expect(text).not.toContain('جلسه')
    expect(text).not.toContain('salary')
    expect(text).not.toContain(fileContent.slice(0, 40))
    expect(text).not.toContain('confidential')
    expect(text).not.toContain('zahra')
    expect(text).toContain('ChtError bad-response (HTTP 500)')
    expect(text).toContain('https://host.example/cht/media/a.png?[query]')
    expect(text).toContain('~/.config/cht/cht-state.json')
    for (const line of log.recent()) expect(line).not.toContain(token)
  })

  it('property: a registered secret never survives, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-zA-Z_-]{8,64}$/), fc.string(), fc.string(), (secret, before, after) => {
        fc.pre(!/^[a-z]+$/.test(secret)) // a plain word could be spelled by the text around it; tokens are not words
        const out = redact(`${before}${secret}${after}`, [secret])
        expect(out.includes(secret)).toBe(false)
      }),
      { numRuns: 500 },
    )
  })

  it('rotates: the current file stays under its cap and only `keep` older files are kept', () => {
    const log = createLog({ dir, maxBytes: 2_000, keep: 2 })
    for (let i = 0; i < 200; i++) log.info('tick', { i })
    const files = readdirSync(dir).sort()
    expect(files).toEqual(['main.1.log', 'main.2.log', 'main.log'])
    for (const f of files) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(2_000)
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('tick i=199')
  })

  it('a log folder that cannot be written never throws', () => {
    writeFileSync(join(dir, 'a-file'), 'x')
    const log = createLog({ dir: join(dir, 'a-file', 'logs') }) // a folder inside a file: ENOTDIR
    expect(() => log.error('x', new Error('y'))).not.toThrow()
    expect(log.recent()).toHaveLength(1)
  })
})
