// Test-only helpers: a fresh Pinia + the app's i18n + a FakeBridge for each test.
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import type { Component } from 'vue'
import type { Locale } from '@shared/model'
import { setBridge } from '../bridge'
import { i18n } from '../i18n'
import { applyToDocument } from '../stores/settings'
import { FakeBridge } from './fakeBridge'

export function freshEnv(locale: Locale = 'en'): { bridge: FakeBridge; pinia: Pinia } {
  const bridge = new FakeBridge()
  bridge.settings = { ...bridge.settings, locale }
  setBridge(bridge)
  const pinia = createPinia()
  setActivePinia(pinia)
  applyToDocument({ locale, theme: 'system' })
  return { bridge, pinia }
}

export function mountWith<C extends Component>(comp: C, pinia: Pinia, options: ComponentMountingOptions<C> = {} as ComponentMountingOptions<C>) {
  return mount(comp, {
    ...options,
    global: { ...(options.global ?? {}), plugins: [pinia, i18n, ...(options.global?.plugins ?? [])] },
  } as ComponentMountingOptions<C>)
}

/**
 * Let pending promises (bridge answers), Vue updates and animation frames run. Each step waits for a timer AND for a
 * frame: happy-dom runs animation frames as setImmediates, and on a busy machine a 0 ms timer may fire before the
 * frames queued beside it — so timers alone do not promise that each step's frames have run.
 */
export async function settle(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) {
    await new Promise((r) => setTimeout(r, 0))
    await new Promise((r) => requestAnimationFrame(() => r(undefined)))
  }
}
