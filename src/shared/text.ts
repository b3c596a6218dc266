// Text hygiene for strings that come from the server (PROTOCOL Q14: never trust server strings).
// Shared by core (wire.ts) and the renderer. Pure: no Node, no DOM.

// Unicode Bidi_Control characters (ALM, LRM, RLM, LRE..RLO, LRI..PDI): they let a name reorder the text around it
// ("evil\u202Egnp.exe"). ZWNJ (U+200C) and ZWJ (U+200D) are NOT here — Persian spelling needs them.
// C0 controls except \t and \n, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex
const UNSAFE_TEST = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/
// Message bodies keep their content; only NUL and the two OVERRIDES (LRO/RLO) go, since those visibly spoof text.
// eslint-disable-next-line no-control-regex
const TEXT_UNSAFE = /[\u0000\u202D\u202E]/g
// eslint-disable-next-line no-control-regex
const TEXT_UNSAFE_TEST = /[\u0000\u202D\u202E]/
const SPACES = /\s+/g

export const NAME_MAX = 200

/** Removes bidi controls and C0/C1 control characters (keeps \n and \t, ZWNJ and ZWJ). */
export function stripUnsafe(s: string): string {
  return UNSAFE_TEST.test(s) ? s.replace(UNSAFE, '') : s
}

/** A display name: unsafe characters removed, whitespace collapsed, trimmed, at most NAME_MAX characters. */
export function cleanName(s: string): string {
  if (isCleanName(s)) return s
  const out = stripUnsafe(s).replace(SPACES, ' ').trim()
  return truncate(out, NAME_MAX).trimEnd()
}

/** Fast path (names are cleaned on every frame): true when cleanName would return `s` unchanged. */
function isCleanName(s: string): boolean {
  const n = s.length
  if (n === 0 || n > NAME_MAX) return n === 0
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 32) {
      if (i === 0 || i === n - 1 || s.charCodeAt(i - 1) === 32) return false
    } else if (c < 32 || (c >= 0x7f && c <= 0xa0) || c === 0x061c || c === 0x1680 || (c >= 0x2000 && c <= 0x200f) ||
      (c >= 0x2028 && c <= 0x202f) || c === 0x205f || (c >= 0x2066 && c <= 0x2069) || c === 0x3000 || c === 0xfeff ||
      (c >= 0xd800 && c <= 0xdfff)) {
      return false // whitespace, controls, bidi, surrogates: let the slow path decide
    }
  }
  return true
}

/** A message body: content kept (newlines included); NUL and bidi overrides removed. */
export function cleanText(s: string): string {
  return TEXT_UNSAFE_TEST.test(s) ? s.replace(TEXT_UNSAFE, '') : s
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s
  const code = s.charCodeAt(max - 1)
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max)
}
