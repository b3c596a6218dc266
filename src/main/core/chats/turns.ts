// Live messages are taken in turns (issue 10): everything that arrives in one turn of the event loop — a burst of
// frames read from the sockets together — shares one reading of the clocks and is handed over at the turn's end as
// one batch per chat (one write to the store, one event per chat). The engine decides what each frame means; this
// only stamps and collects.
import type { Message } from '../../../shared/model'
import type { ChatState } from './registry'

export type LiveBatches = Array<[ChatState, Message[]]>

export class LiveTurns {
  private readonly batches = new Map<ChatState, Message[]>()
  private current?: { serverNow: number; keyTime: string }
  private seq = 0
  /** Another run of the app (a restart within the same millisecond) makes different keys. */
  private readonly salt = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0')

  constructor(private readonly o: { serverNow: () => number; flush: (batches: LiveBatches) => void }) {}

  /** The server's clock for this turn: read at its first frame (a burst's thousands of frames need no more). */
  serverNow(): number {
    return this.turn().serverNow
  }

  /**
   * A key for a live message: unique across restarts, and increasing — the store's unique index on keys then grows
   * at its end instead of at random places, which keeps a burst's transaction small (random keys made it 10× slower).
   * The time part is the turn's; the counter orders the messages within it.
   */
  key(): string {
    return `l:${this.turn().keyTime}${(++this.seq).toString(36).padStart(6, '0')}${this.salt}`
  }

  add(s: ChatState, msg: Message): void {
    const list = this.batches.get(s)
    if (list) list.push(msg)
    else this.batches.set(s, [msg])
  }

  private turn(): { serverNow: number; keyTime: string } {
    if (this.current) return this.current
    // setImmediate, not a timer: it waits for nothing but the rest of this turn's socket reads (no clock involved).
    setImmediate(() => this.end())
    return (this.current = { serverNow: this.o.serverNow(), keyTime: Date.now().toString(36).padStart(9, '0') })
  }

  private end(): void {
    this.current = undefined
    const batches = [...this.batches]
    this.batches.clear()
    if (batches.length) this.o.flush(batches)
  }
}
