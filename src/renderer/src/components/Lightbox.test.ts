// Issue 4 item 3: images open in a lightbox — a focus-trapped dialog; Escape closes; the arrow keys move between
// the images of the chat loaded in the timeline (mirrored in RTL); Save through the bridge.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import type { VueWrapper } from '@vue/test-utils'
import type { Locale, Message } from '@shared/model'
import ChatView from './ChatView.vue'
import en from '../i18n/en'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, type FakeBridge } from '../testing/fakeBridge'
import { useFakeLayout } from '../testing/layout'
import { useChatsStore } from '../stores/chats'
import { useFilesStore } from '../stores/files'

useFakeLayout()

let bridge: FakeBridge
let pinia: Pinia
const chat = makeChat('group:team', { title: 'Team' })
const media = (name: string) => `https://cht.example/cht/media/static/files/${name}`

function msg(i: number, over: Partial<Message>): Message {
  return { key: `k${i}`, chatId: chat.id, senderId: 'u-2', senderName: 'Sara', text: '', at: Date.UTC(2024, 0, 1, 9, i), own: false, status: 'sent', ...over }
}
const image = (i: number, name: string) => msg(i, { file: { url: media(name), name, isImage: true, mime: 'image/png' } })

async function setup(locale: Locale = 'en'): Promise<VueWrapper> {
  ;({ bridge, pinia } = freshEnv(locale))
  bridge.chats = [chat]
  bridge.messages.set(chat.id, [
    image(1, 'one.png'),
    msg(2, { text: 'not an image' }),
    image(3, 'two.png'),
    msg(4, { file: { url: media('doc.pdf'), name: 'doc.pdf', isImage: false } }),
    image(5, 'three.png'),
  ])
  for (const n of ['one.png', 'two.png', 'three.png']) bridge.media.set(media(n), { bytes: new Uint8Array([137, 80, 78, 71]), mime: 'image/png' })
  await useChatsStore().load()
  const w = mountWith(ChatView, pinia, { props: { chatId: chat.id }, attachTo: document.body })
  await settle()
  return w
}

const lightbox = () => document.querySelector<HTMLElement>('[data-testid="lightbox"]')
function key(el: Element, k: string, opts: KeyboardEventInit = {}): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...opts })
  el.dispatchEvent(e)
  return e
}
async function openOn(w: VueWrapper, name: string): Promise<void> {
  const open = w.findAll('[data-testid="file-open"]').find((b) => b.attributes('aria-label')?.includes(name))!
  ;(open.element as HTMLElement).focus()
  await open.trigger('click')
  await settle()
}

beforeEach(() => { document.body.innerHTML = '' })

describe('lightbox', () => {
  it('opens on the clicked image as a modal dialog with focus inside; Escape closes and gives focus back', async () => {
    const w = await setup()
    await openOn(w, 'two.png')
    const box = lightbox()!
    expect(box).not.toBeNull()
    expect(box.getAttribute('role')).toBe('dialog')
    expect(box.getAttribute('aria-modal')).toBe('true')
    expect(box.getAttribute('aria-label')).toBe(en.lightbox.title)
    expect(box.dataset.key).toBe('k3')
    expect(box.querySelector('[data-testid="lightbox-name"]')!.textContent).toBe('two.png')
    expect(box.querySelector('[data-testid="lightbox-counter"]')!.textContent).toBe('2 of 3')
    expect(box.querySelector('[data-testid="lightbox-image"]')!.getAttribute('src')).toMatch(/^blob:/)
    expect(document.activeElement).toBe(box.querySelector('[data-testid="lightbox-close"]'))

    const esc = key(document.activeElement!, 'Escape')
    expect(esc.defaultPrevented).toBe(true)
    await settle()
    expect(lightbox()).toBeNull()
    expect((document.activeElement as HTMLElement).dataset.testid).toBe('file-open')
    w.unmount()
  })

  it('arrow keys move between the images of the chat only, stopping at the ends', async () => {
    const w = await setup()
    await openOn(w, 'one.png')
    const box = lightbox()!
    key(box, 'ArrowLeft') // already the first
    await settle(1)
    expect(lightbox()!.dataset.key).toBe('k1')
    expect((box.querySelector('[data-testid="lightbox-prev"]') as HTMLButtonElement).disabled).toBe(true)
    key(box, 'ArrowRight')
    await settle(1)
    expect(lightbox()!.dataset.key).toBe('k3') // skips the text and the PDF
    key(box, 'ArrowRight')
    await settle(1)
    expect(lightbox()!.dataset.key).toBe('k5')
    expect(box.querySelector('[data-testid="lightbox-counter"]')!.textContent).toBe('3 of 3')
    expect((box.querySelector('[data-testid="lightbox-next"]') as HTMLButtonElement).disabled).toBe(true)
    key(box, 'ArrowRight')
    await settle(1)
    expect(lightbox()!.dataset.key).toBe('k5')
    ;(box.querySelector('[data-testid="lightbox-prev"]') as HTMLButtonElement).click()
    await settle(1)
    expect(lightbox()!.dataset.key).toBe('k3')
    w.unmount()
  })

  it('in RTL the arrows follow the reading direction', async () => {
    const w = await setup('fa')
    await openOn(w, 'two.png')
    key(lightbox()!, 'ArrowLeft')
    await settle(1)
    expect(lightbox()!.dataset.key).toBe('k5')
    key(lightbox()!, 'ArrowRight')
    key(lightbox()!, 'ArrowRight')
    await settle(1)
    expect(lightbox()!.dataset.key).toBe('k1')
    expect(lightbox()!.querySelector('[data-testid="lightbox-counter"]')!.textContent).toBe('۱ از ۳')
    w.unmount()
  })

  it('Tab stays inside the dialog', async () => {
    const w = await setup()
    await openOn(w, 'two.png')
    const box = lightbox()!
    const buttons = Array.from(box.querySelectorAll<HTMLButtonElement>('button:not([disabled])'))
    expect(buttons.length).toBeGreaterThan(2)
    buttons[buttons.length - 1]!.focus()
    const tab = key(document.activeElement!, 'Tab')
    expect(tab.defaultPrevented).toBe(true)
    expect(document.activeElement).toBe(buttons[0])
    const back = key(document.activeElement!, 'Tab', { shiftKey: true })
    expect(back.defaultPrevented).toBe(true)
    expect(document.activeElement).toBe(buttons[buttons.length - 1])
    w.unmount()
  })

  it('Save in the lightbox saves the image shown, then offers Show in folder', async () => {
    const w = await setup()
    await openOn(w, 'three.png')
    ;(lightbox()!.querySelector('[data-testid="file-save"]') as HTMLButtonElement).click()
    await settle()
    expect(bridge.callsOf('files.save')).toEqual([{ url: media('three.png'), name: 'three.png' }])
    ;(lightbox()!.querySelector('[data-testid="file-show"]') as HTMLButtonElement).click()
    await settle()
    expect(bridge.callsOf('files.showSaved')).toHaveLength(1)
    w.unmount()
  })

  it('closes when its image leaves the timeline, and when another chat is shown', async () => {
    const w = await setup()
    await openOn(w, 'two.png')
    bridge.emit('messages.removed', { chatId: chat.id, keys: ['k3'] })
    await settle()
    expect(lightbox()).toBeNull()
    await openOn(w, 'one.png')
    expect(lightbox()).not.toBeNull()
    bridge.chats = [chat, makeChat('group:other')]
    await useChatsStore().load()
    await w.setProps({ chatId: 'group:other' })
    await settle()
    expect(lightbox()).toBeNull()
    expect(useFilesStore().lightbox).toBeNull()
    w.unmount()
  })
})
