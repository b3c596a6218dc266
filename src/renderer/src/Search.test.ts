// Issue 14 (renderer side), the whole app on the fake bridge: the sidebar's search box finds messages (a "Messages"
// section under the chats), Ctrl/Cmd+F one chat, Ctrl/Cmd+Shift+F every chat; answers to older keystrokes are dropped;
// Enter opens a result in its chat (the window around it, highlighted, focused), newer pages load below it; Escape
// goes back to where the person was.
import { describe, expect, it, vi } from 'vitest'
import type { SearchPage } from '@shared/contract'
import type { Message } from '@shared/model'
import { useAppMount } from './testing/app'
import { freshEnv, settle } from './testing/setup'
import { makeChat, makeMessages } from './testing/fakeBridge'
import { useFakeLayout } from './testing/layout'
import { useMessagesStore } from './stores/messages'
import { useSearchStore } from './stores/search'

useFakeLayout()
const mountApp = useAppMount()

async function start() {
  const env = freshEnv('en')
  const { bridge } = env
  bridge.session = { serverOrigin: 'https://cht.example', user: bridge.user }
  const now = Date.now()
  bridge.chats = [
    makeChat('group:team', { title: 'Team', lastMessage: { senderName: 'Ali', text: 'hi', isFile: false, at: now - 1000 } }),
    makeChat('group:archive', { title: 'Archive', lastMessage: { senderName: 'Ali', text: 'x', isFile: false, at: now - 2000 } }),
    makeChat('group:budgets', { title: 'Budgets' }),
  ]
  bridge.messages.set('group:team', makeMessages('group:team', 30))
  // A long archive with the needle in the middle.
  const archive = makeMessages('group:archive', 600).map((m, i): Message => (i === 300 ? { ...m, text: 'گزارش فروش کیک‌های ویژه' } : m))
  bridge.messages.set('group:archive', archive)
  bridge.messages.set('group:budgets', [
    { ...makeMessages('group:budgets', 1)[0]!, text: 'the budget for Q3', at: now - 5000 },
    { ...makeMessages('group:budgets', 2)[1]!, text: '', at: now - 4000, own: true, file: { url: 'https://cht.example/cht/media/static/files/1.pdf', name: 'Budget plan.pdf', isImage: false } },
  ])
  const app = await mountApp(env.pinia)
  return { ...env, ...app, needle: archive[300]! }
}

function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = document.activeElement ?? window): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }))
}
const box = () => document.querySelector<HTMLInputElement>('[data-testid="chat-search"]')!
const hits = () => [...document.querySelectorAll<HTMLElement>('[data-testid="search-hit"]')]
async function type(text: string): Promise<void> {
  box().value = text
  box().dispatchEvent(new Event('input'))
  await settle()
}

describe('message search', () => {
  it('typing in the sidebar finds messages under the chats, newest first, words marked; Arabic forms find Persian', async () => {
    const { bridge } = await start()
    await type('budget')
    await vi.waitFor(() => expect(hits()).toHaveLength(2))
    // The chat named "Budgets" is listed as a chat, the messages under "Messages".
    expect([...document.querySelectorAll('[data-testid="chat-item"]')].map((e) => (e as HTMLElement).dataset.chatId)).toEqual(['group:budgets'])
    expect([...document.querySelectorAll('.chat-list h2')].map((h) => h.textContent)).toEqual(['Chats', 'Messages'])
    expect(hits()[0]!.querySelector('[data-testid="search-hit-title"]')!.textContent).toBe('Budgets')
    expect(hits()[0]!.querySelector('[data-testid="search-hit-sender"]')!.textContent).toBe('You')
    expect(hits()[0]!.querySelector('[data-testid="search-hit-snippet"]')!.textContent).toContain('Budget plan.pdf')
    expect([...hits()[1]!.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['budget'])
    expect(hits()[1]!.querySelector('mark')!.children).toHaveLength(0) // text only
    expect(bridge.callsOf('search.messages').at(-1)).toEqual({ query: 'budget', limit: 30 })

    await type('گزارش فروش كيكهاي')
    await vi.waitFor(() => expect(hits().map((h) => h.dataset.chatId)).toEqual(['group:archive']))
    // One letter: no message search yet (it would match too much), and no "nothing found" either.
    await type('x')
    await settle()
    expect(document.querySelector('[data-testid="search-results"]')).toBeNull()
  })

  it('drops the answer to an older query that arrives after the newer one', async () => {
    const { bridge } = await start()
    const waiting: Array<() => void> = []
    const old: SearchPage = { hits: [{ chatId: 'group:team', key: 'k-old', at: 1, own: false, senderName: 'Ali', field: 'text', snippet: { text: 'hi there', ranges: [] } }] }
    bridge.handle('search.messages', (a) => new Promise<SearchPage>((resolve) => {
      waiting.push(() => resolve(a.query === 'hi' ? old : { hits: [] }))
    }))
    await type('hi')
    await vi.waitFor(() => expect(waiting).toHaveLength(1))
    await type('zeppelin')
    await vi.waitFor(() => expect(waiting).toHaveLength(2))
    waiting[1]!() // the newer answer first: nothing found
    await settle()
    waiting[0]!() // then the stale one
    await settle()
    expect(hits()).toHaveLength(0)
    expect(document.querySelector('[data-testid="search-none"]')?.textContent).toContain('No messages found')
  })

  it('Enter on a result opens its chat around the message, highlighted and focused; newer pages load below; Escape goes back', async () => {
    const { bridge, router, needle } = await start()
    await router.push({ name: 'chats', params: { chatId: 'group:team' } })
    await settle()
    const messages = useMessagesStore()
    messages.setAnchor('group:team', { key: 'group:team#10', offset: 5 })
    press('f', { ctrlKey: true, shiftKey: true }, window)
    await settle()
    expect(document.activeElement).toBe(box())
    await type('کیکهای')
    await vi.waitFor(() => expect(hits()).toHaveLength(1))
    press('ArrowDown', {}, box())
    await settle()
    expect(document.activeElement).toBe(hits()[0])
    hits()[0]!.click() // a button: Enter on it is its click
    await settle(10)
    expect(router.currentRoute.value.params.chatId).toBe('group:archive')
    expect(bridge.callsOf('chats.open').at(-1)).toEqual({ chatId: 'group:archive', around: needle.key, limit: 100 })
    const t = messages.timeline('group:archive')
    expect(t.messages[0]!.key).toBe('group:archive#251')
    expect(t.newestDropped).toBe(true)
    const found = document.querySelector<HTMLElement>('[data-found="true"]')!
    expect(found.dataset.key).toBe(needle.key)
    await vi.waitFor(() => expect(document.activeElement).toBe(found))
    expect([...found.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['کیک‌های'])
    expect(document.querySelector('[data-testid="found-bar"]')).not.toBeNull()

    // Main re-read the history meanwhile (messages.reset): the window around the reader's place is read again.
    const anchor = t.anchor!
    expect(anchor.key).toBe(needle.key)
    bridge.emit('messages.reset', { chatId: 'group:archive' })
    await settle(10)
    expect(bridge.callsOf('chats.open').at(-1)).toEqual({ chatId: 'group:archive', around: needle.key, limit: 100 })
    expect(t.anchor).toEqual(anchor)
    expect(t.found?.key).toBe(needle.key)
    expect(t.messages.some((m) => m.key === needle.key)).toBe(true)

    // Newer pages, as the reader scrolls down to the bottom of what is held.
    await messages.loadNewer('group:archive')
    expect(bridge.callsOf('messages.newer').at(-1)).toEqual({ chatId: 'group:archive', afterKey: 'group:archive#350', limit: 200 })
    expect(t.messages.at(-1)!.key).toBe('group:archive#550')
    await messages.loadNewer('group:archive')
    expect(t.newestDropped).toBe(false)
    expect(t.messages.at(-1)!.key).toBe('group:archive#599')

    // Escape: back to Team at the place it had; the search is over.
    press('Escape', {}, document.activeElement!)
    await settle(10)
    expect(router.currentRoute.value.params.chatId).toBe('group:team')
    expect(messages.timeline('group:team').anchor).toEqual({ key: 'group:team#10', offset: 5 })
    expect(box().value).toBe('')
    expect(useSearchStore().back).toBeNull()
    expect(document.querySelector('[data-testid="found-bar"]')).toBeNull()
  })

  it('Ctrl+F searches the open chat (a chip in the box); Backspace in the empty box takes the chip away', async () => {
    const { bridge, router } = await start()
    await router.push({ name: 'chats', params: { chatId: 'group:budgets' } })
    await settle()
    press('f', { ctrlKey: true }, window)
    await settle()
    expect(document.querySelector('[data-testid="search-scope"]')?.textContent).toContain('Budgets')
    expect(box().placeholder).toBe('Search in this chat')
    await type('budget')
    await vi.waitFor(() => expect(hits()).toHaveLength(2))
    expect(bridge.callsOf('search.messages').at(-1)).toEqual({ query: 'budget', limit: 30, chatId: 'group:budgets' })
    expect(document.querySelectorAll('[data-testid="chat-item"]')).toHaveLength(0)
    await type('')
    press('Backspace', {}, box())
    await settle()
    expect(document.querySelector('[data-testid="search-scope"]')).toBeNull()
    // Escape in the box (no result opened): the search ends and the list is back.
    await type('bud')
    press('Escape', {}, box())
    await settle()
    expect(box().value).toBe('')
    expect(document.querySelectorAll('[data-testid="chat-item"]')).toHaveLength(3)
  })

  it('a result that is no longer stored: the person is told, and the chat opens as usual', async () => {
    const { bridge, router } = await start()
    await type('budget')
    await vi.waitFor(() => expect(hits()).toHaveLength(2))
    bridge.messages.set('group:budgets', bridge.messages.get('group:budgets')!.slice(0, 1))
    hits()[0]!.click()
    await settle(10)
    expect(router.currentRoute.value.params.chatId).toBe('group:budgets')
    expect(document.querySelector('[data-found="true"]')).toBeNull()
    expect(document.body.textContent).toContain('Not found')
  })
})
