// The pure re-read merge (PROTOCOL Q9), property-tested: whatever the mix of stored, live, sent and new messages,
// every history message ends up exactly once, nothing local is matched twice, and merging again changes nothing.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Message } from '../../../shared/model'
import { mergeHistory, type MergeInput, type SentItem } from './timeline'

const TOL = 120_000
const texts = ['hi', 'سلام', 'ok', 'café', 'cafe\u0301', '\ud800x', '']

interface World {
  history: Message[]
  input: MergeInput
}

/** A history, and what this device holds of it: some stored with ids, some as live twins, some as own sends. */
const world = fc
  .array(
    fc.record({
      text: fc.constantFrom(...texts),
      own: fc.boolean(),
      isFile: fc.boolean(),
      gapMs: fc.integer({ min: 0, max: 200_000 }),
      local: fc.constantFrom('stored', 'live', 'sent', 'unseen'),
      driftMs: fc.integer({ min: -60_000, max: 60_000 }),
    }),
    { maxLength: 40 },
  )
  .map((specs): World => {
    let at = 1_700_000_000_000
    const history: Message[] = []
    const known = new Set<string>()
    const unmatched: Message[] = []
    const sent: SentItem[] = []
    specs.forEach((sp, i) => {
      at += sp.gapMs
      const h: Message = {
        key: `s:${i}`, serverId: String(i), chatId: 'group:g', senderName: sp.own ? 'Me' : 'Sara', senderId: sp.own ? 'me' : 'sara',
        text: sp.isFile ? '' : sp.text.toWellFormed().normalize('NFC'), at, own: sp.own, status: 'sent',
        ...(sp.isFile ? { file: { url: `http://s/cht/media/static/files/${100000 + i}.png`, name: `${100000 + i}.png`, isImage: true } } : {}),
      }
      history.push(h)
      if (sp.local === 'stored') known.add(h.serverId!)
      if (sp.local === 'live') unmatched.push({ ...h, key: `l:${i}`, serverId: undefined, text: sp.isFile ? '' : sp.text, at: h.at + sp.driftMs })
      if (sp.local === 'sent' && sp.own) {
        // What we typed (maybe not NFC, maybe a lone surrogate); the server's copy is after we sent it.
        sent.push({ key: `o:${i}`, text: sp.isFile ? '' : sp.text, sentAtServer: h.at - Math.abs(sp.driftMs) % 5_000, ...(sp.isFile ? { file: { name: 'mine.png' } } : {}) })
      }
    })
    return { history, input: { history, known, unmatched, sent, toleranceMs: TOL } }
  })

describe('mergeHistory (Q9)', () => {
  it('every history message ends up exactly once: stored, inserted, adopted by a local twin, or settling a send', () => {
    fc.assert(
      fc.property(world, ({ history, input }) => {
        const plan = mergeHistory(input)
        const ids = [...input.known, ...[...plan.insert, ...plan.adopt, ...plan.settle].map((m) => m.serverId!)]
        expect(ids.sort()).toEqual(history.map((h) => h.serverId!).sort())
        const adoptedKeys = plan.adopt.map((m) => m.key)
        const settledKeys = plan.settle.map((m) => m.key)
        expect(new Set(adoptedKeys).size).toBe(adoptedKeys.length)
        expect(new Set(settledKeys).size).toBe(settledKeys.length)
        for (const k of adoptedKeys) expect(input.unmatched.some((m) => m.key === k)).toBe(true)
        for (const k of settledKeys) expect(input.sent.some((s) => s.key === k)).toBe(true)
      }),
    )
  })

  it('merging the same history again changes nothing (idempotent)', () => {
    fc.assert(
      fc.property(world, ({ input }) => {
        const plan = mergeHistory(input)
        const matched = new Set([...plan.adopt, ...plan.settle].map((m) => m.key))
        const known = new Set([...input.known, ...[...plan.insert, ...plan.adopt, ...plan.settle].map((m) => m.serverId!)])
        const again = mergeHistory({
          ...input, known, unmatched: input.unmatched.filter((m) => !matched.has(m.key)), sent: input.sent.filter((s) => !matched.has(s.key)),
        })
        expect(again).toEqual({ insert: [], adopt: [], settle: [] })
      }),
    )
  })

  it('an own send found in the history is settled, never shown twice — whatever form the server stored the text in', () => {
    fc.assert(
      fc.property(fc.constantFrom(...texts.filter(Boolean)), fc.integer({ min: 0, max: 100_000 }), (typed, lagMs) => {
        const sentAtServer = 1_700_000_000_000
        const h: Message = {
          key: 's:1', serverId: '1', chatId: 'group:g', senderName: 'Me', text: typed.toWellFormed().normalize('NFC'),
          at: sentAtServer + lagMs, own: true, status: 'sent',
        }
        const plan = mergeHistory({ history: [h], known: new Set(), unmatched: [], sent: [{ key: 'o:1', text: typed, sentAtServer }], toleranceMs: TOL })
        expect(plan.insert).toEqual([])
        expect(plan.settle.map((m) => m.key)).toEqual(['o:1'])
      }),
    )
  })

  it('a history copy far older than the send is another message (the same "ok" typed an hour earlier)', () => {
    const h: Message = { key: 's:1', serverId: '1', chatId: 'group:g', senderName: 'Me', text: 'ok', at: 1_000_000, own: true, status: 'sent' }
    const plan = mergeHistory({ history: [h], known: new Set(), unmatched: [], sent: [{ key: 'o:1', text: 'ok', sentAtServer: 1_000_000 + 3_600_000 }], toleranceMs: TOL })
    expect(plan.insert.map((m) => m.key)).toEqual(['s:1'])
    expect(plan.settle).toEqual([])
  })

  it('an own file keeps its original name when its history copy settles it (Q5b)', () => {
    const h: Message = {
      key: 's:9', serverId: '9', chatId: 'group:g', senderName: 'Me', text: '', at: 2_000, own: true, status: 'sent',
      file: { url: 'http://s/cht/media/static/files/123456.pdf', name: '123456.pdf', isImage: false },
    }
    const plan = mergeHistory({ history: [h], known: new Set(), unmatched: [], sent: [{ key: 'o:f', text: '', sentAtServer: 1_000, file: { name: 'گزارش.pdf', size: 10 } }], toleranceMs: TOL })
    expect(plan.settle).toEqual([{ ...h, key: 'o:f', file: { ...h.file!, name: 'گزارش.pdf', size: 10 } }])
  })

  it('a server that repeats an id gets one message (issue 13)', () => {
    const h: Message = { key: 's:1', serverId: '1', chatId: 'group:g', senderName: 'Sara', text: 'x', at: 1, own: false, status: 'sent' }
    expect(mergeHistory({ history: [h, { ...h }], known: new Set(), unmatched: [], sent: [], toleranceMs: TOL }).insert).toHaveLength(1)
  })
})
