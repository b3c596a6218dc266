// Group slugs (PROTOCOL Q7 / W1): the server only routes live messages for a group whose name equals its slug
// and whose slug is lowercase Latin letters, digits and underscores. The client suggests such a slug from a
// (usually Persian) title by transliteration. Pure: no Node, no DOM.

/** What `groups.create` accepts (contract.ts) and the live-chat rule needs. */
export const SLUG_PATTERN = /^[a-z0-9_]{1,64}$/
/** Suggestions are kept short enough to type and read. */
export const SUGGESTED_MAX = 40

export function isValidSlug(s: string): boolean {
  return SLUG_PATTERN.test(s)
}

// Consonant-only, as Persian writes no short vowels (the server's own R2 derivation: "گروه تست" → "grvhtst").
const LETTERS: Record<string, string> = {
  'ا': 'a', 'ٱ': 'a', 'ب': 'b', 'پ': 'p', 'ت': 't', 'ث': 's', 'ج': 'j', 'چ': 'ch', 'ح': 'h', 'خ': 'kh',
  'د': 'd', 'ذ': 'z', 'ر': 'r', 'ز': 'z', 'ژ': 'zh', 'س': 's', 'ش': 'sh', 'ص': 's', 'ض': 'z', 'ط': 't',
  'ظ': 'z', 'ع': '', 'غ': 'gh', 'ف': 'f', 'ق': 'gh', 'ک': 'k', 'ك': 'k', 'گ': 'g', 'ل': 'l', 'م': 'm',
  'ن': 'n', 'و': 'v', 'ه': 'h', 'ة': 'h', 'ھ': 'h', 'ی': 'y', 'ي': 'y', 'ى': 'y', 'ء': '',
}
const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹'
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩'
const SEPARATORS = /[\s\-\u2010-\u2015\u2212_]/

/**
 * A valid slug suggested from a title, or '' when nothing usable is left (no suggestion).
 * NFKD first: آ/أ/إ/ؤ/ئ/ۀ split into a base letter plus a combining mark (dropped), and Latin accents fall off.
 */
export function suggestSlug(title: string): string {
  let out = ''
  for (const ch of title.normalize('NFKD')) {
    if (/\p{M}/u.test(ch)) continue
    if (SEPARATORS.test(ch)) { out += '_'; continue }
    const d = PERSIAN_DIGITS.indexOf(ch)
    const a = ARABIC_DIGITS.indexOf(ch)
    if (d >= 0 || a >= 0) { out += String(d >= 0 ? d : a); continue }
    out += LETTERS[ch] ?? ch.toLowerCase()
  }
  const slug = out
    .replace(/[^a-z0-9_]/g, '')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, SUGGESTED_MAX)
    .replace(/_$/, '')
  return slug
}
