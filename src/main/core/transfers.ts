// File sends (issue 4; PROTOCOL W1/W2, §3). A file is an outbox item like a text (DESIGN §2: no other send path),
// but it goes out STREAMED: `{"file":"` + base64 chunks + `","filename":…}` as the fragments of one text message,
// read from disk in chunks of a multiple of 3 bytes (so the base64 pieces concatenate into valid base64) and
// paced by the socket's bufferedAmount. Memory stays bounded whatever the size: never the whole file, never the
// whole base64 string. One file at a time per chat; what was queued after it waits (FIFO).
// Settling (Q8/Q9): a file frame carries no sender we can trust — the oldest own file that was fully written
// and whose extension the echo's URL keeps is the one the echo acknowledges.
import { open, stat, unlink } from 'node:fs/promises'
import type { Chat, ChatId } from '../../shared/model'
import { ChtError } from './errors'
import type { OutboxFile, OutboxItem, Outbox } from './outbox'
import type { Clock } from './ports'
import type { ChtSocket } from './cht/socket'
import * as wire from './cht/wire'
import { checkSize } from './files'

/** 48 KiB: a multiple of 3, so each chunk's base64 stands alone (no padding inside the stream); its 64 KiB string
 * stays under V8's large-object size. */
export const READ_CHUNK = 3 * 16 * 1024
/** Progress events per file: at most ~10 per second. */
const PROGRESS_EVERY_MS = 100
/** A file whose socket keeps dropping mid-send is marked failed after this many attempts (retry is the user's). */
const MAX_FILE_ATTEMPTS = 3

/** Process-wide counters, for tests and the benchmark: a refused file must never have been opened. */
export const transferCounters = { streamsOpened: 0, bytesRead: 0, started: 0 }

export interface TransferHost {
  outbox: Outbox
  clock: Clock
  maxBytes(): number
  /** The server's clock now (offset learned from its answers): stamped on what went out (Q9). */
  serverNow(): number
  /** Bytes of an item written so far. */
  progress(chatId: ChatId, item: OutboxItem, sent: number, total: number): void
  /** The echo settled an item (it already left the outbox): the engine stores the message and drains. */
  settled(chatId: ChatId, item: OutboxItem, fileUrl: string, at: number): void
  /** A transfer ended: the engine drains what waited behind it. */
  drain(chatId: ChatId): void
  /** An item's status changed (failed / pending): the engine re-renders it from the outbox. */
  updated(chatId: ChatId, item: OutboxItem): void
  /** A cancelled item left the timeline. */
  removed(chatId: ChatId, key: string): void
}

interface Active {
  chatId: ChatId
  ctl: AbortController
  cancelled: boolean
  /** The item left the outbox while its file was open: delete a temp file only once the stream is closed. */
  dropTemp?: OutboxFile
  sent?: number
}

/** The extension the server keeps from a file name (W1: only the extension survives), lowercased. */
export function keptExtension(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const m = /(\.[A-Za-z0-9]{1,10})$/.exec(base)
  return m ? m[1].toLowerCase() : ''
}

/**
 * The fragments of one file frame: prefix, base64 of each chunk, suffix. Reads lazily into ONE reused buffer.
 * Why not createReadStream: measured on a 50 MiB send, a fresh 192 KiB buffer per chunk plus its 256 KiB base64
 * string (V8's large-object space) left ~45 MiB of garbage alive between GCs; 48 KiB chunks read into a reused
 * buffer keep every string in the young generation, where it dies at the next scavenge.
 */
export async function* fileFragments(
  path: string,
  size: number,
  suffix: string,
  onRead: (bytesSoFar: number) => void,
  chunkBytes = READ_CHUNK,
): AsyncGenerator<string> {
  if (chunkBytes % 3 !== 0) throw new Error('chunk size must be a multiple of 3')
  yield wire.fileFramePrefix()
  transferCounters.streamsOpened++
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(Math.min(chunkBytes, size))
    let pos = 0
    while (pos < size) {
      // Fill the whole chunk (a short read would break the multiple-of-3 rule), except at the end of the file.
      const want = Math.min(buf.length, size - pos)
      let got = 0
      while (got < want) {
        const { bytesRead } = await fh.read(buf, got, want - got, pos + got)
        if (bytesRead === 0) throw new ChtError('file.unreadable', 'the file changed while it was sent')
        got += bytesRead
      }
      pos += got
      transferCounters.bytesRead += got
      yield buf.toString('base64', 0, got) // copies: the buffer is free for the next read
      onRead(pos)
    }
  } finally {
    await fh.close()
  }
  yield suffix
}

export class Transfers {
  private readonly active = new Map<string, Active>()

  constructor(private readonly h: TransferHost) {
    h.outbox.onDrop = (item) => this.dropped(item)
  }

  /** A file of this chat is being written: nothing else of the chat goes out before it (FIFO). */
  busy(chatId: ChatId): boolean {
    for (const a of this.active.values()) if (a.chatId === chatId) return true
    return false
  }

  /**
   * Checks files before they enter the outbox. W2: a file cannot be the first message of a room (1011) — refused
   * unless a text for this chat is already queued (it goes first and creates the room).
   */
  check(chat: Chat, roomPending: boolean, files: readonly OutboxFile[]): void {
    if (!chat.live) throw new ChtError('group.not-live')
    if (chat.kind === 'direct' && (roomPending || !chat.room)) {
      const textFirst = this.h.outbox.forChat(chat.id).some((i) => !i.file && i.status !== 'failed')
      if (!textFirst) throw new ChtError('file.first-in-direct')
    }
    const max = this.h.maxBytes()
    for (const f of files) checkSize(f.size, max, f.name)
  }

  /** Puts the file on the wire (the caller checked busy()). The item stays in flight until its echo. */
  start(chatId: ChatId, item: OutboxItem, socket: ChtSocket, recipientId?: string): void {
    const file = item.file!
    const a: Active = { chatId, ctl: new AbortController(), cancelled: false }
    this.active.set(item.key, a)
    delete item.sentAt // only a fully written file may be matched by an echo or a re-read history
    item.attempts = (item.attempts ?? 0) + 1
    this.h.outbox.setStatus(item.key, 'inflight')
    transferCounters.started++
    void this.run(chatId, item, file, socket, a, recipientId)
  }

  private async run(chatId: ChatId, item: OutboxItem, file: OutboxFile, socket: ChtSocket, a: Active, recipientId?: string): Promise<void> {
    let lastEmit = 0
    try {
      // Checked again now: the file may have changed since it was staged, or the limit may have.
      let size: number
      try {
        size = (await stat(file.path)).size
      } catch {
        throw new ChtError('file.unreadable', file.name)
      }
      checkSize(size, this.h.maxBytes(), file.name)
      const progress = (sent: number, force = false) => {
        const now = this.h.clock.monotonic()
        if (!force && now - lastEmit < PROGRESS_EVERY_MS) return
        lastEmit = now
        this.progress(chatId, item.key, sent, size)
      }
      const suffix = wire.fileFrameSuffix(file.name, recipientId)
      await socket.sendFragments(fileFragments(file.path, size, suffix, (n) => progress(n)), { signal: a.ctl.signal })
      if (a.cancelled) return
      item.sentAt = this.h.clock.now()
      item.sentAtServer = this.h.serverNow()
      this.h.outbox.setStatus(item.key, 'inflight') // persists sentAt
      progress(size, true)
    } catch (e) {
      if (a.cancelled) return
      const err = e instanceof ChtError ? e : new ChtError('file.unreadable', e instanceof Error ? e.message.slice(0, 200) : undefined)
      const current = this.h.outbox.get(item.key)
      if (!current) return
      const lost = err.code === 'network' || err.code === 'timeout'
      if (lost && (current.attempts ?? 0) < MAX_FILE_ATTEMPTS) {
        // The socket dropped mid-send: the server discarded the partial message; it goes again after the reconnect.
        if (current.status !== 'failed') this.h.outbox.setStatus(item.key, 'pending')
      } else {
        this.h.outbox.setStatus(item.key, 'failed', lost ? 'network' : err.code)
      }
      this.h.updated(chatId, current)
    } finally {
      this.active.delete(item.key)
      if (a.dropTemp) void unlink(a.dropTemp.path).catch(() => undefined)
      this.h.drain(chatId)
    }
  }

  private progress(chatId: ChatId, key: string, sent: number, total: number): void {
    const item = this.h.outbox.get(key)
    if (!item) return
    const a = this.active.get(key)
    if (a) a.sent = sent
    this.h.progress(chatId, item, sent, total)
  }

  /** Bytes of an item written so far (a window opened during the send shows the bar where it is). */
  sentBytes(key: string): number | undefined {
    return this.active.get(key)?.sent
  }

  /**
   * Q8/Q9: a file frame arrived in this chat. If an own file was fully written and the echo's URL keeps its
   * extension, this is its acknowledgement: settle it, keeping the original name. Returns false otherwise.
   */
  settleEcho(chatId: ChatId, fileUrl: string | undefined, at: number): boolean {
    if (!fileUrl) return false
    const ext = keptExtension(wire.fileNameFromUrl(fileUrl))
    const item = this.h.outbox
      .forChat(chatId)
      .find((i) => i.file && i.status === 'inflight' && i.sentAt !== undefined && !this.active.has(i.key) && keptExtension(i.file.name) === ext)
    if (!item) return false
    this.h.outbox.remove(item.key)
    this.h.settled(chatId, item, fileUrl, at)
    return true
  }

  /**
   * Stop a file: a pending or failed one is removed; one being written is aborted (the socket is terminated, the
   * server drops the partial message) and removed. One already fully written cannot be called back.
   */
  cancel(chatId: ChatId, key: string): void {
    const item = this.h.outbox.get(key)
    if (!item || item.chatId !== chatId || !item.file) throw new ChtError('not-found', 'file')
    const a = this.active.get(key)
    if (item.status === 'inflight' && !a) throw new ChtError('invalid-input', 'already sent')
    if (a) {
      a.cancelled = true
      a.ctl.abort(new ChtError('network', 'cancelled'))
    }
    this.h.outbox.remove(key)
    this.h.removed(chatId, key)
  }

  /** An item left the outbox: its transfer stops; our copy of pasted bytes is deleted (after the stream closed). */
  private dropped(item: OutboxItem): void {
    const a = this.active.get(item.key)
    if (a && !a.cancelled) {
      a.cancelled = true
      a.ctl.abort(new ChtError('network', 'cancelled'))
    }
    if (!item.file?.temp) return
    if (a) a.dropTemp = item.file
    else void unlink(item.file.path).catch(() => undefined)
  }

  /** Engine closing: every transfer stops (their items go back to pending through the socket close). */
  abortAll(): void {
    for (const a of this.active.values()) a.ctl.abort(new ChtError('network', 'closing'))
  }
}
