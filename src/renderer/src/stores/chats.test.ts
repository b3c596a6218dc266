import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useChatsStore } from './chats'
import { freshEnv } from '../testing/setup'
import { makeChat, type FakeBridge } from '../testing/fakeBridge'

let bridge: FakeBridge
beforeEach(() => ({ bridge } = freshEnv('en')))
afterEach(() => vi.useRealTimers())

describe('chats store drafts (issue 12 item 7)', () => {
  it('takes drafts from main once, then what is typed here wins', async () => {
    bridge.chats = [makeChat('group:a', { draft: 'from main' })]
    const chats = useChatsStore()
    await chats.load()
    expect(chats.drafts['group:a']).toBe('from main')
    chats.setDraft('group:a', 'typed here')
    // A list update still carrying the old draft (main has not heard yet) does not undo the typing.
    bridge.emit('chats.changed', [makeChat('group:a', { draft: 'from main' })])
    expect(chats.drafts['group:a']).toBe('typed here')
  })

  it('saves to main after a pause, at once when flushed or cleared', async () => {
    vi.useFakeTimers()
    const chats = useChatsStore()
    chats.setDraft('group:a', 'h')
    chats.setDraft('group:a', 'he')
    chats.setDraft('group:a', 'hey')
    expect(bridge.callsOf('drafts.set')).toEqual([])
    await vi.advanceTimersByTimeAsync(300)
    expect(bridge.callsOf('drafts.set')).toEqual([{ chatId: 'group:a', text: 'hey' }])

    chats.setDraft('group:b', 'other chat')
    chats.flushDrafts() // switching chats
    expect(bridge.callsOf('drafts.set').at(-1)).toEqual({ chatId: 'group:b', text: 'other chat' })

    chats.setDraft('group:a', '') // sent: cleared at once
    expect(bridge.callsOf('drafts.set').at(-1)).toEqual({ chatId: 'group:a', text: '' })
    expect(chats.drafts['group:a']).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1000)
    expect(bridge.callsOf('drafts.set')).toHaveLength(3)
  })
})
