// Sending (DESIGN §2: the only send path): the outbox drained FIFO per chat over the chat's socket, texts as one
// frame each, files streamed (transfers.ts). Settling happens on the echo (Q9) or on a re-read (timeline.ts).
import type { ChatId, Message, User } from '../../../shared/model'
import type { ChtSocket } from '../cht/socket'
import * as wire from '../cht/wire'
import { Outbox, outboxMessage, type OutboxItem } from '../outbox'
import type { Clock } from '../ports'
import type { SentItem } from './timeline'
import type { ChatState } from './registry'
import { Transfers } from '../transfers'

/** W2 1011 may mean "stored but echo failed" (Q9): after this many, the item is failed (retry is the user's). */
export const MAX_ATTEMPTS = 3

export class Sender {
  constructor(
    readonly outbox: Outbox,
    readonly transfers: Transfers,
    private readonly o: { clock: Clock; me: User; serverNow(): number },
  ) {}

  /** Puts what is pending on the wire, in order, as far as the socket and the rules allow. */
  drain(s: ChatState, socket: ChtSocket | undefined): void {
    if (!socket || socket.status !== 'open' || s.needsReread) return
    const chat = s.data
    for (let item = this.outbox.nextPending(chat.id); item; item = this.outbox.nextPending(chat.id)) {
      // A new one-to-one room is created by the first text (W2): send only that one, then wait for R8 (Q6).
      if (chat.kind === 'direct' && s.roomPending && this.outbox.hasInflight(chat.id)) return
      // One file at a time, streamed; whatever was queued after it waits until it is written (FIFO).
      if (this.transfers.busy(chat.id)) return
      if (item.file) return this.transfers.start(chat.id, item, socket, chat.kind === 'direct' ? chat.peerId : undefined)
      const frame = chat.kind === 'group' ? wire.textFrameW1(item.text) : wire.textFrameW2(item.text, chat.peerId!)
      if (!socket.send(frame)) return
      item.sentAt = this.o.clock.now()
      item.sentAtServer = this.o.serverNow()
      item.attempts = (item.attempts ?? 0) + 1
      this.outbox.setStatus(item.key, 'inflight')
    }
  }

  /** A 1011 closed the chat's socket (Q9): on W1 the oldest frame in flight was rejected; on W2 maybe stored. */
  rejected(s: ChatState): OutboxItem | undefined {
    const item = this.outbox.oldestInflight(s.data.id)
    if (!item || item.file) return undefined
    if (s.data.kind === 'group' || (item.attempts ?? 0) >= MAX_ATTEMPTS) {
      this.outbox.setStatus(item.key, 'failed', 'message.rejected')
      return item
    }
    return undefined
  }

  /** What a re-read may find: items that went out whole and have no echo yet. */
  sentItems(chatId: ChatId): SentItem[] {
    const out: SentItem[] = []
    for (const i of this.outbox.forChat(chatId)) {
      if ((i.status !== 'inflight' && !i.fate) || i.sentAtServer === undefined) continue
      out.push({ key: i.key, text: i.text, sentAtServer: i.sentAtServer, ...(i.file ? { file: { name: i.file.name, size: i.file.size } } : {}) })
    }
    return out
  }

  /** The messages the outbox shows at the end of a chat's timeline. */
  tail(chatId: ChatId): Message[] {
    return this.outbox.forChat(chatId).map((i) => this.message(i))
  }

  message(item: OutboxItem): Message {
    const m = outboxMessage(item, this.o.me)
    const sent = this.transfers.sentBytes(item.key)
    if (m.transfer && sent !== undefined) m.transfer = { ...m.transfer, sent }
    return m
  }
}
