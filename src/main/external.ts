import { shell } from 'electron'

const ALLOWED = new Set(['https:', 'http:', 'mailto:'])

/**
 * The URL string that may be handed to the OS, or null. Only http(s)/mailto, no credentials, re-serialized
 * through `new URL` so what the OS receives is exactly what was checked (DESIGN §6).
 */
export function safeExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return null
  // Control, format (zero-width, bidi overrides) and space characters have no business in a link we open
  // for the user: they hide what the link really is. IDN hosts stay allowed (serialized as punycode).
  // Backslashes are "fixed" into slashes by URL parsers, differently by each: refuse rather than guess.
  if (/[\p{Cc}\p{Cf}\p{Z}\uFFFD\\]/u.test(raw)) return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (!ALLOWED.has(url.protocol)) return null
  if (url.username || url.password) return null
  if (url.protocol === 'mailto:') return mailtoWithSubjectAndBody(url)
  if (!url.hostname) return null
  return url.toString()
}

/**
 * A mailto: link keeps its addresses and at most a subject and a body (issue 13): `attach=~/.ssh/id_rsa`,
 * `attachment=`, extra `to`/`cc`/`bcc` and headers some mail clients honour are dropped. '+' is a literal plus in
 * mailto: (RFC 6068), so the query is read by hand, not with URLSearchParams.
 */
function mailtoWithSubjectAndBody(url: URL): string {
  const kept = new Map<string, string>()
  for (const pair of url.search.slice(1).split('&')) {
    const eq = pair.indexOf('=')
    const key = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase()
    if ((key !== 'subject' && key !== 'body') || kept.has(key)) continue
    try {
      kept.set(key, encodeURIComponent(decodeURIComponent(eq < 0 ? '' : pair.slice(eq + 1))))
    } catch {
      // a malformed %-escape: that parameter is dropped
    }
  }
  const query = [...kept].map(([k, v]) => `${k}=${v}`).join('&')
  return `mailto:${url.pathname}${query ? `?${query}` : ''}`
}

/** Opens a link in the user's browser/mail client if it passes `safeExternalUrl`; true when opened. */
export async function openExternalSafe(raw: unknown): Promise<boolean> {
  const url = safeExternalUrl(raw)
  if (!url) return false
  try {
    await shell.openExternal(url, { activate: true })
    return true
  } catch {
    return false
  }
}
