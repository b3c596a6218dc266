import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defaultSettings, storedSettingsSchema } from '../../shared/settings'
import { createChatClient, memoryPorts } from '../core'
import { createLog } from '../log'
import { STATE_SCHEMAS } from '../state'
import { ipcMain, resetFakeElectron } from '../testing/fake-electron'
import { createKeyValueStore, STATE_VERSION } from './store'

vi.mock('electron', () => import('../testing/fake-electron'))

let dir: string
beforeEach(() => {
  resetFakeElectron()
  dir = mkdtempSync(join(tmpdir(), 'cht-store-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const open = () => createKeyValueStore({ dir, schemas: STATE_SCHEMAS })
const file = () => join(dir, 'cht-state.json')
const aside = () => readdirSync(dir).filter((f) => f.includes('.damaged-'))
const session = { serverOrigin: 'https://cht.example.org', user: { id: '6f1c0000-0000-4000-8000-000000000001', name: 'زهرا احمدی', isSuperuser: false } }
const settings = { ...defaultSettings('https://cht.example.org'), locale: 'en' as const, mutedChats: ['group:team'] }

/** A state file as a signed-in app leaves it (several writes, so the last good copy exists too). */
function signedInFile(): void {
  const s = open()
  s.set('settings', settings)
  s.set('session', session)
  s.set('window.bounds', { x: 10, y: 20, width: 900, height: 600 })
  s.set('session', session)
}

describe('state file (issue 13)', () => {
  it('persists values and reads them back in a new instance, with a schema version', () => {
    signedInFile()
    expect(open().get('session')).toEqual(session)
    expect(open().get('settings')).toEqual(settings)
    const raw = JSON.parse(readFileSync(file(), 'utf8'))
    expect(raw.version).toBe(STATE_VERSION)
    expect(raw.values.session).toEqual(session)
  })

  it('writes atomically (temp file + rename), private to the user, keeping the last good copy', () => {
    signedInFile()
    expect(readdirSync(dir).sort()).toEqual(['cht-state.bak.json', 'cht-state.json'])
    if (process.platform !== 'win32') expect(statSync(file()).mode & 0o777).toBe(0o600)
  })

  it("electron-store's own ipcMain handler has no sender check — this store registers none", () => {
    signedInFile()
    open().get('settings')
    expect(ipcMain.handlers.size).toBe(0)
    expect(ipcMain.on).not.toHaveBeenCalled()
  })

  it('treats keys with dots and colons literally; delete and set(undefined) both forget a key', () => {
    const s = open()
    s.set('window.bounds', { x: 1, y: 2, width: 300, height: 200 })
    expect(s.get('window.bounds')).toEqual({ x: 1, y: 2, width: 300, height: 200 })
    expect(s.get('window')).toBeUndefined()
    s.set('drafts', { 'group:a.b': 'x' })
    expect(s.get('drafts')).toEqual({ 'group:a.b': 'x' })
    s.delete('drafts')
    s.set('window.bounds', undefined)
    expect(open().get('drafts')).toBeUndefined()
    expect(open().get('window.bounds')).toBeUndefined()
  })

  it('hands out copies: changing what get() returned changes nothing stored', () => {
    const s = open()
    s.set('settings', settings)
    const got = s.get<typeof settings>('settings')!
    got.mutedChats.push('group:other')
    expect(s.get<typeof settings>('settings')!.mutedChats).toEqual(['group:team'])
  })

  it.each([
    ['truncated', (t: string) => t.slice(0, Math.floor(t.length / 2))],
    ['empty', () => ''],
    ['garbage appended', (t: string) => t + '\u0000\u0000}{garbage'],
    ['binary', () => '\u00ff\u00fe\u0001\u0002'],
    ['not an object', () => '[1,2,3]'],
    ['values missing', () => JSON.stringify({ version: 1 })],
  ])('a damaged state file (%s) is silently reset — now it is kept aside and the last good copy is used', (_kind, damage) => {
    signedInFile()
    const before = damage(readFileSync(file(), 'utf8'))
    writeFileSync(file(), before)
    const s = open()
    // Still signed in: the session comes from the last good copy.
    expect(s.get('session')).toEqual(session)
    expect(s.get('settings')).toEqual(settings)
    expect(s.problems).toEqual([{ kind: 'damaged', detail: expect.stringContaining('kept as') }])
    // The damaged file is kept, byte for byte.
    expect(aside()).toHaveLength(1)
    expect(readFileSync(join(dir, aside()[0]), 'utf8')).toBe(before)
  })

  it('a damaged header does not hide readable values: they are used, and the file is kept aside as it was', () => {
    signedInFile()
    const text = readFileSync(file(), 'utf8').replace('"version"', '" ersion"')
    writeFileSync(file(), text)
    const s = open()
    expect(s.get('session')).toEqual(session)
    expect(s.problems.map((p) => p.kind)).toEqual(['damaged'])
    expect(readFileSync(join(dir, aside()[0]), 'utf8')).toBe(text)
  })

  it('with no good copy left, a damaged file is still kept aside and the app starts from defaults', () => {
    writeFileSync(file(), '{"version":1,"values":{"session":')
    const s = open()
    expect(s.get('session')).toBeUndefined()
    expect(s.problems.map((p) => p.kind)).toEqual(['damaged'])
    expect(readFileSync(join(dir, aside()[0]), 'utf8')).toBe('{"version":1,"values":{"session":')
    s.set('settings', settings) // and it works again
    expect(open().get('settings')).toEqual(settings)
  })

  it('persisted values are read unchecked: settings.mutedChats: null — now only the bad value falls back, and it is reported', () => {
    writeFileSync(file(), JSON.stringify({
      version: 1,
      values: {
        settings: { ...settings, mutedChats: null, zoomLevel: 1e308, notifications: { enabled: 'yes', previews: false } },
        session,
        'window.bounds': { x: 'left', y: 0, width: 800, height: 600 },
      },
    }))
    const original = readFileSync(file(), 'utf8')
    const s = open()
    const got = s.get<Record<string, unknown>>('settings')!
    expect(got.locale).toBe('en')
    expect(got).not.toHaveProperty('mutedChats')
    expect(got).not.toHaveProperty('zoomLevel')
    expect(got.notifications).toEqual({ previews: false })
    expect(s.get('session')).toEqual(session)
    expect(s.get('window.bounds')).toBeUndefined()
    expect(s.problems).toHaveLength(1)
    expect(s.problems[0].kind).toBe('invalid')
    expect(s.problems[0].detail).toContain('settings.mutedChats')
    expect(s.problems[0].detail).toContain('window.bounds')
    // The original is kept; the next start reads clean values and reports nothing.
    expect(readFileSync(join(dir, aside()[0]), 'utf8')).toBe(original)
    expect(open().problems).toEqual([])
  })

  it('a mute list holding a null keeps its good entries', () => {
    writeFileSync(file(), JSON.stringify({ version: 1, values: { settings: { mutedChats: ['group:a', null, 5, 'direct:x'] } } }))
    expect(open().get('settings')).toEqual({ mutedChats: ['group:a', 'direct:x'] })
  })

  it("reads electron-store's flat file (version 0) and writes it back versioned", () => {
    writeFileSync(file(), JSON.stringify({ settings, session, 'background.noticeShown': true, 'outbox.group:a': [{ text: 'old' }] }))
    const s = open()
    expect(s.problems).toEqual([])
    expect(s.get('session')).toEqual(session)
    expect(s.get('background.noticeShown')).toBe(true)
    s.set('settings', { ...settings, locale: 'fa' })
    const raw = JSON.parse(readFileSync(file(), 'utf8'))
    expect(raw.version).toBe(STATE_VERSION)
    // A key this version does not know (an old outbox) is never read, and never thrown away either.
    expect(raw.values['outbox.group:a']).toEqual([{ text: 'old' }])
    expect(s.get('outbox.group:a')).toBeUndefined()
  })

  it('refuses keys without a schema (logged), and never writes a value that would not be read back', () => {
    const logDir = join(dir, 'logs')
    const s = createKeyValueStore({ dir, schemas: STATE_SCHEMAS, log: createLog({ dir: logDir }) })
    s.set('no-such-key', 1)
    s.set('settings', { locale: 'xx', theme: 'dark' })
    expect(open().get('settings')).toEqual({ theme: 'dark' })
    const log = readFileSync(join(logDir, 'main.log'), 'utf8')
    expect(log).toContain('state.unknown-key key=no-such-key')
    expect(log).toContain('state.invalid-write paths=settings.locale')
  })

  it('property: random corruption of the state file never throws at start-up, and whatever was still readable is kept', async () => {
    signedInFile()
    const good = readFileSync(file())
    const goodCopy = readFileSync(join(dir, 'cht-state.bak.json'))
    // One "computer" for every run (its local database is made once): what varies is the state file alone.
    const base = memoryPorts()
    const corruption = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant('value' as const), key: fc.constantFrom(...Object.keys(STATE_SCHEMAS), 'other'), path: fc.constantFrom('', 'locale', 'mutedChats', 'notifications', 'user', 'serverOrigin', 'x'), value: fc.jsonValue() }),
    )
    let runs = 0
    await fc.assert(
      fc.asyncProperty(fc.array(corruption, { minLength: 1, maxLength: 3 }), async (damages) => {
        runs++
        // The files a signed-in app leaves (written once above, through the store), then damaged.
        rmSync(dir, { recursive: true, force: true })
        mkdirSync(dir)
        writeFileSync(join(dir, 'cht-state.bak.json'), goodCopy)
        let bytes = Buffer.from(good)
        for (const d of damages) {
          if (d.kind === 'truncate') bytes = bytes.subarray(0, d.at % (bytes.length + 1))
          else if (d.kind === 'append') bytes = Buffer.concat([bytes, d.bytes])
          else if (d.kind === 'flip') bytes = Buffer.concat([bytes.subarray(0, d.at % (bytes.length + 1)), d.bytes, bytes.subarray((d.at % (bytes.length + 1)) + d.bytes.length)])
          else {
            try {
              const o = JSON.parse(bytes.toString('utf8'))
              const values = o.values
              if (d.path && values[d.key] && typeof values[d.key] === 'object') values[d.key][d.path] = d.value
              else values[d.key] = d.value
              bytes = Buffer.from(JSON.stringify(o))
            } catch {
              // already not JSON
            }
          }
        }
        writeFileSync(file(), bytes)
        let stillJson = true
        let sessionInFile: unknown
        try {
          sessionInFile = JSON.parse(bytes.toString('utf8'))?.values?.session
        } catch {
          stillJson = false
        }

        const store = open()
        const ports = { ...base, store }
        const client = createChatClient({ ports, startJitterMs: 0 })
        try {
          const s = await client.request('settings.get', undefined)
          expect(storedSettingsSchema().required().safeParse(s).success).toBe(true)
          await client.start() // no token: the saved session (if any) opens from disk as expired, offline
          await client.request('session.get', undefined)
          // A session that is still readable in the file is still there (the user stays signed in) …
          if (stillJson && JSON.stringify(sessionInFile) === JSON.stringify(session)) expect(store.get('session')).toEqual(session)
          // … and a file that is not is kept aside, and the last good copy (which had the session) is used.
          if (!stillJson) {
            expect(aside().length).toBe(1)
            expect(readFileSync(join(dir, aside()[0])).equals(bytes)).toBe(true)
            expect(store.get('session')).toEqual(session)
          }
        } finally {
          await client.close()
        }
      }),
      { numRuns: 500 },
    )
    expect(runs).toBe(500)
  }, 120_000)

  it('no stray temp files are left behind', () => {
    signedInFile()
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(false)
    expect(existsSync(join(dir, 'cht-state.bak.json'))).toBe(true)
  })
})
