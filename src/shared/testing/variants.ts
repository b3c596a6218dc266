// Test data for issue 14's property tests (shared/search.test.ts, core/search.test.ts): texts made of Persian,
// Arabic and Latin letters and digits, each with a "twin" a person could type for it — every letter a random variant
// of itself, invisible characters sprinkled in.
import fc from 'fast-check'

/** Letters and their variants: a person may type any of them for any other. */
export const VARIANTS: readonly string[][] = [
  ['ی', 'ي', 'ى', 'ئ'], ['ک', 'ك'], ['ه', 'ة', 'ۀ'], ['ا', 'أ', 'إ', 'آ', 'ٱ'], ['و', 'ؤ'],
  ...Array.from({ length: 10 }, (_, d) => [String(d), '۰۱۲۳۴۵۶۷۸۹'[d]!, '٠١٢٣٤٥٦٧٨٩'[d]!]),
  ['e', 'E', 'é', 'É'], ['a', 'A', 'à'], ['o', 'O', 'ö'],
  ['س'], ['ل'], ['م'], ['ب'], ['ر'], ['پ'], ['گ'], ['ز'], ['ن'], ['ت'], ['b'], ['u'], ['d'], ['g'], ['t'], ['r'],
]
/** Characters that never count: ZWNJ, ZWJ, ZWSP, tatweel, fatha, kasra, shadda, superscript alef. */
export const INVISIBLE = ['\u200c', '\u200d', '\u200b', 'ـ', '\u064e', '\u0650', '\u0651', '\u0670']

/** A text of words from VARIANTS, and its twin: every letter a random variant, invisible characters sprinkled in. */
export const textAndTwin = fc.array(
  fc.array(fc.tuple(fc.nat(VARIANTS.length - 1), fc.nat(3), fc.nat(3), fc.nat(INVISIBLE.length * 3)), { minLength: 1, maxLength: 7 }),
  { minLength: 1, maxLength: 6 },
).map((words) => {
  const one = (pick: (v: string[], a: number, b: number, inv: number) => string) =>
    words.map((w) => w.map(([v, a, b, inv]) => pick(VARIANTS[v]!, a, b, inv)).join('')).join(' ')
  return {
    text: one((v, a) => v[a % v.length]!),
    twin: one((v, _a, b, inv) => v[b % v.length]! + (inv < INVISIBLE.length ? INVISIBLE[inv]! : '')),
  }
})
