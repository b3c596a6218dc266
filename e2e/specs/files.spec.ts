// End to end, issue 4 (DESIGN §5): files dropped on the open chat in Chromium, through the host's
// window.cht.stageFiles (bytes → temp file → the core's stagePaths, as main's stage channel), streamed by the real
// core to the reference server (PROTOCOL W1), received by a second user; thumbnails and the lightbox.
import type { Page } from '@playwright/test'
import { encodePng } from '../../server/png'
import { expect, test } from '../fixtures'
import { chatItem, createGroup, myId, openChat, signIn, twoSignedIn } from '../helpers'

// The specs are typechecked without the DOM library: the few page-side globals used here, typed minimally.
interface PageEl { closest(sel: string): PageEl | null; getAttribute(name: string): string | null }
interface PageGlobals {
  document: { body: unknown; querySelectorAll(sel: string): Iterable<PageEl> }
  MutationObserver: new (cb: () => void) => { observe(target: unknown, opts: object): void }
  DataTransfer: new () => { items: { add(file: unknown): void }; setData(type: string, value: string): void }
  File: new (parts: unknown[], name: string, opts: { type: string }) => unknown
  __progressSeen: Set<string>
}

/** Remember every message key that ever showed a progress bar (a fast local send may show one only briefly). */
async function recordProgressBars(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals
    const seen = new Set<string>()
    g.__progressSeen = seen
    const look = () => {
      for (const el of g.document.querySelectorAll('[data-testid="file-progress"]')) {
        const key = el.closest('[data-testid="message"]')?.getAttribute('data-key')
        if (key) seen.add(key)
      }
    }
    new g.MutationObserver(look).observe(g.document.body, { subtree: true, childList: true, attributes: true })
  })
}
const progressSeen = (page: Page) =>
  page.evaluate(() => [...(globalThis as unknown as PageGlobals).__progressSeen])

test('two files dropped on the chat: the tray with a caption of their names, then two files and the caption on both screens; thumbnail and lightbox', async ({ openApp, testServer }) => {
  const { alice, bob, a } = await twoSignedIn(openApp, testServer)
  const groupId = await createGroup(testServer, a, [await myId(bob)], 'files')
  await expect(chatItem(alice.page, groupId)).toBeVisible({ timeout: 15_000 })
  await expect(chatItem(bob.page, groupId)).toBeVisible({ timeout: 15_000 })
  await openChat(alice.page, groupId)
  await openChat(bob.page, groupId)

  // A 48×48 PNG and ~600 KB of text (big enough to be streamed in several fragments).
  const png = [...encodePng(48, 48, (x, y) => [x * 5, y * 5, 160, 255])]
  const notes = 'یادداشت جلسه — meeting notes\n'.repeat(20_000)
  await recordProgressBars(alice.page)
  const page = alice.page
  const notesName = 'گزارش مالی سه‌ماهه.txt'
  const dataTransfer = await page.evaluateHandle(({ png, notes, notesName }) => {
    const g = globalThis as unknown as PageGlobals
    const dt = new g.DataTransfer()
    dt.items.add(new g.File([notes], notesName, { type: 'text/plain' }))
    dt.items.add(new g.File([Uint8Array.from(png)], 'diagram.png', { type: 'image/png' }))
    return dt
  }, { png, notes, notesName })

  // Anywhere on the open chat: the overlay while dragging, then the drop.
  const timeline = page.getByTestId('timeline')
  await timeline.dispatchEvent('dragenter', { dataTransfer })
  await timeline.dispatchEvent('dragover', { dataTransfer })
  await expect(page.getByTestId('drop-overlay')).toBeVisible()
  await timeline.dispatchEvent('drop', { dataTransfer })
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0)

  // Issue 12: nothing is sent yet — the tray shows both (a thumbnail for the image) and a caption of their names.
  const tray = page.getByTestId('file-tray')
  await expect(tray).toBeVisible()
  await expect(tray.getByTestId('tray-name')).toHaveText([notesName, 'diagram.png'])
  await expect(tray.getByTestId('tray-thumb')).toHaveAttribute('src', /^blob:/)
  await expect(tray.getByTestId('tray-caption')).toHaveValue(`${notesName}\ndiagram.png`)
  await expect(timeline.getByTestId('message')).toHaveCount(0)
  await tray.getByTestId('tray-caption').fill(`${notesName} و نمودار — notes and the chart`)
  await tray.getByTestId('tray-send').click()
  await expect(tray).toHaveCount(0)

  // Alice: two own file messages, each had a progress bar, both end up sent under their original names.
  const aliceFiles = timeline.getByTestId('message').filter({ has: page.getByTestId('message-file') })
  await expect(aliceFiles).toHaveCount(2)
  await expect.poll(() => progressSeen(page).then((k) => k.length)).toBe(2)
  await expect(aliceFiles.getByTestId('file-name')).toHaveText([notesName, 'diagram.png'])
  for (const i of [0, 1]) await expect(aliceFiles.nth(i)).toHaveAttribute('data-status', 'sent', { timeout: 20_000 })
  await expect(page.getByTestId('file-progress')).toHaveCount(0)
  await expect(aliceFiles.nth(0).getByTestId('file-icon')).toHaveAttribute('data-kind', 'text')
  const aliceThumb = aliceFiles.nth(1).getByTestId('message-image')
  await expect(aliceThumb).toHaveAttribute('src', /^blob:/)

  // Bob: the same two files arrive live (names derived from the URL: the server keeps only the extension, Q5b).
  const bobTimeline = bob.page.getByTestId('timeline')
  const bobFiles = bobTimeline.getByTestId('message').filter({ has: bob.page.getByTestId('message-file') })
  await expect(bobFiles).toHaveCount(2, { timeout: 15_000 })
  await expect(bobFiles.nth(0).getByTestId('file-name')).toHaveText(/^\d{6}\.txt$/)
  await expect(bobFiles.nth(0).getByTestId('file-icon')).toHaveAttribute('data-kind', 'text')
  const thumb = bobFiles.nth(1).getByTestId('message-image')
  await expect(thumb).toHaveAttribute('src', /^blob:/)
  await expect.poll(() => thumb.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(48)
  // …and right after them the caption, so Bob reads the real name the server dropped (R10, Q5b).
  const bobMessages = bobTimeline.getByTestId('message')
  await expect(bobMessages.last().getByTestId('message-text')).toHaveText(`${notesName} و نمودار — notes and the chart`)
  await expect(bobMessages.nth(-2).getByTestId('message-file')).toBeVisible()

  // The lightbox opens on the image and Escape closes it.
  await bobFiles.nth(1).getByTestId('file-open').click()
  const lightbox = bob.page.getByTestId('lightbox')
  await expect(lightbox).toBeVisible()
  await expect(lightbox.getByTestId('lightbox-image')).toHaveAttribute('src', /^blob:/)
  await expect(lightbox.getByTestId('lightbox-close')).toBeFocused()
  await bob.page.keyboard.press('Escape')
  await expect(lightbox).toHaveCount(0)
})

test('a drag that carries only text shows no overlay and sends nothing', async ({ openApp, testServer }) => {
  const [a] = testServer.users(1)
  const alice = await openApp()
  await signIn(alice, testServer.origin, a.token)
  const groupId = await createGroup(testServer, a, [], 'files')
  await expect(chatItem(alice.page, groupId)).toBeVisible({ timeout: 15_000 })
  await openChat(alice.page, groupId)
  const dataTransfer = await alice.page.evaluateHandle(() => {
    const dt = new (globalThis as unknown as PageGlobals).DataTransfer()
    dt.setData('text/plain', 'just some text')
    return dt
  })
  const timeline = alice.page.getByTestId('timeline')
  await timeline.dispatchEvent('dragenter', { dataTransfer })
  await timeline.dispatchEvent('dragover', { dataTransfer })
  await expect(alice.page.getByTestId('drop-overlay')).toHaveCount(0)
  await timeline.dispatchEvent('drop', { dataTransfer })
  // Still the app (no navigation), and nothing was sent.
  await expect(alice.page.getByTestId('chat-view')).toBeVisible()
  await expect(timeline.getByTestId('message')).toHaveCount(0)
})
