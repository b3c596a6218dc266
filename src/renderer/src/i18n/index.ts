import { createI18n } from 'vue-i18n'
import type { AppError, ErrorCode, Locale } from '@shared/model'
import fa, { type MessageSchema } from './fa'
import en from './en'

/** The one i18n instance (composition mode). The settings store switches its locale. */
export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'fa',
  fallbackLocale: 'en',
  messages: { fa, en },
  missingWarn: false,
  fallbackWarn: false,
})

export const messages = { fa, en }

/**
 * Codes whose text names their `detail` (a chat's title, never a server error body): the detail is part of the
 * sentence, not a "Details" disclosure. i18n.test.ts checks that exactly these texts carry `{detail}`.
 */
export const DETAIL_IN_TEXT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['chat.removed'])

/** Unicode first-strong isolate … pop: a Persian title inside an English sentence (and back) keeps its own direction. */
const isolate = (s: string): string => `\u2068${s}\u2069`

/** Translate an AppError (or a bare code); unknown codes fall back to errors.unknown — never a raw server text. */
export function errorText(err: AppError | ErrorCode | undefined): string {
  const code = typeof err === 'string' ? err : err?.code
  const g = i18n.global
  const key = `errors.${code ?? 'unknown'}`
  const detail = typeof err === 'object' && err.detail && DETAIL_IN_TEXT.has(err.code) ? isolate(err.detail) : ''
  return g.te(key) ? g.t(key, { detail }) : g.t('errors.unknown')
}

export function dirOf(locale: Locale): 'rtl' | 'ltr' {
  return locale === 'fa' ? 'rtl' : 'ltr'
}
