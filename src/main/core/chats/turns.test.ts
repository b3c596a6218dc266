// Live turns (turns.ts): what arrives in one turn of the event loop shares one reading of the server's clock and is
// handed over at the turn's end, one batch per chat; the keys it makes grow and never repeat.
import { describe, expect, it } from 'vitest'
import type { Message } from '../../../shared/model'
import type { ChatState } from './registry'
import { LiveTurns, type LiveBatches } from './turns'

const turnEnd = () => new Promise<void>((resolve) => setImmediate(resolve))
const chat = (id: string) => ({ data: { id } }) as unknown as ChatState
const message = (key: string, chatId: string): Message => ({ key, chatId, senderName: 'Sara', text: key, at: 0, own: false, status: 'sent' })

function setup() {
  let reads = 0
  const flushed: LiveBatches[] = []
  const turns = new LiveTurns({ serverNow: () => 1_000 * ++reads, flush: (b) => flushed.push(b) })
  return { turns, flushed, reads: () => reads }
}

describe('LiveTurns', () => {
  it('a turn reads the server clock once, at its first frame, and the next turn reads it again', async () => {
    const { turns, reads } = setup()
    expect(reads()).toBe(0)
    expect([turns.serverNow(), turns.serverNow(), turns.serverNow()]).toEqual([1_000, 1_000, 1_000])
    expect(reads()).toBe(1)
    await turnEnd()
    expect(turns.serverNow()).toBe(2_000)
  })

  it('hands over each chat’s messages at the turn’s end, in arrival order, and nothing for a turn without any', async () => {
    const { turns, flushed } = setup()
    const a = chat('group:a')
    const b = chat('group:b')
    turns.add(a, message(turns.key(), 'group:a'))
    turns.add(b, message(turns.key(), 'group:b'))
    turns.add(a, message(turns.key(), 'group:a'))
    expect(flushed).toEqual([]) // not before the turn is over
    await turnEnd()
    expect(flushed).toHaveLength(1)
    expect(flushed[0].map(([s, list]) => [s.data.id, list.length])).toEqual([['group:a', 2], ['group:b', 1]])
    turns.serverNow() // a turn whose frames made no message (an echo that settled a send)
    await turnEnd()
    expect(flushed).toHaveLength(1)
  })

  it('keys grow across turns and differ between two runs of the app', async () => {
    const { turns } = setup()
    const keys: string[] = []
    for (let t = 0; t < 3; t++) {
      for (let i = 0; i < 50; i++) keys.push(turns.key())
      await turnEnd()
    }
    expect([...keys].sort()).toEqual(keys)
    expect(new Set(keys).size).toBe(keys.length)
    const other = new LiveTurns({ serverNow: () => 0, flush: () => undefined })
    const theirs = Array.from({ length: 50 }, () => other.key())
    for (const k of theirs) expect(keys).not.toContain(k)
  })
})
