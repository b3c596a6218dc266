// Issue 13 in core, against the reference server: stored settings that fail their check never break the app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../testkit/server'
import { memoryPorts } from './index'
import { eventsOf, recorded, unpaced } from './testing/harness'

let ts: TestServer
beforeAll(async () => {
  ts = await startTestServer({ throttle: false }) // not about the REST budget: no throttle, the client unpaced
}, 60_000)
afterAll(async () => {
  await ts?.close()
})

describe('stored settings (issue 13)', () => {
  it('settings.mutedChats: null breaks every chats.list — now it falls back to [] and is reported once', async () => {
    const ports = memoryPorts()
    ports.store.set('settings', { locale: 'en', mutedChats: null, zoomLevel: 'huge' })
    const h = recorded(ts.origin, { ports, client: unpaced })
    await h.client.start()
    expect(eventsOf(h, 'notice')).toEqual([{ code: 'state.reset', detail: expect.stringContaining('settings.mutedChats') }])
    const [u] = ts.users(1)
    await h.client.request('session.signIn', { serverOrigin: ts.origin, token: u.token })
    expect(Array.isArray(await h.client.request('chats.list', undefined))).toBe(true)
    const s = await h.client.request('settings.get', undefined)
    expect(s).toMatchObject({ locale: 'en', mutedChats: [], zoomLevel: 0 })
    await h.client.request('chats.setMuted', { chatId: 'group:anything', muted: true })
    expect((await h.client.request('settings.get', undefined)).mutedChats).toEqual(['group:anything'])
    expect(eventsOf(h, 'notice')).toHaveLength(1)
    await h.client.close()
  })
})
