import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h } from 'vue'
import SignInView from './SignInView.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { useSessionStore } from '../stores/session'
import fa from '../i18n/fa'
import en from '../i18n/en'

function setup(locale: 'fa' | 'en') {
  const env = freshEnv(locale)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/signin', name: 'signin', component: SignInView },
      { path: '/chats', name: 'chats', component: defineComponent(() => () => h('div', 'chats')) },
    ],
  })
  return { ...env, router }
}

async function mountSignIn(locale: 'fa' | 'en') {
  const env = setup(locale)
  await env.router.push('/signin')
  const w = mountWith(SignInView, env.pinia, { global: { plugins: [env.router] } })
  await settle()
  return { ...env, w }
}

describe('SignInView', () => {
  beforeEach(() => freshEnv('en'))

  it('prefills the server origin from settings and uses a password field for the token', async () => {
    const { w } = await mountSignIn('en')
    expect((w.get('[data-testid="signin-origin"]').element as HTMLInputElement).value).toBe('https://cht.example')
    expect(w.get('[data-testid="signin-token"]').attributes('type')).toBe('password')
  })

  for (const [locale, text] of [['en', en.errors.auth.invalid], ['fa', fa.errors.auth.invalid]] as const) {
    it(`shows auth.invalid translated in ${locale}`, async () => {
      const { w, bridge } = await mountSignIn(locale)
      await w.get('[data-testid="signin-token"]').setValue('wrong-token')
      await w.get('form').trigger('submit')
      await settle()
      expect(bridge.callsOf('session.signIn')).toEqual([{ serverOrigin: 'https://cht.example', token: 'wrong-token' }])
      const err = w.get('[data-testid="error"]')
      expect(err.text()).toContain(text)
      expect(err.attributes('data-code')).toBe('auth.invalid')
    })
  }

  it('trims the token, signs in and goes to the chats', async () => {
    const { w, bridge, router } = await mountSignIn('en')
    await w.get('[data-testid="signin-origin"]').setValue(' http://127.0.0.1:8000 ')
    await w.get('[data-testid="signin-token"]').setValue('  good-token \n')
    await w.get('form').trigger('submit')
    await settle()
    expect(bridge.callsOf('session.signIn')).toEqual([{ serverOrigin: 'http://127.0.0.1:8000', token: 'good-token' }])
    expect(useSessionStore().info?.user.name).toBe('Me Myself')
    expect(router.currentRoute.value.name).toBe('chats')
  })

  it('shows a busy state while signing in and blocks a second submit', async () => {
    const { w, bridge } = await mountSignIn('en')
    let release!: () => void
    bridge.handle('session.signIn', () => new Promise((r) => { release = () => r({ serverOrigin: 'x', user: bridge.user }) }))
    await w.get('[data-testid="signin-token"]').setValue('good-token')
    await w.get('form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="signin-submit"]').text()).toBe(en.signIn.busy)
    expect(w.get('[data-testid="signin-submit"]').attributes('disabled')).toBeDefined()
    await w.get('form').trigger('submit')
    release()
    await settle()
    expect(bridge.callsOf('session.signIn')).toHaveLength(1)
  })

  it('signs in with the web page and translates a cancellation', async () => {
    const { w, bridge } = await mountSignIn('en')
    await w.get('[data-testid="signin-web"]').trigger('click')
    await settle()
    expect(bridge.callsOf('session.signInWeb')).toEqual([{ serverOrigin: 'https://cht.example' }])
    expect(w.get('[data-testid="error"]').text()).toContain(en.errors.sso.cancelled)
  })

  it('switches the language from the sign-in page (and <html dir> follows)', async () => {
    const { w, bridge } = await mountSignIn('en')
    expect(document.documentElement.dir).toBe('ltr')
    await w.get('[data-testid="lang-fa"]').trigger('click')
    await settle()
    expect(bridge.callsOf('settings.set')).toEqual([{ locale: 'fa' }])
    expect(w.get('[data-testid="signin-submit"]').text()).toBe(fa.signIn.submit)
    expect(document.documentElement.dir).toBe('rtl')
    expect(document.documentElement.lang).toBe('fa')
  })
})
