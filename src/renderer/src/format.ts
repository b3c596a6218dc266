// Dates, times and numbers per UI locale: the Persian calendar and Persian digits in fa (DESIGN §8).
import type { Locale } from '@shared/model'

const cache = new Map<string, Intl.DateTimeFormat>()

function intlLocale(locale: Locale): string {
  return locale === 'fa' ? 'fa-IR-u-ca-persian' : 'en'
}

function fmt(locale: Locale, opts: Intl.DateTimeFormatOptions, id: string): Intl.DateTimeFormat {
  const k = `${locale}|${id}`
  let f = cache.get(k)
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(locale), opts)
    cache.set(k, f)
  }
  return f
}

/** HH:mm (24 h). */
export function formatTime(locale: Locale, at: number): string {
  if (!Number.isFinite(at)) return ''
  return fmt(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, 'time').format(at)
}

/**
 * A day heading: weekday, day, month, year — `یکشنبه ۲۴ آبان ۱۴۰۵` in fa (Persian calendar), `Sunday, November 15,
 * 2026` in en. ICU's fa pattern is year-first with a Latin comma (`۱۴۰۵ آبان ۲۴, یکشنبه`), which reads backwards in a
 * Persian sentence, so fa is assembled from the parts in the order people write it. Used by the day separators and
 * the floating date of the timeline.
 */
export function formatDay(locale: Locale, at: number): string {
  if (!Number.isFinite(at)) return ''
  const f = fmt(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, 'day')
  if (locale !== 'fa') return f.format(at)
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {}
  for (const p of f.formatToParts(at)) part[p.type] = p.value
  return [part.weekday, part.day, part.month, part.year].filter(Boolean).join(' ')
}

export function formatShortDate(locale: Locale, at: number): string {
  return fmt(locale, { day: 'numeric', month: 'short', year: '2-digit' }, 'short').format(at)
}

export function formatWeekday(locale: Locale, at: number): string {
  return fmt(locale, { weekday: 'short' }, 'weekday').format(at)
}

export function formatNumber(locale: Locale, n: number): string {
  return new Intl.NumberFormat(locale === 'fa' ? 'fa-IR' : 'en').format(n)
}

/** When something ends: HH:mm today, "weekday HH:mm" on another day (Do Not Disturb "until …"). */
export function formatUntil(locale: Locale, until: number, now: number): string {
  return isSameDay(until, now) ? formatTime(locale, until) : `${formatWeekday(locale, until)} ${formatTime(locale, until)}`
}

/** Local calendar day identity (for day separators). */
export function dayKey(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
}

export function isSameDay(a: number, b: number): boolean {
  return dayKey(a) === dayKey(b)
}

/** 'today' | 'yesterday' | null, relative to now. */
export function relativeDay(at: number, now: number): 'today' | 'yesterday' | null {
  if (isSameDay(at, now)) return 'today'
  const y = new Date(now)
  y.setDate(y.getDate() - 1)
  return isSameDay(at, y.getTime()) ? 'yesterday' : null
}

/** Chat-list time: "now" under a minute, HH:mm today, weekday within a week, a short date otherwise. */
export function formatListTime(locale: Locale, at: number, now: number, nowLabel: string): string {
  if (!Number.isFinite(at)) return ''
  if (Math.abs(now - at) < 60_000) return nowLabel
  if (isSameDay(at, now)) return formatTime(locale, at)
  if (now - at < 6 * 86_400_000 && now > at) return formatWeekday(locale, at)
  return formatShortDate(locale, at)
}
