import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createGestureGate, GESTURE_WINDOW_MS } from './gesture'
import { createMainWindow } from './window'
import { memoryPorts } from './core/ports'
import { BrowserWindow, FakeWebContents, resetFakeElectron } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

beforeEach(() => resetFakeElectron())

describe('openExternal only on a user gesture in the app window (issue 13)', () => {
  it('allows within ~1 s of a click or key press, not after, and not for moves or wheels', () => {
    let t = 1_000
    const gate = createGestureGate(() => t)
    const wc = new FakeWebContents()
    gate.watch(wc)
    expect(gate.recent()).toBe(false)
    wc.emit('input-event', {}, { type: 'mouseMove' })
    wc.emit('input-event', {}, { type: 'mouseWheel' })
    expect(gate.recent()).toBe(false)
    wc.emit('input-event', {}, { type: 'mouseDown' })
    t += GESTURE_WINDOW_MS
    expect(gate.recent()).toBe(true)
    t += 1
    expect(gate.recent()).toBe(false)
    wc.emit('input-event', {}, { type: 'rawKeyDown' })
    expect(gate.recent()).toBe(true)
  })

  it("input in another web contents (the SSO page) does not count for the app's window", () => {
    const gate = createGestureGate(() => 0)
    const app = new FakeWebContents()
    const other = new FakeWebContents()
    gate.watch(app)
    other.emit('input-event', {}, { type: 'mouseDown' })
    expect(gate.recent()).toBe(false)
  })

  it("the app window's window.open goes to openLink (which applies the gate), and is always denied", () => {
    const openLink = vi.fn()
    createMainWindow({ preload: '/p.cjs', store: memoryPorts().store, openLink })
    const h = BrowserWindow.instances.at(-1)!.webContents.windowOpenHandler!
    expect(h({ url: 'https://example.com/a' })).toEqual({ action: 'deny' })
    expect(openLink).toHaveBeenCalledWith('https://example.com/a')
  })
})
