// The outbox (DESIGN §2, §7): every send is persisted here BEFORE the UI says "sending" (the local database's
// outbox table, store/), drained FIFO per chat over the socket, and settled only by the server's echo or by a
// re-read history (PROTOCOL Q9: frames carry no ids). It survives restarts; a rejected item stays visible as failed
// until retried or discarded. Only its echo, its history twin or the user removes an item: nothing typed is lost.
import type { Attachment, ChatId, ErrorCode, Message, User } from '../../shared/model'

export type OutboxStatus = 'pending' | 'inflight' | 'failed'

/** A file in the outbox (issue 4): where its bytes are, and the user's original name (the server loses it: Q5b). */
export interface OutboxFile {
  path: string
  name: string
  size: number
  mime?: string
  isImage: boolean
  /** Our own copy of pasted bytes: deleted when the item leaves the outbox. */
  temp?: boolean
}

export interface OutboxItem {
  key: string
  chatId: ChatId
  /** '' for files. */
  text: string
  file?: OutboxFile
  createdAt: number
  status: OutboxStatus
  error?: ErrorCode
  /** Wall time when it was last put on the wire (local clock: display and file-echo order only). */
  sentAt?: number
  /** The same moment in the server's time (clock offset learned from the server): what a re-read is compared with (Q9). */
  sentAtServer?: number
  attempts?: number
  /**
   * 'unknown': it went on the wire and no echo came (the socket dropped, a W2 1011, a restart). It is never sent again
   * until a re-read history proves it missing (timeline.ts) — a lost echo must not become a duplicate.
   */
  fate?: 'unknown'
}

/** Where the outbox lives (store/index.ts: the outbox table, one row per item). */
export interface OutboxRows {
  outbox(): OutboxItem[]
  putOutbox(item: OutboxItem): void
  deleteOutbox(key: string): void
}

export class Outbox {
  private items: OutboxItem[]
  /** Called for every item that leaves the outbox (settled, discarded, cancelled): temp files go. */
  onDrop?: (item: OutboxItem) => void

  constructor(private readonly rows: OutboxRows) {
    // After a restart nothing is in flight any more: whatever went out is either in the history or not — unknown.
    this.items = rows.outbox().map((i) => (i.status === 'inflight' ? { ...i, status: 'pending', fate: 'unknown' } : i))
  }

  private save(item: OutboxItem): void {
    this.rows.putOutbox(item)
  }

  add(chatId: ChatId, text: string, now: number, file?: OutboxFile): OutboxItem {
    const item: OutboxItem = { key: `o:${crypto.randomUUID()}`, chatId, text, createdAt: now, status: 'pending', ...(file ? { file } : {}) }
    this.items.push(item)
    this.save(item)
    return item
  }

  /** Persists changes made to an item in place (sentAt, attempts…). */
  touch(item: OutboxItem): void {
    if (this.items.includes(item)) this.save(item)
  }

  all(): readonly OutboxItem[] {
    return this.items
  }

  get(key: string): OutboxItem | undefined {
    return this.items.find((i) => i.key === key)
  }

  forChat(chatId: ChatId): OutboxItem[] {
    return this.items.filter((i) => i.chatId === chatId)
  }

  chatsWithWork(): ChatId[] {
    return [...new Set(this.items.filter((i) => i.status !== 'failed').map((i) => i.chatId))]
  }

  /** The next item to put on the wire, in send order — none while an earlier one's fate is unknown (FIFO). */
  nextPending(chatId: ChatId): OutboxItem | undefined {
    const item = this.items.find((i) => i.chatId === chatId && i.status === 'pending')
    return item?.fate ? undefined : item
  }

  /** Items whose fate only a re-read history can tell (Q9). */
  unknownFate(chatId: ChatId): OutboxItem[] {
    return this.items.filter((i) => i.chatId === chatId && i.fate === 'unknown')
  }

  /** A successful re-read did not find it: it never reached the server, send it again. */
  provenMissing(key: string): void {
    const item = this.get(key)
    if (!item?.fate) return
    delete item.fate
    this.save(item)
  }

  hasInflight(chatId: ChatId): boolean {
    return this.items.some((i) => i.chatId === chatId && i.status === 'inflight')
  }

  setStatus(key: string, status: OutboxStatus, error?: ErrorCode): OutboxItem | undefined {
    const item = this.get(key)
    if (!item) return undefined
    item.status = status
    if (error) item.error = error
    else delete item.error
    this.save(item)
    return item
  }

  /**
   * Q9: the echo of an own frame settles the oldest in-flight item of that chat with the same content (compared
   * the way the server may have changed it: comparableText). Also an item whose fate was unknown: a late echo.
   */
  findEcho(chatId: ChatId, text: string): OutboxItem | undefined {
    const want = comparableText(text)
    return this.items.find((x) => x.chatId === chatId && (x.status === 'inflight' || x.fate) && !x.file && comparableText(x.text) === want)
  }

  /** The oldest item in flight (W1 1011 = this one was rejected: Q9). */
  oldestInflight(chatId: ChatId): OutboxItem | undefined {
    return this.items.find((i) => i.chatId === chatId && i.status === 'inflight')
  }

  /** The socket dropped: whatever had no echo waits for a re-read to tell whether it arrived (Q9). */
  requeueInflight(chatId: ChatId): void {
    for (const i of this.items) {
      if (i.chatId === chatId && i.status === 'inflight') {
        i.status = 'pending'
        // A file interrupted before its last fragment never reached the server (a half message is dropped): no
        // doubt there. Anything else that went out whole may have been stored.
        if (i.sentAt !== undefined) i.fate = 'unknown'
        this.save(i)
      }
    }
  }

  /** Settled (echo or history), discarded or cancelled: the item leaves the outbox. */
  remove(key: string): OutboxItem | undefined {
    const i = this.items.findIndex((x) => x.key === key)
    if (i < 0) return undefined
    const [item] = this.items.splice(i, 1)
    this.rows.deleteOutbox(key)
    this.onDrop?.(item)
    return item
  }
}

/**
 * Text as two sides can both agree on: a server may NFC-normalize what it stores, and a lone surrogate comes back
 * as U+FFFD from a JSON round trip. Both sides of every Q9 comparison go through this.
 */
export function comparableText(s: string): string {
  return s.toWellFormed().normalize('NFC')
}

export function outboxMessage(item: OutboxItem, me: User): Message {
  return {
    key: item.key,
    chatId: item.chatId,
    senderId: me.id,
    senderName: me.name,
    senderAvatarUrl: me.avatarUrl,
    text: item.text,
    at: item.createdAt,
    own: true,
    status: item.status === 'failed' ? 'failed' : 'sending',
    ...(item.error ? { error: item.error } : {}),
    ...(item.file ? fileParts(item.file) : {}),
  }
}

/** An own file not yet on the server: no URL yet (''), the original name, and progress from 0. */
function fileParts(f: OutboxFile): Pick<Message, 'file' | 'transfer'> {
  const file: Attachment = { url: '', name: f.name, size: f.size, isImage: f.isImage }
  if (f.mime) file.mime = f.mime
  return { file, transfer: { sent: 0, total: f.size } }
}
