// Search normalization, ONE implementation for the whole app (issue 14): the People and chat-list filters in the
// renderer, and the message index in core (the database stores this form of every text and file name; queries go
// through the same function). Persian users type with Persian or Arabic keyboards, so ي/ی, ك/ک, ة/ه, أ/إ/آ/ا, ؤ/و
// and Arabic/Persian digits must match each other, and ZWNJ, tatweel and diacritics must not matter; Latin is
// case- and accent-folded. Pure: no Node, no DOM.

const MAP: Record<string, string> = {
  'ي': 'ی', 'ى': 'ی', 'ې': 'ی', 'ۍ': 'ی',
  'ك': 'ک', 'ڪ': 'ک',
  'ة': 'ه', 'ە': 'ه', 'ۃ': 'ه', 'ھ': 'ه', 'ہ': 'ه',
  'ٱ': 'ا', 'ٲ': 'ا', 'ٳ': 'ا',
}
const DIGITS = '۰۱۲۳۴۵۶۷۸۹'
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩'
// Letters that carry a hamza or madda (أ إ آ ؤ ئ ۀ ۂ …) decompose (NFD) into the plain letter + a combining mark,
// and every combining mark is dropped: harakat, tanwin, shadda, sukun, superscript alef, Latin accents. Also dropped:
// ZWNJ, ZWJ, ZWSP, word joiner, BOM, tatweel, Quranic annotation marks (U+06D6–U+06ED).
const MARK = /\p{M}/u
function ignored(c: number): boolean {
  return (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff || c === 0x0640 || (c >= 0x06d6 && c <= 0x06ed)
}

/** The search form of one code point: '' when it does not count (a mark, a joiner), else one or more letters. */
function foldSlow(ch: string): string {
  let out = ''
  for (const part of ch.toLowerCase().normalize('NFD')) {
    const p = part.codePointAt(0)!
    if (ignored(p) || MARK.test(part)) continue
    const d = DIGITS.indexOf(part)
    const a = ARABIC_DIGITS.indexOf(part)
    out += d >= 0 ? String(d) : a >= 0 ? String(a) : (MAP[part] ?? part)
  }
  return out
}

// Every text of the index passes here (a million messages on a big install), so each code unit's form is computed
// once and kept in a table; characters outside the BMP (emoji…) take the slow path.
const FOLD: Array<string | undefined> = new Array(0x10000)
const ASTRAL = new Map<string, string>()

/**
 * Calls `each(form, start, end)` for every code point of `s`, in order: its search form and where it is in `s`.
 * The one loop every function here is built on.
 */
function forEachFolded(s: string, each: (form: string, start: number, end: number) => void): void {
  const n = s.length
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        const ch = s.slice(i, i + 2)
        let f = ASTRAL.get(ch)
        if (f === undefined) {
          f = foldSlow(ch)
          if (ASTRAL.size < 10_000) ASTRAL.set(ch, f)
        }
        each(f, i, i + 2)
        i++
        continue
      }
    }
    each(FOLD[c] ?? (FOLD[c] = foldSlow(String.fromCharCode(c))), i, i + 1)
  }
}

/** The search form of a text: every code point folded, whitespace collapsed, trimmed. */
export function normalizeForSearch(s: string): string {
  let out = ''
  forEachFolded(s, (f) => {
    out += f
  })
  return out.replace(/\s+/g, ' ').trim()
}

/** True when every word of the query occurs in the text (after normalization). */
export function matchesSearch(text: string, query: string): boolean {
  const q = normalizeForSearch(query)
  if (!q) return true
  const t = normalizeForSearch(text)
  return q.split(' ').every((w) => t.includes(w))
}

// ---- words (the message index) ------------------------------------------------------------------------------------

/**
 * What a word is made of: letters, digits and private-use characters — the token characters of SQLite's unicode61
 * tokenizer, which splits the stored (normalized) text the same way. Everything else separates words.
 */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu
const WORD_CHAR = /^[\p{L}\p{N}\p{Co}]$/u
const WORD_CODE = new Uint8Array(0x10000) // 0: not known yet, 1: separator, 2: part of a word

/** Whether the character at `k` of a (folded) string belongs to a word: ASCII inline, the rest remembered. */
function isWordChar(s: string, k: number): boolean {
  const code = s.charCodeAt(k)
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)
  if (code >= 0xd800 && code <= 0xdfff) return WORD_CHAR.test(s.slice(k, k + 2)) // a surrogate: rare, not cached
  let w = WORD_CODE[code]!
  if (!w) WORD_CODE[code] = w = WORD_CHAR.test(s[k]!) ? 2 : 1
  return w === 2
}

/** The most words a query uses (each one is an index lookup). */
export const MAX_QUERY_WORDS = 12

export interface SearchTerms {
  /** Normalized words, each to be found (in any order). */
  words: string[]
  /** The last word may be the start of a longer one: the person is still typing it. */
  prefix: boolean
}

/**
 * A query as the index reads it: its normalized words (each once), the last one a prefix unless the query ends with a
 * space. A one-letter last word is matched whole: a one-letter prefix matches most of the index and finds nothing in
 * particular.
 */
export function searchTerms(query: string): SearchTerms {
  const all = normalizeForSearch(query).match(WORD) ?? []
  const words = [...new Set(all)].slice(0, MAX_QUERY_WORDS)
  const last = words[words.length - 1]
  const prefix = !!last && !/\s$/.test(query) && all[all.length - 1] === last && [...last].length >= 2
  return { words, prefix }
}

/** A text range to highlight, in UTF-16 offsets: [start, end). */
export interface TextRange {
  start: number
  end: number
}

const ZWNJ = '\u200c'

/**
 * The form the message index stores: the search form of the text, then the parts of every word written with a
 * half-space (ZWNJ), so "می‌خواهم" is found as "میخواهم" and also as "می خواهم" — typed with a space, as people
 * often do in a search box.
 */
export function indexForm(text: string): string {
  const joined = normalizeForSearch(text)
  if (!text.includes(ZWNJ)) return joined
  const parts: string[] = []
  for (const w of text.split(/\s+/)) if (w.includes(ZWNJ)) parts.push(...w.split(ZWNJ).map(normalizeForSearch).filter(Boolean))
  return parts.length ? `${joined} ${parts.join(' ')}` : joined
}

/**
 * Where the query's words occur in `text` (the original, not normalized): each word of the text whose search form
 * equals a query word (or starts with the last one, when it is a prefix) — or, for a word written with a half-space,
 * each part of it that does (indexForm). Offsets are in the original text, so the renderer highlights exactly what
 * the person reads, ZWNJ, diacritics and Arabic letter forms included.
 */
export function matchRanges(text: string, terms: SearchTerms): TextRange[] {
  if (!terms.words.length) return []
  const whole = new Set(terms.words)
  const stem = terms.prefix ? terms.words[terms.words.length - 1] : undefined
  const matches = (w: string) => whole.has(w) || (stem !== undefined && w.startsWith(stem))
  const out: TextRange[] = []
  // The word being read, and its parts between half-spaces (start/end of each, and of the part being read).
  let word = ''
  let start = -1
  let end = -1
  const parts: Array<{ word: string; start: number; end: number }> = []
  let part = ''
  let partStart = -1
  let partEnd = -1
  const closePart = () => {
    if (part) parts.push({ word: part, start: partStart, end: partEnd })
    part = ''
    partStart = -1
  }
  const close = () => {
    closePart()
    if (word && matches(word)) out.push({ start, end })
    else if (parts.length > 1) for (const p of parts) if (matches(p.word)) out.push({ start: p.start, end: p.end })
    word = ''
    start = -1
    parts.length = 0
  }
  forEachFolded(text, (f, from, to) => {
    if (!f) {
      // A mark or joiner inside a word belongs to it: never cut a letter from its diacritic. A half-space ends a part.
      if (start < 0) return
      end = to
      if (text.charCodeAt(from) === 0x200c) closePart()
      else partEnd = to
      return
    }
    for (let k = 0; k < f.length; k++) {
      const code = f.charCodeAt(k)
      const pair = code >= 0xd800 && code <= 0xdbff && k + 1 < f.length
      if (isWordChar(f, k)) {
        if (start < 0) start = from
        if (partStart < 0) partStart = from
        const c = pair ? f.slice(k, k + 2) : f[k]!
        word += c
        part += c
        end = partEnd = to
      } else {
        close()
      }
      if (pair) k++
    }
  })
  close()
  return out
}

/** A short piece of a text around its first match, with the matches in it, for a result list. */
export interface Snippet {
  text: string
  ranges: TextRange[]
}

/** Characters a snippet shows at most; the first match is placed after about `SNIPPET_LEAD` of them. */
export const SNIPPET_LENGTH = 160
const SNIPPET_LEAD = 40

/**
 * The snippet of `text` for these terms: the whole text when short, else a window that starts a little before the
 * first match (at a word boundary) with "…" where it was cut. Line breaks become spaces (one line in a list).
 */
export function snippetOf(text: string, terms: SearchTerms, max = SNIPPET_LENGTH): Snippet {
  const flat = text.replace(/[\r\n\t\u2028\u2029]/g, ' ')
  const ranges = matchRanges(flat, terms)
  if (flat.length <= max) return { text: flat, ranges }
  let from = 0
  const first = ranges[0]
  if (first && first.start > SNIPPET_LEAD) {
    from = first.start - SNIPPET_LEAD
    const space = flat.indexOf(' ', from)
    if (space >= 0 && space < first.start) from = space + 1
  }
  let to = Math.min(flat.length, from + max)
  if (to < flat.length) {
    const space = flat.lastIndexOf(' ', to)
    if (space > from + max / 2) to = space
  }
  from = safeCut(flat, from)
  to = safeCut(flat, to)
  const head = from > 0 ? '…' : ''
  const tail = to < flat.length ? '…' : ''
  const shift = head.length - from
  const inside = ranges
    .filter((r) => r.start >= from && r.end <= to)
    .map((r) => ({ start: r.start + shift, end: r.end + shift }))
  return { text: head + flat.slice(from, to) + tail, ranges: inside }
}

/** A cut point that does not split a surrogate pair. */
function safeCut(s: string, at: number): number {
  const c = s.charCodeAt(at - 1)
  return at > 0 && at < s.length && c >= 0xd800 && c <= 0xdbff ? at - 1 : at
}

/** Splits `text` into plain and matched parts by `ranges` (the renderer shows the matched ones marked). */
export function splitByRanges(text: string, ranges: readonly TextRange[]): Array<{ text: string; match: boolean }> {
  const parts: Array<{ text: string; match: boolean }> = []
  let at = 0
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const start = Math.max(at, Math.min(text.length, r.start))
    const end = Math.max(start, Math.min(text.length, r.end))
    if (start > at) parts.push({ text: text.slice(at, start), match: false })
    if (end > start) parts.push({ text: text.slice(start, end), match: true })
    at = end
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false })
  return parts
}
