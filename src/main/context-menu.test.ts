// Issue 12: the native context menu — the template for each kind of right-click, in fa and en, and its wiring on a
// window (popup, spell-check actions, clipboard, links). Only the Electron API is faked.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  contextMenuTemplate, enableSpellCheck, installContextMenu, MAX_SUGGESTIONS, type ContextActions, type ContextParams,
} from './context-menu'
import { BrowserWindow, clipboard, FakeMenu, FakeSession, Menu, resetFakeElectron, type FakeMenuItem } from './testing/fake-electron'

vi.mock('electron', () => import('./testing/fake-electron'))

beforeEach(() => resetFakeElectron())

const flags = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true, canUndo: true, canRedo: true, canDelete: true, canEditRichly: false }

function params(over: Partial<ContextParams> = {}): ContextParams {
  return { isEditable: false, selectionText: '', misspelledWord: '', dictionarySuggestions: [], editFlags: flags, linkURL: '', ...over }
}

function actions(): ContextActions & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    replaceMisspelling: (w) => void calls.push(`replace:${w}`),
    addToDictionary: (w) => void calls.push(`add:${w}`),
    copyText: (t) => void calls.push(`copy:${t}`),
    openLink: (u) => void calls.push(`open:${u}`),
  }
}

/** What a person reads in the menu: labels (or roles) and separators, disabled items marked. */
function shown(items: FakeMenuItem[]): string[] {
  return items.map((i) => (i.type === 'separator' ? '—' : `${i.label ?? i.role}${i.enabled === false ? ' (off)' : ''}`))
}

describe('context menu template', () => {
  it('a text field: cut, copy, paste, select all as native roles, enabled as the field allows', () => {
    const t = contextMenuTemplate(params({ isEditable: true, editFlags: { ...flags, canCut: false, canCopy: false } }), 'en', actions())
    expect(shown(t as FakeMenuItem[])).toEqual(['Cut (off)', 'Copy (off)', 'Paste', '—', 'Select all'])
    expect(t.map((i) => i.role)).toEqual(['cut', 'copy', 'paste', undefined, 'selectAll'])
  })

  it('a misspelled word: suggestions first (at most five), then "Add to dictionary", then the edit commands', () => {
    const a = actions()
    const words = ['receive', 'recipe', 'relieve', 'reprieve', 'retrieve', 'recede', 'reverie']
    const t = contextMenuTemplate(params({ isEditable: true, misspelledWord: 'recieve', dictionarySuggestions: words }), 'en', a)
    expect(shown(t as FakeMenuItem[])).toEqual([
      ...words.slice(0, MAX_SUGGESTIONS), 'Add to dictionary', '—', 'Cut', 'Copy', 'Paste', '—', 'Select all',
    ])
    t[0]!.click!(undefined as never, undefined, undefined as never)
    t[MAX_SUGGESTIONS]!.click!(undefined as never, undefined, undefined as never)
    expect(a.calls).toEqual(['replace:receive', 'add:recieve'])
  })

  it('in Persian, with no suggestion for a word', () => {
    const t = contextMenuTemplate(params({ isEditable: true, misspelledWord: 'سلامم' }), 'fa', actions())
    expect(shown(t as FakeMenuItem[])).toEqual(['پیشنهادی نیست (off)', 'افزودن به واژه‌نامه', '—', 'برش', 'رونوشت', 'چسباندن', '—', 'انتخاب همه'])
  })

  it('selected text outside a field: Copy only; nothing selected and no link: no menu at all', () => {
    expect(shown(contextMenuTemplate(params({ selectionText: 'سلام دنیا' }), 'en', actions()) as FakeMenuItem[])).toEqual(['Copy'])
    expect(contextMenuTemplate(params({ selectionText: '  \n' }), 'en', actions())).toEqual([])
    expect(contextMenuTemplate(params(), 'fa', actions())).toEqual([])
  })

  it('a web link: copy it or open it in the browser; other schemes are not offered', () => {
    const a = actions()
    const t = contextMenuTemplate(params({ linkURL: 'https://EXAMPLE.org/گزارش?x=1' }), 'en', a)
    expect(shown(t as FakeMenuItem[])).toEqual(['Copy link', 'Open link in the browser'])
    for (const i of t) i.click!(undefined as never, undefined, undefined as never)
    const url = 'https://example.org/%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4?x=1' // re-serialized: what is copied is what was checked
    expect(a.calls).toEqual([`copy:${url}`, `open:${url}`])
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'app://bundle/index.html']) {
      expect(contextMenuTemplate(params({ linkURL: bad }), 'en', actions())).toEqual([])
    }
  })
})

describe('context menu on a window', () => {
  function rightClick(win: BrowserWindow, p: ContextParams): void {
    win.webContents.emit('context-menu', { preventDefault() {} }, p)
  }

  it('pops the menu up over its window, in the current UI language, and its actions reach Electron', () => {
    const win = new BrowserWindow({})
    let locale = 'en'
    const openExternal = vi.fn()
    installContextMenu(win as never, { Menu: Menu as never, getLocale: () => locale, clipboard, openExternal })

    rightClick(win, params({ isEditable: true, misspelledWord: 'helo', dictionarySuggestions: ['hello'] }))
    expect(FakeMenu.popups).toHaveLength(1)
    const { menu, options } = FakeMenu.popups[0]!
    expect(options).toEqual({ window: win })
    menu.items[0]!.click!()
    menu.find('Add to dictionary')!.click!()
    expect(win.webContents.replaced).toEqual(['hello'])
    expect(win.webContents.session.dictionaryWords).toEqual(['helo'])

    locale = 'fa'
    rightClick(win, params({ linkURL: 'https://example.org/' }))
    const links = FakeMenu.popups[1]!.menu
    links.find('رونوشت پیوند')!.click!()
    expect(clipboard.text).toBe('https://example.org/')
    links.find('باز کردن پیوند در مرورگر')!.click!()
    expect(openExternal).toHaveBeenCalledWith('https://example.org/')

    // Nothing to offer: no empty menu.
    rightClick(win, params())
    expect(FakeMenu.popups).toHaveLength(2)
  })
})

describe('spell check', () => {
  it('Persian and English where Chromium has them; macOS keeps the system checker', () => {
    const ses = new FakeSession()
    expect(enableSpellCheck(ses as never, 'linux')).toEqual(['fa', 'en-US'])
    expect(ses.spellCheckerLanguages).toEqual(['fa', 'en-US'])
    const noPersian = new FakeSession()
    noPersian.availableSpellCheckerLanguages = ['en-US', 'de']
    expect(enableSpellCheck(noPersian as never, 'win32')).toEqual(['en-US'])
    const mac = new FakeSession()
    expect(enableSpellCheck(mac as never, 'darwin')).toEqual([])
    expect(mac.spellCheckerLanguages).toEqual([])
  })
})
