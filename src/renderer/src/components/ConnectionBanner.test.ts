import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ConnectionBanner from './ConnectionBanner.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import type { FakeBridge } from '../testing/fakeBridge'
import { useSessionStore } from '../stores/session'
import { useNoticesStore } from '../stores/notices'
import fa from '../i18n/fa'
import en from '../i18n/en'

/** Signed in on https://cht.example, with the banner mounted under a router on the chats route. */
async function signedInBanner(locale: 'en' | 'fa' = 'en') {
  const env = freshEnv(locale)
  env.bridge.session = { serverOrigin: 'https://cht.example', user: env.bridge.user }
  await useSessionStore().init()
  const Empty = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/chats', name: 'chats', component: Empty }, { path: '/signin', name: 'signin', component: Empty }],
  })
  await router.push('/chats')
  const w = mountWith(ConnectionBanner, env.pinia, { global: { plugins: [router] }, attachTo: document.body })
  await settle()
  return { ...env, w, router }
}

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

describe('ConnectionBanner', () => {
  it('is hidden while online and shows each other state', async () => {
    const w = mountWith(ConnectionBanner, pinia)
    bridge.emit('connection.changed', { status: 'online' })
    await settle()
    expect(w.find('[data-testid="connection-banner"]').exists()).toBe(false)

    bridge.emit('connection.changed', { status: 'connecting' })
    await settle()
    expect(w.get('[data-testid="connection-banner"]').text()).toContain('Connecting')

    bridge.emit('connection.changed', { status: 'offline', retryAt: Date.now() + 9_500 })
    await settle()
    const banner = w.get('[data-testid="connection-banner"]')
    expect(banner.attributes('data-status')).toBe('offline')
    expect(banner.text()).toContain('messages will be sent when back')
    expect(w.get('[data-testid="connection-countdown"]').text()).toMatch(/Retrying in (9|10) s/)

    bridge.emit('connection.changed', { status: 'throttled', retryAt: Date.now() + 30_000 })
    await settle()
    expect(w.get('[data-testid="connection-banner"]').text()).toContain('slow down')

    bridge.emit('connection.changed', { status: 'online' })
    await settle()
    expect(w.find('[data-testid="connection-banner"]').exists()).toBe(false)
  })

  it('asks main for the state it already has (events only report changes)', async () => {
    bridge.handle('connection.get', () => ({ status: 'offline', retryAt: Date.now() + 5_000 }))
    const w = mountWith(ConnectionBanner, pinia)
    await settle()
    expect(bridge.callsOf('connection.get')).toHaveLength(1)
    expect(w.get('[data-testid="connection-banner"]').attributes('data-status')).toBe('offline')
  })

  it('speaks Persian with Persian digits in fa', async () => {
    const env = freshEnv('fa')
    const w = mountWith(ConnectionBanner, env.pinia)
    env.bridge.emit('connection.changed', { status: 'offline', retryAt: Date.now() + 5_000 })
    await settle()
    expect(w.text()).toContain(fa.connection.offline)
    expect(w.get('[data-testid="connection-countdown"]').text()).toMatch(/[۴۵]/)
  })

  it('signed in on another device: says so and reconnects in one click (issue 11)', async () => {
    const { bridge, w } = await signedInBanner()
    let answer!: () => void
    bridge.handle('connection.reconnect', () => new Promise<void>((r) => { answer = r }))
    bridge.emit('connection.changed', { status: 'offline', reason: 'other-device' })
    await settle()
    const banner = w.get('[data-testid="connection-banner"]')
    expect(banner.attributes('data-reason')).toBe('other-device')
    expect(banner.get('[data-testid="connection-text"]').text()).toBe(en.connection.otherDevice)
    const button = w.get<HTMLButtonElement>('[data-testid="connection-reconnect"]')
    await button.trigger('click')
    await settle()
    expect(bridge.callsOf('connection.reconnect')).toHaveLength(1)
    expect(button.text()).toBe(en.connection.reconnecting)
    expect(button.element.disabled).toBe(true)
    answer()
    bridge.emit('connection.changed', { status: 'online' })
    await settle()
    expect(w.find('[data-testid="connection-banner"]').exists()).toBe(false)
    w.unmount()
  })

  it('a failed reconnect is explained, translated, and can be tried again', async () => {
    const { bridge, w } = await signedInBanner('fa')
    bridge.handle('connection.reconnect', () => { throw { code: 'network' } })
    bridge.emit('connection.changed', { status: 'offline', reason: 'other-device' })
    await settle()
    expect(w.get('[data-testid="connection-text"]').text()).toBe(fa.connection.otherDevice)
    await w.get('[data-testid="connection-reconnect"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="error"]').text()).toContain(fa.errors.network)
    expect(w.get<HTMLButtonElement>('[data-testid="connection-reconnect"]').element.disabled).toBe(false)
    w.unmount()
  })

  it('session expired: "Sign in" runs the web sign-in for the same server; the expired notice is not shown twice', async () => {
    const { bridge, w } = await signedInBanner()
    let finish!: () => void
    bridge.handle('session.signInWeb', ({ serverOrigin }) => new Promise((r) => { finish = () => r({ serverOrigin, user: bridge.user }) }))
    bridge.emit('connection.changed', { status: 'offline', reason: 'session-expired' })
    bridge.emit('notice', { code: 'session.expired' })
    await settle()
    expect(useNoticesStore().items).toEqual([])
    expect(w.get('[data-testid="connection-text"]').text()).toBe(en.connection.expired)
    // The countdown of an ordinary outage is not what this is about.
    expect(w.find('[data-testid="connection-countdown"]').exists()).toBe(false)

    await w.get('[data-testid="reauth-signin"]').trigger('click')
    await settle()
    expect(bridge.callsOf('session.signInWeb')).toEqual([{ serverOrigin: 'https://cht.example' }])
    expect(w.get('[data-testid="reauth-waiting"]').text()).toBe(en.connection.webBusy)
    finish()
    await settle()
    bridge.emit('connection.changed', { status: 'online' })
    await settle()
    expect(w.find('[data-testid="connection-banner"]').exists()).toBe(false)
    expect(useNoticesStore().items).toEqual([])
    w.unmount()
  })

  it('session expired: Cancel stops the web sign-in quietly; a failure is shown; a token works as the fallback', async () => {
    const { bridge, w } = await signedInBanner()
    let fail!: (code: string) => void
    bridge.handle('session.signInWeb', () => new Promise((_r, reject) => { fail = (code) => reject({ code }) }))
    bridge.handle('session.cancelSignIn', () => { fail('signin.cancelled') })
    bridge.emit('connection.changed', { status: 'offline', reason: 'session-expired' })
    await settle()
    await w.get('[data-testid="reauth-signin"]').trigger('click')
    await settle()
    await w.get('[data-testid="reauth-cancel"]').trigger('click')
    await settle()
    expect(w.find('[data-testid="error"]').exists()).toBe(false)
    expect(w.find('[data-testid="reauth-signin"]').exists()).toBe(true)

    // The web page closed without signing in: said in words, not silently ignored.
    await w.get('[data-testid="reauth-signin"]').trigger('click')
    await settle()
    fail('sso.cancelled')
    await settle()
    expect(w.get('[data-testid="error"]').text()).toBe(en.errors.sso.cancelled)

    // A token for the same server, in a dialog; a wrong one is refused in the dialog.
    await w.get('[data-testid="reauth-use-token"]').trigger('click')
    await settle()
    const dialog = w.get('[data-testid="reauth-token-dialog"]')
    expect(dialog.text()).toContain('https://cht.example')
    expect(document.activeElement?.getAttribute('data-testid')).toBe('reauth-token')
    await dialog.get('[data-testid="reauth-token"]').setValue('wrong')
    await dialog.get('form').trigger('submit')
    await settle()
    expect(dialog.get('[data-testid="error"]').text()).toBe(en.errors.auth.invalid)
    await dialog.get('[data-testid="reauth-token"]').setValue(bridge.validToken)
    await dialog.get('form').trigger('submit')
    await settle()
    expect(bridge.callsOf('session.signIn').at(-1)).toEqual({ serverOrigin: 'https://cht.example', token: bridge.validToken })
    expect(w.find('[data-testid="reauth-token-dialog"]').exists()).toBe(false)
    w.unmount()
  })

  it('says so when the sign-in brought another person than the one whose chats are here', async () => {
    const { bridge, w, router } = await signedInBanner()
    bridge.handle('session.signInWeb', ({ serverOrigin }) => ({ serverOrigin, user: { id: 'u-other', name: 'Someone Else', isSuperuser: false } }))
    bridge.emit('connection.changed', { status: 'offline', reason: 'session-expired' })
    await settle()
    await router.push('/signin') // core closed the old session on the way: the app went to the sign-in view
    await w.get('[data-testid="reauth-signin"]').trigger('click')
    await settle()
    expect(useNoticesStore().items.map((n) => [n.code, n.kind])).toEqual([['session.other-user', 'info']])
    expect(router.currentRoute.value.name).toBe('chats')
    w.unmount()
  })
})
