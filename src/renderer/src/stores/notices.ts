import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppError, ErrorCode } from '@shared/model'
import { on } from '../bridge'

let seq = 0

/** 'info': something happened and was taken care of (told in a calm style); 'error': something failed. */
export type NoticeKind = 'info' | 'error'

/** What the app tells the person about without anything having failed for them (issue 13/10/12 notices). */
const INFO_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'app.recovered', 'store.rebuilt', 'state.reset', 'state.damaged', 'chat.removed', 'session.other-user',
])

export function noticeKind(code: ErrorCode): NoticeKind {
  return INFO_CODES.has(code) ? 'info' : 'error'
}

/**
 * Shown elsewhere, with its action: an expired session is the connection banner's "Sign in" (issue 11), so the
 * `notice` core sends beside the connection state is not shown a second time.
 */
const SHOWN_BY_BANNER: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['session.expired'])

export type Notice = AppError & { id: number; kind: NoticeKind }

/** What the user should know that is not the answer to something they just did (`notice` events, failed actions). */
export const useNoticesStore = defineStore('notices', () => {
  const items = ref<Notice[]>([])
  function push(e: AppError): void {
    if (SHOWN_BY_BANNER.has(e.code)) return
    // The same notice twice is one notice, not a pile (two different groups removed are two).
    if (items.value.some((n) => n.code === e.code && n.detail === e.detail)) return
    items.value = [...items.value.slice(-2), { ...e, id: ++seq, kind: noticeKind(e.code) }]
  }
  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id)
  }
  on('notice', push)
  return { items, push, dismiss }
})
