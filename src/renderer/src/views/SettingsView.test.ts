import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { DND_FOREVER } from '@shared/model'
import SettingsView from './SettingsView.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { useSettingsStore } from '../stores/settings'
import { useSessionStore } from '../stores/session'
import { useNoticesStore } from '../stores/notices'
import en from '../i18n/en'
import fa from '../i18n/fa'

const Empty = { template: '<div />' }

async function mountSettings(locale: 'en' | 'fa' = 'en', signedIn = false) {
  const env = freshEnv(locale)
  if (signedIn) {
    env.bridge.session = { serverOrigin: 'https://cht.example', user: env.bridge.user }
    await useSessionStore().init()
  }
  await useSettingsStore().init()
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/chats', name: 'chats', component: Empty },
      { path: '/settings', name: 'settings', component: SettingsView },
      { path: '/signin', name: 'signin', component: Empty },
    ],
  })
  await router.push('/settings')
  const w = mountWith(SettingsView, env.pinia, { global: { plugins: [router] } })
  await settle()
  return { ...env, w, router }
}

afterEach(() => { vi.useRealTimers() })

describe('SettingsView', () => {
  it('sends each notification switch as a partial settings.set and reflects the answer', async () => {
    const { bridge, w } = await mountSettings()
    expect(w.find('[data-testid="settings-view"]').exists()).toBe(true)
    const previews = w.get<HTMLInputElement>('[data-testid="setting-previews"]')
    expect(previews.element.checked).toBe(true)
    await previews.setValue(false)
    await w.get('[data-testid="setting-sound"]').setValue(false)
    await settle()
    expect(bridge.callsOf('settings.set')).toEqual([{ notifications: { previews: false } }, { notifications: { sound: false } }])
    expect(bridge.settings.notifications).toEqual({ enabled: true, previews: false, sound: false })
    expect(w.text()).toContain('privacy')

    await w.get('[data-testid="setting-notifications"]').setValue(false)
    await settle()
    expect(bridge.callsOf('settings.set').at(-1)).toEqual({ notifications: { enabled: false } })
    // With notifications off, their details cannot be changed.
    expect(w.get<HTMLInputElement>('[data-testid="setting-previews"]').element.disabled).toBe(true)
  })

  it('follows settings.changed from main', async () => {
    const { bridge, w } = await mountSettings()
    bridge.emit('settings.changed', { ...bridge.settings, runInBackground: false, startAtLogin: true, notifications: { enabled: true, previews: false, sound: true } })
    await settle()
    expect(w.get<HTMLInputElement>('[data-testid="setting-background"]').element.checked).toBe(false)
    expect(w.get<HTMLInputElement>('[data-testid="setting-login"]').element.checked).toBe(true)
    expect(w.get<HTMLInputElement>('[data-testid="setting-previews"]').element.checked).toBe(false)
  })

  it('computes Do Not Disturb times from the local clock and shows the current state', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const now = new Date(2024, 5, 10, 14, 30).getTime()
    vi.setSystemTime(now)
    const { bridge, w } = await mountSettings()
    const dnd = w.get<HTMLSelectElement>('[data-testid="setting-dnd"]')
    expect(dnd.element.value).toBe('off')
    expect(w.get('[data-testid="dnd-state"]').text()).toBe('Notifications are on.')

    await dnd.setValue('1h')
    await settle()
    expect(bridge.callsOf('settings.set').at(-1)).toEqual({ dndUntil: now + 3_600_000 })
    expect(w.get('[data-testid="dnd-state"]').text()).toBe('Notifications are silenced until 15:30.')
    expect(dnd.element.value).toBe('1h')

    await dnd.setValue('tomorrow')
    await settle()
    const morning = new Date(2024, 5, 11, 8, 0).getTime()
    expect(bridge.callsOf('settings.set').at(-1)).toEqual({ dndUntil: morning })
    expect(dnd.element.value).toBe('tomorrow')
    expect(w.get('[data-testid="dnd-state"]').text()).toBe('Notifications are silenced until Tue 08:00.')

    await dnd.setValue('forever')
    await settle()
    expect(bridge.callsOf('settings.set').at(-1)).toEqual({ dndUntil: DND_FOREVER })
    expect(w.get('[data-testid="dnd-state"]').text()).toContain('until you turn')

    await dnd.setValue('off')
    await settle()
    expect(bridge.callsOf('settings.set').at(-1)).toEqual({ dndUntil: null })
  })

  it('shows the Do Not Disturb end in Persian digits', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const now = new Date(2024, 5, 10, 14, 30).getTime()
    vi.setSystemTime(now)
    const { bridge, w } = await mountSettings('fa')
    bridge.emit('settings.changed', { ...bridge.settings, dndUntil: now + 3_600_000 })
    await settle()
    expect(w.get('[data-testid="dnd-state"]').text()).toContain('۱۵:۳۰')
  })

  it('persists background, login and zoom', async () => {
    const { bridge, w } = await mountSettings()
    await w.get('[data-testid="setting-background"]').setValue(false)
    await w.get('[data-testid="setting-login"]').setValue(true)
    await w.get('[data-testid="setting-zoom-in"]').trigger('click')
    await settle()
    await w.get('[data-testid="setting-zoom-in"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="setting-zoom-value"]').text()).toBe('120%')
    await w.get('[data-testid="setting-zoom-reset"]').trigger('click')
    await settle()
    await w.get('[data-testid="setting-zoom-out"]').trigger('click')
    await settle()
    expect(bridge.callsOf('settings.set')).toEqual([
      { runInBackground: false }, { startAtLogin: true }, { zoomLevel: 0.5 }, { zoomLevel: 1 }, { zoomLevel: 0 }, { zoomLevel: -0.5 },
    ])
    expect(bridge.settings).toMatchObject({ runInBackground: false, startAtLogin: true, zoomLevel: -0.5 })
  })

  it('shows how much local data this computer keeps (issue 10), in Persian digits in fa', async () => {
    const { w } = await mountSettings('en', true)
    expect(w.get('[data-testid="local-data"]').text()).toBe('Local data on this computer: 3 MB')
    const f = await mountSettings('fa', true)
    expect(f.w.get('[data-testid="local-data-size"]').text()).toBe('۳ مگابایت')
  })

  it('asks before signing out, keeps the messages by default and says what deleting them costs', async () => {
    const { bridge, w, router } = await mountSettings('en', true)
    await w.get('[data-testid="signout"]').trigger('click')
    const dialog = w.get('[data-testid="signout-dialog"]')
    expect(dialog.text()).toContain(en.settings.signOutText)
    expect(dialog.get('[data-testid="signout-keep"]').text()).toBe(en.settings.signOutKeep)
    expect(dialog.find('[data-testid="signout-delete-warn"]').exists()).toBe(false)
    // Cancel: nothing happens.
    await dialog.get('.btn.secondary').trigger('click')
    expect(w.find('[data-testid="signout-dialog"]').exists()).toBe(false)
    expect(bridge.callsOf('session.signOut')).toEqual([])

    await w.get('[data-testid="signout"]').trigger('click')
    await w.get('[data-testid="signout-delete"]').setValue(true)
    expect(w.get('[data-testid="signout-delete-warn"]').text()).toBe(en.settings.signOutDeleteWarn)
    // It no longer says that unsent messages wait: deleting takes them too.
    expect(w.find('[data-testid="signout-keep"]').exists()).toBe(false)
    expect(w.get('[data-testid="signout-dialog-confirm"]').text()).toBe(en.settings.signOutDeleteConfirm)
    await w.get('[data-testid="signout-delete"]').setValue(false)
    expect(w.get('[data-testid="signout-dialog-confirm"]').text()).toBe(en.settings.signOutConfirm)
    await w.get('[data-testid="signout-dialog-confirm"]').trigger('click')
    await settle()
    expect(bridge.callsOf('session.signOut')).toEqual([{ deleteLocalData: false }])
    expect(router.currentRoute.value.name).toBe('signin')
  })

  it('signs out and deletes this computer\'s copy when asked (a shared computer), in Persian', async () => {
    const { bridge, w } = await mountSettings('fa', true)
    await w.get('[data-testid="signout"]').trigger('click')
    expect(w.get('[data-testid="signout-dialog"]').text()).toContain(fa.settings.signOutDelete)
    await w.get('[data-testid="signout-delete"]').setValue(true)
    expect(w.get('[data-testid="signout-delete-warn"]').text()).toBe(fa.settings.signOutDeleteWarn)
    await w.get('[data-testid="signout-dialog-confirm"]').trigger('click')
    await settle()
    expect(bridge.callsOf('session.signOut')).toEqual([{ deleteLocalData: true }])
  })

  it('says why on the sign-in view when signing out went wrong on the way', async () => {
    const { bridge, w, router } = await mountSettings('en', true)
    bridge.handle('session.signOut', () => { throw { code: 'unknown' } })
    await w.get('[data-testid="signout"]').trigger('click')
    await w.get('[data-testid="signout-delete"]').setValue(true)
    await w.get('[data-testid="signout-dialog-confirm"]').trigger('click')
    await settle()
    expect(useNoticesStore().items.map((n) => n.code)).toEqual(['unknown'])
    expect(router.currentRoute.value.name).toBe('signin')
  })
})
