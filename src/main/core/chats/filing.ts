// Files the store's inbox (store/index.ts keepLive) into its messages in the background, one inbox row (≤ 500
// messages, a few ms) per step, so a burst of live frames is received at the speed of the socket and indexed after.
// Nothing waits on it for correctness — every read files what is left first — it only keeps the inbox short and
// the search index fresh: it starts once the live inflow has paused, or at the latest a second after the oldest
// unfiled message arrived (a chat that never pauses is still filed, step by step between its frames).
import type { Clock, Timer } from '../ports'

/** The inflow counts as paused after this long without a live message. */
const PAUSE_MS = 100
/** No live message stays unfiled (unsearchable) much longer than this. */
const MAX_WAIT_MS = 1_000

export class InboxFiler {
  private timer?: Timer
  private lastKeptAt = 0
  private oldestUnfiledAt?: number
  private stopped = false

  /** `file(1)` files one inbox row and answers whether any are left (LocalStore.fileInbox). */
  constructor(private readonly clock: Clock, private readonly file: (rows: number) => boolean) {}

  /** Live messages went to the inbox just now. */
  kept(): void {
    this.lastKeptAt = this.clock.monotonic()
    this.oldestUnfiledAt ??= this.lastKeptAt
    this.schedule(PAUSE_MS)
  }

  stop(): void {
    this.stopped = true
    this.clock.clearTimeout(this.timer)
  }

  private schedule(ms: number): void {
    if (this.timer || this.stopped) return
    this.timer = this.clock.setTimeout(() => this.step(), ms)
  }

  private step(): void {
    this.timer = undefined
    const now = this.clock.monotonic()
    const quietFor = now - this.lastKeptAt
    if (quietFor < PAUSE_MS && now - (this.oldestUnfiledAt ?? now) < MAX_WAIT_MS) return this.schedule(PAUSE_MS - quietFor)
    let more: boolean
    try {
      more = this.file(1)
    } catch {
      more = false // the database said no (full disk, say): the next read or kept() tries again
    }
    if (more) this.schedule(0)
    else this.oldestUnfiledAt = undefined
  }
}
