import { describe, expect, it } from 'vitest'
import { freshEnv, settle } from '../testing/setup'
import { useSettingsStore } from './settings'
import { i18n } from '../i18n'
import { defaultSettings } from '@shared/settings'

describe('settings store', () => {
  it('applies fa as RTL and en as LTR on <html>, from settings.get and settings.changed', async () => {
    const { bridge } = freshEnv('en')
    bridge.settings = { ...defaultSettings(''), locale: 'fa', theme: 'dark' }
    const s = useSettingsStore()
    await s.init()
    await settle()
    expect(document.documentElement.dir).toBe('rtl')
    expect(document.documentElement.lang).toBe('fa')
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(i18n.global.locale.value).toBe('fa')

    bridge.emit('settings.changed', { ...defaultSettings(''), locale: 'en', theme: 'light' })
    await settle()
    expect(document.documentElement.dir).toBe('ltr')
    expect(document.documentElement.dataset.theme).toBe('light')
    expect(i18n.global.locale.value).toBe('en')
  })

  it('defaults to fa when settings cannot be read', async () => {
    const { bridge } = freshEnv('en')
    bridge.handle('settings.get', () => { throw { code: 'unknown' } })
    const s = useSettingsStore()
    await s.init()
    await settle()
    expect(s.settings.locale).toBe('fa')
    expect(document.documentElement.dir).toBe('rtl')
  })

  it('changes theme through settings.set', async () => {
    const { bridge } = freshEnv('en')
    const s = useSettingsStore()
    await s.setTheme('dark')
    expect(bridge.callsOf('settings.set')).toEqual([{ theme: 'dark' }])
    expect(document.documentElement.dataset.theme).toBe('dark')
  })
})
