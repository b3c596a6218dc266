// The server address a person types on the sign-in screen → the origin the client uses (PROTOCOL §1: REST and
// sockets are derived from one origin). Shared by the renderer (to explain a bad address before asking main) and
// core (which refuses an unencrypted origin unless the person accepted the risk). Pure: no Node, no DOM.

export type AddressProblem = 'empty' | 'invalid' | 'scheme' | 'credentials'

export type ParsedAddress = { ok: true; origin: string } | { ok: false; problem: AddressProblem }

/** localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

/**
 * `cht.example.com` → `https://cht.example.com`; `localhost:8787`, `127.0.0.1` → `http://…` (a local reference
 * server has no certificate); an explicit `http://` or `https://` is kept; a path after the host is dropped.
 */
export function parseServerAddress(input: string): ParsedAddress {
  const s = input.trim()
  if (!s) return { ok: false, problem: 'empty' }
  if (/\s/.test(s)) return { ok: false, problem: 'invalid' }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s)
  // "host:8787" also matches the scheme pattern: only a "scheme://" or a known non-web scheme counts as one.
  const hasScheme = scheme !== null && (s.slice(scheme[0].length).startsWith('//') || !/^\d/.test(s.slice(scheme[0].length)))
  let url: URL
  try {
    url = new URL(hasScheme ? s : `https://${s}`)
  } catch {
    return { ok: false, problem: 'invalid' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: 'scheme' }
  if (url.username || url.password) return { ok: false, problem: 'credentials' }
  if (!url.hostname || !isPlausibleHost(url.hostname)) return { ok: false, problem: 'invalid' }
  if (!hasScheme && isLoopbackHost(url.hostname)) url.protocol = 'http:'
  return { ok: true, origin: url.origin }
}

/** A DNS name (with at least one letter or a dot), an IPv4 or a bracketed IPv6 literal; not "https" or "a..b". */
function isPlausibleHost(h: string): boolean {
  if (h.startsWith('[')) return true // URL already validated the IPv6 literal
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/i.test(h) && !/^(https?|www)$/i.test(h)
}

/** Plain `http:` to another machine: the token and every message cross the network unencrypted. */
export function isInsecureOrigin(origin: string): boolean {
  try {
    const u = new URL(origin)
    return u.protocol === 'http:' && !isLoopbackHost(u.hostname)
  } catch {
    return false
  }
}
