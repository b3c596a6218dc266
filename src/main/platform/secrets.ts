// SecretStore with safeStorage (DESIGN §6): the token lives only in main, encrypted with the OS keychain.
// Where Linux has no keyring (backend 'basic_text', a hard-coded key), the user is asked before we store it
// in what amounts to plaintext.
import { app, dialog, safeStorage, type BrowserWindow } from 'electron'
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { ChtError } from '../core/errors'
import type { SecretStore } from '../core/ports'

const ENCRYPTED = 'enc:'
const PLAIN = 'plain:'

export interface SecretStoreOptions {
  /** Defaults to `<userData>/token.bin`. */
  file?: string
  /** Parent for the consent dialog. */
  getWindow?: () => BrowserWindow | null | undefined
}

/** True when safeStorage really protects data (an OS keychain), not just obfuscates it. */
export function hasStrongEncryption(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return false
  return true
}

async function askPlaintextConsent(win: BrowserWindow | null | undefined): Promise<boolean> {
  const fa = app.getLocale().startsWith('fa')
  const options = {
    type: 'warning' as const,
    buttons: fa ? ['ذخیره بدون رمزنگاری', 'لغو'] : ['Store without encryption', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    title: 'cht',
    message: fa ? 'کلید امن سیستم در دسترس نیست' : 'No system keyring is available',
    detail: fa
      ? 'توکن ورود شما بدون رمزنگاری روی این رایانه ذخیره می‌شود. هر کسی که به پرونده‌های شما دسترسی داشته باشد می‌تواند از آن استفاده کند.'
      : 'Your sign-in token would be stored unencrypted on this computer. Anyone who can read your files could use it.',
  }
  const { response } = win && !win.isDestroyed()
    ? await dialog.showMessageBox(win, options)
    : await dialog.showMessageBox(options)
  return response === 0
}

async function writePrivate(file: string, data: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, data, { mode: 0o600 })
  await chmod(tmp, 0o600)
  await rename(tmp, file)
}

export function createSecretStore(opts: SecretStoreOptions = {}): SecretStore {
  const file = opts.file ?? join(app.getPath('userData'), 'token.bin')
  let consented = false

  return {
    async get() {
      let raw: string
      try {
        raw = await readFile(file, 'utf8')
      } catch {
        return null
      }
      try {
        if (raw.startsWith(ENCRYPTED)) {
          return safeStorage.decryptString(Buffer.from(raw.slice(ENCRYPTED.length), 'base64')) || null
        }
        if (raw.startsWith(PLAIN)) return raw.slice(PLAIN.length) || null
      } catch {
        // Keychain changed or file damaged: behave as signed out rather than crash.
      }
      return null
    },

    async set(token) {
      if (!hasStrongEncryption() && !consented) {
        if (!(await askPlaintextConsent(opts.getWindow?.()))) throw new ChtError('secret.plaintext-refused')
        consented = true
      }
      const data = safeStorage.isEncryptionAvailable()
        ? ENCRYPTED + safeStorage.encryptString(token).toString('base64')
        : PLAIN + token
      await writePrivate(file, data)
    },

    async clear() {
      await rm(file, { force: true })
    },
  }
}
