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

  it('offers the web page first and the token behind "Sign in with a token" (a password field)', async () => {
    const { w } = await mountSignIn('en')
    expect((w.get('[data-testid="signin-origin"]').element as HTMLInputElement).value).toBe('https://cht.example')
    expect(w.get('[data-testid="signin-web"]').text()).toBe(en.signIn.web)
    expect(w.find('[data-testid="signin-token"]').exists()).toBe(false)
    const toggle = w.get('[data-testid="signin-use-token"]')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    await settle()
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(w.get('[data-testid="signin-token"]').attributes('type')).toBe('password')
  })

  for (const [locale, text] of [['en', en.errors.auth.invalid], ['fa', fa.errors.auth.invalid]] as const) {
    it(`shows auth.invalid translated in ${locale}`, async () => {
      const { w, bridge } = await mountSignIn(locale)
      await w.get('[data-testid="signin-use-token"]').trigger('click')
      await w.get('[data-testid="signin-token"]').setValue('wrong-token')
      await w.get('form').trigger('submit')
      await settle()
      expect(bridge.callsOf('session.signIn')).toEqual([{ serverOrigin: 'https://cht.example', token: 'wrong-token' }])
      const err = w.get('[data-testid="error"]')
      expect(err.text()).toContain(text)
      expect(err.attributes('data-code')).toBe('auth.invalid')
    })
  }

  it('trims the token, adds the scheme to a bare address, signs in and goes to the chats', async () => {
    const { w, bridge, router } = await mountSignIn('en')
    await w.get('[data-testid="signin-origin"]').setValue(' 127.0.0.1:8000 ')
    await settle()
    expect(w.get('[data-testid="signin-will-use"]').text()).toBe('http://127.0.0.1:8000')
    await w.get('[data-testid="signin-use-token"]').trigger('click')
    await w.get('[data-testid="signin-token"]').setValue('  good-token \n')
    await w.get('form').trigger('submit')
    await settle()
    expect(bridge.callsOf('session.signIn')).toEqual([{ serverOrigin: 'http://127.0.0.1:8000', token: 'good-token' }])
    expect(useSessionStore().info?.user.name).toBe('Me Myself')
    expect(router.currentRoute.value.name).toBe('chats')
  })

  for (const [locale, dict] of [['en', en], ['fa', fa]] as const) {
    it(`explains a bad address in ${locale} and sends nothing`, async () => {
      const { w, bridge } = await mountSignIn(locale)
      for (const [typed, problem] of [['not a server', 'invalid'], ['ftp://x.example', 'scheme'], ['', 'empty']] as const) {
        await w.get('[data-testid="signin-origin"]').setValue(typed)
        await w.get('[data-testid="signin-web"]').trigger('click')
        await settle()
        const note = w.get('[data-testid="signin-origin-note"]')
        expect(note.text()).toBe(dict.signIn.address[problem])
        expect(w.get('[data-testid="signin-origin"]').attributes('aria-invalid')).toBe('true')
      }
      expect(bridge.callsOf('session.signInWeb')).toEqual([])
    })
  }

  it('asks for "I understand" before an unencrypted remote server, then passes allowInsecure', async () => {
    const { w, bridge } = await mountSignIn('en')
    await w.get('[data-testid="signin-origin"]').setValue('http://chat.example.org')
    await settle()
    expect(w.get('[data-testid="signin-insecure"]').text()).toContain(en.signIn.insecure.text)
    await w.get('[data-testid="signin-web"]').trigger('click')
    await settle()
    expect(bridge.callsOf('session.signInWeb')).toEqual([])
    await w.get('[data-testid="signin-insecure-accept"]').setValue(true)
    await w.get('[data-testid="signin-web"]').trigger('click')
    await settle()
    expect(bridge.callsOf('session.signInWeb')).toEqual([{ serverOrigin: 'http://chat.example.org', allowInsecure: true }])
    // A loopback server needs no consent.
    await w.get('[data-testid="signin-origin"]').setValue('localhost:8787')
    await settle()
    expect(w.find('[data-testid="signin-insecure"]').exists()).toBe(false)
  })

  it('shows a busy state with Cancel while signing in; Cancel stops it without an error', async () => {
    const { w, bridge } = await mountSignIn('en')
    let reject!: (e: unknown) => void
    bridge.handle('session.signIn', () => new Promise((_r, ko) => { reject = ko }))
    bridge.handle('session.cancelSignIn', () => { reject({ code: 'signin.cancelled' }) })
    await w.get('[data-testid="signin-use-token"]').trigger('click')
    await w.get('[data-testid="signin-token"]').setValue('good-token')
    await w.get('form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="signin-waiting"]').text()).toContain(en.signIn.busy)
    expect(w.get('[data-testid="signin-submit"]').attributes('disabled')).toBeDefined()
    await w.get('form').trigger('submit')
    await w.get('[data-testid="signin-cancel"]').trigger('click')
    await settle()
    expect(bridge.callsOf('session.signIn')).toHaveLength(1)
    expect(bridge.callsOf('session.cancelSignIn')).toHaveLength(1)
    expect(w.find('[data-testid="signin-waiting"]').exists()).toBe(false)
    expect(w.find('[data-testid="error"]').exists()).toBe(false)
    expect(w.get('[data-testid="signin-submit"]').attributes('disabled')).toBeUndefined()
  })

  it('never shows a schema refusal\'s English detail, only the translated message', async () => {
    const { w, bridge } = await mountSignIn('fa')
    bridge.handle('session.signIn', () => { throw { code: 'invalid-input', detail: 'Invalid string: must match pattern /^\\S+$/' } })
    await w.get('[data-testid="signin-use-token"]').trigger('click')
    await w.get('[data-testid="signin-token"]').setValue('two words')
    await w.get('form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error"]').text()).toBe(fa.errors['invalid-input'])
    expect(w.find('details').exists()).toBe(false)
  })

  it('signs in with the web page and translates a cancellation from the page itself', async () => {
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
    expect(w.get('[data-testid="signin-web"]').text()).toBe(fa.signIn.web)
    expect(document.documentElement.dir).toBe('rtl')
    expect(document.documentElement.lang).toBe('fa')
  })
})
