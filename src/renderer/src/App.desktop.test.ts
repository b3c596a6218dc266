// Issue 5 (renderer side): quick switcher, per-chat mute, app.openChat, attention reporting, unread total in the title.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useAppMount } from './testing/app'
import { freshEnv, settle } from './testing/setup'
import { makeChat, makeMessages } from './testing/fakeBridge'
import { useFakeLayout } from './testing/layout'
import { ATTENTION_DEBOUNCE_MS } from './composables/useAttention'

useFakeLayout()

// Registered before useAppMount's: hooks run last-registered first, so the app is unmounted before mocks go.
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})
const mountApp = useAppMount()

async function start() {
  const env = freshEnv('en')
  const { bridge } = env
  bridge.session = { serverOrigin: 'https://cht.example', user: bridge.user }
  const now = Date.now()
  bridge.chats = [
    makeChat('group:team', { title: 'Team', lastMessage: { senderName: 'Ali', text: 'hi', isFile: false, at: now - 1000 } }),
    makeChat('group:design', { title: 'Design reviews', lastMessage: { senderName: 'Ali', text: 'x', isFile: false, at: now - 2000 } }),
    makeChat('direct:u-sara', { title: 'Sara Ahmadi', peerId: 'u-sara' }),
    makeChat('group:dev', { title: 'برنامه‌نویسان' }),
  ]
  bridge.users = [
    { id: 'u-me', name: 'Me Myself', isSuperuser: false },
    { id: 'u-sara', name: 'Sara Ahmadi', isSuperuser: false },
    { id: 'u-dariush', name: 'Dariush Karimi', isSuperuser: false },
  ]
  for (const c of bridge.chats) bridge.messages.set(c.id, makeMessages(c.id, 3))
  return { ...env, ...(await mountApp(env.pinia)) }
}

function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = window): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }))
}

const switcher = () => document.querySelector('[data-testid="quick-switcher"]')
const input = () => document.querySelector<HTMLInputElement>('[data-testid="quick-switcher-input"]')!
const rows = () => [...document.querySelectorAll<HTMLElement>('[data-testid="quick-switcher-item"]')]
async function type(text: string): Promise<void> {
  input().value = text
  input().dispatchEvent(new Event('input'))
  await settle()
}

describe('quick switcher', () => {
  it('Ctrl+K opens it focused; typing filters fuzzily; ArrowDown + Enter opens the chat; Escape closes', async () => {
    const { router, bridge } = await start()
    expect(switcher()).toBeNull()
    press('k', { ctrlKey: true })
    await settle()
    expect(switcher()).not.toBeNull()
    expect(document.activeElement).toBe(input())
    // Empty query: the chats, most recent first.
    expect(rows().map((r) => r.dataset.chatId)).toEqual(['group:team', 'group:design', 'direct:u-sara', 'group:dev'])

    await type('dsg')
    expect(rows().map((r) => r.dataset.chatId)).toEqual(['group:design'])
    await type('team')
    expect(rows()[0]!.dataset.chatId).toBe('group:team')
    await type('a')
    const ids = rows().map((r) => r.dataset.chatId ?? r.dataset.userId)
    expect(rows()[0]!.getAttribute('aria-selected')).toBe('true')
    press('ArrowDown', {}, input())
    await settle()
    expect(rows()[1]!.getAttribute('aria-selected')).toBe('true')
    expect(input().getAttribute('aria-activedescendant')).toBe(rows()[1]!.id)
    press('Enter', {}, input())
    await settle(10)
    expect(switcher()).toBeNull()
    expect(router.currentRoute.value.params.chatId).toBe(ids[1])
    expect(bridge.opened).toContain(ids[1])

    // Escape closes without navigating; Tab does not leave the dialog.
    press('k', { metaKey: true })
    await settle()
    press('Tab', {}, input())
    await settle()
    expect(document.activeElement).toBe(input())
    press('Escape', {}, input())
    await settle()
    expect(switcher()).toBeNull()
    expect(router.currentRoute.value.params.chatId).toBe(ids[1])
  })

  it('matches Persian titles across letter variants and ZWNJ, and ArrowUp wraps', async () => {
    const { router } = await start()
    press('k', { ctrlKey: true })
    await settle()
    await type('برنامه نويس') // Arabic yeh, no ZWNJ
    expect(rows().map((r) => r.dataset.chatId)).toEqual(['group:dev'])
    await type('')
    press('ArrowUp', {}, input())
    await settle()
    expect(rows().at(-1)!.getAttribute('aria-selected')).toBe('true')
    press('Enter', {}, input())
    await settle(10)
    expect(router.currentRoute.value.params.chatId).toBe('group:dev')
  })

  it('lists people once per opening; a person without a chat starts one with direct.start', async () => {
    const { router, bridge } = await start()
    press('k', { ctrlKey: true })
    await settle()
    expect(bridge.callsOf('users.list')).toHaveLength(1)
    await type('sara')
    // Sara already has a chat: she appears once, as that chat. Oneself never appears.
    expect(rows().map((r) => r.dataset.chatId ?? `user:${r.dataset.userId}`)).toEqual(['direct:u-sara'])
    await type('dk')
    expect(rows().map((r) => r.dataset.userId)).toEqual(['u-dariush'])
    expect(rows()[0]!.textContent).toContain('Person')
    await type('me my')
    expect(rows()).toHaveLength(0)
    expect(switcher()!.textContent).toContain('Nothing matches')
    await type('dariush')
    press('Enter', {}, input())
    await settle(10)
    expect(bridge.callsOf('direct.start')).toEqual([{ userId: 'u-dariush' }])
    expect(router.currentRoute.value.params.chatId).toBe('direct:u-dariush')
    expect(bridge.callsOf('users.list')).toHaveLength(1)
    press('k', { ctrlKey: true })
    await settle()
    expect(bridge.callsOf('users.list')).toHaveLength(2)
  })

  it('opens a chat with the mouse too', async () => {
    const { router } = await start()
    press('k', { ctrlKey: true })
    await settle()
    rows()[2]!.click()
    await settle(10)
    expect(router.currentRoute.value.params.chatId).toBe('direct:u-sara')
    expect(switcher()).toBeNull()
  })
})

describe('desktop integration', () => {
  it('mutes and unmutes a chat from its header; the list shows it muted', async () => {
    const { router, bridge, w } = await start()
    await router.push({ name: 'chats', params: { chatId: 'group:team' } })
    await settle(10)
    const mute = w.get('[data-testid="chat-mute"]')
    expect(mute.attributes('aria-pressed')).toBe('false')
    expect(w.find('[data-chat-id="group:team"] [data-testid="chat-muted"]').exists()).toBe(false)
    await mute.trigger('click')
    await settle()
    expect(bridge.callsOf('chats.setMuted')).toEqual([{ chatId: 'group:team', muted: true }])
    expect(w.get('[data-testid="chat-mute"]').attributes('aria-pressed')).toBe('true')
    expect(w.find('[data-testid="chat-list"] [data-chat-id="group:team"] [data-testid="chat-muted"]').exists()).toBe(true)
    expect(bridge.settings.mutedChats).toEqual(['group:team'])
    await w.get('[data-testid="chat-mute"]').trigger('click')
    await settle()
    expect(bridge.callsOf('chats.setMuted').at(-1)).toEqual({ chatId: 'group:team', muted: false })
    expect(w.get('[data-testid="chat-mute"]').attributes('aria-pressed')).toBe('false')
  })

  it('undoes the mute toggle when main refuses it', async () => {
    const { router, bridge, w } = await start()
    bridge.handle('chats.setMuted', () => { throw { code: 'invalid-input' } })
    await router.push({ name: 'chats', params: { chatId: 'group:team' } })
    await settle(10)
    await w.get('[data-testid="chat-mute"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="chat-mute"]').attributes('aria-pressed')).toBe('false')
  })

  it('app.openChat from main shows that chat', async () => {
    const { router, bridge } = await start()
    await router.push({ name: 'settings' })
    await settle()
    bridge.emit('app.openChat', { chatId: 'group:design' })
    await settle(10)
    expect(router.currentRoute.value.name).toBe('chats')
    expect(router.currentRoute.value.params.chatId).toBe('group:design')
    expect(bridge.opened).toEqual(['group:design'])
  })

  it('shows the unread total in the window title', async () => {
    const { bridge } = await start()
    expect(document.title).toBe('cht')
    bridge.emit('chats.changed', bridge.chats.map((c, i) => ({ ...c, unread: i === 0 ? 2 : i === 1 ? 3 : 0 })))
    await settle()
    expect(document.title).toBe('cht (5)')
    bridge.emit('chats.changed', bridge.chats)
    await settle()
    expect(document.title).toBe('cht')
  })

  it('reports attention once at start and then only on (debounced) changes', async () => {
    let focused = true
    let visibility: DocumentVisibilityState = 'visible'
    vi.spyOn(document, 'hasFocus').mockImplementation(() => focused)
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility)
    const { bridge } = await start()
    // The debounce runs on fake time: each wait moves exactly past it, so "no report" is proven without sleeping.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const wait = () => vi.advanceTimersByTimeAsync(ATTENTION_DEBOUNCE_MS)
    expect(bridge.callsOf('app.attention')).toEqual([{ focused: true }])

    // A blur immediately followed by a focus (switching between own windows) is no change.
    focused = false
    window.dispatchEvent(new Event('blur'))
    focused = true
    window.dispatchEvent(new Event('focus'))
    await wait()
    expect(bridge.callsOf('app.attention')).toEqual([{ focused: true }])

    focused = false
    window.dispatchEvent(new Event('blur'))
    window.dispatchEvent(new Event('blur'))
    await vi.advanceTimersByTimeAsync(ATTENTION_DEBOUNCE_MS - 1)
    expect(bridge.callsOf('app.attention')).toEqual([{ focused: true }]) // not before the debounce has passed
    await vi.advanceTimersByTimeAsync(1)
    expect(bridge.callsOf('app.attention')).toEqual([{ focused: true }, { focused: false }])

    focused = true
    visibility = 'hidden' // minimized: focused but not visible
    document.dispatchEvent(new Event('visibilitychange'))
    await wait()
    expect(bridge.callsOf('app.attention')).toEqual([{ focused: true }, { focused: false }])

    visibility = 'visible'
    document.dispatchEvent(new Event('visibilitychange'))
    await wait()
    expect(bridge.callsOf('app.attention')).toEqual([{ focused: true }, { focused: false }, { focused: true }])
  })
})
