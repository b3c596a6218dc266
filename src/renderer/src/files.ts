// Pure helpers for files in the renderer (issue 4): what kind a file is (for its icon and label), its size in
// words, and the checks made before anything is staged (main checks again: the page is not trusted).
import type { ErrorCode, Locale } from '@shared/model'
import { formatNumber } from './format'

export type FileKind =
  | 'image' | 'video' | 'audio' | 'pdf' | 'archive' | 'document' | 'sheet' | 'slides' | 'text' | 'code' | 'program' | 'other'

export const FILE_KINDS: readonly FileKind[] = [
  'image', 'video', 'audio', 'pdf', 'archive', 'document', 'sheet', 'slides', 'text', 'code', 'program', 'other',
]

const BY_EXT: Record<string, FileKind> = {}
const add = (kind: FileKind, exts: string) => { for (const e of exts.split(' ')) BY_EXT[e] = kind }
add('image', 'png jpg jpeg gif webp bmp svg tif tiff heic avif ico')
add('video', 'mp4 mkv mov avi webm wmv m4v 3gp')
add('audio', 'mp3 wav ogg oga opus m4a flac aac wma amr')
add('pdf', 'pdf')
add('archive', 'zip rar 7z tar gz tgz bz2 xz zst iso dmg')
add('document', 'doc docx odt rtf pages')
add('sheet', 'xls xlsx ods csv tsv numbers')
add('slides', 'ppt pptx odp key')
add('text', 'txt md log')
add('code', 'js ts json xml html htm css py java c h cpp go rs rb php sql yaml yml toml ini')
// Things the OS would run when opened: shown with their own icon and a warning when saved.
add('program', 'exe msi bat cmd com scr ps1 vbs jar app apk deb rpm sh run appimage lnk pif')

/** The extension of a name, lowercase, without the dot ('' when there is none). */
export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const i = base.lastIndexOf('.')
  return i > 0 && i < base.length - 1 ? base.slice(i + 1).toLowerCase() : ''
}

/** The kind of a file from its extension first (names the sender chose), then its MIME type. */
export function fileKind(name: string, mime?: string): FileKind {
  const byExt = BY_EXT[extensionOf(name)]
  if (byExt) return byExt
  const m = (mime ?? '').toLowerCase()
  if (m.startsWith('image/')) return 'image'
  if (m.startsWith('video/')) return 'video'
  if (m.startsWith('audio/')) return 'audio'
  if (m === 'application/pdf') return 'pdf'
  if (m.startsWith('text/')) return 'text'
  if (/zip|compressed|tar|rar|7z/.test(m)) return 'archive'
  if (/msdownload|executable|x-sh/.test(m)) return 'program'
  return 'other'
}

/** A size in words ("1.2 MB"), with the locale's digits; `units` are the translated "{n} B/KB/MB/GB" templates. */
export function formatBytes(locale: Locale, bytes: number, units: (unit: 'b' | 'kb' | 'mb' | 'gb', n: string) => string): string {
  const KB = 1024
  const MB = KB * 1024
  const GB = MB * 1024
  const one = (v: number) => formatNumber(locale, Math.round(v * 10) / 10)
  if (bytes < KB) return units('b', formatNumber(locale, bytes))
  if (bytes < MB) return units('kb', formatNumber(locale, Math.round(bytes / KB)))
  if (bytes < GB) return units('mb', one(bytes / MB))
  return units('gb', one(bytes / GB))
}

export interface FileProblem {
  code: ErrorCode | 'file.folder'
  name?: string
  size?: number
}

/** Candidate files split into those that may be staged and those refused before reading (size cap, empty, folder). */
export function checkFiles(
  files: ReadonlyArray<{ name: string; size: number; isFolder?: boolean }>,
  maxBytes: number,
): { ok: number[]; problems: FileProblem[] } {
  const ok: number[] = []
  const problems: FileProblem[] = []
  files.forEach((f, i) => {
    if (f.isFolder) problems.push({ code: 'file.folder', name: f.name })
    else if (f.size > maxBytes) problems.push({ code: 'file.too-large', name: f.name, size: f.size })
    else if (f.size === 0) problems.push({ code: 'file.empty', name: f.name })
    else ok.push(i)
  })
  return { ok, problems }
}

/** Does this drag carry files (from the OS)? Text or link drags do not, and must not show the drop overlay. */
export function dragHasFiles(dt: DataTransfer | null | undefined): boolean {
  if (!dt) return false
  const types = Array.from(dt.types ?? [])
  return types.includes('Files')
}

/** The files of a drop, each marked when it is a folder (a folder cannot be sent; its File has no bytes to read). */
export function filesOfDrop(dt: DataTransfer): Array<{ file: File; isFolder: boolean }> {
  const items = Array.from(dt.items ?? []).filter((it) => it.kind === 'file')
  if (items.length) {
    const out: Array<{ file: File; isFolder: boolean }> = []
    for (const it of items) {
      const file = it.getAsFile()
      if (!file) continue
      const entry = typeof it.webkitGetAsEntry === 'function' ? it.webkitGetAsEntry() : null
      out.push({ file, isFolder: !!entry?.isDirectory })
    }
    return out
  }
  return Array.from(dt.files ?? []).map((file) => ({ file, isFolder: false }))
}

const IMAGE_EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' }

/** A name for a pasted image (the clipboard's is usually just "image.png"): unique per second, with its type's extension. */
export function pastedImageName(mime: string, now: number): string {
  const d = new Date(now)
  const p = (n: number) => String(n).padStart(2, '0')
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
  return `pasted-${stamp}.${IMAGE_EXT[mime] ?? (mime.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'png')}`
}

function isEditable(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLInputElement)
}

/**
 * Never let a drop navigate the window (a dropped file or link would replace the app). Drop zones handle their own
 * drops first and prevent the default; anything left over is refused here, except text dropped into a text field.
 */
export function guardWindowDrops(w: Window): () => void {
  const over = (e: DragEvent) => {
    if (e.defaultPrevented) return
    if (!dragHasFiles(e.dataTransfer) && isEditable(e.target)) return
    e.preventDefault()
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'none'
  }
  const drop = (e: DragEvent) => {
    if (e.defaultPrevented) return
    if (!dragHasFiles(e.dataTransfer) && isEditable(e.target)) return
    e.preventDefault()
  }
  w.addEventListener('dragover', over)
  w.addEventListener('drop', drop)
  return () => {
    w.removeEventListener('dragover', over)
    w.removeEventListener('drop', drop)
  }
}
