import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ChtError } from '../core/errors'
import { app, dialog, resetFakeElectron, safeStorage } from '../testing/fake-electron'
import { createSecretStore, hasStrongEncryption } from './secrets'

vi.mock('electron', () => import('../testing/fake-electron'))

let dir: string
let file: string
const realPlatform = Object.getOwnPropertyDescriptor(process, 'platform')!
/** The keyring question exists only on Linux: act as Linux wherever the tests run. */
const asLinux = () => Object.defineProperty(process, 'platform', { ...realPlatform, value: 'linux' })
afterEach(() => Object.defineProperty(process, 'platform', realPlatform))
beforeEach(() => {
  resetFakeElectron()
  dir = mkdtempSync(join(tmpdir(), 'cht-secrets-'))
  file = join(dir, 'sub', 'token.bin')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const TOKEN = '3f9c0d1e2b4a5968778695a4b3c2d1e0'

describe('SecretStore on safeStorage (DESIGN §6)', () => {
  it('encrypts with safeStorage, owner-only file, round-trips', async () => {
    const s = createSecretStore({ file })
    expect(await s.get()).toBeNull()
    await s.set(TOKEN)
    const raw = readFileSync(file, 'utf8')
    expect(raw.startsWith('enc:')).toBe(true)
    expect(raw).not.toContain(TOKEN)
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(await s.get()).toBe(TOKEN)
    expect(await createSecretStore({ file }).get()).toBe(TOKEN)
    expect(dialog.showMessageBox).not.toHaveBeenCalled()
    await s.clear()
    expect(await s.get()).toBeNull()
    await s.clear() // clearing twice is fine
  })

  it('defaults to userData/token.bin', async () => {
    app.userData = dir
    await createSecretStore().set(TOKEN)
    expect(readFileSync(join(dir, 'token.bin'), 'utf8')).toMatch(/^enc:/)
  })

  it('asks before storing without a keyring (basic_text); refusal throws and writes nothing', async () => {
    asLinux()
    safeStorage.backend = 'basic_text'
    expect(hasStrongEncryption()).toBe(false)
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false })
    const s = createSecretStore({ file })
    const err = await s.set(TOKEN).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChtError)
    expect((err as ChtError).code).toBe('secret.plaintext-refused')
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1)
    expect(await s.get()).toBeNull()
  })

  it('stores after consent (basic_text), and asks only once', async () => {
    asLinux()
    safeStorage.backend = 'basic_text'
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false })
    const s = createSecretStore({ file })
    await s.set(TOKEN)
    await s.set(`${TOKEN}2`)
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1)
    expect(await s.get()).toBe(`${TOKEN}2`)
  })

  it('without any encryption, asks and stores plaintext only after consent', async () => {
    safeStorage.available = false
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false })
    const s = createSecretStore({ file })
    await s.set(TOKEN)
    expect(readFileSync(file, 'utf8')).toBe(`plain:${TOKEN}`)
    expect(await s.get()).toBe(TOKEN)
  })

  it('the consent dialog defaults to Cancel and speaks Persian to Persian users', async () => {
    safeStorage.available = false
    app.locale = 'fa-IR'
    await createSecretStore({ file }).set(TOKEN).catch(() => undefined)
    const opts = dialog.showMessageBox.mock.calls[0].at(-1) as { buttons: string[]; defaultId: number; cancelId: number; message: string }
    expect(opts.defaultId).toBe(1)
    expect(opts.cancelId).toBe(1)
    expect(opts.message).toMatch(/[\u0600-\u06FF]/)
  })

  it('a damaged or foreign file reads as signed out', async () => {
    const s = createSecretStore({ file })
    await s.set(TOKEN)
    writeFileSync(file, 'garbage')
    expect(await s.get()).toBeNull()
  })
})
