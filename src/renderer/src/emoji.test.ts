import { describe, expect, it } from 'vitest'
import { EMOJI_GROUPS, loadEmoji, searchEmoji } from './emoji'

describe('emoji data (bundled, offline)', () => {
  it('offers every group in the standard order, without skin-tone components or too-new emoji', async () => {
    const all = await loadEmoji()
    expect(all.length).toBeGreaterThan(1500)
    expect(all[0]!.char).toBe('😀')
    expect(new Set(all.map((e) => e.group))).toEqual(new Set(EMOJI_GROUPS))
    expect(all.some((e) => e.char === '🏻')).toBe(false)
    // Emoji 16 (face with bags under eyes) is newer than the bundled font.
    expect(all.some((e) => e.char === '🫩')).toBe(false)
  })

  it('names each emoji in English and Persian', async () => {
    const smile = (await loadEmoji()).find((e) => e.char === '😀')!
    expect(smile.name.en).toBe('grinning face')
    expect(smile.name.fa).toMatch(/[\u0600-\u06FF]/)
  })

  it('finds by English or Persian keywords, with Arabic letter variants', async () => {
    const all = await loadEmoji()
    expect(searchEmoji(all, 'thumbs up').map((e) => e.char)).toContain('👍️')
    expect(searchEmoji(all, 'خنده')[0]!.char).toBe('😀')
    // Arabic yeh and kaf typed for Persian ی and ک: "كيك" finds the cakes of "کیک".
    const cakes = searchEmoji(all, 'کیک').map((e) => e.char)
    expect(cakes).toContain('🎂')
    expect(searchEmoji(all, 'كيك').map((e) => e.char)).toEqual(cakes)
    expect(searchEmoji(all, '   ')).toEqual([])
    expect(searchEmoji(all, 'zzzz-no-such-emoji')).toEqual([])
  })
})
