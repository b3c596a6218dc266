// Lazy re-reads (issue 11): the histories of chats that are not open are refreshed one at a time, spaced and
// jittered, so a start-up or a reconnect never becomes a burst — an office's clients share one IP's budget (1.5).
import type { ChatId } from '../../../shared/model'
import type { Clock, Timer } from '../ports'

export class Background {
  private readonly queue: ChatId[] = []
  private timer?: Timer
  private running = false
  private stopped = false

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly gapMs: number,
    private readonly run: (chatId: ChatId) => Promise<void>,
  ) {}

  add(chatId: ChatId): void {
    if (this.stopped || this.queue.includes(chatId)) return
    this.queue.push(chatId)
    this.next()
  }

  remove(chatId: ChatId): void {
    const i = this.queue.indexOf(chatId)
    if (i >= 0) this.queue.splice(i, 1)
  }

  stop(): void {
    this.stopped = true
    this.queue.length = 0
    this.clock.clearTimeout(this.timer)
  }

  pending(): number {
    return this.queue.length
  }

  private next(): void {
    if (this.running || this.timer || this.stopped || !this.queue.length) return
    // Half to one and a half gaps: clients that reconnected together drift apart.
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      const chatId = this.queue.shift()
      if (!chatId) return
      this.running = true
      void this.run(chatId).catch(() => undefined).finally(() => {
        this.running = false
        this.next()
      })
    }, Math.round(this.gapMs * (0.5 + this.random())))
  }
}
