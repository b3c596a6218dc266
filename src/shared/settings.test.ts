import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultSettings, isOrigin, readSettings, storedSettingsSchema } from './settings'

const defaults = defaultSettings('https://cht.example.org')
const full = storedSettingsSchema().required()

describe('readSettings (issue 13: persisted values are read unchecked)', () => {
  it('missing settings are the defaults, with nothing to report', () => {
    expect(readSettings(undefined, defaults)).toEqual({ settings: defaults, invalid: [] })
    expect(readSettings({}, defaults)).toEqual({ settings: defaults, invalid: [] })
  })

  it('settings.mutedChats: null falls back to [] and only that is reported; the rest is kept', () => {
    const r = readSettings({ locale: 'en', mutedChats: null, notifications: { sound: false, previews: 'no' } }, defaults)
    expect(r.settings).toEqual({ ...defaults, locale: 'en', notifications: { enabled: true, previews: true, sound: false } })
    expect(r.invalid.sort()).toEqual(['settings.mutedChats', 'settings.notifications.previews'])
  })

  it('keeps the good entries of a list holding bad ones', () => {
    const r = readSettings({ mutedChats: ['group:a', null, 'nonsense', 'direct:b'] }, defaults)
    expect(r.settings.mutedChats).toEqual(['group:a', 'direct:b'])
    expect(r.invalid).toEqual(['settings.mutedChats[]'])
  })

  it('rejects absurd numbers and origins that are not origins', () => {
    const r = readSettings({ zoomLevel: 1e308, maxFileBytes: -1, dndUntil: 'soon', serverOrigin: 'javascript:alert(1)', ssoOrigin: 'http://sso.example.org' }, defaults)
    expect(r.settings).toEqual(defaults)
    expect(r.invalid).toHaveLength(5)
  })

  it('property: whatever is stored, the result is complete, valid settings, and it never throws', () => {
    const anyField = fc.oneof(fc.jsonValue(), fc.constant(undefined))
    const stored = fc.oneof(
      fc.jsonValue(),
      fc.record(Object.fromEntries(Object.keys(defaults).map((k) => [k, anyField])), { requiredKeys: [] }),
    )
    fc.assert(
      fc.property(stored, (raw) => {
        const { settings } = readSettings(raw, defaults)
        expect(full.safeParse(settings).success).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('isOrigin accepts exactly serialized origins of the allowed schemes', () => {
    expect(isOrigin('https://a.example')).toBe(true)
    expect(isOrigin('http://127.0.0.1:8787')).toBe(true)
    expect(isOrigin('https://a.example/')).toBe(false)
    expect(isOrigin('https://a.example', ['https:'])).toBe(true)
    expect(isOrigin('http://a.example', ['https:'])).toBe(false)
    expect(isOrigin('file:///etc/passwd')).toBe(false)
  })
})
