import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { app, resetFakeElectron } from '../testing/fake-electron'
import { createKeyValueStore } from './store'

vi.mock('electron', () => import('../testing/fake-electron'))

let dir: string
beforeEach(() => {
  resetFakeElectron()
  dir = mkdtempSync(join(tmpdir(), 'cht-store-'))
  app.userData = dir
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('KeyValueStore on electron-store', () => {
  it('persists values in userData and reads them back in a new instance', () => {
    const s = createKeyValueStore()
    expect(s.get('settings')).toBeUndefined()
    s.set('settings', { locale: 'fa', theme: 'dark' })
    expect(createKeyValueStore().get('settings')).toEqual({ locale: 'fa', theme: 'dark' })
    expect(JSON.parse(readFileSync(join(dir, 'cht-state.json'), 'utf8'))).toHaveProperty('settings')
  })

  it('treats keys with dots and colons literally', () => {
    const s = createKeyValueStore()
    s.set('window.bounds', { x: 1 })
    s.set('outbox.group:a.b', [1, 2])
    expect(s.get('window.bounds')).toEqual({ x: 1 })
    expect(s.get('window')).toBeUndefined()
    expect(s.get('outbox.group:a.b')).toEqual([1, 2])
  })

  it('delete and set(undefined) both forget a key', () => {
    const s = createKeyValueStore()
    s.set('a', 1)
    s.set('b', 2)
    s.delete('a')
    s.set('b', undefined)
    expect(s.get('a')).toBeUndefined()
    expect(s.get('b')).toBeUndefined()
  })
})
