import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { RequestArgs } from '@shared/contract'
import type { Locale, Settings, Theme } from '@shared/model'
import { on, request } from '../bridge'
import { dirOf, i18n } from '../i18n'
import { defaultSettings } from '@shared/settings'

const DEFAULTS: Settings = defaultSettings('')

/** Apply locale + theme to the document: <html lang dir data-theme> and the i18n locale. */
export function applyToDocument(s: Pick<Settings, 'locale' | 'theme'>): void {
  i18n.global.locale.value = s.locale
  if (typeof document === 'undefined') return
  const html = document.documentElement
  html.lang = s.locale
  html.dir = dirOf(s.locale)
  html.dataset.theme = s.theme
}

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings>({ ...DEFAULTS })
  let loading: Promise<void> | null = null

  on('settings.changed', (s) => { settings.value = s })

  watch(() => [settings.value.locale, settings.value.theme] as const, ([locale, theme]) => applyToDocument({ locale, theme }), {
    immediate: true,
  })

  function init(): Promise<void> {
    loading ??= request('settings.get')
      .then((s) => { settings.value = s })
      .catch(() => { /* keep defaults: the UI still works in fa with the system theme */ })
    return loading
  }

  /** Change some settings (a partial; `notifications` may be partial too). */
  async function update(patch: RequestArgs<'settings.set'>): Promise<void> {
    // Optimistic: the switch is instant; settings.changed / the answer confirm it.
    const { notifications, ...rest } = patch
    settings.value = {
      ...settings.value,
      ...rest,
      notifications: { ...settings.value.notifications, ...notifications },
    }
    try {
      settings.value = await request('settings.set', patch)
    } catch {
      /* keep the local choice for this session */
    }
  }

  return {
    settings,
    init,
    update,
    setLocale: (locale: Locale) => update({ locale }),
    setTheme: (theme: Theme) => update({ theme }),
  }
})
