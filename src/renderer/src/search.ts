// People and chat search normalization: Persian users type with Persian or Arabic keyboards, so ي/ی, ك/ک, ة/ه,
// أ/إ/آ/ا, ؤ/و and Arabic/Persian digits must match each other, and ZWNJ / diacritics / tatweel must not matter.
// Kept in the renderer: only the UI searches (core never needs it).
const MAP: Record<string, string> = {
  'ي': 'ی', 'ى': 'ی', 'ئ': 'ی', 'ې': 'ی', 'ۍ': 'ی',
  'ك': 'ک', 'ڪ': 'ک',
  'ة': 'ه', 'ۀ': 'ه', 'ۃ': 'ه', 'ھ': 'ه', 'ہ': 'ه',
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ٲ': 'ا', 'ٳ': 'ا',
  'ؤ': 'و',
}
const DIGITS = '۰۱۲۳۴۵۶۷۸۹'
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩'
// ZWNJ, ZWJ, ZWSP, word joiner, BOM, tatweel, Arabic diacritics (harakat, tanwin, shadda, sukun, hamza above/below:
// U+064B–U+065F), superscript alef (U+0670), Quranic annotation marks (U+06D6–U+06ED).
function ignored(c: number): boolean {
  return (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff || c === 0x0640 ||
    (c >= 0x064b && c <= 0x065f) || c === 0x0670 || (c >= 0x06d6 && c <= 0x06ed)
}

export function normalizeForSearch(s: string): string {
  let out = ''
  for (const ch of s.normalize('NFC')) {
    if (ignored(ch.codePointAt(0)!)) continue
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
