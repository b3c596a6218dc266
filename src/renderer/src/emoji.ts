// Emoji for the picker (issue 12), entirely offline: the list, groups and English names and keywords come from
// emojibase-data, the Persian names and keywords from the Unicode CLDR annotations (cldr-annotations-full), both
// bundled at build time and loaded only when the picker first opens (a separate chunk).
import { normalizeForSearch } from '@shared/search'

export const EMOJI_GROUPS = [
  'smileys-emotion', 'people-body', 'animals-nature', 'food-drink', 'travel-places', 'activities', 'objects', 'symbols', 'flags',
] as const
export type EmojiGroup = (typeof EMOJI_GROUPS)[number]
/** The emoji on each group's button in the picker. */
export const GROUP_ICONS: Record<EmojiGroup, string> = {
  'smileys-emotion': '😀', 'people-body': '👋', 'animals-nature': '🐱', 'food-drink': '🍎', 'travel-places': '✈️',
  activities: '⚽', objects: '💡', symbols: '❤️', flags: '🏁',
}

export interface EmojiItem {
  /** The emoji itself (with its presentation selector). */
  char: string
  /** Its name in English and in Persian. */
  name: { en: string; fa: string }
  /** Normalized names and keywords in both languages, for search. */
  keys: string
  group: EmojiGroup
}

/**
 * Emoji newer than this Unicode Emoji version are left out: the bundled Twemoji font (twemoji-colr-font 15.0)
 * would show them as empty boxes.
 */
const MAX_EMOJI_VERSION = 15

// emojibase group numbers (its messages.json): 2 is "components" (skin tones, hair), never offered on its own.
const GROUP_BY_NUMBER: Record<number, EmojiGroup> = {
  0: 'smileys-emotion', 1: 'people-body', 3: 'animals-nature', 4: 'food-drink', 5: 'travel-places', 6: 'activities',
  7: 'objects', 8: 'symbols', 9: 'flags',
}

let loading: Promise<EmojiItem[]> | null = null

/** Every emoji the picker offers, in the standard order (loaded once). */
export function loadEmoji(): Promise<EmojiItem[]> {
  loading ??= Promise.all([
    import('emojibase-data/en/data.json'),
    import('cldr-annotations-full/annotations/fa/annotations.json'),
  ]).then(([en, fa]) => build(en.default, fa.default.annotations.annotations))
  return loading
}

interface BaseEmoji {
  emoji: string
  label: string
  tags?: string[]
  group?: number
  order?: number
  version: number
}
type FaAnnotations = Record<string, { default?: string[]; tts?: string[] } | undefined>

function build(data: BaseEmoji[], fa: FaAnnotations): EmojiItem[] {
  const out: Array<EmojiItem & { order: number }> = []
  for (const e of data) {
    const group = e.group === undefined ? undefined : GROUP_BY_NUMBER[e.group]
    if (!group || e.version > MAX_EMOJI_VERSION) continue
    const faEntry = fa[e.emoji] ?? fa[e.emoji.replace(/\uFE0F/g, '')]
    const faName = faEntry?.tts?.[0] ?? ''
    out.push({
      char: e.emoji,
      name: { en: e.label, fa: faName || e.label },
      keys: normalizeForSearch([e.label, ...(e.tags ?? []), ...(faEntry?.default ?? []), faName].join(' ')),
      group,
      order: e.order ?? 0,
    })
  }
  return out.sort((a, b) => a.order - b.order)
}

/**
 * Sequences (ZWJ, keycaps) that the bundled font draws as one glyph: some it does not join (😶‍🌫️ would show as a
 * face beside a cloud), and those are left out of the picker. Measured once on a canvas with the loaded font;
 * without a canvas (tests) everything is kept.
 */
export async function drawable(items: EmojiItem[], fontFamily = 'Twemoji'): Promise<EmojiItem[]> {
  if (typeof document === 'undefined' || !document.fonts) return items
  const ctx = document.createElement('canvas').getContext?.('2d')
  if (!ctx) return items
  await document.fonts.load(`32px ${fontFamily}`, '😀').catch(() => undefined)
  ctx.font = `32px ${fontFamily}`
  const one = ctx.measureText('😀').width
  if (!one) return items
  const isSequence = (c: string): boolean => c.includes('\u200D') || c.includes('\u20E3') // ZWJ, keycap
  return items.filter((e) => !isSequence(e.char) || ctx.measureText(e.char).width <= one * 1.3)
}

let offered: Promise<EmojiItem[]> | null = null

/** What the picker offers: every emoji the bundled font draws whole (worked out once). */
export function pickerEmoji(): Promise<EmojiItem[]> {
  offered ??= loadEmoji().then((all) => drawable(all))
  return offered
}

/** Emoji whose English or Persian names or keywords contain every word of the query (Persian letter variants equal). */
export function searchEmoji(items: readonly EmojiItem[], query: string, limit = 120): EmojiItem[] {
  const words = normalizeForSearch(query).split(' ').filter(Boolean)
  if (!words.length) return []
  const hits: EmojiItem[] = []
  for (const e of items) {
    if (words.every((w) => e.keys.includes(w))) hits.push(e)
    if (hits.length >= limit) break
  }
  return hits
}
