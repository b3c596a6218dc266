import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Pinia } from 'pinia'
import Avatar from './Avatar.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import type { FakeBridge } from '../testing/fakeBridge'
import { IDLE_KEEP, useMediaStore } from '../stores/media'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

describe('Avatar and media URLs', () => {
  it('shows initials on a colour derived from the id when there is no avatar', () => {
    const w = mountWith(Avatar, pinia, { props: { id: 'u-1', name: 'Sara Ahmadi' } })
    expect(w.text()).toBe('SA')
    expect(w.find('img').exists()).toBe(false)
    const other = mountWith(Avatar, pinia, { props: { id: 'u-2', name: 'Sara Ahmadi' } })
    expect(w.attributes('style')).not.toBe(other.attributes('style'))
    expect(mountWith(Avatar, pinia, { props: { id: 'x', name: 'علی رضایی' } }).text()).toBe('عر')
  })

  it('shows the image as a blob: URL fetched through media.get, shared between users of the same URL', async () => {
    const url = 'https://sso.example/avatars/a.png'
    bridge.media.set(url, { bytes: new Uint8Array([1, 2, 3]), mime: 'image/png' })
    const a = mountWith(Avatar, pinia, { props: { id: 'u-1', name: 'A B', url } })
    const b = mountWith(Avatar, pinia, { props: { id: 'u-1', name: 'A B', url } })
    await settle()
    const src = a.get('img').attributes('src')
    expect(src).toMatch(/^blob:/)
    expect(b.get('img').attributes('src')).toBe(src)
    expect(bridge.callsOf('media.get')).toEqual([{ url }])
  })

  it('falls back to initials when the image cannot be fetched', async () => {
    const w = mountWith(Avatar, pinia, { props: { id: 'u-1', name: 'A B', url: 'https://sso.example/missing.png' } })
    await settle()
    expect(w.find('img').exists()).toBe(false)
    expect(w.text()).toBe('AB')
  })

  it('revokes blob: URLs no longer shown once they leave the idle pool', async () => {
    const revoke = vi.spyOn(URL, 'revokeObjectURL')
    const media = useMediaStore()
    const urls = Array.from({ length: IDLE_KEEP + 3 }, (_, i) => `https://cht.example/m/${i}.png`)
    for (const u of urls) bridge.media.set(u, { bytes: new Uint8Array([i8(u)]), mime: 'image/png' })
    const wrappers = urls.map((u) => mountWith(Avatar, pinia, { props: { id: u, name: 'X', url: u } }))
    await settle()
    expect(media.size()).toBe(urls.length)
    for (const w of wrappers) w.unmount()
    expect(revoke).toHaveBeenCalledTimes(3)
    expect(media.size()).toBe(IDLE_KEEP)
    media.clear()
    expect(revoke).toHaveBeenCalledTimes(urls.length)
    revoke.mockRestore()
  })
})

function i8(s: string): number {
  return s.length % 256
}
