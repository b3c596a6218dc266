import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AppError } from '../shared/model'
import { createLog } from './log'
import { createRecovery, CRASH_LOOP_MS, type MessageBoxOptions } from './recovery'
import { BrowserWindow, dialog, resetFakeElectron } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

let dir: string
beforeEach(() => {
  resetFakeElectron()
  dir = mkdtempSync(join(tmpdir(), 'cht-recovery-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function setup(answers: number[] = []) {
  let t = 0
  const notices: AppError[] = []
  const opened: string[] = []
  const quit = vi.fn()
  const asked: MessageBoxOptions[] = []
  const showMessageBox = vi.fn(async (_win: never, options: MessageBoxOptions) => {
    asked.push(options)
    return { response: answers.shift() ?? 0 }
  })
  const log = createLog({ dir })
  const recovery = createRecovery({
    log, now: () => t, getLocale: () => 'en', showMessageBox, quit,
    notice: (e) => notices.push(e), openChat: (id) => opened.push(id),
  })
  const win = new BrowserWindow({})
  recovery.attach(win as never)
  const wc = win.webContents
  const gone = (reason = 'crashed') => wc.emit('render-process-gone', {}, { reason, exitCode: 139 })
  return {
    recovery, win, wc, notices, opened, quit, asked, showMessageBox, gone,
    advance: (ms: number) => { t += ms },
    logText: () => readFileSync(join(dir, 'main.log'), 'utf8'),
  }
}

const flush = () => new Promise((r) => setImmediate(r))

describe('renderer crash (issue 13: a renderer crash leaves a blank window)', () => {
  it('reloads the window, restores the open chat and tells the person once', () => {
    const s = setup()
    s.recovery.observe('chats.open', { chatId: 'group:team' })
    s.gone('crashed')
    expect(s.wc.reloads).toBe(1)
    expect(s.notices).toEqual([]) // not into a page that is still loading
    s.wc.finishLoad()
    expect(s.notices).toEqual([{ code: 'app.recovered' }])
    expect(s.opened).toEqual(['group:team'])
    // An ordinary later load (the page reloading itself) says nothing.
    s.wc.finishLoad()
    expect(s.notices).toHaveLength(1)
    expect(s.logText()).toContain('renderer.gone reason=crashed exitCode=139')
  })

  it('restores nothing when no chat was open (the person was in Settings)', () => {
    const s = setup()
    s.recovery.observe('chats.open', { chatId: 'group:team' })
    s.recovery.observe('chats.blur', undefined)
    s.gone('oom')
    s.wc.finishLoad()
    expect(s.opened).toEqual([])
    expect(s.notices).toEqual([{ code: 'app.recovered' }])
  })

  it('a clean exit is not a crash', () => {
    const s = setup()
    s.gone('clean-exit')
    expect(s.wc.reloads).toBe(0)
  })

  it('a page that keeps crashing is not reloaded in a loop: the person chooses (reload, or quit)', async () => {
    const s = setup([0, 1])
    for (let i = 0; i < 2; i++) {
      s.gone()
      s.wc.finishLoad()
      s.advance(1_000)
    }
    expect(s.wc.reloads).toBe(2)
    s.gone() // the third within a minute
    expect(s.wc.reloads).toBe(2)
    await flush()
    expect(s.asked.map((a) => a.buttons)).toEqual([['Reload', 'Quit cht']])
    expect(s.wc.reloads).toBe(3) // "Reload"
    // Crashes spread out are no loop.
    s.advance(CRASH_LOOP_MS)
    s.gone()
    expect(s.wc.reloads).toBe(4)
    s.gone()
    s.gone() // a loop again, and this time "Quit"
    await flush()
    expect(s.quit).toHaveBeenCalledTimes(1)
  })
})

describe('renderer hang (issue 13: unresponsive → wait or reload)', () => {
  it('asks; "Wait" leaves it alone', async () => {
    const s = setup([0])
    s.win.emit('unresponsive')
    s.win.emit('unresponsive') // one question at a time
    await flush()
    expect(s.asked).toHaveLength(1)
    expect(s.asked[0]).toMatchObject({ message: 'cht is not responding', buttons: ['Wait', 'Reload'], cancelId: 0 })
    expect(s.wc.reloads).toBe(0)
  })

  it('"Reload" ends the hung page and reloads once, restoring the chat', async () => {
    const s = setup([1])
    s.recovery.observe('chats.open', { chatId: 'direct:abc' })
    s.win.emit('unresponsive')
    await flush()
    expect(s.wc.crashedByUs).toBe(1)
    expect(s.wc.reloads).toBe(1)
    s.wc.finishLoad()
    expect(s.opened).toEqual(['direct:abc'])
  })

  it('the question goes away when the page answers again', async () => {
    const s = setup()
    let signal: AbortSignal | undefined
    s.showMessageBox.mockImplementationOnce((_w, o) => {
      signal = o.signal
      return new Promise((resolve) => o.signal.addEventListener('abort', () => resolve({ response: 1 })))
    })
    s.win.emit('unresponsive')
    s.win.emit('responsive')
    await flush()
    expect(signal?.aborted).toBe(true)
    expect(s.wc.reloads).toBe(0) // the dialog's answer after it was closed does not count
  })

  it('uses Electron\'s dialog in Persian when the app is in Persian', async () => {
    const recovery = createRecovery({
      log: createLog({ dir }), now: () => 0, getLocale: () => 'fa', showMessageBox: dialog.showMessageBox as never,
      quit: vi.fn(), notice: vi.fn(), openChat: vi.fn(),
    })
    const win = new BrowserWindow({})
    recovery.attach(win as never)
    win.emit('unresponsive')
    await flush()
    expect(dialog.showMessageBox).toHaveBeenCalledWith(win, expect.objectContaining({ message: 'cht پاسخ نمی‌دهد', buttons: ['صبر می‌کنم', 'بارگذاری دوباره'] }))
  })
})

describe('main process errors (issue 13: no policy for uncaught errors)', () => {
  it('an uncaught exception and an unhandled rejection in main are logged and never kill it', () => {
    const script = `
      import { createLog } from './src/main/log.ts'
      import { installProcessGuards } from './src/main/recovery.ts'
      installProcessGuards(process, createLog({ dir: process.argv[1] }))
      setTimeout(() => { throw new TypeError('boom in a timer') }, 0)
      Promise.reject(new Error('nobody caught me'))
      setTimeout(() => { console.log('still alive'); process.exit(0) }, 200)
    `
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], {
      cwd: resolve(import.meta.dirname, '../..'), encoding: 'utf8', timeout: 30_000,
    })
    expect(r.stdout, r.stderr).toContain('still alive')
    expect(r.status).toBe(0)
    const log = readFileSync(join(dir, 'main.log'), 'utf8')
    expect(log).toContain('main.uncaught origin=uncaughtException — TypeError: boom in a timer')
    expect(log).toContain('main.unhandled-rejection — Error: nobody caught me')
  }, 40_000)
})
