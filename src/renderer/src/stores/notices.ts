import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppError } from '@shared/model'
import { on } from '../bridge'

let seq = 0

/** Errors the user should see that are not the answer to something they just did (`notice` events, failed actions). */
export const useNoticesStore = defineStore('notices', () => {
  const items = ref<Array<AppError & { id: number }>>([])
  function push(e: AppError): void {
    // The same code twice in a row is one notice, not a pile.
    if (items.value.some((n) => n.code === e.code)) return
    items.value = [...items.value.slice(-2), { ...e, id: ++seq }]
  }
  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id)
  }
  on('notice', push)
  return { items, push, dismiss }
})
