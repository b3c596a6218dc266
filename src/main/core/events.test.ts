import { describe, expect, it } from 'vitest'
import type { EventBatch, Events, Message } from '../../shared/contract'
import { createEventBatcher } from './events'
import { manualClock } from './testing/clock'

function messages(chatId: string, n: number, from = 0): Message[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `k${from + i}`, chatId, senderName: 'x', text: String(from + i), at: from + i, own: false, status: 'sent' as const,
  }))
}

describe('event batcher (DESIGN §2)', () => {
  it('the event batcher throws RangeError when merging 200 000 messages — it merges any size, in order', async () => {
    const clock = manualClock()
    const batches: EventBatch[] = []
    const b = createEventBatcher((batch) => batches.push(batch), 16, clock)
    b.push('messages.added', { chatId: 'group:a', messages: messages('group:a', 200_000) })
    b.push('messages.added', { chatId: 'group:a', messages: messages('group:a', 200_000, 200_000) })
    b.push('messages.updated', { chatId: 'group:a', messages: messages('group:a', 1) })
    await clock.advance(16)
    expect(batches).toHaveLength(1)
    const [added, updated] = batches[0]
    const merged = (added[1] as Events['messages.added']).messages
    expect(merged).toHaveLength(400_000)
    expect(merged.every((m, i) => m.at === i)).toBe(true)
    expect(updated[0]).toBe('messages.updated')
  })

  it('merges consecutive additions to one chat without touching the emitter\'s arrays', async () => {
    const clock = manualClock()
    const batches: EventBatch[] = []
    const b = createEventBatcher((batch) => batches.push(batch), 16, clock)
    const first = messages('group:a', 2)
    b.push('messages.added', { chatId: 'group:a', messages: first })
    b.push('messages.added', { chatId: 'group:a', messages: messages('group:a', 1, 2) })
    b.push('messages.added', { chatId: 'group:b', messages: messages('group:b', 1) })
    b.flushNow()
    expect(first).toHaveLength(2)
    expect(batches[0].map(([name, p]) => [name, (p as Events['messages.added']).messages.length])).toEqual([
      ['messages.added', 3], ['messages.added', 1],
    ])
    expect(clock.pending()).toBe(0)
  })
})
