import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Pinia } from 'pinia'
import ChatList from './ChatList.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, type FakeBridge } from '../testing/fakeBridge'
import { useChatsStore } from '../stores/chats'
import fa from '../i18n/fa'
import en from '../i18n/en'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

const now = Date.now()
const chats = [
  makeChat('group:dev', { title: 'برنامه‌نويسان', unread: 3, membersCount: 4, lastMessage: { senderName: 'Ali', text: 'سلام\nخوبی؟', isFile: false, at: now - 5_000 } }),
  makeChat('direct:u-2', { title: 'Sara Ahmadi', lastMessage: { senderName: 'Sara Ahmadi', text: '', isFile: true, at: now - 3 * 3_600_000 } }),
  makeChat('group:Old', { title: 'Old Group', live: false }),
]

describe('ChatList', () => {
  it('lists chats from chats.list, newest first, with unread badge, preview, file label and read-only marker', async () => {
    bridge.chats = chats
    await useChatsStore().load()
    const w = mountWith(ChatList, pinia)
    await settle()
    const items = w.findAll('[data-testid="chat-item"]')
    expect(items.map((i) => i.attributes('data-chat-id'))).toEqual(['group:dev', 'direct:u-2', 'group:Old'])
    expect(items[0]!.get('[data-testid="chat-title"]').element.tagName).toBe('BDI')
    expect(items[0]!.get('[data-testid="chat-unread"]').text()).toBe('3')
    expect(items[0]!.text()).toContain('سلام خوبی؟')
    expect(items[0]!.text()).toContain('now')
    expect(items[1]!.find('[data-testid="chat-unread"]').exists()).toBe(false)
    expect(items[1]!.text()).toContain('File')
    expect(items[2]!.find('[data-testid="chat-readonly"]').exists()).toBe(true)
    await items[1]!.trigger('click')
    expect(w.emitted('select')).toEqual([['direct:u-2']])
  })

  it('follows chats.changed and filters by a normalized title search', async () => {
    const w = mountWith(ChatList, pinia)
    bridge.emit('chats.changed', chats)
    await settle()
    expect(w.findAll('[data-testid="chat-item"]')).toHaveLength(3)
    // Arabic yeh + no ZWNJ finds the Persian title.
    await w.get('[data-testid="chat-search"]').setValue('برنامه نويس')
    expect(w.findAll('[data-testid="chat-item"]').map((i) => i.attributes('data-chat-id'))).toEqual(['group:dev'])
    // Issue 14: no chat by that name is not the answer any more — the messages are searched too.
    await w.get('[data-testid="chat-search"]').setValue('zzz')
    expect(w.findAll('[data-testid="chat-item"]')).toHaveLength(0)
    await vi.waitFor(() => expect(w.find('[data-testid="search-none"]').exists()).toBe(true))
    expect(w.get('[data-testid="search-none"]').text()).toBe('No messages found.')
    expect(w.text()).not.toContain('No chat matches')
  })

  it('shows Persian digits for unread counts in fa', async () => {
    const env = freshEnv('fa')
    env.bridge.chats = [makeChat('group:a', { unread: 12 })]
    await useChatsStore().load()
    const w = mountWith(ChatList, env.pinia)
    await settle()
    expect(w.get('[data-testid="chat-unread"]').text()).toBe('۱۲')
    expect(w.get('[data-testid="chat-search"]').attributes('placeholder')).toBe(fa.chats.searchHint)
  })

  it('says "You:" for own messages, the sender in groups, and "Draft:" for a chat with unsent text (issue 12)', async () => {
    bridge.chats = [
      makeChat('group:a', { title: 'A', lastMessage: { senderName: 'Me Myself', own: true, text: 'mine', isFile: false, at: now - 1 } }),
      makeChat('direct:u-2', { title: 'Sara', lastMessage: { senderName: 'Sara', text: 'hers', isFile: false, at: now - 2 } }),
      makeChat('group:b', { title: 'B', draft: 'half written', lastMessage: { senderName: 'علی', text: 'سلام', isFile: false, at: now - 3 } }),
    ]
    await useChatsStore().load()
    const w = mountWith(ChatList, pinia)
    await settle()
    const row = (id: string) => w.get(`[data-chat-id="${id}"]`)
    expect(row('group:a').get('[data-testid="chat-preview-sender"]').text()).toBe('You')
    expect(row('direct:u-2').find('[data-testid="chat-preview-sender"]').exists()).toBe(false)
    expect(row('group:b').get('[data-testid="chat-draft-label"]').text()).toBe('Draft:')
    expect(row('group:b').get('[data-testid="chat-draft"]').text()).toBe('half written')
    // Each run is isolated: the name in <bdi>, the preview with its own direction.
    expect(row('group:a').get('[data-testid="chat-preview-sender"]').element.tagName).toBe('BDI')
    expect(row('group:a').get('[data-testid="chat-preview-text"]').attributes('dir')).toBe('auto')
  })

  it('is one Tab stop that arrows, Home and End move through (roving tabindex, issue 12 item 9)', async () => {
    bridge.chats = chats
    await useChatsStore().load()
    const w = mountWith(ChatList, pinia, { attachTo: document.body })
    await settle()
    const tabbable = () => w.findAll('[data-testid="chat-item"]').filter((i) => i.attributes('tabindex') === '0').map((i) => i.attributes('data-chat-id'))
    expect(tabbable()).toEqual(['group:dev'])
    const first = w.get('[data-chat-id="group:dev"]')
    ;(first.element as HTMLElement).focus()
    await first.trigger('keydown', { key: 'ArrowDown' })
    await settle()
    expect(document.activeElement?.getAttribute('data-chat-id')).toBe('direct:u-2')
    expect(tabbable()).toEqual(['direct:u-2'])
    await w.get('[data-chat-id="direct:u-2"]').trigger('keydown', { key: 'End' })
    await settle()
    expect(document.activeElement?.getAttribute('data-chat-id')).toBe('group:Old')
    await w.get('[data-chat-id="group:Old"]').trigger('keydown', { key: 'Home' })
    await settle()
    expect(document.activeElement?.getAttribute('data-chat-id')).toBe('group:dev')
    // A letter typed on the list goes to the search box.
    await w.get('[data-chat-id="group:dev"]').trigger('keydown', { key: 's' })
    expect(document.activeElement?.getAttribute('data-testid')).toBe('chat-search')
    ;(w.get('[data-chat-id="group:dev"]').element as HTMLElement).focus()
    // Alt+arrows are left to the app-wide chat switch.
    await w.get('[data-chat-id="group:dev"]').trigger('keydown', { key: 'ArrowDown', altKey: true })
    await settle()
    expect(document.activeElement?.getAttribute('data-chat-id')).toBe('group:dev')
    w.unmount()
  })

  it('says "no chats yet" only once the server said so: not from an empty store while offline or still asking (issue 10)', async () => {
    const chats = useChatsStore()
    const w = mountWith(ChatList, pinia)
    const empty = () => w.get('[data-testid="chats-empty"]')
    // Started from disk with nothing stored, the server down.
    bridge.emit('connection.changed', { status: 'connecting' })
    bridge.emit('chats.changed', [])
    await settle()
    expect(empty().attributes('data-state')).toBe('looking')
    expect(empty().text()).toBe(en.chats.looking)
    bridge.emit('connection.changed', { status: 'offline' })
    await settle()
    expect(empty().text()).toBe(en.chats.emptyOffline)
    // Online, but the list has not been read from the server yet (a restored session polls a little later).
    bridge.emit('connection.changed', { status: 'online' })
    await settle()
    expect(empty().attributes('data-state')).toBe('looking')
    // The server's answer: really nothing.
    bridge.emit('chats.changed', [])
    await settle()
    expect(empty().text()).toBe(en.chats.empty)
    expect(chats.confirmed).toBe(true)
    // Known from the server, it stays true through an outage.
    bridge.emit('connection.changed', { status: 'offline' })
    await settle()
    expect(empty().text()).toBe(en.chats.empty)
    // A new session starts over.
    chats.reset()
    await settle()
    expect(chats.confirmed).toBe(false)
  })

  it('says it in Persian too', async () => {
    const env = freshEnv('fa')
    const w = mountWith(ChatList, env.pinia)
    env.bridge.emit('connection.changed', { status: 'offline' })
    env.bridge.emit('chats.changed', [])
    await settle()
    expect(w.get('[data-testid="chats-empty"]').text()).toBe(fa.chats.emptyOffline)
  })
})
