import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import NoticeStack from './NoticeStack.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import type { FakeBridge } from '../testing/fakeBridge'
import { noticeKind, useNoticesStore } from '../stores/notices'
import en from '../i18n/en'
import fa from '../i18n/fa'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

describe('NoticeStack (issue 12 item 5 of the finish: kinds and place)', () => {
  it('tells what went well in the end calmly (info) and failures as errors', async () => {
    const w = mountWith(NoticeStack, pinia)
    bridge.emit('notice', { code: 'app.recovered' })
    bridge.emit('notice', { code: 'network' })
    await settle()
    const info = w.get('[data-code="app.recovered"]')
    expect(info.attributes('data-testid')).toBe('notice')
    expect(info.attributes('data-kind')).toBe('info')
    expect(info.attributes('role')).toBe('status')
    expect(info.text()).toContain(en.errors.app.recovered)
    const error = w.get('[data-code="network"]')
    expect(error.attributes('data-testid')).toBe('error')
    expect(error.attributes('role')).toBe('alert')
    for (const code of ['store.rebuilt', 'chat.removed', 'state.damaged', 'state.reset', 'session.other-user'] as const) {
      expect(noticeKind(code)).toBe('info')
    }
    expect(noticeKind('server')).toBe('error')
  })

  it('names a removed group in the sentence, isolated for bidi, with no "Details" repeating it', async () => {
    const env = freshEnv('fa')
    const w = mountWith(NoticeStack, env.pinia)
    env.bridge.emit('notice', { code: 'chat.removed', detail: 'Budget review (Q3)' })
    await settle()
    const n = w.get('[data-code="chat.removed"]')
    expect(n.text()).toContain('شما دیگر عضو «\u2068Budget review (Q3)\u2069» نیستید.')
    expect(n.find('details').exists()).toBe(false)
    expect(fa.errors.chat.removed).toContain('{detail}')
  })

  it('keeps one of each notice, two removed groups as two, at most three, each dismissible', async () => {
    const w = mountWith(NoticeStack, pinia)
    const notices = useNoticesStore()
    bridge.emit('notice', { code: 'chat.removed', detail: 'A' })
    bridge.emit('notice', { code: 'chat.removed', detail: 'A' })
    bridge.emit('notice', { code: 'chat.removed', detail: 'B' })
    await settle()
    expect(notices.items.map((n) => n.detail)).toEqual(['A', 'B'])
    notices.push({ code: 'network' })
    notices.push({ code: 'server' })
    expect(notices.items.map((n) => n.code)).toEqual(['chat.removed', 'network', 'server'])
    await settle()
    await w.get('[data-code="network"] button').trigger('click')
    expect(notices.items.map((n) => n.code)).toEqual(['chat.removed', 'server'])
  })

  it('leaves an expired session to the connection banner, which has its "Sign in"', async () => {
    const w = mountWith(NoticeStack, pinia)
    bridge.emit('notice', { code: 'session.expired' })
    await settle()
    expect(w.find('[data-testid="notices"]').exists()).toBe(false)
  })
})
