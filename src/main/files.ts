// Saving received files (issue 4, DESIGN §6): "Save as…" through the system dialog with a SANITIZED default name,
// never overwriting (a taken name becomes "name (1).ext"), never escaping the chosen folder, never opening the
// file, and a warning before an executable is written. Opening received files (issue 12): downloaded into our own
// cache under a sanitized name and handed to the system's app, after a warning for programs and scripts (asked
// once per file). Electron reaches this file only through `SaveDeps`/`OpenDeps`, so tests drive it with fakes and
// a temp folder.
import { createHash, randomUUID } from 'node:crypto'
import { lstat, mkdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import sanitize from 'sanitize-filename'
import type { FileDialogs } from './core/ports'
import { ChtError } from './core/errors'
import { stripUnsafe, truncate } from '../shared/text'

/** Longest name we suggest or write, in characters (and never over 240 UTF-8 bytes: most file systems allow 255). */
export const MAX_NAME_CHARS = 200
const MAX_NAME_BYTES = 240

/** Extensions that run code when opened: saving or opening one asks first. */
export const EXECUTABLE_EXTENSIONS = new Set([
  'exe', 'msi', 'bat', 'cmd', 'com', 'scr', 'ps1', 'vbs', 'js', 'jar', 'sh', 'app', 'dmg', 'deb', 'rpm', 'apk', 'lnk',
  // Windows script hosts, control panel items and registry files; Linux and macOS self-running packages.
  'hta', 'wsf', 'vbe', 'jse', 'psm1', 'cpl', 'msc', 'msp', 'pif', 'reg', 'appimage', 'run', 'command', 'pkg',
])

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i
// Zero-width and other invisible format characters that can hide an extension; ZWNJ/ZWJ stay (Persian needs them).
const INVISIBLE = /[\u200B\u2060\uFEFF]/g

function splitExt(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.')
  // ".bashrc" is a name, not an extension; an "extension" longer than 20 characters is part of the name.
  if (dot <= 0 || name.length - dot > 21) return { base: name, ext: '' }
  return { base: name.slice(0, dot), ext: name.slice(dot) }
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8')

/**
 * A file name that is safe to suggest and to create in any folder on any OS:
 * bidi overrides and control characters stripped (`a\u202Efdp.exe` shows as what it is), only the last path
 * segment kept (`../../.bashrc` → `.bashrc`), reserved Windows device names prefixed (`CON` → `_CON`),
 * characters illegal on Windows/macOS/Linux removed, trailing dots and spaces removed, at most 200 characters
 * keeping the extension, and never empty (`file`).
 */
export function sanitizeFileName(raw: string): string {
  let s = stripUnsafe(String(raw)).replace(INVISIBLE, '')
  s = s.split(/[\\/]/).filter((p) => p.trim() !== '').pop() ?? ''
  s = s.replace(/\s+/g, ' ').trim().replace(/[. ]+$/, '')
  if (s === '' || /^\.+$/.test(s)) return 'file'
  // Windows treats "CON.txt" and "con .txt" as the device too: judge the part before the first dot, trimmed.
  if (WINDOWS_RESERVED.test(s.split('.')[0].trim())) s = '_' + s
  // Shorten before sanitize-filename, which would cut at 255 bytes and lose the extension; it only removes after that.
  const { base: whole, ext } = splitExt(s)
  if (s.length > MAX_NAME_CHARS || utf8Length(s) > MAX_NAME_BYTES) {
    let base = truncate(whole, Math.max(1, MAX_NAME_CHARS - ext.length))
    while (base.length > 1 && utf8Length(base + ext) > MAX_NAME_BYTES) base = truncate(base, base.length - 1)
    s = base.trimEnd() + ext
  }
  s = sanitize(s)
  return s === '' ? 'file' : s
}

export function isExecutableName(name: string): boolean {
  const { ext } = splitExt(name.trim())
  return EXECUTABLE_EXTENSIONS.has(ext.slice(1).toLowerCase())
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path) // a dangling symlink counts as taken: we never write through it
    return true
  } catch {
    return false
  }
}

/** `dir/name`, or `dir/name (1).ext`, `dir/name (2).ext`… — the first that does not exist. */
export async function uniquePath(dir: string, name: string): Promise<string> {
  const first = join(dir, name)
  if (!(await exists(first))) return first
  const { base, ext } = splitExt(name)
  for (let i = 1; i < 10_000; i++) {
    const p = join(dir, `${base} (${i})${ext}`)
    if (!(await exists(p))) return p
  }
  throw new ChtError('file.unreadable', 'no free file name')
}

/** The few Electron calls the save flow needs (main/platform/dialogs.ts passes the real ones). */
export interface SaveDeps {
  showSaveDialog(opts: { defaultPath: string; properties?: string[] }): Promise<{ canceled: boolean; filePath?: string }>
  showMessageBox(opts: {
    type: 'warning'; buttons: string[]; defaultId: number; cancelId: number; message: string; detail: string; noLink?: boolean
  }): Promise<{ response: number }>
  showItemInFolder(path: string): void
  /** The folder the dialog opens in (Electron: Downloads). */
  defaultDir(): string
  /** UI language for the warning ('fa' | 'en'). */
  locale(): string | Promise<string>
}

const WARN = {
  en: {
    message: (name: string) => `“${name}” is a program or script.`,
    detail: 'Opening it can run code on this computer. Save it only if you trust the sender and expected this file.',
    save: 'Save anyway',
    cancel: 'Cancel',
  },
  fa: {
    message: (name: string) => `«${name}» یک برنامه یا اسکریپت است.`,
    detail: 'باز کردن آن می‌تواند روی این رایانه کد اجرا کند. فقط اگر به فرستنده اعتماد دارید و منتظر این پرونده بودید آن را ذخیره کنید.',
    save: 'با این حال ذخیره کن',
    cancel: 'انصراف',
  },
}

export type SaveFlow = Pick<FileDialogs, 'saveFile' | 'showSaved'>

const OPEN_WARN = {
  en: {
    message: (name: string) => `“${name}” is a program or script.`,
    detail: 'Opening it runs code on this computer. Open it only if you trust the sender and expected this file.',
    open: 'Open anyway',
    cancel: 'Cancel',
  },
  fa: {
    message: (name: string) => `«${name}» یک برنامه یا اسکریپت است.`,
    detail: 'باز کردن آن روی این رایانه کد اجرا می‌کند. فقط اگر به فرستنده اعتماد دارید و منتظر این پرونده بودید آن را باز کنید.',
    open: 'با این حال باز کن',
    cancel: 'انصراف',
  },
}

/** The few Electron calls "Open" needs (main/platform/dialogs.ts passes the real ones). */
export interface OpenDeps {
  /** A private folder for downloaded files (userData/cache/open): each file in a folder of its own. */
  dir: string
  showMessageBox: SaveDeps['showMessageBox']
  /** Electron's shell.openPath: '' when the system opened the file, else its error text. */
  openPath(path: string): Promise<string>
  locale(): string | Promise<string>
}

export type OpenFlow = Required<Pick<FileDialogs, 'openFile'>>

export function createOpenFlow(deps: OpenDeps): OpenFlow {
  /** Programs the user chose to open anyway: not asked again (the warning is once per file). */
  const confirmed = new Set<string>()
  /** Files downloaded in this session: opened again without a second download. */
  const downloaded = new Map<string, string>()

  return {
    async openFile({ key, name, download }) {
      const finalName = sanitizeFileName(name)
      if (isExecutableName(finalName) && !confirmed.has(key)) {
        const l = (await deps.locale()) === 'fa' ? OPEN_WARN.fa : OPEN_WARN.en
        const answer = await deps.showMessageBox({
          type: 'warning', buttons: [l.open, l.cancel], defaultId: 1, cancelId: 1, noLink: true,
          message: l.message(finalName), detail: l.detail,
        })
        if (answer.response !== 0) return { opened: false }
        confirmed.add(key)
      }
      let path = downloaded.get(key)
      if (!path || !(await exists(path))) {
        // One folder per file (named by a hash of its URL), so the file keeps its own readable name.
        const folder = join(deps.dir, createHash('sha256').update(key).digest('hex').slice(0, 24))
        await mkdir(folder, { recursive: true, mode: 0o700 })
        path = join(folder, finalName)
        const part = `${path}.part`
        // Leftovers of an earlier session live in our own cache: replaced, never trusted.
        await rm(part, { force: true })
        await rm(path, { force: true })
        await download(part) // written without the executable bit
        await rename(part, path)
        downloaded.set(key, path)
      }
      const failure = await deps.openPath(path)
      if (failure) throw new ChtError('file.open-failed', failure.slice(0, 200))
      return { opened: true }
    },
  }
}

export function createSaveFlow(deps: SaveDeps): SaveFlow {
  const saved = new Map<string, string>()

  return {
    async saveFile({ name, write }) {
      const suggested = sanitizeFileName(name)
      const r = await deps.showSaveDialog({ defaultPath: join(deps.defaultDir(), suggested), properties: ['createDirectory'] })
      if (r.canceled || !r.filePath) return { warnedExecutable: false }
      // What the user typed is sanitized too, and only its folder is taken from the dialog (never a path in the name).
      const dir = dirname(r.filePath)
      const finalName = sanitizeFileName(basename(r.filePath))
      let warnedExecutable = false
      if (isExecutableName(finalName)) {
        warnedExecutable = true
        const l = (await deps.locale()) === 'fa' ? WARN.fa : WARN.en
        const answer = await deps.showMessageBox({
          type: 'warning', buttons: [l.save, l.cancel], defaultId: 1, cancelId: 1, noLink: true,
          message: l.message(finalName), detail: l.detail,
        })
        if (answer.response !== 0) return { warnedExecutable }
      }
      // Never overwrite: a taken name is uniquified, and the write itself refuses an existing file ('wx'), so a file
      // appearing in between only costs another try.
      for (let attempt = 0; ; attempt++) {
        const dest = await uniquePath(dir, finalName)
        try {
          await write(dest)
          const savedId = randomUUID()
          saved.set(savedId, dest)
          return { savedId, warnedExecutable }
        } catch (e) {
          if (attempt >= 3 || !(await exists(dest))) throw e
        }
      }
    },
    showSaved(savedId) {
      const path = saved.get(savedId)
      if (!path) throw new ChtError('not-found', 'saved file')
      deps.showItemInFolder(path) // reveal, never open (DESIGN §6)
    },
  }
}
