import { describe, expect, it } from 'vitest'
import type { ErrorCode } from '@shared/model'
import fa from './fa'
import en from './en'
import { DETAIL_IN_TEXT, errorText, i18n } from './index'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}
function leaves(o: object): unknown[] {
  return Object.values(o).flatMap((v) => (v && typeof v === 'object' ? leaves(v as object) : [v]))
}

// Record<ErrorCode, true> fails the typecheck if a code is added to model.ts and not listed here.
const CODES: Record<ErrorCode, true> = {
  'auth.invalid': true, 'auth.socket': true, forbidden: true, throttled: true, network: true, timeout: true,
  server: true, 'bad-response': true, 'not-found': true, 'invalid-input': true, 'group.name-taken': true,
  'group.slug-taken': true, 'group.not-live': true, 'user.not-found': true, 'message.rejected': true,
  'message.empty': true, 'file.too-large': true, 'file.empty': true, 'file.first-in-direct': true,
  'file.unreadable': true, 'file.open-failed': true, 'sso.cancelled': true, 'signin.cancelled': true, 'origin.insecure': true,
  'secret.plaintext-refused': true, 'session.expired': true, 'session.other-user': true, 'chat.removed': true, 'store.rebuilt': true,
  'state.reset': true, 'state.damaged': true, 'app.recovered': true, unknown: true,
}

describe('i18n', () => {
  it('fa and en have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(fa).sort())
    expect(keys(fa).length).toBeGreaterThan(50)
  })

  it('has no empty strings', () => {
    for (const v of [...leaves(fa), ...leaves(en)]) {
      expect(typeof v).toBe('string')
      expect((v as string).trim()).not.toBe('')
    }
  })

  it('translates every ErrorCode in both locales, never falling back to unknown', () => {
    for (const locale of ['fa', 'en'] as const) {
      i18n.global.locale.value = locale
      const unknown = errorText('unknown')
      for (const code of Object.keys(CODES) as ErrorCode[]) {
        expect(i18n.global.te(`errors.${code}`, locale), `${locale} errors.${code}`).toBe(true)
        if (code !== 'unknown') expect(errorText(code)).not.toBe(unknown)
      }
    }
  })

  it('puts a detail into exactly the texts that name it (and nowhere else: a server body never reaches the text)', () => {
    for (const locale of [fa, en]) {
      const withDetail = (Object.keys(CODES) as ErrorCode[]).filter((code) => {
        const text = code.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], locale.errors)
        return typeof text === 'string' && text.includes('{detail}')
      })
      expect(withDetail.sort()).toEqual([...DETAIL_IN_TEXT].sort())
    }
    i18n.global.locale.value = 'en'
    expect(errorText({ code: 'server', detail: '<html>500</html>' })).toBe(en.errors.server)
    expect(errorText({ code: 'chat.removed', detail: 'گروه مالی' })).toBe('You are no longer a member of “\u2068گروه مالی\u2069”.')
  })

  it('maps an unexpected code to errors.unknown instead of showing it raw', () => {
    i18n.global.locale.value = 'en'
    expect(errorText('no.such-code' as ErrorCode)).toBe(en.errors.unknown)
    i18n.global.locale.value = 'fa'
    expect(errorText({ code: 'auth.invalid' })).toBe(fa.errors.auth.invalid)
  })

  it('uses plural forms in English and the one Persian form for every count (issue 12 item 5)', () => {
    const g = i18n.global
    g.locale.value = 'en'
    expect(g.t('chats.unread', { n: 1 }, 1)).toBe('1 unread message')
    expect(g.t('chats.unread', { n: 2 }, 2)).toBe('2 unread messages')
    expect(g.t('chat.membersCount', { n: 1 }, 1)).toBe('1 member')
    expect(g.t('chat.membersCount', { n: 0 }, 0)).toBe('0 members')
    expect(g.t('people.count', { n: 1 }, 1)).toBe('1 person')
    g.locale.value = 'fa'
    expect(g.t('chats.unread', { n: '۱' }, 1)).toBe('۱ پیام خوانده‌نشده')
    expect(g.t('chats.unread', { n: '۵' }, 5)).toBe('۵ پیام خوانده‌نشده')
  })
})
