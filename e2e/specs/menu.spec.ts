// End to end, issue 12 item 3: right-click on a message — copy its text, a selection or a link, quote it into the
// composer, open or save a received file — in the real renderer with the real core. Main's side of copying and
// opening is faked at the Electron boundary only: the clipboard (core's writeClipboard) and the system's "open"
// (main/files.ts's open flow with a recording shell.openPath). The native menu of text fields is main's
// (src/main/context-menu.test.ts); here: the page leaves it alone.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { memoryPorts } from '../../src/main/core/ports'
import { createOpenFlow } from '../../src/main/files'
import { expect, test, TEST_CLIENT_OPTIONS, type App, type OpenAppOptions } from '../fixtures'
import { chatItem, createGroup, messagesWith, myId, openChat, signIn } from '../helpers'

interface Desktop { clipboard: string[]; opened: string[] }

/** A signed-in window whose core has a recording clipboard and a recording "open with the system's app". */
async function withDesktop(openApp: (o?: string, opts?: OpenAppOptions) => Promise<App>, origin: string, token: string): Promise<{ app: App; desk: Desktop }> {
  const desk: Desktop = { clipboard: [], opened: [] }
  const cache = mkdtempSync(join(tmpdir(), 'cht-e2e-open-'))
  cleanups.push(() => rmSync(cache, { recursive: true, force: true }))
  const open = createOpenFlow({
    dir: cache, showMessageBox: async () => ({ response: 1 }), locale: () => 'fa',
    openPath: async (p) => (desk.opened.push(p), ''),
  })
  const ports = {
    ...memoryPorts(), cacheDir: cache,
    dialogs: { pickFiles: async () => [], saveFile: async () => ({ warnedExecutable: false }), showSaved: () => undefined, ...open },
  }
  const app = await openApp(undefined, { ports, client: { ...TEST_CLIENT_OPTIONS, writeClipboard: (t: string) => void desk.clipboard.push(t) } })
  await signIn(app, origin, token)
  return { app, desk }
}

const cleanups: Array<() => void> = []
test.afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

const menu = (page: Page) => page.getByTestId('message-menu')

// The specs are typechecked without the DOM library: the page-side shapes used here, typed minimally.
interface PageWin {
  __menuDefaults: boolean[]
  addEventListener(type: string, cb: (e: { defaultPrevented: boolean }) => void): void
}

test('right-click a message: copy its text, a link, a selection; quote it; the composer keeps the native menu', async ({ openApp, testServer }) => {
  const [a, b] = testServer.users(2)
  const { app: alice, desk } = await withDesktop(openApp, testServer.origin, a.token)
  const bob = await openApp()
  await signIn(bob, testServer.origin, b.token)
  const groupId = await createGroup(testServer, a, [await myId(bob)], 'menu')
  await expect(chatItem(bob.page, groupId)).toBeVisible({ timeout: 15_000 })
  await expect(chatItem(alice.page, groupId)).toBeVisible({ timeout: 15_000 })
  const text = 'گزارش اینجاست: https://example.org/docs?id=7 — please review'
  await bob.bridge.client.request('messages.send', { chatId: groupId, text })
  await openChat(alice.page, groupId)
  const page = alice.page
  const msg = messagesWith(page, text)
  await expect(msg).toHaveCount(1)
  // The text is right-to-left (it starts in Persian): its first words are at its right end, away from the link.
  const words = msg.getByTestId('message-text')
  const onWords = { button: 'right' as const, position: { x: (await words.boundingBox())!.width - 10, y: 8 } }

  // On the text: copy it (through main's clipboard), with a short confirmation.
  await words.click(onWords)
  await expect(menu(page)).toBeVisible()
  await expect(menu(page).getByRole('menuitem')).toHaveText(['رونوشت متن', 'نقل قول'])
  await expect(menu(page).getByTestId('menu-copyText')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(menu(page)).toHaveCount(0)
  expect(desk.clipboard).toEqual([text])
  await expect(page.getByTestId('copied')).toHaveText('رونوشت برداشته شد.')

  // On the link: copy or open the link itself. The keyboard moves through the menu; Escape closes it.
  await msg.getByRole('link').click({ button: 'right' })
  await expect(menu(page).getByRole('menuitem')).toHaveText(['رونوشت متن', 'رونوشت پیوند', 'باز کردن پیوند در مرورگر', 'نقل قول'])
  await page.keyboard.press('ArrowDown')
  await expect(menu(page).getByTestId('menu-copyLink')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu(page)).toHaveCount(0)
  await msg.getByRole('link').click({ button: 'right' })
  await menu(page).getByTestId('menu-copyLink').click()
  expect(desk.clipboard.at(-1)).toBe('https://example.org/docs?id=7')

  // A selection inside the message (a double-click selects the first word): "copy selected text" copies just that.
  await words.dblclick({ position: onWords.position })
  await words.click(onWords)
  await menu(page).getByTestId('menu-copy').click()
  expect(desk.clipboard.at(-1)!.trim()).toBe('گزارش')

  // Quote: a "> " quote in the composer, the caret after it, ready for the answer.
  await page.getByTestId('composer').fill('درباره این:')
  await words.click(onWords)
  await menu(page).getByTestId('menu-quote').click()
  await expect(page.getByTestId('composer')).toHaveValue(`درباره این:\n> ${text}\n`)
  await expect(page.getByTestId('composer')).toBeFocused()

  // The composer is a text field: the page leaves its right-click to main's native menu (spell check, paste).
  await page.evaluate(() => {
    const w = globalThis as unknown as PageWin
    w.__menuDefaults = []
    w.addEventListener('contextmenu', (e) => void w.__menuDefaults.push(e.defaultPrevented))
  })
  await page.getByTestId('composer').click({ button: 'right' })
  await expect(menu(page)).toHaveCount(0)
  expect(await page.evaluate(() => (globalThis as unknown as PageWin).__menuDefaults)).toEqual([false])
})

test('right-click a received file: open it with the system\'s app (downloaded to the cache), copy its link', async ({ openApp, testServer }) => {
  const [a, b] = testServer.users(2)
  const { app: alice, desk } = await withDesktop(openApp, testServer.origin, a.token)
  const bob = await openApp()
  await signIn(bob, testServer.origin, b.token)
  const groupId = await createGroup(testServer, a, [await myId(bob)], 'open')
  await expect(chatItem(bob.page, groupId)).toBeVisible({ timeout: 15_000 })
  await expect(chatItem(alice.page, groupId)).toBeVisible({ timeout: 15_000 })
  const bytes = 'ستون۱,ستون۲\n1,2\n'
  const r = await bob.bridge.client.stagePaths([writeTemp('جدول.csv', bytes)])
  if (!r.ok) throw new Error(r.error.code)
  await bob.bridge.client.request('files.send', { chatId: groupId, stagedIds: r.value.map((f) => f.id) })

  await openChat(alice.page, groupId)
  const page = alice.page
  const file = page.getByTestId('message').filter({ has: page.getByTestId('message-file') })
  await expect(file).toHaveCount(1, { timeout: 15_000 })
  await file.getByTestId('file-name').click({ button: 'right' })
  await expect(menu(page).getByRole('menuitem')).toHaveText(['باز کردن فایل', 'ذخیره به‌عنوان…', 'رونوشت پیوند فایل', 'نقل قول'])
  await menu(page).getByTestId('menu-open').click()
  await expect.poll(() => desk.opened.length).toBe(1)
  expect(readFileSync(desk.opened[0]!, 'utf8')).toBe(bytes)
  // The bubble's own "Open" button does the same (no second download).
  await file.getByTestId('file-open-app').click()
  await expect.poll(() => desk.opened.length).toBe(2)
  expect(desk.opened[1]).toBe(desk.opened[0])

  await file.getByTestId('file-name').click({ button: 'right' })
  await menu(page).getByTestId('menu-copyFileLink').click()
  expect(desk.clipboard.at(-1)).toMatch(new RegExp(`^${testServer.origin}/cht/media/static/files/\\d{6}\\.csv$`))
})

/** A file on disk, as one a person would pick (removed after the test). */
function writeTemp(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cht-e2e-src-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
