// The native context menu (issue 12): cut/copy/paste/select all in text fields, spell-check suggestions and
// "Add to dictionary" there, and copy of selected text or a link elsewhere — a pure function from Electron's
// context-menu params to a menu template (like tray.ts and menu.ts), plus its wiring on a window.
// Message actions (copy text, quote, open or save a file) are the renderer's own menu: only the page knows which
// message was right-clicked, so it opens that menu itself and cancels the native one there.
import type { ContextMenuParams, Session } from 'electron'
import { safeExternalUrl } from './external'
import type { Platform } from './desktop'
import { labelsFor } from './labels'
import type { MenuItemTemplate } from './tray'

/** What the template reads from Electron's `context-menu` params. */
export type ContextParams = Pick<
  ContextMenuParams, 'isEditable' | 'selectionText' | 'misspelledWord' | 'dictionarySuggestions' | 'editFlags' | 'linkURL'
>

export interface ContextActions {
  replaceMisspelling(word: string): void
  addToDictionary(word: string): void
  copyText(text: string): void
  openLink(url: string): void
}

/** Chromium offers many near-misses; a few are what a person reads. */
export const MAX_SUGGESTIONS = 5

/** The menu for one right-click; empty when there is nothing to offer (then no menu is shown). */
export function contextMenuTemplate(p: ContextParams, locale: string, a: ContextActions): MenuItemTemplate[] {
  const l = labelsFor(locale)
  const items: MenuItemTemplate[] = []
  if (p.isEditable && p.misspelledWord) {
    const suggestions = p.dictionarySuggestions.slice(0, MAX_SUGGESTIONS)
    for (const word of suggestions) items.push({ label: word, click: () => a.replaceMisspelling(word) })
    if (!suggestions.length) items.push({ label: l.noSuggestions, enabled: false })
    items.push({ label: l.addToDictionary, click: () => a.addToDictionary(p.misspelledWord) }, { type: 'separator' })
  }
  if (p.isEditable) {
    // Roles: the native edit commands, with the platform's own accelerators shown.
    items.push(
      { role: 'cut', label: l.cut, enabled: p.editFlags.canCut },
      { role: 'copy', label: l.copy, enabled: p.editFlags.canCopy },
      { role: 'paste', label: l.paste, enabled: p.editFlags.canPaste },
      { type: 'separator' },
      { role: 'selectAll', label: l.selectAll, enabled: p.editFlags.canSelectAll },
    )
    return items
  }
  if (p.selectionText.trim()) items.push({ role: 'copy', label: l.copy, enabled: p.editFlags.canCopy })
  // Only links main would open anyway (http, https, mailto): anything else is neither copied nor opened from here.
  const link = safeExternalUrl(p.linkURL)
  if (link) items.push({ label: l.copyLink, click: () => a.copyText(link) }, { label: l.openLink, click: () => a.openLink(link) })
  return items
}

/** The slice of a BrowserWindow the menu needs (tests pass testing/fake-electron's). */
export interface ContextMenuWindow {
  webContents: {
    on(event: 'context-menu', listener: (event: unknown, params: ContextParams) => void): unknown
    replaceMisspelling(word: string): void
    session: Pick<Session, 'addWordToSpellCheckerDictionary'>
  }
}

export interface ContextMenuOptions {
  Menu: { buildFromTemplate(template: MenuItemTemplate[]): { popup(options?: { window?: never }): void } }
  getLocale: () => string
  clipboard: { writeText(text: string): void }
  openExternal: (url: string) => unknown
}

export function installContextMenu(win: ContextMenuWindow, o: ContextMenuOptions): void {
  const wc = win.webContents
  wc.on('context-menu', (_event, params) => {
    const template = contextMenuTemplate(params, o.getLocale(), {
      replaceMisspelling: (word) => wc.replaceMisspelling(word),
      addToDictionary: (word) => void wc.session.addWordToSpellCheckerDictionary(word),
      copyText: (text) => o.clipboard.writeText(text),
      openLink: (url) => void o.openExternal(url),
    })
    if (template.length) o.Menu.buildFromTemplate(template).popup({ window: win as never })
  })
}

/** Spell-check languages, in order of preference: the UI's two languages. */
export const SPELL_CHECK_LANGUAGES = ['fa', 'en-US']

/**
 * Spell checking for Persian and English. Windows and Linux use Chromium's Hunspell dictionaries (fetched once by
 * Electron); macOS always uses the system's checker, which chooses languages itself and refuses this call.
 */
export function enableSpellCheck(
  ses: Pick<Session, 'availableSpellCheckerLanguages' | 'setSpellCheckerLanguages'>, platform: Platform,
): string[] {
  if (platform === 'darwin') return []
  const available = new Set(ses.availableSpellCheckerLanguages)
  const languages = SPELL_CHECK_LANGUAGES.filter((l) => available.has(l))
  ses.setSpellCheckerLanguages(languages)
  return languages
}
