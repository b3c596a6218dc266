import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import ConnectionBanner from './ConnectionBanner.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import type { FakeBridge } from '../testing/fakeBridge'
import fa from '../i18n/fa'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

describe('ConnectionBanner', () => {
  it('is hidden while online and shows each other state', async () => {
    const w = mountWith(ConnectionBanner, pinia)
    bridge.emit('connection.changed', { status: 'online' })
    await settle()
    expect(w.find('[data-testid="connection-banner"]').exists()).toBe(false)

    bridge.emit('connection.changed', { status: 'connecting' })
    await settle()
    expect(w.get('[data-testid="connection-banner"]').text()).toContain('Connecting')

    bridge.emit('connection.changed', { status: 'offline', retryAt: Date.now() + 9_500 })
    await settle()
    const banner = w.get('[data-testid="connection-banner"]')
    expect(banner.attributes('data-status')).toBe('offline')
    expect(banner.text()).toContain('messages will be sent when back')
    expect(w.get('[data-testid="connection-countdown"]').text()).toMatch(/Retrying in (9|10) s/)

    bridge.emit('connection.changed', { status: 'throttled', retryAt: Date.now() + 30_000 })
    await settle()
    expect(w.get('[data-testid="connection-banner"]').text()).toContain('slow down')

    bridge.emit('connection.changed', { status: 'online' })
    await settle()
    expect(w.find('[data-testid="connection-banner"]').exists()).toBe(false)
  })

  it('asks main for the state it already has (events only report changes)', async () => {
    bridge.handle('connection.get', () => ({ status: 'offline', retryAt: Date.now() + 5_000 }))
    const w = mountWith(ConnectionBanner, pinia)
    await settle()
    expect(bridge.callsOf('connection.get')).toHaveLength(1)
    expect(w.get('[data-testid="connection-banner"]').attributes('data-status')).toBe('offline')
  })

  it('speaks Persian with Persian digits in fa', async () => {
    const env = freshEnv('fa')
    const w = mountWith(ConnectionBanner, env.pinia)
    env.bridge.emit('connection.changed', { status: 'offline', retryAt: Date.now() + 5_000 })
    await settle()
    expect(w.text()).toContain(fa.connection.offline)
    expect(w.get('[data-testid="connection-countdown"]').text()).toMatch(/[۴۵]/)
  })
})
