// Chat search normalization: Persian users type with Persian or Arabic keyboards, so ي/ی, ك/ک, ة/ه, أ/إ/آ/ا and
// Arabic/Persian digits must match each other, and ZWNJ / diacritics / tatweel must not matter.
const MAP: Record<string, string> = {
  'ي': 'ی', 'ى': 'ی', 'ئ': 'ی',
  'ك': 'ک',
  'ة': 'ه', 'ۀ': 'ه',
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا',
  'ؤ': 'و',
}
const DIGITS = '۰۱۲۳۴۵۶۷۸۹'
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩'

export function normalizeForSearch(s: string): string {
  let out = ''
  for (const ch of s.normalize('NFC')) {
    // ZWNJ, ZWJ, tatweel, Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, hamza above/below).
    if (ch === '\u200c' || ch === '\u200d' || ch === '\u0640' || /[\u064b-\u065f\u0670]/.test(ch)) continue
    const d = DIGITS.indexOf(ch)
    if (d >= 0) { out += String(d); continue }
    const a = ARABIC_DIGITS.indexOf(ch)
    if (a >= 0) { out += String(a); continue }
    out += MAP[ch] ?? ch
  }
  return out.toLowerCase().replace(/\s+/g, ' ').trim()
}

/** True when every word of the query occurs in the text (after normalization). */
export function matchesSearch(text: string, query: string): boolean {
  const q = normalizeForSearch(query)
  if (!q) return true
  const t = normalizeForSearch(text)
  return q.split(' ').every((w) => t.includes(w))
}
