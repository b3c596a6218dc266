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
  if (url.protocol !== 'mailto:' && !url.hostname) return null
  return url.toString()
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
