// When something breaks (issue 13): the window's page crashes → it is reloaded with the chat that was open, and the
// person is told once; the page hangs → they choose to wait or reload; main itself logs unexpected errors and keeps
// running (an unhandled error in main would otherwise kill every socket and the outbox drain with it).
// Electron is injected (DESIGN §4), so tests drive it with testing/fake-electron.
import type { AppError } from '../shared/model'
import type { ChatId } from '../shared/model'
import { labelsFor } from './labels'
import type { Log } from './log'

/** A page that stops this many times within CRASH_LOOP_MS is not reloaded again without asking. */
export const CRASH_LOOP_COUNT = 3
export const CRASH_LOOP_MS = 60_000

interface GoneDetails {
  reason: string
  exitCode?: number
}

export interface RecoveryWindow {
  isDestroyed(): boolean
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown
  webContents: {
    isDestroyed(): boolean
    reload(): void
    forcefullyCrashRenderer(): void
    on(event: 'render-process-gone', listener: (event: unknown, details: GoneDetails) => void): unknown
    on(event: 'did-finish-load', listener: () => void): unknown
  }
}

export interface MessageBoxOptions {
  type: 'warning' | 'error'
  title: string
  message: string
  detail: string
  buttons: string[]
  defaultId: number
  cancelId: number
  noLink: boolean
  signal: AbortSignal
}

export interface RecoveryOptions {
  log: Log
  /** Monotonic ms. */
  now: () => number
  getLocale: () => string
  /** Electron's dialog.showMessageBox(win, options). */
  showMessageBox: (win: never, options: MessageBoxOptions) => Promise<{ response: number }>
  quit: () => void
  /** Into the batched event stream to the page (main/ipc.ts holds notices until the page has loaded). */
  notice: (error: AppError) => void
  openChat: (chatId: ChatId) => void
}

export function createRecovery(o: RecoveryOptions) {
  let openChat: ChatId | null = null
  let crashes: number[] = []
  let crashesTotal = 0

  /** Requests that passed ipc.ts's checks: remembers which chat the page shows (`chats.open` … `chats.blur`). */
  function observe(name: string, args: unknown): void {
    if (name === 'chats.open') openChat = (args as { chatId: ChatId }).chatId
    else if (name === 'chats.blur') openChat = null
  }

  function attach(win: RecoveryWindow): void {
    const wc = win.webContents
    let reloading = false
    let killing = false
    let asking: AbortController | null = null

    const ask = async (kind: 'unresponsive' | 'crash-loop', buttons: string[]): Promise<number | null> => {
      const l = labelsFor(o.getLocale())
      asking?.abort()
      const ctl = new AbortController()
      asking = ctl
      try {
        const { response } = await o.showMessageBox(win as never, {
          type: kind === 'unresponsive' ? 'warning' : 'error',
          title: 'cht',
          message: kind === 'unresponsive' ? l.unresponsiveTitle : l.crashLoopTitle,
          detail: kind === 'unresponsive' ? l.unresponsiveBody : l.crashLoopBody,
          buttons,
          defaultId: 0,
          cancelId: 0,
          noLink: true,
          signal: ctl.signal,
        })
        return ctl.signal.aborted ? null : response
      } catch (e) {
        o.log.error('recovery.dialog-failed', e)
        return null
      } finally {
        if (asking === ctl) asking = null
      }
    }

    const reload = (): void => {
      if (win.isDestroyed() || wc.isDestroyed()) return
      reloading = true
      wc.reload()
    }

    wc.on('render-process-gone', (_event, details) => {
      o.log.error('renderer.gone', undefined, { reason: details.reason, exitCode: details.exitCode })
      // A normal exit (the window closing) is not a crash; our own "Reload" already reloads.
      if (details.reason === 'clean-exit' || win.isDestroyed()) return
      if (killing) {
        killing = false
        return
      }
      crashesTotal++
      const now = o.now()
      crashes = [...crashes.filter((t) => now - t < CRASH_LOOP_MS), now]
      if (crashes.length < CRASH_LOOP_COUNT) return reload()
      const l = labelsFor(o.getLocale())
      void ask('crash-loop', [l.reload, l.quit]).then((choice) => {
        if (choice === 1) return o.quit()
        crashes = []
        reload()
      })
    })

    // The reloaded page is listening again: tell the person once, and bring back the chat they had open.
    wc.on('did-finish-load', () => {
      if (!reloading) return
      reloading = false
      o.notice({ code: 'app.recovered' })
      if (openChat) o.openChat(openChat)
    })

    win.on('unresponsive', () => {
      o.log.warn('renderer.unresponsive')
      if (asking) return
      const l = labelsFor(o.getLocale())
      void ask('unresponsive', [l.wait, l.reload]).then((choice) => {
        if (choice !== 1 || win.isDestroyed() || wc.isDestroyed()) return
        o.log.info('renderer.reload-requested')
        killing = true
        wc.forcefullyCrashRenderer()
        reload()
      })
    })

    win.on('responsive', () => {
      o.log.info('renderer.responsive')
      asking?.abort() // the question answered itself
    })
  }

  return {
    observe,
    attach,
    /** Page crashes since start (diagnostics). */
    crashes: () => crashesTotal,
  }
}

export type Recovery = ReturnType<typeof createRecovery>

export interface ProcessLike {
  on(event: 'uncaughtException', listener: (error: Error, origin: string) => void): unknown
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown
}

/**
 * Main never dies of an unexpected error (issue 13): it is logged and the app carries on — the sockets, the outbox
 * and the window stay up. (Electron's default shows a dialog with the stack; Node's would exit.)
 */
export function installProcessGuards(proc: ProcessLike, log: Log): void {
  proc.on('uncaughtException', (error, origin) => log.error('main.uncaught', error, { origin }))
  proc.on('unhandledRejection', (reason) => log.error('main.unhandled-rejection', reason))
}
