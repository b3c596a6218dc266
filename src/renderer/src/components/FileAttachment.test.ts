// Issue 4 items 2–4: a file in its bubble — icon, name, type, size; progress and cancel while sending;
// retry/delete when failed; "Save as…" then "Show in folder"; images open the lightbox.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import type { Attachment, Message } from '@shared/model'
import MessageBubble from './MessageBubble.vue'
import en from '../i18n/en'
import { freshEnv, mountWith, settle } from '../testing/setup'
import type { FakeBridge } from '../testing/fakeBridge'
import { useFilesStore } from '../stores/files'
import { useMessagesStore } from '../stores/messages'

let bridge: FakeBridge
let pinia: Pinia
beforeEach(() => ({ bridge, pinia } = freshEnv('en')))

const chatId = 'group:team'
const base: Message = {
  key: 'k1', chatId, senderId: 'u-2', senderName: 'Sara', text: '', at: Date.UTC(2024, 0, 1, 9), own: false, status: 'sent',
}
const att = (name: string, over: Partial<Attachment> = {}): Attachment => ({
  url: `https://cht.example/cht/media/static/files/${encodeURIComponent(name)}`, name, isImage: false, ...over,
})
const mountMsg = (message: Message) => mountWith(MessageBubble, pinia, { props: { message, isGroup: true } })

describe('file messages', () => {
  it('draws an SVG icon per type (never emoji) with the name, kind, extension and size', () => {
    const cases: Array<[string, string, string]> = [
      ['report.pdf', 'pdf', 'PDF document · PDF'],
      ['backup.zip', 'archive', 'Archive · ZIP'],
      ['setup.exe', 'program', 'Program · EXE'],
      ['plan.docx', 'document', 'Document · DOCX'],
      ['budget.xlsx', 'sheet', 'Spreadsheet · XLSX'],
      ['song.mp3', 'audio', 'Audio · MP3'],
      ['clip.mp4', 'video', 'Video · MP4'],
      ['main.py', 'code', 'Code · PY'],
      ['README', 'other', 'File'],
    ]
    for (const [name, kind, label] of cases) {
      const w = mountMsg({ ...base, file: att(name, { size: 1536 }) })
      const icon = w.get('[data-testid="file-icon"]')
      expect(icon.element.tagName.toLowerCase()).toBe('svg')
      expect(icon.attributes('data-kind')).toBe(kind)
      expect(icon.attributes('aria-hidden')).toBe('true')
      expect(w.get('[data-testid="file-name"]').text()).toBe(name)
      expect(w.get('[data-testid="file-name"] > bdi').text()).toBe(name) // isolated inside a line that follows the UI
      expect(w.get('[data-testid="file-type"]').text()).toBe(`${label} · 2 KB`)
      // No emoji anywhere in a file bubble (they are empty boxes on systems without an emoji font).
      expect(w.get('[data-testid="message-file"]').text()).not.toMatch(/\p{Extended_Pictographic}/u)
      w.unmount()
    }
  })

  it('a name that would be dangerous if interpreted is shown as text', () => {
    const w = mountMsg({ ...base, file: att('<img src=x onerror=alert(1)>.txt') })
    expect(w.get('[data-testid="file-name"]').text()).toBe('<img src=x onerror=alert(1)>.txt')
    expect(w.find('img[src="x"]').exists()).toBe(false)
  })

  it('shows a progress bar with the bytes sent while sending, and cancel calls files.cancel', async () => {
    const sending: Message = {
      ...base, key: 'local-1', own: true, status: 'sending', senderId: 'u-me',
      file: att('movie.mp4', { url: '', size: 4 * 1024 * 1024 }), transfer: { sent: 1024 * 1024, total: 4 * 1024 * 1024 },
    }
    bridge.messages.set(chatId, [sending])
    const w = mountMsg(sending)
    const bar = w.get('[data-testid="file-progress"]')
    expect(bar.attributes('role')).toBe('progressbar')
    expect(bar.attributes('aria-valuemin')).toBe('0')
    expect(bar.attributes('aria-valuemax')).toBe(String(4 * 1024 * 1024))
    expect(bar.attributes('aria-valuenow')).toBe(String(1024 * 1024))
    expect(bar.attributes('aria-valuetext')).toBe('25% — 1 MB of 4 MB')
    expect(bar.attributes('aria-label')).toBe('Sending movie.mp4')
    expect(w.get('.bar').attributes('style')).toContain('25%')
    // Nothing to save before it is on the server.
    expect(w.find('[data-testid="file-save"]').exists()).toBe(false)

    await w.setProps({ message: { ...sending, transfer: { sent: 3 * 1024 * 1024, total: 4 * 1024 * 1024 } } })
    expect(w.get('[data-testid="file-progress"]').attributes('aria-valuenow')).toBe(String(3 * 1024 * 1024))
    expect(w.get('.bar').attributes('style')).toContain('75%')

    await w.get('[data-testid="file-cancel"]').trigger('click')
    await settle()
    expect(bridge.callsOf('files.cancel')).toEqual([{ chatId, key: 'local-1' }])
    expect(bridge.messages.get(chatId)).toEqual([])

    await w.setProps({ message: { ...sending, status: 'sent', file: att('movie.mp4'), transfer: undefined } })
    expect(w.find('[data-testid="file-progress"]').exists()).toBe(false)
    expect(w.find('[data-testid="file-cancel"]').exists()).toBe(false)
  })

  it('a queued file (nothing sent yet) shows a waiting bar without a value', () => {
    const w = mountMsg({ ...base, own: true, status: 'sending', file: att('a.txt', { url: '', size: 10 }), transfer: { sent: 0, total: 10 } })
    const bar = w.get('[data-testid="file-progress"]')
    expect(bar.attributes('aria-valuetext')).toBe(en.files.waiting)
    expect(w.get('.bar').classes()).toContain('indeterminate')
  })

  it('a failed file offers retry and delete (through the outbox)', async () => {
    const failed: Message = { ...base, key: 'local-9', own: true, status: 'failed', error: 'network', file: att('a.txt', { url: '' }) }
    const w = mountMsg(failed)
    expect(w.find('[data-testid="file-progress"]').exists()).toBe(false)
    await w.get('[data-testid="message-retry"]').trigger('click')
    await w.get('[data-testid="message-discard"]').trigger('click')
    expect(w.emitted('retry')).toEqual([['local-9']])
    expect(w.emitted('discard')).toEqual([['local-9']])
  })

  it('"Save as…" asks main, then offers "Show in folder"; nothing is opened', async () => {
    const file = att('report.pdf')
    const w = mountMsg({ ...base, file })
    expect(w.find('[data-testid="file-show"]').exists()).toBe(false)
    await w.get('[data-testid="file-save"]').trigger('click')
    await settle()
    expect(bridge.callsOf('files.save')).toEqual([{ url: file.url, name: 'report.pdf' }])
    expect(w.get('[data-testid="file-saved"]').text()).toContain(en.files.saved)
    expect(w.find('[data-testid="file-warned"]').exists()).toBe(false)
    await w.get('[data-testid="file-show"]').trigger('click')
    await settle()
    const saved = useFilesStore().saved[file.url]!.savedId
    expect(saved).toMatch(/^saved-/)
    expect(bridge.callsOf('files.showSaved')).toEqual([{ savedId: saved }])
    expect(bridge.calls.map((c) => c.name)).not.toContain('app.openExternal')
  })

  it('saving a program mentions the warning; a cancelled dialog offers nothing to show', async () => {
    const exe = att('setup.exe')
    const w = mountMsg({ ...base, file: exe })
    await w.get('[data-testid="file-save"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="file-warned"]').text()).toContain(en.files.executableSaved)

    bridge.saveCancels.add('notes.txt')
    const w2 = mountMsg({ ...base, key: 'k2', file: att('notes.txt') })
    await w2.get('[data-testid="file-save"]').trigger('click')
    await settle()
    expect(bridge.callsOf('files.save')).toHaveLength(2)
    expect(w2.find('[data-testid="file-show"]').exists()).toBe(false)
    expect(w2.find('[data-testid="file-saved"]').exists()).toBe(false)
  })

  it('a failed save says why, translated', async () => {
    bridge.handle('files.save', () => { throw { code: 'network' } })
    const w = mountMsg({ ...base, file: att('a.txt') })
    await w.get('[data-testid="file-save"]').trigger('click')
    await settle()
    expect(w.get('[role="alert"]').text()).toBe(en.errors.network)
  })

  it('an image shows its thumbnail as a blob: URL, and a click opens the lightbox on it', async () => {
    const img = att('cat.png', { isImage: true, mime: 'image/png' })
    bridge.media.set(img.url, { bytes: new Uint8Array([137, 80, 78, 71]), mime: 'image/png' })
    useMessagesStore().timeline(chatId)
    const w = mountMsg({ ...base, file: img })
    await settle()
    expect(w.get('[data-testid="message-image"]').attributes('src')).toMatch(/^blob:/)
    expect(w.get('[data-testid="file-open"]').attributes('aria-label')).toBe('Open image cat.png')
    await w.get('[data-testid="file-open"]').trigger('click')
    expect(useFilesStore().lightbox).toEqual({ chatId, key: 'k1' })
  })

  it('a pending own image without a URL yet shows its icon, not an endless thumbnail', () => {
    const w = mountMsg({ ...base, own: true, status: 'sending', file: att('cat.png', { url: '', isImage: true, size: 10 }), transfer: { sent: 0, total: 10 } })
    expect(w.find('[data-testid="file-open"]').exists()).toBe(false)
    expect(w.get('[data-testid="file-icon"]').attributes('data-kind')).toBe('image')
  })
})

describe('file messages in Persian', () => {
  it('kind and size in Persian, with Persian digits', () => {
    ;({ bridge, pinia } = freshEnv('fa'))
    const w = mountWith(MessageBubble, pinia, { props: { message: { ...base, file: att('گزارش.pdf', { size: 3 * 1024 * 1024 }) } } })
    expect(w.get('[data-testid="file-type"]').text()).toBe('سند PDF، PDF، ۳ مگابایت')
  })
})

