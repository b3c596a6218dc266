// FileDialogs on Electron (issue 4): the open dialog for "attach", and the save flow of ../files.ts with the real
// save dialog, message box and file manager. Core gets paths only from here or from the preload's stage channel.
import { app, dialog, shell, type BrowserWindow } from 'electron'
import type { FileDialogs } from '../core/ports'
import { createSaveFlow } from '../files'

export interface FileDialogOptions {
  getWindow: () => BrowserWindow | null | undefined
  /** UI language for main's own texts ('fa' | 'en'). */
  locale: () => string | Promise<string>
}

export function createFileDialogs(opts: FileDialogOptions): FileDialogs {
  const parent = () => {
    const w = opts.getWindow()
    return w && !w.isDestroyed() ? w : undefined
  }
  const save = createSaveFlow({
    showSaveDialog: (o) => {
      const w = parent()
      const options = { defaultPath: o.defaultPath, properties: ['createDirectory' as const] }
      return w ? dialog.showSaveDialog(w, options) : dialog.showSaveDialog(options)
    },
    showMessageBox: (o) => {
      const w = parent()
      return w ? dialog.showMessageBox(w, o) : dialog.showMessageBox(o)
    },
    showItemInFolder: (p) => shell.showItemInFolder(p),
    defaultDir: () => app.getPath('downloads'),
    locale: opts.locale,
  })
  return {
    async pickFiles() {
      const w = parent()
      const options = { properties: ['openFile' as const, 'multiSelections' as const] }
      const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options)
      return r.canceled ? [] : r.filePaths
    },
    saveFile: save.saveFile,
    showSaved: save.showSaved,
  }
}
