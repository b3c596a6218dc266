// Issue 4 wiring in main: the preload's stage channel (sender check, path validation, core staging) and the
// Electron dialogs port (open dialog → staged ids; save dialog → sanitized, never overwriting, revealed not opened).
// Only the Electron API is faked.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createChatClient } from './core'
import { memoryPorts } from './core/ports'
import { registerStageFiles } from './ipc'
import { createFileDialogs } from './platform/dialogs'
import { BrowserWindow, FakeFrame, ipcMain, resetFakeElectron } from './testing/fake-electron'
import { APP_ENTRY } from './window'

const electronExtra = vi.hoisted(() => ({
  showOpenDialog: vi.fn(async (..._a: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> => ({ canceled: true, filePaths: [] })),
  showSaveDialog: vi.fn(async (..._a: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({ canceled: true })),
  showMessageBox: vi.fn(async (..._a: unknown[]) => ({ response: 1 })),
  showItemInFolder: vi.fn((_p: string) => undefined),
  downloads: '/nonexistent',
}))
const shellExtra = vi.hoisted(() => ({ openPath: vi.fn(async (_p: string) => '') }))

vi.mock('electron', async () => {
  const base = await import('./testing/fake-electron')
  return {
    ...base,
    app: Object.assign(base.app, { getPath: (name: string) => (name === 'downloads' ? electronExtra.downloads : base.app.userData) }),
    dialog: {
      showOpenDialog: electronExtra.showOpenDialog,
      showSaveDialog: electronExtra.showSaveDialog,
      showMessageBox: electronExtra.showMessageBox,
    },
    shell: { ...base.shell, showItemInFolder: electronExtra.showItemInFolder, openPath: shellExtra.openPath },
  }
})

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cht-main-files-'))
  electronExtra.downloads = dir
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let cleanup: Array<() => unknown> = []
beforeEach(() => resetFakeElectron())
afterEach(async () => {
  for (const c of cleanup) await c()
  cleanup = []
})

function appWindow(): BrowserWindow {
  const win = new BrowserWindow({})
  void win.loadURL(APP_ENTRY)
  return win
}

function client(dialogs?: ReturnType<typeof createFileDialogs>) {
  const c = createChatClient({
    ports: { ...memoryPorts(), cacheDir: join(dir, 'cache'), ...(dialogs ? { dialogs } : {}) },
    serverOrigin: 'http://127.0.0.1:9',
  })
  cleanup.push(() => c.close())
  return c
}

describe('stage-files channel (DESIGN §3)', () => {
  function setup() {
    const c = client()
    const calls: string[][] = []
    const counted = { stagePaths: (p: string[]) => (calls.push(p), c.stagePaths(p)) }
    const win = appWindow()
    cleanup.push(registerStageFiles(counted, () => win as never))
    const invoke = (event: { sender: unknown; senderFrame: unknown }, paths: unknown) =>
      ipcMain.handlers.get('cht:stage-files')!(event, paths) as Promise<unknown>
    const own = { sender: win.webContents, senderFrame: win.webContents.mainFrame }
    return { win, own, invoke, calls }
  }

  it('stages real files for the app window and answers opaque ids', async () => {
    const { own, invoke } = setup()
    const p = join(dir, 'notes.txt')
    writeFileSync(p, 'hello')
    const r = (await invoke(own, [p])) as { ok: boolean; value: Array<{ id: string; name: string; size: number }> }
    expect(r).toMatchObject({ ok: true, value: [{ name: 'notes.txt', size: 5, id: expect.stringMatching(/^f:/) }] })
    expect(JSON.stringify(r)).not.toContain(dir)
  })

  it('refuses another window and a subframe before looking at the paths', async () => {
    const { win, invoke, calls } = setup()
    const other = appWindow()
    expect(await invoke({ sender: other.webContents, senderFrame: other.webContents.mainFrame }, ['/etc/hostname']))
      .toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await invoke({ sender: win.webContents, senderFrame: new FakeFrame(APP_ENTRY) }, ['/etc/hostname']))
      .toMatchObject({ ok: false, error: { code: 'forbidden' } })
    win.webContents.mainFrame.url = 'https://evil.example/'
    expect(await invoke({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, ['/etc/hostname']))
      .toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(calls).toEqual([])
  })

  it.each([
    ['not an array', '/etc/hostname'],
    ['empty', []],
    ['relative', ['notes.txt']],
    ['a number', [42]],
    ['a NUL', ['/tmp/a\u0000b']],
    ['too many', Array(51).fill('/etc/hostname')],
    ['an object', { length: 1, 0: '/etc/hostname' }],
  ])('refuses %s', async (_what, paths) => {
    const { own, invoke, calls } = setup()
    expect(await invoke(own, paths)).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(calls).toEqual([])
  })

  it('missing files and folders are refused by core', async () => {
    const { own, invoke } = setup()
    expect(await invoke(own, [join(dir, 'missing.txt')])).toMatchObject({ ok: false, error: { code: 'file.unreadable' } })
    expect(await invoke(own, [dir])).toMatchObject({ ok: false, error: { code: 'file.unreadable' } })
  })
})

describe('Electron file dialogs (platform/dialogs.ts)', () => {
  it('files.pick: the open dialog (multi-select, parented) → staged files; cancel → nothing', async () => {
    const win = appWindow()
    const c = client(createFileDialogs({ getWindow: () => win as never, locale: () => 'en', cacheDir: join(dir, 'cache') }))
    const a = join(dir, 'a.png')
    const b = join(dir, 'b.txt')
    writeFileSync(a, 'png')
    writeFileSync(b, 'txt')
    electronExtra.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [a, b] })
    const r = await c.request('files.pick', undefined)
    expect(r.files.map((f) => [f.name, f.isImage])).toEqual([['a.png', true], ['b.txt', false]])
    expect(r.refused).toEqual([])
    expect(electronExtra.showOpenDialog).toHaveBeenCalledWith(win, { properties: ['openFile', 'multiSelections'] })
    expect(await c.request('files.pick', undefined)).toEqual({ files: [], refused: [] })
  })

  it('files.pick: a file that cannot be sent is refused by name and size; the others are staged (issue 12)', async () => {
    const win = appWindow()
    const c = client(createFileDialogs({ getWindow: () => win as never, locale: () => 'en', cacheDir: join(dir, 'cache') }))
    const max = (await c.request('settings.get', undefined)).maxFileBytes
    const big = join(dir, 'گزارش سالانه.pdf')
    writeFileSync(big, '')
    truncateSync(big, max + 1) // sparse: large on paper, nothing to read
    const empty = join(dir, 'empty.txt')
    writeFileSync(empty, '')
    const ok = join(dir, 'ok.txt')
    writeFileSync(ok, 'fine')
    electronExtra.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [big, ok, empty] })
    const r = await c.request('files.pick', undefined)
    expect(r.files.map((f) => f.name)).toEqual(['ok.txt'])
    expect(r.refused).toEqual([
      { name: 'گزارش سالانه.pdf', size: max + 1, code: 'file.too-large' },
      { name: 'empty.txt', size: 0, code: 'file.empty' },
    ])
  })

  it('save: Downloads + sanitized name, never overwrite, executable warning, reveal in folder', async () => {
    const win = appWindow()
    const dialogs = createFileDialogs({ getWindow: () => win as never, locale: () => 'en', cacheDir: join(dir, 'cache') })
    writeFileSync(join(dir, 'tool.exe'), 'existing')
    electronExtra.showSaveDialog.mockImplementationOnce(async (_w: unknown, o: unknown) => ({
      canceled: false, filePath: (o as { defaultPath: string }).defaultPath,
    }))
    electronExtra.showMessageBox.mockResolvedValueOnce({ response: 0 })
    const r = await dialogs.saveFile({ name: '../../tool\u202E.exe', write: (dest) => writeFile(dest, 'new', { flag: 'wx' }) })
    expect(electronExtra.showSaveDialog.mock.calls[0][1]).toMatchObject({ defaultPath: join(dir, 'tool.exe') })
    expect(electronExtra.showMessageBox).toHaveBeenCalledTimes(1)
    expect(r).toEqual({ savedId: expect.any(String), warnedExecutable: true })
    expect(readFileSync(join(dir, 'tool.exe'), 'utf8')).toBe('existing')
    expect(readFileSync(join(dir, 'tool (1).exe'), 'utf8')).toBe('new')
    await dialogs.showSaved(r.savedId!)
    expect(electronExtra.showItemInFolder).toHaveBeenCalledWith(join(dir, 'tool (1).exe'))
  })

  it('open (issue 12): downloaded once into the private cache under a clean name, then handed to the system', async () => {
    const win = appWindow()
    const cacheDir = join(dir, 'cache-open-1')
    const dialogs = createFileDialogs({ getWindow: () => win as never, locale: () => 'en', cacheDir })
    const downloads: string[] = []
    const download = async (dest: string) => {
      downloads.push(dest)
      await writeFile(dest, 'report bytes', { flag: 'wx' })
    }
    const key = 'http://127.0.0.1:9/cht/media/static/files/123456.pdf'
    expect(await dialogs.openFile({ key, name: '../../گزارش\u202E.pdf', download })).toEqual({ opened: true })
    const opened = shellExtra.openPath.mock.calls[0][0]
    expect(opened.startsWith(join(cacheDir, 'open') + '/')).toBe(true)
    expect(opened.endsWith('/گزارش.pdf')).toBe(true)
    expect(readFileSync(opened, 'utf8')).toBe('report bytes')
    expect(electronExtra.showMessageBox).not.toHaveBeenCalled()
    // Again: no second download.
    expect(await dialogs.openFile({ key, name: 'گزارش.pdf', download })).toEqual({ opened: true })
    expect(downloads).toHaveLength(1)
    expect(shellExtra.openPath).toHaveBeenCalledTimes(2)
  })

  it('open: a program asks once (declined → nothing downloaded or opened); no app for the file → a clear error', async () => {
    const win = appWindow()
    const dialogs = createFileDialogs({ getWindow: () => win as never, locale: () => 'fa', cacheDir: join(dir, 'cache-open-2') })
    let downloads = 0
    const download = async (dest: string) => {
      downloads++
      await writeFile(dest, 'MZ', { flag: 'wx' })
    }
    const key = 'http://127.0.0.1:9/cht/media/static/files/654321.exe'
    electronExtra.showMessageBox.mockResolvedValueOnce({ response: 1 })
    expect(await dialogs.openFile({ key, name: '654321.exe', download })).toEqual({ opened: false })
    expect(downloads).toBe(0)
    expect(shellExtra.openPath).not.toHaveBeenCalled()
    const box = electronExtra.showMessageBox.mock.calls[0]
    expect(box[0]).toBe(win) // parented
    expect(box[1]).toMatchObject({ type: 'warning', cancelId: 1, defaultId: 1, message: '«654321.exe» یک برنامه یا اسکریپت است.' })
    electronExtra.showMessageBox.mockResolvedValueOnce({ response: 0 })
    expect(await dialogs.openFile({ key, name: '654321.exe', download })).toEqual({ opened: true })
    expect(await dialogs.openFile({ key, name: '654321.exe', download })).toEqual({ opened: true })
    expect(electronExtra.showMessageBox).toHaveBeenCalledTimes(2) // asked once more, then never again for this file
    expect(downloads).toBe(1)

    shellExtra.openPath.mockResolvedValueOnce('No application is registered for this file')
    await expect(dialogs.openFile({ key: 'http://127.0.0.1:9/cht/media/static/files/1.xyz', name: '1.xyz', download }))
      .rejects.toMatchObject({ code: 'file.open-failed' })
  })
})
