import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { net, powerMonitor, resetFakeElectron } from '../testing/fake-electron'
import { createOnlineHints } from './online'

vi.mock('electron', () => import('../testing/fake-electron'))

beforeEach(() => {
  resetFakeElectron()
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('OnlineHints', () => {
  it('wakes on resume, unlock and the network coming back', () => {
    const hints = createOnlineHints(1000)
    const wake = vi.fn()
    const off = hints.onWake(wake)
    powerMonitor.emit('resume')
    powerMonitor.emit('unlock-screen')
    expect(wake).toHaveBeenCalledTimes(2)
    net.online = false
    vi.advanceTimersByTime(1000)
    expect(wake).toHaveBeenCalledTimes(2)
    net.online = true
    vi.advanceTimersByTime(1000)
    expect(wake).toHaveBeenCalledTimes(3)
    vi.advanceTimersByTime(5000) // staying online is not an edge
    expect(wake).toHaveBeenCalledTimes(3)
    off()
    powerMonitor.emit('resume')
    expect(wake).toHaveBeenCalledTimes(3)
    hints.dispose()
    expect(powerMonitor.listenerCount('resume')).toBe(0)
  })
})
