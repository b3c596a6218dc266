// FileDialogs on Electron (issue 4): the open dialog for "attach", and the save and open flows of ../files.ts with
// the real save dialog, message box, file manager and shell.openPath (issue 12). Core gets paths only from here or from the preload's stage channel.
import { app, dialog, shell, type BrowserWindow } from 'electron'
import type { FileDialogs } from '../core/ports'
import { join } from 'node:path'
import { createOpenFlow, createSaveFlow } from '../files'

export interface FileDialogOptions {
  getWindow: () => BrowserWindow | null | undefined
  /** UI language for main's own texts ('fa' | 'en'). */
  locale: () => string | Promise<string>
  /** The app's private cache folder: received files opened with "Open" are downloaded under it (issue 12). */
  cacheDir: string
}

export function createFileDialogs(opts: FileDialogOptions): Required<FileDialogs> {
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
  const open = createOpenFlow({
    dir: join(opts.cacheDir, 'open'),
    showMessageBox: (o) => {
      const w = parent()
      return w ? dialog.showMessageBox(w, o) : dialog.showMessageBox(o)
    },
    openPath: (p) => shell.openPath(p),
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
    openFile: open.openFile,
  }
}
