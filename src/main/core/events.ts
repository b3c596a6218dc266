import type { EventBatch, EventName, Events } from '../../shared/contract'
import { systemClock, type Clock, type Timer } from './ports'

/**
 * Collects events and flushes them as one batch per frame (DESIGN §2: 10 000 incoming messages become a
 * handful of IPC messages). Consecutive `messages.added` / `messages.updated` for the same chat are merged.
 * Used by main/ipc.ts and by the e2e host, so both transports batch identically.
 */
export function createEventBatcher(flush: (batch: EventBatch) => void, intervalMs = 16, clock: Clock = systemClock) {
  let batch: EventBatch = []
  let timer: Timer | undefined

  function push<N extends EventName>(name: N, payload: Events[N]): void {
    const last = batch[batch.length - 1]
    if (last && last[0] === name && (name === 'messages.added' || name === 'messages.updated')) {
      const prev = last[1] as Events['messages.added']
      const next = payload as Events['messages.added']
      if (prev.chatId === next.chatId) {
        // A loop, not push(...next): spreading 200 000 arguments overflows the stack (RangeError, issue 13).
        for (const m of next.messages) prev.messages.push(m)
        return schedule()
      }
    }
    if (name === 'messages.added' || name === 'messages.updated') {
      // Copy so merging never mutates the emitter's array.
      const p = payload as Events['messages.added']
      batch.push([name, { chatId: p.chatId, messages: [...p.messages] }] as EventBatch[number])
    } else {
      batch.push([name, payload] as EventBatch[number])
    }
    schedule()
  }

  function schedule(): void {
    timer ??= clock.setTimeout(flushNow, intervalMs)
  }

  function flushNow(): void {
    clock.clearTimeout(timer)
    timer = undefined
    if (batch.length === 0) return
    const out = batch
    batch = []
    flush(out)
  }

  return { push, flushNow }
}
