import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventBatch, EventName, Events, Message } from '../shared/contract'
import { createChatClient, type ChatClient } from './core'
import { memoryPorts } from './core/ports'
import { bindIpc, forwardEvents, registerRequests } from './ipc'
import { BrowserWindow, FakeFrame, ipcMain, resetFakeElectron } from './testing/fake-electron'
import { APP_ENTRY } from './window'

vi.mock('electron', () => import('./testing/fake-electron'))

/** The real engine (no server needed for these requests), with its calls counted. */
function countedClient() {
  const real = createChatClient({ ports: memoryPorts(), serverOrigin: 'http://127.0.0.1:9' })
  const calls: string[] = []
  const client: Pick<ChatClient, 'handle'> = {
    handle: (name, args) => {
      calls.push(name)
      return real.handle(name, args)
    },
  }
  return { real, client, calls }
}

function appWindow(): BrowserWindow {
  const win = new BrowserWindow({})
  void win.loadURL(APP_ENTRY)
  return win
}

function invoke(event: { sender: unknown; senderFrame: unknown }, name: unknown, args?: unknown) {
  const handler = ipcMain.handlers.get('cht:request')
  if (!handler) throw new Error('no handler')
  return handler(event, name, args) as Promise<unknown>
}

let cleanup: Array<() => unknown> = []
beforeEach(() => resetFakeElectron())
afterEach(async () => {
  vi.useRealTimers()
  for (const c of cleanup) await c()
  cleanup = []
})
/** The batcher's timer on fake time: "nothing more was sent" is proven by moving past it, not by sleeping. */
const fakeTime = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })

describe('registerRequests (DESIGN §3)', () => {
  function setup() {
    const c = countedClient()
    const win = appWindow()
    cleanup.push(registerRequests(c.client, () => win as never), () => c.real.close())
    const own = { sender: win.webContents, senderFrame: win.webContents.mainFrame }
    return { ...c, win, own }
  }

  it('answers good requests from the app window through core', async () => {
    const { own, calls } = setup()
    const r = (await invoke(own, 'settings.get', undefined)) as { ok: boolean; value: { serverOrigin: string } }
    expect(r.ok).toBe(true)
    expect(r.value.serverOrigin).toBe('http://127.0.0.1:9')
    expect(calls).toEqual(['settings.get'])
    const set = (await invoke(own, 'settings.set', { locale: 'en' })) as { ok: boolean; value: { locale: string } }
    expect(set).toMatchObject({ ok: true, value: { locale: 'en' } })
  })

  it('refuses another window', async () => {
    const { calls } = setup()
    const other = appWindow()
    const r = await invoke({ sender: other.webContents, senderFrame: other.webContents.mainFrame }, 'settings.get')
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(calls).toEqual([])
  })

  it('refuses a subframe of the app window', async () => {
    const { win, calls } = setup()
    const r = await invoke({ sender: win.webContents, senderFrame: new FakeFrame(APP_ENTRY) }, 'settings.get')
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(calls).toEqual([])
  })

  it('refuses the top frame once it shows another origin, and a gone frame', async () => {
    const { win, own, calls } = setup()
    win.webContents.mainFrame.url = 'https://evil.example/index.html'
    expect(await invoke(own, 'settings.get')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    win.webContents.mainFrame.url = 'file:///index.html'
    expect(await invoke(own, 'settings.get')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    win.webContents.mainFrame.url = APP_ENTRY
    expect(await invoke({ sender: win.webContents, senderFrame: null }, 'settings.get')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(calls).toEqual([])
  })

  it('refuses everything once the window is closed', async () => {
    const { win, own } = setup()
    win.close()
    expect(await invoke(own, 'settings.get')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('refuses bad arguments with invalid-input without calling core', async () => {
    const { own, calls } = setup()
    const bad: Array<[unknown, unknown]> = [
      ['messages.send', { chatId: 'group:x', text: 42 }],
      ['messages.send', { chatId: 'nonsense', text: 'hi' }],
      ['messages.send', { chatId: 'group:x', text: 'hi', extra: true }],
      ['session.signIn', { serverOrigin: 'javascript:alert(1)', token: 'abc' }],
      ['session.signIn', { serverOrigin: 'https://u:p@x.example', token: 'abc' }],
      ['settings.get', { unexpected: 1 }],
      ['chats.open', { chatId: 'group:x', limit: 1e9 }],
      ['no.such.request', undefined],
      ['__proto__', undefined],
      ['constructor', undefined],
      [42, undefined],
      [null, undefined],
    ]
    for (const [name, args] of bad) {
      const r = await invoke(own, name, args)
      expect(r, JSON.stringify(name)).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    }
    expect(calls).toEqual([])
  })

  it('turns a throwing core into an envelope, never an IPC error', async () => {
    const win = appWindow()
    cleanup.push(registerRequests({ handle: () => Promise.reject(new Error('boom')) }, () => win as never))
    const r = await invoke({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'settings.get')
    expect(r).toEqual({ ok: false, error: { code: 'unknown', detail: 'boom' } })
  })

  it('registers one channel and removes it on dispose', () => {
    const c = countedClient()
    const dispose = registerRequests(c.client, () => null)
    expect([...ipcMain.handlers.keys()]).toEqual(['cht:request'])
    dispose()
    expect(ipcMain.handlers.size).toBe(0)
    cleanup.push(() => c.real.close())
  })
})

/** Stands in for core's event stream: the one thing forwardEvents reads from the client. */
function eventSource() {
  const listeners = new Set<<N extends EventName>(name: N, payload: Events[N]) => void>()
  return {
    onEvent(l: <N extends EventName>(name: N, payload: Events[N]) => void) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    emit<N extends EventName>(name: N, payload: Events[N]) {
      for (const l of listeners) l(name, payload)
    },
  }
}

function msg(i: number, chatId = 'group:g'): Message {
  return { key: `k${i}`, chatId, senderName: 'a', text: `m${i}`, at: i, own: false, status: 'sent' }
}

describe('forwardEvents (DESIGN §2)', () => {
  it('turns 10 000 messages.added into a handful of IPC sends, losing none', async () => {
    fakeTime()
    const src = eventSource()
    const win = appWindow()
    cleanup.push(forwardEvents(src, () => win as never))
    for (let i = 0; i < 10_000; i++) src.emit('messages.added', { chatId: 'group:g', messages: [msg(i)] })
    src.emit('connection.changed', { status: 'online' })
    expect(win.webContents.sent).toEqual([]) // batched: nothing before the frame's timer
    await vi.advanceTimersByTimeAsync(100) // several frames: everything due has been sent
    const sends = win.webContents.sent
    expect(sends.length).toBeLessThanOrEqual(5)
    expect(sends.every(([channel]) => channel === 'cht:events')).toBe(true)
    const delivered = sends.flatMap(([, batch]) => (batch as EventBatch)
      .filter((e) => e[0] === 'messages.added')
      .flatMap((e) => (e[1] as Events['messages.added']).messages.map((m) => m.key)))
    expect(delivered).toHaveLength(10_000)
    expect(delivered[0]).toBe('k0')
    expect(delivered[9_999]).toBe('k9999')
    expect(new Set(delivered).size).toBe(10_000)
    const last = (sends.at(-1)![1] as EventBatch).at(-1)!
    expect(last).toEqual(['connection.changed', { status: 'online' }])
  })

  it('keeps events for different chats apart and in order', async () => {
    const src = eventSource()
    const win = appWindow()
    cleanup.push(forwardEvents(src, () => win as never, 5))
    src.emit('messages.added', { chatId: 'group:a', messages: [msg(1, 'group:a')] })
    src.emit('messages.added', { chatId: 'direct:b', messages: [msg(2, 'direct:b')] })
    src.emit('messages.added', { chatId: 'group:a', messages: [msg(3, 'group:a')] })
    await vi.waitFor(() => expect(win.webContents.sent.length).toBe(1))
    const batch = win.webContents.sent[0][1] as EventBatch
    expect(batch.map((e) => [e[0], (e[1] as Events['messages.added']).chatId])).toEqual([
      ['messages.added', 'group:a'], ['messages.added', 'direct:b'], ['messages.added', 'group:a'],
    ])
  })

  it('notices that come while the page is loading (start-up, after a crash) reach it once it has loaded', async () => {
    fakeTime()
    const src = eventSource()
    const win = appWindow()
    win.webContents.loading = true
    const events = forwardEvents(src, () => win as never, 5)
    cleanup.push(events)
    src.emit('notice', { code: 'state.reset', detail: 'settings.mutedChats' })
    src.emit('notice', { code: 'state.reset', detail: 'settings.mutedChats' })
    src.emit('chats.changed', [])
    await vi.advanceTimersByTimeAsync(30)
    expect(win.webContents.sent).toEqual([])
    win.webContents.finishLoad()
    events.pageLoaded()
    await vi.waitFor(() => expect(win.webContents.sent).toEqual([['cht:events', [['notice', { code: 'state.reset', detail: 'settings.mutedChats' }]]]]))
    events.pageLoaded() // once only
    await vi.advanceTimersByTimeAsync(30)
    expect(win.webContents.sent).toHaveLength(1)
  })

  it('passes trusted, well-formed requests to the observer (the open chat, for crash recovery) and nothing else', async () => {
    const { real } = countedClient()
    const win = appWindow()
    const seen: Array<[string, unknown]> = []
    cleanup.push(registerRequests(real, () => win as never, undefined, (n, a) => seen.push([n, a])), () => real.close())
    await invoke({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'chats.blur', undefined)
    await invoke({ sender: win.webContents, senderFrame: new FakeFrame(APP_ENTRY) }, 'chats.open', { chatId: 'group:x' })
    await invoke({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'chats.open', { chatId: 42 })
    expect(seen).toEqual([['chats.blur', undefined]])
  })

  it('sends nothing while there is no live window', async () => {
    fakeTime()
    const src = eventSource()
    let win: BrowserWindow | null = null
    cleanup.push(forwardEvents(src, () => win as never, 5))
    src.emit('notice', { code: 'network' })
    await vi.advanceTimersByTimeAsync(30)
    win = appWindow()
    win.close()
    src.emit('notice', { code: 'network' })
    await vi.advanceTimersByTimeAsync(30)
    expect(win.webContents.sent).toEqual([])
    // A fresh window gets what comes next.
    win = appWindow()
    src.emit('notice', { code: 'timeout' })
    await vi.waitFor(() => expect(win!.webContents.sent).toEqual([['cht:events', [['notice', { code: 'timeout' }]]]]))
  })

  it('bindIpc wires both directions and unwinds them', async () => {
    const src = eventSource()
    const { real } = countedClient()
    const win = appWindow()
    fakeTime()
    const dispose = bindIpc({ handle: real.handle, onEvent: src.onEvent }, () => win as never)
    expect(ipcMain.handlers.has('cht:request')).toBe(true)
    src.emit('notice', { code: 'network' })
    dispose()
    // Disposing flushes what was pending, then nothing more arrives.
    expect(win.webContents.sent).toHaveLength(1)
    src.emit('notice', { code: 'timeout' })
    await vi.advanceTimersByTimeAsync(40)
    expect(win.webContents.sent).toHaveLength(1)
    expect(ipcMain.handlers.size).toBe(0)
    vi.useRealTimers()
    await real.close()
  })
})
