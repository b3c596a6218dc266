// Tells core whether the user can see the app (issue 5 item 1): a message in the open chat of a focused, visible
// window is being read — no notification, no unread; otherwise it is not. Focus and visibility flicker during
// window switches, so the state is debounced and only changes are sent.
import { onBeforeUnmount, onMounted } from 'vue'
import { request } from '../bridge'

export const ATTENTION_DEBOUNCE_MS = 200

export function readAttention(): boolean {
  return document.visibilityState !== 'hidden' && document.hasFocus()
}

export function useAttention(): void {
  let sent: boolean | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  function report(): void {
    timer = undefined
    const focused = readAttention()
    if (focused === sent) return
    sent = focused
    // A failed report is retried on the next change (sent is cleared so that change is not swallowed).
    request('app.attention', { focused }).catch(() => { if (sent === focused) sent = null })
  }
  function schedule(): void {
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(report, ATTENTION_DEBOUNCE_MS)
  }

  onMounted(() => {
    window.addEventListener('focus', schedule)
    window.addEventListener('blur', schedule)
    document.addEventListener('visibilitychange', schedule)
    report()
  })
  onBeforeUnmount(() => {
    if (timer !== undefined) clearTimeout(timer)
    window.removeEventListener('focus', schedule)
    window.removeEventListener('blur', schedule)
    document.removeEventListener('visibilitychange', schedule)
  })
}
