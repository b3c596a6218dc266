// Test-only: the whole app (App + the real router) mounted on document.body, as App-level tests need it.
import { afterEach } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import type { Pinia } from 'pinia'
import type { Router } from 'vue-router'
import App from '../App.vue'
import { createAppRouter } from '../router'
import { mountWith, settle } from './setup'

/** Call once per test file: answers mountApp(), and unmounts what it mounted (and clears the hash) after each test. */
export function useAppMount(): (pinia: Pinia, opts?: { path?: string; settleTimes?: number }) => Promise<{ router: Router; w: VueWrapper }> {
  let wrapper: VueWrapper | undefined
  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    window.location.hash = ''
  })
  return async (pinia, opts = {}) => {
    const router = createAppRouter()
    if (opts.path) await router.push(opts.path)
    wrapper = mountWith(App, pinia, { global: { plugins: [router] }, attachTo: document.body })
    await router.isReady()
    await settle(opts.settleTimes)
    return { router, w: wrapper }
  }
}
