import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useFakeLayout } from '../testing/layout'
import type { Pinia } from 'pinia'
import { defineComponent, h } from 'vue'
import Timeline from './Timeline.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, makeMessages, type FakeBridge } from '../testing/fakeBridge'
import type { Chat, Message } from '@shared/model'
import { MAX_IN_MEMORY, NEWEST_LIMIT, OLDER_LIMIT, useMessagesStore } from '../stores/messages'
import { useChatsStore } from '../stores/chats'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

useFakeLayout()

const chat = makeChat('group:big')

// Mounts the Timeline for a chat the way ChatView does: through the store's timeline state.
function mountTimeline(onQuote?: (m: Message) => void) {
  const store = useMessagesStore()
  const Host = defineComponent(() => () => h(Timeline, { chatId: chat.id, isGroup: true, live: true, timeline: store.timeline(chat.id), onQuote }))
  return mountWith(Host, pinia, { attachTo: document.body })
}

/** A chat with `n` messages from others, opened in the store and shown. */
async function shown(n: number, over: Partial<Chat> = {}) {
  const c = { ...chat, ...over }
  bridge.chats = [c, makeChat('group:other')]
  bridge.messages.set(chat.id, makeMessages(chat.id, n))
  useChatsStore().list = bridge.chats
  const store = useMessagesStore()
  await store.open(chat.id)
  const w = mountTimeline()
  await settle()
  const el = w.get('[data-testid="timeline"]').element as HTMLElement
  return { w, el, store, t: store.timeline(chat.id) }
}

/** The reader scrolls (the fake layout fires the scroll event, as a browser does). */
async function scrollTo(el: HTMLElement, top: number): Promise<void> {
  el.scrollTop = top
  await settle()
}

const bottomOf = (el: HTMLElement) => el.scrollHeight - el.clientHeight

/** Where the row of a message starts in the scrolled content (the virtual list positions rows by translateY). */
function rowStart(w: ReturnType<typeof mountTimeline>, key: string): number {
  const row = w.get(`[data-key="${key}"]`).element.closest('.row') as HTMLElement
  return Number(/translateY\(([\d.]+)px\)/.exec(row.style.transform)![1])
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
    // Placed at the newest first (the virtual list sizes itself over a few frames): only then is "to the top" a scroll.
    await vi.waitFor(() => expect(el.scrollTop).toBe(bottomOf(el)))
    el.scrollTop = 0
    await settle()
    expect(bridge.callsOf('messages.older')).toEqual([{ chatId: chat.id, beforeKey: firstKey, limit: OLDER_LIMIT }])
    expect(t.messages).toHaveLength(NEWEST_LIMIT + OLDER_LIMIT)
    expect(t.messages[0]!.key).toBe(all[1000 - NEWEST_LIMIT - OLDER_LIMIT]!.key)
    expect(t.messages[OLDER_LIMIT]!.key).toBe(firstKey)
    // No jump: the previously first message stays where it was, so the scroll offset moved down by the new page.
    await settle()
    expect(el.scrollTop).toBeGreaterThanOrEqual(OLDER_LIMIT * 55)
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

  it('at the newest message it starts and follows new ones', async () => {
    const { el, w } = await shown(300)
    expect(el.scrollTop).toBe(bottomOf(el))
    const [next] = makeMessages(chat.id, 301).slice(300)
    bridge.emit('messages.added', { chatId: chat.id, messages: [next!] })
    await settle()
    expect(el.scrollTop).toBe(bottomOf(el))
    expect(w.find('[data-testid="scroll-to-bottom"]').exists()).toBe(false)
    w.unmount()
  })

  it('above it, the place holds through a list refresh and messages here and elsewhere, which are counted', async () => {
    const { el, w, t } = await shown(300)
    await scrollTo(el, 3000)
    const place = { ...t.anchor! }
    const onScreen = () => rowStart(w, place.key) - el.scrollTop
    const before = onScreen()
    expect(before).toBe(-place.offset)
    // Every chat object replaced (chats.changed), a message in another chat, two here.
    bridge.emit('chats.changed', bridge.chats.map((c) => ({ ...c, lastMessage: { senderName: 'x', text: 'y', isFile: false, at: Date.now() } })))
    bridge.emit('messages.added', { chatId: 'group:other', messages: makeMessages('group:other', 1) })
    const more = makeMessages(chat.id, 302).slice(300)
    bridge.emit('messages.added', { chatId: chat.id, messages: more })
    await settle()
    // The same message at the same height on screen (rows measured above it may have moved the scroll offset).
    expect(t.anchor).toEqual(place)
    expect(onScreen()).toBe(before)
    const down = w.get('[data-testid="scroll-to-bottom"]')
    expect(down.get('[data-testid="new-messages"]').text()).toBe('2 new messages')
    expect(down.attributes('aria-label')).toBe('Go to the newest message — 2 new messages')
    // One new message reads in the singular.
    bridge.emit('messages.added', { chatId: chat.id, messages: makeMessages(chat.id, 303).slice(302) })
    await settle()
    expect(w.get('[data-testid="new-messages"]').text()).toBe('3 new messages')

    await down.trigger('click')
    await settle()
    expect(el.scrollTop).toBe(bottomOf(el))
    expect(t.unseen).toBe(0)
    expect(t.anchor).toBeNull()
    expect(w.find('[data-testid="scroll-to-bottom"]').exists()).toBe(false)
    w.unmount()
  })

  it('the place survives the view being closed and opened again (Settings, another chat)', async () => {
    const { el, w, store, t } = await shown(300)
    await scrollTo(el, 2400)
    const place = { ...t.anchor! }
    w.unmount()
    // A message arrives while the chat is not shown: counted, the place kept.
    bridge.emit('messages.added', { chatId: chat.id, messages: makeMessages(chat.id, 301).slice(300) })
    await store.open(chat.id)
    const again = mountTimeline()
    await settle()
    const el2 = again.get('[data-testid="timeline"]').element as HTMLElement
    // The same message at the same distance from the top of the view.
    expect(t.anchor).toEqual(place)
    expect(el2.scrollTop).toBe(rowStart(again, place.key) + place.offset)
    expect(again.get('[data-testid="new-messages"]').text()).toBe('1 new message')
    again.unmount()
  })

  it('an own message sent from here takes the reader down', async () => {
    const { el, w, store } = await shown(300)
    await scrollTo(el, 1000)
    await store.send(chat.id, 'my reply')
    await settle()
    expect(el.scrollTop).toBe(bottomOf(el))
    w.unmount()
  })

  it('opens at the unread divider, counted in words; from below, a bar jumps back to it (and can be dismissed)', async () => {
    const { el, w, t } = await shown(300, { unread: 25 })
    const divider = w.get('[data-testid="unread-divider"]')
    expect(divider.text()).toBe('25 unread messages')
    // The divider's row (the first unread: #275) sits near the top of the view, a line of context above it.
    const first = `${chat.id}#275`
    expect(t.unread).toEqual({ key: first, count: 25 })
    expect(el.scrollTop).toBe(rowStart(w, first) - 96)
    expect(w.find('[data-testid="jump-unread"]').exists()).toBe(false)

    await scrollTo(el, bottomOf(el))
    const jump = w.get('[data-testid="jump-unread"]')
    expect(jump.text()).toBe('25 unread messages — jump to the first')
    await jump.trigger('click')
    await settle()
    expect(el.scrollTop).toBe(rowStart(w, first) - 96)
    expect(w.find('[data-testid="jump-unread"]').exists()).toBe(false)
    await scrollTo(el, bottomOf(el))
    await w.get('[data-testid="jump-unread-dismiss"]').trigger('click')
    expect(w.find('[data-testid="jump-unread"]').exists()).toBe(false)
    expect(w.find('[data-testid="unread-divider"]').exists()).toBe(false) // not rendered down here; still set
    expect(t.unread?.count).toBe(25)
    w.unmount()
  })

  it('jumping to a first unread message that is not loaded yet reads older pages until it is', async () => {
    bridge.chats = [{ ...chat, unread: 450 }]
    bridge.messages.set(chat.id, makeMessages(chat.id, 1000))
    useChatsStore().list = bridge.chats
    const store = useMessagesStore()
    await store.open(chat.id)
    const w = mountTimeline()
    await settle()
    const t = store.timeline(chat.id)
    expect(t.messages).toHaveLength(NEWEST_LIMIT)
    await w.get('[data-testid="jump-unread"]').trigger('click')
    await settle(10)
    expect(bridge.callsOf('messages.older')).toHaveLength(2)
    const i = t.messages.findIndex((m) => m.key === `${chat.id}#550`)
    expect(i).toBeGreaterThan(0)
    expect(w.find('[data-testid="unread-divider"]').exists()).toBe(true)
    w.unmount()
  })

  it('right-click on a message: its menu; copy goes through main\'s clipboard; quote hands the message up', async () => {
    let quoted: Message | undefined
    bridge.chats = [chat]
    bridge.messages.set(chat.id, makeMessages(chat.id, 5))
    useChatsStore().list = bridge.chats
    await useMessagesStore().open(chat.id)
    const w = mountTimeline((m) => (quoted = m))
    await settle()
    const msg = w.findAll('[data-testid="message"]')[2]!
    const e = new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 100, clientY: 100 })
    msg.element.dispatchEvent(e)
    expect(e.defaultPrevented).toBe(true)
    await settle()
    const menu = w.get('[data-testid="message-menu"]')
    expect(menu.attributes('role')).toBe('menu')
    expect(menu.findAll('[role="menuitem"]').map((i) => i.text())).toEqual(['Copy text', 'Quote'])
    expect(document.activeElement?.getAttribute('data-testid')).toBe('menu-copyText')
    await menu.get('[data-testid="menu-copyText"]').trigger('click')
    await settle()
    expect(bridge.clipboard).toBe('message 2')
    expect(w.get('[data-testid="copied"]').text()).toBe('Copied.')
    expect(w.find('[data-testid="message-menu"]').exists()).toBe(false)

    msg.element.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true }))
    await settle()
    await w.get('[data-testid="menu-quote"]').trigger('click')
    expect(quoted?.key).toBe(`${chat.id}#2`)
    w.unmount()
  })

  it('from the keyboard: Shift+F10 (or the menu key) on the timeline opens the menu of the newest message in view', async () => {
    const { w } = await shown(5)
    const tl = w.get('[data-testid="timeline"]')
    const rows = w.findAll('[data-testid="message"]')
    // happy-dom lays nothing out: give the rows and the view the places a browser would.
    ;(tl.element as HTMLElement).getBoundingClientRect = () => ({ top: 0, bottom: 600, left: 0, right: 800 }) as DOMRect
    rows.forEach((r, i) => {
      ;(r.element as HTMLElement).getBoundingClientRect = () => ({ top: 40 + i * 60, bottom: 100 + i * 60, left: 0, right: 800 }) as DOMRect
    })
    await tl.trigger('keydown', { key: 'F10', shiftKey: true })
    await settle()
    expect(w.get('[data-testid="message-menu"]').findAll('[role="menuitem"]').map((i) => i.text())).toEqual(['Copy text', 'Quote'])
    expect(document.activeElement?.getAttribute('data-testid')).toBe('menu-copyText')
    await w.get('[data-testid="menu-copyText"]').trigger('click')
    await settle()
    expect(bridge.clipboard).toBe('message 4')
    w.unmount()
  })

  it('a re-read while the chat is not open reads as much as is held on return, so the place is still there', async () => {
    const { el, w, store, t } = await shown(300)
    await store.loadOlder(chat.id)
    await settle()
    await scrollTo(el, 4000)
    const place = { ...t.anchor! }
    w.unmount()
    useChatsStore().activeId = 'group:other'
    bridge.emit('messages.reset', { chatId: chat.id })
    expect(t.stale).toBe(true)
    await store.open(chat.id)
    expect(bridge.callsOf('chats.open').at(-1)).toEqual({ chatId: chat.id, limit: t.messages.length })
    expect(t.messages).toHaveLength(300)
    const again = mountTimeline()
    await settle()
    expect(t.anchor).toEqual(place)
    expect((again.get('[data-testid="timeline"]').element as HTMLElement).scrollTop).toBe(rowStart(again, place.key) + place.offset)
    again.unmount()
  })
})
