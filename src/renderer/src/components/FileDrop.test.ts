// Issue 4 item 1 and issue 12 item 4: files for the open chat — drop anywhere (overlay), the attach button, paste —
// go to a tray first (thumbnails, remove, a caption made of their names); Send sends them, then the caption.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import type { VueWrapper } from '@vue/test-utils'
import ChatView from './ChatView.vue'
import en from '../i18n/en'
import { freshEnv, mountWith, settle } from '../testing/setup'
import { makeChat, makeMessages, type FakeBridge } from '../testing/fakeBridge'
import { useFakeLayout } from '../testing/layout'
import { useChatsStore } from '../stores/chats'
import { useSettingsStore } from '../stores/settings'

useFakeLayout()

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

const group = makeChat('group:team', { title: 'Team' })

interface FakeItem { kind: 'file' | 'string'; type: string; getAsFile(): File | null; webkitGetAsEntry(): { isDirectory: boolean } | null }

function file(name: string, content: string, type = '', size?: number): File {
  const f = new File([content], name, { type })
  if (size !== undefined) Object.defineProperty(f, 'size', { value: size })
  return f
}

/** A DataTransfer as Chromium hands it to drag events: types, items and files. */
function transfer(files: File[], opts: { folders?: string[]; types?: string[] } = {}) {
  const items: FakeItem[] = files.map((f) => ({
    kind: 'file', type: f.type, getAsFile: () => f, webkitGetAsEntry: () => ({ isDirectory: !!opts.folders?.includes(f.name) }),
  }))
  return { types: opts.types ?? (files.length ? ['Files'] : ['text/plain']), items, files, dropEffect: 'none' }
}

function drag(el: Element, type: string, dt: ReturnType<typeof transfer>): Event {
  const e = new Event(type, { bubbles: true, cancelable: true })
  Object.defineProperty(e, 'dataTransfer', { value: dt })
  el.dispatchEvent(e)
  return e
}

async function mountChat(chat = group): Promise<VueWrapper> {
  bridge.chats = [chat]
  await useChatsStore().load()
  await useSettingsStore().init()
  const w = mountWith(ChatView, pinia, { props: { chatId: chat.id }, attachTo: document.body })
  await settle()
  return w
}

const problemTexts = (w: VueWrapper) => w.findAll('[data-testid="file-problem"]').map((p) => p.text())

describe('dropping files on the open chat', () => {
  it('shows the overlay while files are dragged over it, without flicker between children', async () => {
    const w = await mountChat()
    const main = w.get('.main').element
    const timeline = w.get('[data-testid="timeline"]').element
    const dt = transfer([file('a.txt', 'hello')])
    const enter = drag(main, 'dragenter', dt)
    expect(enter.defaultPrevented).toBe(true)
    await settle(1)
    expect(w.find('[data-testid="drop-overlay"]').exists()).toBe(true)
    expect(w.get('[data-testid="drop-overlay"]').text()).toContain(en.files.dropHere)
    // Moving onto a child: enter(child) then leave(parent) — still inside.
    drag(timeline, 'dragenter', dt)
    drag(main, 'dragleave', dt)
    const over = drag(timeline, 'dragover', dt)
    expect(over.defaultPrevented).toBe(true)
    await settle(1)
    expect(w.find('[data-testid="drop-overlay"]').exists()).toBe(true)
    drag(timeline, 'dragleave', dt)
    await settle(1)
    expect(w.find('[data-testid="drop-overlay"]').exists()).toBe(false)
    w.unmount()
  })

  it('ignores drags that carry no files (text, links)', async () => {
    const w = await mountChat()
    const main = w.get('.main').element
    const text = transfer([], { types: ['text/plain', 'text/uri-list'] })
    const enter = drag(main, 'dragenter', text)
    const over = drag(main, 'dragover', text)
    await settle(1)
    expect(enter.defaultPrevented).toBe(false)
    expect(over.defaultPrevented).toBe(false)
    expect(w.find('[data-testid="drop-overlay"]').exists()).toBe(false)
    drag(main, 'drop', text)
    await settle()
    expect(bridge.staged).toEqual([])
    w.unmount()
  })

  it('a drop stages the files and opens the tray: thumbnail, names, a caption of the names; Send sends the files, then the caption', async () => {
    const w = await mountChat()
    const dt = transfer([file('گزارش مالی.pdf', 'PDF', 'application/pdf'), file('photo.png', 'PNGDATA', 'image/png')])
    drag(w.get('.main').element, 'dragenter', dt)
    const drop = drag(w.get('[data-testid="timeline"]').element, 'drop', dt)
    expect(drop.defaultPrevented).toBe(true)
    await settle()
    expect(w.find('[data-testid="drop-overlay"]').exists()).toBe(false)
    expect(bridge.staged.map((s) => s.name)).toEqual(['گزارش مالی.pdf', 'photo.png'])
    expect(bridge.callsOf('files.send')).toEqual([]) // nothing goes out before Send
    const tray = w.get('[data-testid="file-tray"]')
    expect(tray.get('h2').text()).toBe('Send 2 files')
    expect(tray.findAll('[data-testid="tray-name"]').map((n) => n.text())).toEqual(['گزارش مالی.pdf', 'photo.png'])
    expect(tray.get('[data-testid="tray-thumb"]').attributes('src')).toMatch(/^blob:/) // from the dropped bytes
    expect(bridge.callsOf('files.preview')).toEqual([])
    const caption = tray.get<HTMLTextAreaElement>('[data-testid="tray-caption"]')
    expect(caption.element.value).toBe('گزارش مالی.pdf\nphoto.png')
    expect(caption.attributes('dir')).toBe('auto')

    await tray.get('[data-testid="tray-send"]').trigger('click')
    await settle()
    const sent = bridge.calls.filter((c) => c.name === 'files.send' || c.name === 'messages.send')
    expect(sent).toEqual([
      { name: 'files.send', args: { chatId: 'group:team', stagedIds: bridge.staged.map((s) => s.id) } },
      { name: 'messages.send', args: { chatId: 'group:team', text: 'گزارش مالی.pdf\nphoto.png' } },
    ])
    expect(w.find('[data-testid="file-tray"]').exists()).toBe(false)
    expect(w.findAll('[data-testid="file-progress"]')).toHaveLength(2)
    expect(w.findAll('[data-testid="file-name"]').map((n) => n.text())).toEqual(['گزارش مالی.pdf', 'photo.png'])
    w.unmount()
  })

  it('each file can be removed (the caption follows until edited); more files join; Cancel and Escape send nothing', async () => {
    const w = await mountChat()
    const main = w.get('.main').element
    drag(main, 'drop', transfer([file('a.txt', 'a'), file('b.txt', 'b')]))
    await settle()
    const tray = () => w.get('[data-testid="file-tray"]')
    const caption = () => tray().get<HTMLTextAreaElement>('[data-testid="tray-caption"]')
    await tray().findAll('[data-testid="tray-remove"]')[0]!.trigger('click')
    expect(tray().findAll('[data-testid="tray-name"]').map((n) => n.text())).toEqual(['b.txt'])
    expect(caption().element.value).toBe('b.txt')
    expect(tray().get('[data-testid="tray-remove"]').attributes('aria-label')).toBe('Remove b.txt')
    // Dropped while the tray is open: it joins; the caption the user wrote stays theirs.
    await caption().setValue('Minutes of Monday')
    drag(main, 'drop', transfer([file('c.txt', 'c')]))
    await settle()
    expect(tray().findAll('[data-testid="tray-name"]').map((n) => n.text())).toEqual(['b.txt', 'c.txt'])
    expect(caption().element.value).toBe('Minutes of Monday')
    await tray().get('[data-testid="tray-cancel"]').trigger('click')
    expect(w.find('[data-testid="file-tray"]').exists()).toBe(false)
    drag(main, 'drop', transfer([file('d.txt', 'd')]))
    await settle()
    await tray().trigger('keydown', { key: 'Escape' })
    expect(w.find('[data-testid="file-tray"]').exists()).toBe(false)
    // Removing the last file closes the tray too.
    drag(main, 'drop', transfer([file('e.txt', 'e')]))
    await settle()
    await tray().get('[data-testid="tray-remove"]').trigger('click')
    expect(w.find('[data-testid="file-tray"]').exists()).toBe(false)
    expect(bridge.callsOf('files.send')).toEqual([])
    expect(bridge.callsOf('messages.send')).toEqual([])
    w.unmount()
  })

  it('Enter in the caption sends; an empty caption sends only the files', async () => {
    const w = await mountChat()
    drag(w.get('.main').element, 'drop', transfer([file('a.txt', 'a')]))
    await settle()
    const caption = w.get('[data-testid="tray-caption"]')
    await caption.setValue('  ')
    await caption.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(bridge.callsOf('files.send')).toHaveLength(1)
    expect(bridge.callsOf('messages.send')).toEqual([])
    w.unmount()
  })

  it('refuses oversize and empty files (and folders) with translated messages, before staging them', async () => {
    bridge.settings = { ...bridge.settings, maxFileBytes: 1024 * 1024 }
    const w = await mountChat()
    const dt = transfer(
      [file('big.iso', 'x', '', 3 * 1024 * 1024), file('empty.txt', ''), file('Photos', '', '', 4096), file('ok.txt', 'fine')],
      { folders: ['Photos'] },
    )
    drag(w.get('.main').element, 'drop', dt)
    await settle()
    expect(bridge.staged.map((s) => s.name)).toEqual(['ok.txt'])
    expect(w.get('[data-testid="file-tray"]').findAll('[data-testid="tray-name"]').map((n) => n.text())).toEqual(['ok.txt'])
    expect(problemTexts(w)).toEqual([
      '“big.iso” is 3 MB; files up to 1 MB can be sent.',
      '“empty.txt” is empty and was not sent.',
      '“Photos” is a folder; only files can be sent.',
    ])
    // Nothing acceptable at all: nothing is staged or sent.
    drag(w.get('.main').element, 'drop', transfer([file('big2.iso', 'x', '', 2 * 1024 * 1024)]))
    await settle()
    expect(bridge.staged).toHaveLength(1)
    expect(bridge.callsOf('files.send')).toHaveLength(0)
    expect(w.get('[data-testid="file-problem"]').attributes('data-code')).toBe('file.too-large')
    await w.get('[data-testid="file-problems-dismiss"]').trigger('click')
    expect(w.find('[data-testid="file-problems"]').exists()).toBe(false)
    w.unmount()
  })

  it('in Persian the messages are Persian, with Persian digits', async () => {
    ;({ bridge, pinia } = freshEnv('fa'))
    bridge.settings = { ...bridge.settings, maxFileBytes: 1024 * 1024 }
    const w = await mountChat()
    drag(w.get('.main').element, 'drop', transfer([file('big.iso', 'x', '', 3 * 1024 * 1024)]))
    await settle()
    expect(problemTexts(w)).toEqual(['«big.iso» ۳ مگابایت است؛ فایل‌ها تا ۱ مگابایت ارسال می‌شوند.'])
    w.unmount()
  })

  it('a one-to-one chat with no message yet (W2): the caption goes first and creates it; without one, it is explained', async () => {
    const direct = makeChat('direct:u-bob', { title: 'Bob', peerId: 'u-bob' })
    const w = await mountChat(direct)
    drag(w.get('.main').element, 'drop', transfer([file('a.txt', 'hello')]))
    await settle()
    const tray = w.get('[data-testid="file-tray"]')
    expect(tray.text()).toContain(en.tray.captionFirst)
    await tray.get('[data-testid="tray-caption"]').setValue('')
    await tray.get('[data-testid="tray-send"]').trigger('click')
    await settle()
    expect(bridge.callsOf('files.send')).toEqual([])
    const p = w.get('[data-testid="file-problem"]')
    expect(p.attributes('data-code')).toBe('file.first-in-direct')
    expect(p.text()).toContain(en.errors.file['first-in-direct'])
    expect(w.find('[data-testid="file-tray"]').exists()).toBe(true) // nothing lost

    await w.get('[data-testid="tray-caption"]').setValue('The file you asked for')
    await w.get('[data-testid="tray-send"]').trigger('click')
    await settle()
    const sent = bridge.calls.filter((c) => c.name === 'files.send' || c.name === 'messages.send').map((c) => c.name)
    expect(sent).toEqual(['messages.send', 'files.send'])
    expect(w.find('[data-testid="file-tray"]').exists()).toBe(false)
    w.unmount()
  })

  it('when main refuses the send as the first in a one-to-one room, that is shown and the tray stays', async () => {
    // The chat looks active (a preview) but main knows the room has no text yet.
    const direct = makeChat('direct:u-bob', { title: 'Bob', peerId: 'u-bob', lastMessage: { senderName: 'Bob', text: '', isFile: true, at: 1 } })
    bridge.messages.set(direct.id, [])
    const w = await mountChat(direct)
    drag(w.get('.main').element, 'drop', transfer([file('a.txt', 'hello')]))
    await settle()
    await w.get('[data-testid="tray-send"]').trigger('click')
    await settle()
    expect(bridge.staged).toHaveLength(1)
    expect(w.get('[data-testid="file-problem"]').attributes('data-code')).toBe('file.first-in-direct')
    expect(bridge.callsOf('messages.send')).toEqual([]) // the caption waits with the files
    expect(w.find('[data-testid="file-tray"]').exists()).toBe(true)
    w.unmount()
  })

  it('a read-only group takes no drops', async () => {
    const w = await mountChat(makeChat('group:old', { title: 'Old', live: false }))
    const over = drag(w.get('.main').element, 'dragover', transfer([file('a.txt', 'x')]))
    expect(over.defaultPrevented).toBe(false) // not a drop target: the window guard refuses it
    drag(w.get('.main').element, 'dragenter', transfer([file('a.txt', 'x')]))
    await settle(1)
    expect(w.find('[data-testid="drop-overlay"]').exists()).toBe(false)
    drag(w.get('.main').element, 'drop', transfer([file('a.txt', 'x')]))
    await settle()
    expect(bridge.staged).toEqual([])
    w.unmount()
  })
})

describe('the attach button and pasting', () => {
  it('the attach button opens main\'s picker; what can be sent goes to the tray (picked images previewed by main), the rest is named', async () => {
    bridge.messages.set(group.id, makeMessages(group.id, 1))
    bridge.pickFiles = [
      { name: 'plan.docx', size: 5000, isImage: false },
      { name: 'huge.mov', size: 999 * 1024 * 1024, isImage: false },
      { name: 'chart.png', size: 300, isImage: true, mime: 'image/png' },
    ]
    const w = await mountChat()
    bridge.handle('files.preview', ({ stagedId }) => ({ bytes: new TextEncoder().encode(`PNG ${stagedId}`), mime: 'image/png' }))
    await w.get('[data-testid="attach-button"]').trigger('click')
    await settle()
    expect(bridge.callsOf('files.pick')).toHaveLength(1)
    const tray = w.get('[data-testid="file-tray"]')
    expect(tray.findAll('[data-testid="tray-name"]').map((n) => n.text())).toEqual(['plan.docx', 'chart.png'])
    const chart = bridge.staged.find((s) => s.name === 'chart.png')!
    expect(bridge.callsOf('files.preview')).toEqual([{ stagedId: chart.id }])
    expect(tray.get('[data-testid="tray-thumb"]').attributes('src')).toMatch(/^blob:/)
    // The refused one is named with its size (not “” is 0 B).
    expect(problemTexts(w)).toEqual(['“huge.mov” is 999 MB; files up to 25 MB can be sent.'])
    expect(bridge.callsOf('files.send')).toEqual([])
    expect(w.get('[data-testid="attach-button"]').attributes('aria-label')).toBe(en.files.attach)
    expect(w.find('[data-testid="attach-button"] svg').exists()).toBe(true)
    w.unmount()
  })

  it('a cancelled picker sends nothing and opens no tray', async () => {
    const w = await mountChat()
    await w.get('[data-testid="attach-button"]').trigger('click')
    await settle()
    expect(bridge.callsOf('files.send')).toEqual([])
    expect(w.find('[data-testid="file-tray"]').exists()).toBe(false)
    w.unmount()
  })

  it('pasting an image stages its bytes (it has no path) into the tray, with no made-up name as caption; pasting text does not', async () => {
    const w = await mountChat()
    const ta = w.get('[data-testid="composer"]').element
    const img = file('image.png', 'PNG-BYTES', 'image/png')
    const paste = new Event('paste', { bubbles: true, cancelable: true })
    Object.defineProperty(paste, 'clipboardData', {
      value: { items: [{ kind: 'string', type: 'text/html', getAsFile: () => null }, { kind: 'file', type: 'image/png', getAsFile: () => img }] },
    })
    ta.dispatchEvent(paste)
    expect(paste.defaultPrevented).toBe(true)
    await settle()
    const [args] = bridge.callsOf('files.stageBytes') as Array<{ name: string; mime: string; bytes: Uint8Array }>
    expect(args!.mime).toBe('image/png')
    expect(args!.name).toMatch(/^pasted-\d{8}-\d{6}\.png$/)
    expect(new TextDecoder().decode(args!.bytes)).toBe('PNG-BYTES')
    const tray = w.get('[data-testid="file-tray"]')
    expect(tray.get('[data-testid="tray-thumb"]').attributes('src')).toMatch(/^blob:/)
    expect(tray.get<HTMLTextAreaElement>('[data-testid="tray-caption"]').element.value).toBe('')
    await tray.get('[data-testid="tray-send"]').trigger('click')
    await settle()
    expect(bridge.callsOf('files.send')).toEqual([{ chatId: group.id, stagedIds: [bridge.staged[0]!.id] }])
    expect(bridge.callsOf('messages.send')).toEqual([])

    const text = new Event('paste', { bubbles: true, cancelable: true })
    Object.defineProperty(text, 'clipboardData', { value: { items: [{ kind: 'string', type: 'text/plain', getAsFile: () => null }] } })
    w.get('[data-testid="composer"]').element.dispatchEvent(text)
    expect(text.defaultPrevented).toBe(false)
    await settle()
    expect(bridge.callsOf('files.stageBytes')).toHaveLength(1)
    w.unmount()
  })
})
