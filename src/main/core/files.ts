// Staged files (issue 4, DESIGN §3): what the user dropped, picked or pasted, known to the renderer only by an
// opaque id. Paths come from the preload's stage channel or main's open dialog — never from a request. Sizes are
// checked with stat BEFORE anything is read. Pasted bytes are written to a private folder at once, so a file in
// the outbox survives a restart like any other. Node fs only, never electron.
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { access, constants, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { StagedFile } from '../../shared/model'
import { cleanName } from '../../shared/text'
import { ChtError } from './errors'
import { isImageName, mimeFromName } from './cht/wire'
import type { Clock } from './ports'

/** Staged entries not sent within this time are forgotten (and pasted bytes deleted). */
export const STAGE_TTL_MS = 30 * 60_000
/** The stage channel and `files.send` take at most this many files at once (contract: max 50). */
export const MAX_STAGE_FILES = 50
/** Larger staged images get a file icon instead of a thumbnail in the tray (their bytes would cross the bridge). */
export const PREVIEW_MAX_BYTES = 16 * 1024 * 1024

const IMAGE_EXT_OF_MIME: Record<string, string> = {
  'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'image/webp': '.webp',
}

export interface StagedEntry extends StagedFile {
  /** Absolute path of the bytes: the user's file, or our copy of pasted bytes (`temp`). */
  path: string
  /** Our own copy (pasted bytes): deleted once it leaves the outbox. */
  temp: boolean
  expiresAt: number
}

export interface StagingOptions {
  /** Folder for pasted bytes (created on demand). */
  outgoingDir: string
  maxBytes: () => number
  clock: Clock
  ttlMs?: number
}

/** A name for display and for the frame: bidi/control characters stripped, never empty. */
export function displayFileName(name: string): string {
  return cleanName(name.split(/[\\/]/).pop() ?? '') || 'file'
}

export function checkSize(size: number, max: number, name: string): void {
  if (size === 0) throw new ChtError('file.empty', name)
  if (size > max) throw new ChtError('file.too-large', `${name}: ${size} > ${max}`)
}

/** Throws unless `path` is an absolute path to an existing, readable regular file; returns its size. Reads nothing. */
export async function statRegularFile(path: string): Promise<number> {
  if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) throw new ChtError('invalid-input', 'not an absolute path')
  let st
  try {
    st = await stat(path)
  } catch {
    throw new ChtError('file.unreadable', 'no such file')
  }
  if (!st.isFile()) throw new ChtError('file.unreadable', 'not a regular file')
  return st.size
}

export class Staging {
  private readonly entries = new Map<string, StagedEntry>()

  constructor(private readonly o: StagingOptions) {}

  /** Paths from the preload (drop) or main's open dialog. All or nothing: the first bad file refuses the batch. */
  async stagePaths(paths: readonly string[]): Promise<StagedFile[]> {
    this.sweep()
    if (!Array.isArray(paths) || paths.length === 0 || paths.length > MAX_STAGE_FILES) throw new ChtError('invalid-input', 'paths')
    const max = this.o.maxBytes()
    const found: StagedEntry[] = []
    for (const path of paths) {
      const name = displayFileName(String(path))
      const size = await statRegularFile(path)
      checkSize(size, max, name) // before a single byte is read
      try {
        await access(path, constants.R_OK)
      } catch {
        throw new ChtError('file.unreadable', name)
      }
      found.push(this.entry(path, name, size, false))
    }
    for (const e of found) this.entries.set(e.id, e)
    return found.map(publicView)
  }

  /** A pasted image (no path): written to our private folder now, so the outbox can persist it. */
  async stageBytes(rawName: string, mime: string | undefined, bytes: Uint8Array): Promise<StagedFile> {
    this.sweep()
    let name = displayFileName(rawName)
    // The server keeps only the extension (W1): a pasted "image" must carry one to be shown as an image.
    const ext = mime ? IMAGE_EXT_OF_MIME[mime.toLowerCase()] : undefined
    if (ext && !mimeFromName(name)) name += ext
    checkSize(bytes.byteLength, this.o.maxBytes(), name)
    mkdirSync(this.o.outgoingDir, { recursive: true, mode: 0o700 })
    const path = join(this.o.outgoingDir, randomUUID())
    await writeFile(path, bytes, { mode: 0o600, flag: 'wx' })
    const e = this.entry(path, name, bytes.byteLength, true, mime)
    this.entries.set(e.id, e)
    return publicView(e)
  }

  /** The entries for these ids (all must exist); they stay staged until `take`. */
  peek(ids: readonly string[]): StagedEntry[] {
    this.sweep()
    return ids.map((id) => {
      const e = this.entries.get(id)
      if (!e) throw new ChtError('not-found', 'staged file')
      return e
    })
  }

  /**
   * Issue 12: the bytes of a staged image, for its thumbnail in the tray before sending. Images only, and only up to
   * PREVIEW_MAX_BYTES: the page shows a file icon for anything else.
   */
  async preview(id: string): Promise<{ bytes: Uint8Array; mime: string }> {
    const [e] = this.peek([id])
    if (!e.isImage) throw new ChtError('invalid-input', 'not an image')
    if (e.size > PREVIEW_MAX_BYTES) throw new ChtError('file.too-large', 'preview')
    let bytes: Buffer
    try {
      bytes = await readFile(e.path)
    } catch {
      throw new ChtError('file.unreadable', e.name)
    }
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), mime: e.mime ?? mimeFromName(e.name) ?? 'application/octet-stream' }
  }

  /** Hand the entries over to the outbox: they are no longer staged (their temp files now belong to it). */
  take(ids: readonly string[]): StagedEntry[] {
    const out = this.peek(ids)
    for (const id of ids) this.entries.delete(id)
    return out
  }

  /** Forget expired entries; pasted bytes nobody sent are deleted. */
  sweep(): void {
    const now = this.o.clock.monotonic()
    for (const [id, e] of this.entries) {
      if (e.expiresAt > now) continue
      this.entries.delete(id)
      if (e.temp) void unlink(e.path).catch(() => undefined)
    }
  }

  /** Sign-out / close: everything staged is forgotten. */
  clear(): void {
    for (const e of this.entries.values()) if (e.temp) void unlink(e.path).catch(() => undefined)
    this.entries.clear()
  }

  get size(): number {
    return this.entries.size
  }

  private entry(path: string, name: string, size: number, temp: boolean, mime?: string): StagedEntry {
    const m = mime && /^[\w.+-]+\/[\w.+-]+$/.test(mime) ? mime.toLowerCase() : mimeFromName(name)
    const e: StagedEntry = {
      id: `f:${randomUUID()}`, name, size, isImage: isImageName(name), path, temp,
      expiresAt: this.o.clock.monotonic() + (this.o.ttlMs ?? STAGE_TTL_MS),
    }
    if (m) e.mime = m
    return e
  }
}

function publicView(e: StagedEntry): StagedFile {
  const v: StagedFile = { id: e.id, name: e.name, size: e.size, isImage: e.isImage }
  if (e.mime) v.mime = e.mime
  return v
}
