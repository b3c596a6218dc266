import { beforeEach, describe, expect, it } from 'vitest'
import { useFakeLayout } from '../testing/layout'
import type { Pinia } from 'pinia'
import { defineComponent, h } from 'vue'
import Timeline from './Timeline.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, makeMessages, type FakeBridge } from '../testing/fakeBridge'
import { MAX_IN_MEMORY, NEWEST_LIMIT, OLDER_LIMIT, useMessagesStore } from '../stores/messages'
import { useChatsStore } from '../stores/chats'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

useFakeLayout()

const chat = makeChat('group:big')

// Mounts the Timeline for a chat the way ChatView does: through the store's timeline state.
function mountTimeline() {
  const store = useMessagesStore()
  const Host = defineComponent(() => () => h(Timeline, { chatId: chat.id, isGroup: true, live: true, timeline: store.timeline(chat.id) }))
  return mountWith(Host, pinia)
}

describe('Timeline', () => {
  it('renders only a window of DOM nodes for 50 000 loaded messages', async () => {
    const store = useMessagesStore()
    const t = store.timeline(chat.id)
    t.messages = makeMessages(chat.id, 50_000)
    t.hasOlder = false
    const w = mountTimeline()
    await settle()
    const rendered = w.findAll('[data-testid="message"]')
    expect(rendered.length).toBeGreaterThan(0)
    expect(rendered.length).toBeLessThan(200)
    console.info(`rendered ${rendered.length} of 50000 messages`)
  })

  it('opens with the newest window and asks for the page before the first key when scrolled to the top', async () => {
    bridge.chats = [chat]
    const all = makeMessages(chat.id, 1000)
    bridge.messages.set(chat.id, all)
    const store = useMessagesStore()
    useChatsStore().list = [chat]
    await store.open(chat.id)
    const t = store.timeline(chat.id)
    expect(bridge.callsOf('chats.open')).toEqual([{ chatId: chat.id, limit: NEWEST_LIMIT }])
    expect(t.messages).toHaveLength(NEWEST_LIMIT)
    expect(t.hasOlder).toBe(true)
    const firstKey = t.messages[0]!.key

    const w = mountTimeline()
    await settle()
    const el = w.get('[data-testid="timeline"]').element as HTMLElement
    el.scrollTop = 0
    await settle()
    expect(bridge.callsOf('messages.older')).toEqual([{ chatId: chat.id, beforeKey: firstKey, limit: OLDER_LIMIT }])
    expect(t.messages).toHaveLength(NEWEST_LIMIT + OLDER_LIMIT)
    expect(t.messages[0]!.key).toBe(all[1000 - NEWEST_LIMIT - OLDER_LIMIT]!.key)
    expect(t.messages[OLDER_LIMIT]!.key).toBe(firstKey)
    // No jump: the previously first message stays where it was, so the scroll offset moved down by the new page.
    await settle()
    expect(el.scrollTop).toBeGreaterThanOrEqual(OLDER_LIMIT * 55)
    el.dispatchEvent(new Event('scroll')) // a browser fires this for the programmatic scroll; happy-dom does not
    await settle()
    const anchorRow = w.find(`[data-index="${OLDER_LIMIT}"]`)
    expect(anchorRow.exists()).toBe(true)
  })

  it('appends live messages, replaces updated ones and drops removed ones', async () => {
    bridge.chats = [chat]
    bridge.messages.set(chat.id, makeMessages(chat.id, 3))
    const store = useMessagesStore()
    await store.open(chat.id)
    const w = mountTimeline()
    await settle()
    const [extra] = makeMessages(chat.id, 4).slice(3)
    bridge.emit('messages.added', { chatId: chat.id, messages: [extra!] })
    await settle()
    expect(w.findAll('[data-testid="message"]')).toHaveLength(4)
    // The same message again (a duplicate batch) is not shown twice.
    bridge.emit('messages.added', { chatId: chat.id, messages: [extra!] })
    bridge.emit('messages.updated', { chatId: chat.id, messages: [{ ...extra!, text: 'edited text' }] })
    await settle()
    expect(w.findAll('[data-testid="message"]')).toHaveLength(4)
    expect(w.text()).toContain('edited text')
    bridge.emit('messages.removed', { chatId: chat.id, keys: [extra!.key] })
    await settle()
    expect(w.findAll('[data-testid="message"]')).toHaveLength(3)
  })

  it('reloads the newest window on messages.reset for the open chat', async () => {
    bridge.chats = [chat]
    bridge.messages.set(chat.id, makeMessages(chat.id, 3))
    const store = useMessagesStore()
    await store.open(chat.id)
    bridge.messages.set(chat.id, makeMessages(chat.id, 5))
    bridge.emit('messages.reset', { chatId: chat.id })
    await settle()
    expect(bridge.callsOf('chats.open')).toHaveLength(2)
    expect(store.timeline(chat.id).messages).toHaveLength(5)
  })

  it('keeps at most MAX_IN_MEMORY messages, dropping the newest and remembering to reload them', async () => {
    bridge.chats = [chat]
    bridge.messages.set(chat.id, makeMessages(chat.id, MAX_IN_MEMORY + 2 * OLDER_LIMIT))
    const store = useMessagesStore()
    await store.open(chat.id)
    const t = store.timeline(chat.id)
    while (t.hasOlder && !t.newestDropped) await store.loadOlder(chat.id)
    expect(t.messages.length).toBeLessThanOrEqual(MAX_IN_MEMORY)
    expect(t.newestDropped).toBe(true)
    await store.open(chat.id)
    expect(t.newestDropped).toBe(false)
    expect(t.messages).toHaveLength(NEWEST_LIMIT)
  })

  it('shows a day separator where the day changes', async () => {
    const store = useMessagesStore()
    const t = store.timeline(chat.id)
    const day = 86_400_000
    t.messages = makeMessages(chat.id, 3).map((m, i) => ({ ...m, at: Date.UTC(2024, 0, 1, 10) + (i === 2 ? day : 0) }))
    const w = mountTimeline()
    await settle()
    expect(w.findAll('[data-testid="day-separator"]')).toHaveLength(2)
  })
})
