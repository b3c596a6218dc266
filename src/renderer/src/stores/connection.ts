import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { ConnectionState } from '@shared/model'
import { on, request } from '../bridge'
import { useSessionStore } from './session'

export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>({ status: 'connecting' })
  let changedSinceAsk = false
  on('connection.changed', (s) => {
    changedSinceAsk = true
    state.value = s
  })
  // Events only report changes: ask once for the state main already has (an event that arrives meanwhile wins).
  async function refresh(): Promise<void> {
    changedSinceAsk = false
    try {
      const current = await request('connection.get')
      if (!changedSinceAsk) state.value = current
    } catch {
      // Not fatal: the next connection.changed event sets it.
    }
  }
  void refresh()
  const session = useSessionStore()
  watch(() => session.info, (info) => {
    if (info) void refresh()
  })
  return { state }
})
