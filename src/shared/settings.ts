import { z } from 'zod'
import type { Settings } from './model'
import { salvage } from './salvage'

/** The one set of defaults, used by core (what is stored) and the renderer (before main answers). */
export function defaultSettings(serverOrigin: string): Settings {
  return {
    locale: 'fa',
    theme: 'system',
    serverOrigin,
    ssoOrigin: null,
    notifications: { enabled: true, previews: true, sound: true },
    dndUntil: null,
    mutedChats: [],
    runInBackground: true,
    startAtLogin: false,
    zoomLevel: 0,
    maxFileBytes: 25 * 1024 * 1024,
  }
}

/** `scheme://host[:port]` exactly as `new URL(x).origin` serializes it, with one of `schemes`. */
export function isOrigin(s: string, schemes: readonly string[] = ['https:', 'http:']): boolean {
  try {
    const u = new URL(s)
    return schemes.includes(u.protocol) && u.origin === s
  } catch {
    return false
  }
}

// Built lazily: the renderer imports this file for defaultSettings only and must not pull zod into its bundle.
let stored: ReturnType<typeof buildStoredSchema> | undefined
function buildSchema() {
  const chatId = z.string().min(1).max(200).regex(/^(group|direct):[^\s]+$/)
  return z.object({
    locale: z.enum(['fa', 'en']),
    theme: z.enum(['system', 'light', 'dark']),
    serverOrigin: z.string().max(2000).refine((s) => isOrigin(s), 'not an http(s) origin'),
    ssoOrigin: z.string().max(2000).refine((s) => isOrigin(s, ['https:']), 'not an https origin').nullable(),
    notifications: z.object({ enabled: z.boolean(), previews: z.boolean(), sound: z.boolean() }),
    dndUntil: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
    mutedChats: z.array(chatId).max(10_000),
    runInBackground: z.boolean(),
    startAtLogin: z.boolean(),
    zoomLevel: z.number().min(-5).max(5),
    maxFileBytes: z.number().int().min(1024 * 1024).max(2 * 1024 * 1024 * 1024),
  })
}

/** The settings as they may be stored: every field optional (an older version wrote fewer), each one checked. */
export function storedSettingsSchema() {
  return (stored ??= buildStoredSchema())
}
function buildStoredSchema() {
  const schema = buildSchema()
  return schema.extend({ notifications: schema.shape.notifications.partial() }).partial()
}

/**
 * Stored settings → Settings (issue 13): every field is validated on read; a missing one takes its default, a bad one
 * (`mutedChats: null`, a zoom of 1e308, a mute list holding a null) falls back to its default — or, for a list, keeps
 * its good entries — and is named in `invalid`. Never throws.
 */
export function readSettings(raw: unknown, defaults: Settings): { settings: Settings; invalid: string[] } {
  const invalid: string[] = []
  const stored = raw === undefined ? {} : (salvage(storedSettingsSchema(), raw, 'settings', invalid) ?? {})
  const settings: Settings = {
    ...defaults,
    ...stripUndefined(stored),
    notifications: { ...defaults.notifications, ...stripUndefined(stored.notifications ?? {}) },
  }
  return { settings, invalid }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
