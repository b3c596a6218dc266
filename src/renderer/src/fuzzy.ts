// Quick-switcher matching: the query's letters must appear in order (a subsequence); matches at word starts and
// runs of consecutive letters score higher, gaps cost a little. Both sides go through normalizeForSearch, so
// Persian/Arabic letter variants, digits and ZWNJ compare equal. A small DP (titles are short) finds the best
// alignment rather than the first one: "sah" prefers "[S]ara [Ah]madi" over "[Sa]ra A[h]madi".
import { normalizeForSearch } from '@shared/search'

const MATCH = 1
const WORD_START = 8
const CONSECUTIVE = 8
const GAP = 0.2
const LEAD = 0.05
const SEP = /[\s\-_.,:;/()[\]@#'"«»،]/

/** Higher is better; null when the query is not a subsequence of the text. An empty query scores 0. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = normalizeForSearch(query).replace(/ /g, '')
  if (!q) return 0
  const t = normalizeForSearch(text)
  const n = t.length
  if (q.length > n) return null
  // prev[j]: best score with the previous query letter matched at t[j].
  let prev: number[] = []
  for (let i = 0; i < q.length; i++) {
    const cur = new Array<number>(n).fill(-Infinity)
    let gapBest = -Infinity // max over k <= j-2 of prev[k] - GAP * (j - k - 1)
    for (let j = 0; j < n; j++) {
      if (t[j] === q[i]) {
        const bonus = MATCH + (j === 0 || SEP.test(t[j - 1]!) ? WORD_START : 0)
        if (i === 0) cur[j] = bonus - LEAD * j
        else cur[j] = bonus + Math.max(j > 0 ? prev[j - 1]! + CONSECUTIVE : -Infinity, gapBest)
      }
      if (i > 0) gapBest = Math.max(gapBest - GAP, j > 0 ? prev[j - 1]! - GAP : -Infinity)
    }
    prev = cur
  }
  const best = Math.max(...prev)
  // Shorter texts win ties ("Ali" before "Alireza" for "ali").
  return best === -Infinity ? null : best - 0.01 * n
}

/** Items whose text matches, best first (stable for equal scores). */
export function fuzzyFilter<T>(query: string, items: readonly T[], text: (item: T) => string): T[] {
  return items
    .map((item, i) => ({ item, i, s: fuzzyScore(query, text(item)) }))
    .filter((x): x is { item: T; i: number; s: number } => x.s !== null)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.item)
}
