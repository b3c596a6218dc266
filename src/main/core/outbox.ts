// The outbox (DESIGN §2, §7): every send is persisted here BEFORE the UI says "sending", drained FIFO per
// chat over the socket, and settled only by the server's echo (PROTOCOL Q9: frames carry no ids, the echo is
// the only acknowledgement). It survives restarts; a rejected item stays visible as failed until retried or
// discarded. Nothing the user typed is silently lost.
import type { Attachment, ChatId, ErrorCode, Message, User } from '../../shared/model'
import type { KeyValueStore } from './ports'

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
  /** When it was last put on the wire: only items actually sent may be found in a re-read history. */
  sentAt?: number
  attempts?: number
}

const STORE_KEY = 'outbox'

export class Outbox {
  private items: OutboxItem[]
  /** Called for every item that leaves the outbox (settled, discarded, cancelled, cleared): temp files go. */
  onDrop?: (item: OutboxItem) => void

  constructor(private readonly store: KeyValueStore) {
    // After a restart nothing is in flight any more: whatever was sent is either in the history or not.
    this.items = (store.get<OutboxItem[]>(STORE_KEY) ?? []).map((i) =>
      i.status === 'inflight' ? { ...i, status: 'pending' } : i,
    )
  }

  private save(): void {
    this.store.set(STORE_KEY, this.items)
  }

  add(chatId: ChatId, text: string, now: number, file?: OutboxFile): OutboxItem {
    const item: OutboxItem = { key: `o:${crypto.randomUUID()}`, chatId, text, createdAt: now, status: 'pending', ...(file ? { file } : {}) }
    this.items.push(item)
    this.save()
    return item
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

  /** The next items to put on the wire, in send order. */
  nextPending(chatId: ChatId): OutboxItem | undefined {
    return this.items.find((i) => i.chatId === chatId && i.status === 'pending')
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
    this.save()
    return item
  }

  /** Q9: the echo of an own frame settles the oldest in-flight item of that chat with the same content. */
  settleEcho(chatId: ChatId, text: string): OutboxItem | undefined {
    const i = this.items.findIndex((x) => x.chatId === chatId && x.status === 'inflight' && !x.file && x.text === text)
    if (i < 0) return undefined
    const [item] = this.items.splice(i, 1)
    this.save()
    this.onDrop?.(item)
    return item
  }

  /** The oldest item in flight (W1 1011 = this one was rejected: Q9). */
  oldestInflight(chatId: ChatId): OutboxItem | undefined {
    return this.items.find((i) => i.chatId === chatId && i.status === 'inflight')
  }

  /** The socket dropped: whatever had no echo is pending again (history is checked before re-sending). */
  requeueInflight(chatId: ChatId): void {
    let changed = false
    for (const i of this.items) {
      if (i.chatId === chatId && i.status === 'inflight') {
        i.status = 'pending'
        changed = true
      }
    }
    if (changed) this.save()
  }

  remove(key: string): OutboxItem | undefined {
    const i = this.items.findIndex((x) => x.key === key)
    if (i < 0) return undefined
    const [item] = this.items.splice(i, 1)
    this.save()
    this.onDrop?.(item)
    return item
  }

  /** Sign-out: what was not sent belongs to the account that typed it. */
  clear(): void {
    for (const item of this.items) this.onDrop?.(item)
    this.items = []
    this.save()
  }
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
