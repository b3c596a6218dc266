import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import type { Message } from '@shared/model'
import MessageBubble from './MessageBubble.vue'
import MessageText from './MessageText.vue'
import { freshEnv, mountWith, settle } from '../testing/setup'
import type { FakeBridge } from '../testing/fakeBridge'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

const base: Message = {
  key: 'k1', chatId: 'group:team', senderId: 'u-2', senderName: 'Sara Ahmadi', text: 'hello', at: Date.UTC(2024, 2, 20, 9, 5),
  own: false, status: 'sent',
}

describe('MessageText', () => {
  it('renders HTML and scripts as literal text', () => {
    const text = '<img src=x onerror=alert(1)> <script>alert(2)</script> <b>bold</b>'
    const w = mountWith(MessageText, pinia, { props: { text } })
    const p = w.get('[data-testid="message-text"]')
    expect(p.text()).toBe(text)
    expect(p.element.querySelector('img, script, b')).toBeNull()
    expect(p.attributes('dir')).toBe('auto')
  })

  it('does not linkify javascript: and links https, opening it through the bridge without navigating', async () => {
    const w = mountWith(MessageText, pinia, { props: { text: 'javascript:alert(1) and https://example.org/page' } })
    const links = w.findAll('a')
    expect(links).toHaveLength(1)
    expect(links[0]!.text()).toBe('https://example.org/page')
    expect(links[0]!.attributes('href')).toBe('https://example.org/page')
    const before = location.href
    await links[0]!.trigger('click')
    await settle()
    expect(bridge.callsOf('app.openExternal')).toEqual([{ url: 'https://example.org/page' }])
    expect(location.href).toBe(before)
  })
})

describe('MessageBubble', () => {
  it("shows others' group messages with sender name (isolated in <bdi>) and avatar, on the start side", () => {
    const w = mountWith(MessageBubble, pinia, { props: { message: base, isGroup: true } })
    const root = w.get('[data-testid="message"]')
    expect(root.classes()).not.toContain('own')
    expect(root.attributes('data-key')).toBe('k1')
    expect(root.attributes('data-status')).toBe('sent')
    expect(w.get('[data-testid="message-sender"] bdi').text()).toBe('Sara Ahmadi')
    expect(w.find('.avatar').exists()).toBe(true)
    expect(w.get('time').text()).toMatch(/^\d\d:\d\d$/)
  })

  it('shows own messages on the end side without sender, with a status mark', () => {
    const w = mountWith(MessageBubble, pinia, { props: { message: { ...base, own: true, status: 'sending' }, isGroup: true } })
    const root = w.get('[data-testid="message"]')
    expect(root.classes()).toContain('own')
    expect(root.attributes('data-status')).toBe('sending')
    expect(w.find('[data-testid="message-sender"]').exists()).toBe(false)
    expect(w.get('.status').attributes('aria-label')).toBe('Sending')
  })

  it('has no sender line in one-to-one chats', () => {
    const w = mountWith(MessageBubble, pinia, { props: { message: base, isGroup: false } })
    expect(w.find('[data-testid="message-sender"]').exists()).toBe(false)
  })

  it('offers Retry and Delete on a failed message, with the translated reason', async () => {
    const w = mountWith(MessageBubble, pinia, {
      props: { message: { ...base, own: true, status: 'failed', error: 'message.rejected' } },
    })
    expect(w.text()).toContain('The server rejected this message.')
    await w.get('[data-testid="message-retry"]').trigger('click')
    await w.get('[data-testid="message-discard"]').trigger('click')
    expect(w.emitted('retry')).toEqual([['k1']])
    expect(w.emitted('discard')).toEqual([['k1']])
  })

  it('formats time with Persian digits in fa', async () => {
    freshEnv('fa')
    const w = mountWith(MessageBubble, pinia, { props: { message: base } })
    expect(w.get('time').text()).toMatch(/^[۰-۹]{2}:[۰-۹]{2}$/)
  })

  it('shows a non-image file by name and type, and an image through a blob: URL', async () => {
    const file = { url: 'https://cht.example/cht/media/a.pdf', name: 'report <1>.pdf', mime: 'application/pdf', size: 2048, isImage: false }
    const w = mountWith(MessageBubble, pinia, { props: { message: { ...base, text: '', file } } })
    expect(w.get('.file-name').text()).toBe('report <1>.pdf')
    expect(w.get('.file-type').text()).toContain('PDF document')

    bridge.media.set('https://cht.example/cht/media/p.png', { bytes: new Uint8Array([137, 80, 78, 71]), mime: 'image/png' })
    const img = { url: 'https://cht.example/cht/media/p.png', name: 'p.png', isImage: true }
    const w2 = mountWith(MessageBubble, pinia, { props: { message: { ...base, text: '', file: img } } })
    await settle()
    expect(w2.get('[data-testid="message-image"]').attributes('src')).toMatch(/^blob:/)
  })
})

describe('MessageBubble robustness', () => {
  it('renders a message with an unusable timestamp instead of crashing', () => {
    const { pinia } = freshEnv('fa')
    const w = mountWith(MessageBubble, pinia, { props: { message: { ...base, at: Number.NaN } } })
    expect(w.get('[data-testid="message-text"]').text()).toBe('hello')
    expect(w.get('time').text()).toBe('')
  })
})
