import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { ChtBridge } from '../shared/contract'
import { contextBridge, ipcRenderer } from '../main/testing/fake-electron'

vi.mock('electron', () => import('../main/testing/fake-electron'))

let cht: ChtBridge
/** What main's ipc.ts does: one IPC message carrying a batch. */
const deliver = (batch: unknown) => ipcRenderer.emit('cht:events', { sender: 'the IPC event', ports: [] }, batch)

beforeAll(async () => {
  await import('./index')
  cht = contextBridge.exposeInMainWorld.mock.calls[0][1] as ChtBridge
})

describe('preload (DESIGN §3)', () => {
  it('exposes only window.cht with request, on and stageFiles', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect(contextBridge.exposeInMainWorld.mock.calls[0][0]).toBe('cht')
    expect(Object.keys(cht).sort()).toEqual(['on', 'request', 'stageFiles'])
    // One IPC listener, on the events channel only.
    expect(ipcRenderer.eventNames()).toEqual(['cht:events'])
    expect(ipcRenderer.listenerCount('cht:events')).toBe(1)
  })

  it('stageFiles hands main only the paths the preload itself took from real Files (DESIGN §3)', async () => {
    ipcRenderer.invoke.mockClear()
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [] })
    const dropped = Object.assign(new File(['x'], 'a.txt'), { __path: '/home/u/a.txt' })
    await cht.stageFiles([dropped])
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('cht:stage-files', ['/home/u/a.txt'])
  })

  it('stageFiles refuses what has no path (constructed Files, plain objects) without touching IPC', async () => {
    ipcRenderer.invoke.mockClear()
    const made = new File(['x'], '/etc/passwd')
    expect(await cht.stageFiles([made])).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(await cht.stageFiles([{ name: 'x', __path: '/etc/passwd' } as never])).toMatchObject({ ok: false })
    expect(await cht.stageFiles('nope' as never)).toMatchObject({ ok: false })
    expect(ipcRenderer.invoke).not.toHaveBeenCalled()
  })

  it('request goes through invoke on the request channel', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { locale: 'fa' } })
    const r = await cht.request('settings.get', undefined)
    expect(r).toEqual({ ok: true, value: { locale: 'fa' } })
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('cht:request', 'settings.get', undefined)
  })

  it('request refuses a non-string name without touching IPC', async () => {
    ipcRenderer.invoke.mockClear()
    const r = await cht.request(42 as never, undefined as never)
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(ipcRenderer.invoke).not.toHaveBeenCalled()
  })

  it('on() hands the listener the payload only, never the IPC event', () => {
    const seen: unknown[][] = []
    const off = cht.on('connection.changed', (...args: unknown[]) => { seen.push(args) })
    deliver([['connection.changed', { status: 'online' }]])
    expect(seen).toEqual([[{ status: 'online' }]])
    off()
  })

  it('dispatches each batch item to the listeners of its name, in order', () => {
    const log: string[] = []
    const offs = [
      cht.on('messages.added', (p) => log.push(`added:${p.chatId}:${p.messages.length}`)),
      cht.on('chats.changed', (p) => log.push(`chats:${p.length}`)),
      cht.on('messages.added', (p) => log.push(`added2:${p.chatId}`)),
    ]
    deliver([
      ['chats.changed', []],
      ['messages.added', { chatId: 'group:a', messages: [] }],
      ['notice', { code: 'network' }],
      ['messages.added', { chatId: 'direct:b', messages: [] }],
    ])
    expect(log).toEqual(['chats:0', 'added:group:a:0', 'added2:group:a', 'added:direct:b:0', 'added2:direct:b'])
    offs.forEach((off) => off())
  })

  it('unsubscribe stops delivery to that listener only', () => {
    const a = vi.fn()
    const b = vi.fn()
    const offA = cht.on('notice', a)
    const offB = cht.on('notice', b)
    offA()
    offA() // twice is harmless
    deliver([['notice', { code: 'timeout' }]])
    expect(a).not.toHaveBeenCalled()
    expect(b).toHaveBeenCalledWith({ code: 'timeout' })
    offB()
    deliver([['notice', { code: 'timeout' }]])
    expect(b).toHaveBeenCalledTimes(1)
  })

  it('a throwing listener does not starve the others; junk batches are ignored', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const good = vi.fn()
    const off1 = cht.on('notice', () => { throw new Error('bad listener') })
    const off2 = cht.on('notice', good)
    deliver([['notice', { code: 'network' }]])
    expect(good).toHaveBeenCalledTimes(1)
    for (const junk of [null, 'x', 42, { 0: 'notice' }, [null], [[42, {}]], ['notice']]) deliver(junk)
    expect(good).toHaveBeenCalledTimes(1)
    off1()
    off2()
    spy.mockRestore()
  })

  it('on() validates its arguments', () => {
    expect(() => cht.on(42 as never, () => undefined)).toThrow(TypeError)
    expect(() => cht.on('notice', 'not a function' as never)).toThrow(TypeError)
  })
})
